newsarchiveIndex("w/6f-62",[["obviously",333622536928609]]);
