newsarchiveIndex("w/74-77",[["twitter",530770295384839]]);
