newsarchiveIndex("w/6f-62",[["obviously",65]]);
