newsarchiveIndex("w/61-72",[["are",859881018136276]]);
