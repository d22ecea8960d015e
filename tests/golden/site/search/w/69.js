newsarchiveIndex("w/69",[["i",36]]);
