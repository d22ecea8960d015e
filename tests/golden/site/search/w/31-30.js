newsarchiveIndex("w/31-30",[["10",83],["1090917",33]]);
