newsarchiveIndex("w/73-74",[["strengthen",52]]);
