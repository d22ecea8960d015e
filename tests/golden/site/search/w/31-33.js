newsarchiveIndex("w/31-33",[["13",5]]);
