newsarchiveIndex("w/35",[["5",612772152850998]]);
