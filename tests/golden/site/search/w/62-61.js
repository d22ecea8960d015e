newsarchiveIndex("w/62-61",[["back",73]]);
