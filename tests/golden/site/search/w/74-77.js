newsarchiveIndex("w/74-77",[["twitter",9]]);
