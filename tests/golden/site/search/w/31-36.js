newsarchiveIndex("w/31-36",[["16",514829220108015]]);
