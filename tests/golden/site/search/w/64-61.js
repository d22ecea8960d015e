newsarchiveIndex("w/64-61",[["daivd",983403196250048]]);
