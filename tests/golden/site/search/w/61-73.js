newsarchiveIndex("w/61-73",[["assembly",82]]);
