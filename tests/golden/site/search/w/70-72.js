newsarchiveIndex("w/70-72",[["president",754349494661815]]);
