newsarchiveIndex("w/31-32",[["12",7]]);
