newsarchiveIndex("w/70-75",[["pushing",69]]);
