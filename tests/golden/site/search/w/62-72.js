newsarchiveIndex("w/62-72",[["brent",718232261543279]]);
