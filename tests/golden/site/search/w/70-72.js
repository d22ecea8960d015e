newsarchiveIndex("w/70-72",[["president",45]]);
