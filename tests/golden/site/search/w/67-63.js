newsarchiveIndex("w/67-63",[["gctf",8]]);
