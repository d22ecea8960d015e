newsarchiveIndex("w/31",[["1",4]]);
