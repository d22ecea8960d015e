newsarchiveIndex("w/77-61",[["want",976173192684342]]);
