newsarchiveIndex("w/63-6f",[["continue",60]]);
