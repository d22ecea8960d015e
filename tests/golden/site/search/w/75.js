newsarchiveIndex("w/75",[["u",27356327806367]]);
