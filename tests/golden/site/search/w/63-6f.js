newsarchiveIndex("w/63-6f",[["continue",28592163734963]]);
