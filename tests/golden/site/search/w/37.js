newsarchiveIndex("w/37",[["7",1017324730268130]]);
