newsarchiveIndex("w/64-65",[["deepen",173802807889473]]);
