newsarchiveIndex("w/69",[["i",935984589058593]]);
