newsarchiveIndex("w/77-68",[["who",1030277623215818]]);
