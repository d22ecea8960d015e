newsarchiveIndex("w/61",[["a",78]]);
