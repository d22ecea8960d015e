newsarchiveIndex("w/74-72",[["trump",18]]);
