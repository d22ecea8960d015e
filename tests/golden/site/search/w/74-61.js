newsarchiveIndex("w/74-61",[["taiwan",58]]);
