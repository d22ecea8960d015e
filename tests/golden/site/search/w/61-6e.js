newsarchiveIndex("w/61-6e",[["and",46]]);
