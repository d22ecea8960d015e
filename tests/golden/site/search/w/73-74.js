newsarchiveIndex("w/73-74",[["strengthen",227593915129399]]);
