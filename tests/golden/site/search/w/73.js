newsarchiveIndex("w/73",[["s",1012813737667389]]);
