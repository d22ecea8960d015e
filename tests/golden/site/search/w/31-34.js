newsarchiveIndex("w/31-34",[["14",0]]);
