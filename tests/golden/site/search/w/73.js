newsarchiveIndex("w/73",[["s",26]]);
