newsarchiveIndex("w/35",[["5",24]]);
