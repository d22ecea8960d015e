newsarchiveIndex("w/62-6c",[["blackburn",616747908791918]]);
