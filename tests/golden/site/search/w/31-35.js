newsarchiveIndex("w/31-35",[["15",6]]);
