newsarchiveIndex("w/32-34",[["2400",22]]);
