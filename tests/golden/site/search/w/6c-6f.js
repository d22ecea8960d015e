newsarchiveIndex("w/6c-6f",[["looking",38]]);
