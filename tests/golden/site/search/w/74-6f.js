newsarchiveIndex("w/74-6f",[["to",28]]);
