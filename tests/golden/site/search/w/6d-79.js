newsarchiveIndex("w/6d-79",[["my",44]]);
