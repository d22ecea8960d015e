newsarchiveIndex("w/61-70",[["ap",846170296305116]]);
