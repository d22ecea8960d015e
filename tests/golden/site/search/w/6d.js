newsarchiveIndex("w/6d",[["m",37]]);
