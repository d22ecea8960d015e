newsarchiveIndex("w/72-69",[["right",292327903314179]]);
