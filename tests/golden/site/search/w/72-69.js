newsarchiveIndex("w/72-69",[["right",41]]);
