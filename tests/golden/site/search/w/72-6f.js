newsarchiveIndex("w/72-6f",[["role",211268398825307]]);
