newsarchiveIndex("w/31-35",[["15",1089150061327041]]);
