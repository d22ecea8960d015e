newsarchiveIndex("w/77-65",[["we",66]]);
