newsarchiveIndex("w/33",[["3",31]]);
