newsarchiveIndex("w/30-39",[["09",648138850361143]]);
