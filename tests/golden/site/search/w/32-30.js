newsarchiveIndex("w/32-30",[["2020",422355287438729]]);
