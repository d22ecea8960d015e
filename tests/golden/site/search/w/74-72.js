newsarchiveIndex("w/74-72",[["trump",818043195534101]]);
