newsarchiveIndex("w/77-68",[["who",23]]);
