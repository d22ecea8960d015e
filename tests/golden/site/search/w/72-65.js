newsarchiveIndex("w/72-65",[["really",67],["relationship",56]]);
