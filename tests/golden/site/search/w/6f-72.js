newsarchiveIndex("w/6f-72",[["or",553847247404291]]);
