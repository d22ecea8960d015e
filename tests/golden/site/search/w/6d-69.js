newsarchiveIndex("w/6d-69",[["mission",27]]);
