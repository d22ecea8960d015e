newsarchiveIndex("w/61-70",[["ap",15]]);
