newsarchiveIndex("w/62-72",[["brent",12]]);
