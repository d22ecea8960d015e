newsarchiveIndex("w/61-64",[["administration",64]]);
