newsarchiveIndex("w/61-73",[["assembly",1004146434165233]]);
