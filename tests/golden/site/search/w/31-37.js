newsarchiveIndex("w/31-37",[["17",32]]);
