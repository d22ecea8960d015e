newsarchiveIndex("w/77-61",[["want",59]]);
