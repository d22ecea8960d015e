newsarchiveIndex("w/61",[["a",285746202504601]]);
