newsarchiveIndex("w/64-65",[["deepen",53]]);
