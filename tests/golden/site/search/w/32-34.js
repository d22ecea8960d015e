newsarchiveIndex("w/32-34",[["2400",221579293451358]]);
