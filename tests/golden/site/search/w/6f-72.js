newsarchiveIndex("w/6f-72",[["or",76]]);
