newsarchiveIndex("w/74-61",[["taiwan",987248505714956]]);
