newsarchiveIndex("w/31-33",[["13",744290223191026]]);
