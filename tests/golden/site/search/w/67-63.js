newsarchiveIndex("w/67-63",[["gctf",1115834285383688]]);
