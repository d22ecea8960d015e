newsarchiveIndex("w/31-37",[["17",141726208375093]]);
