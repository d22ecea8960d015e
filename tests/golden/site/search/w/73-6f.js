newsarchiveIndex("w/73-6f",[["sought",51]]);
