newsarchiveIndex("w/6d-61",[["marsha",85]]);
