newsarchiveIndex("w/6f-6e",[["on",61]]);
