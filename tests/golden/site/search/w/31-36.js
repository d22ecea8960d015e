newsarchiveIndex("w/31-36",[["16",16]]);
