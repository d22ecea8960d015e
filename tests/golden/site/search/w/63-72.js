newsarchiveIndex("w/63-72",[["craft",2]]);
