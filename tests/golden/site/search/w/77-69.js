newsarchiveIndex("w/77-69",[["with",439585512808878]]);
