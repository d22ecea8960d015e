newsarchiveIndex("w/30-39",[["09",35]]);
