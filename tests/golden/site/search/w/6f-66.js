newsarchiveIndex("w/6f-66",[["of",63]]);
