newsarchiveIndex("w/31-32",[["12",472687583830808]]);
