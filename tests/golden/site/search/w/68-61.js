newsarchiveIndex("w/68-61",[["has",50],["have",77]]);
