newsarchiveIndex("w/61-72",[["are",68]]);
