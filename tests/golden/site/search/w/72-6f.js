newsarchiveIndex("w/72-6f",[["role",79]]);
