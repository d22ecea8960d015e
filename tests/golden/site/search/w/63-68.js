newsarchiveIndex("w/63-68",[["christensen",445224966766056]]);
