newsarchiveIndex("w/6d-61",[["marsha",187206137743227]]);
