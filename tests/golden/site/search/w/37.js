newsarchiveIndex("w/37",[["7",21]]);
