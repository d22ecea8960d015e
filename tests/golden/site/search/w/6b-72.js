newsarchiveIndex("w/6b-72",[["krach",291973617017768]]);
