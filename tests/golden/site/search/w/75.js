newsarchiveIndex("w/75",[["u",25]]);
