newsarchiveIndex("w/62-6c",[["blackburn",86]]);
