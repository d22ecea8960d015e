newsarchiveIndex("w/63-68",[["christensen",13]]);
