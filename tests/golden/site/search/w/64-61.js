newsarchiveIndex("w/64-61",[["daivd",10]]);
