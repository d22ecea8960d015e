newsarchiveIndex("w/32-30",[["2020",34]]);
