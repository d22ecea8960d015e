newsarchiveIndex("w/6b-72",[["krach",20]]);
