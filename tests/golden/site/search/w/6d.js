newsarchiveIndex("w/6d",[["m",787302779982224]]);
