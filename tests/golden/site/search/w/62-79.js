newsarchiveIndex("w/62-79",[["by",430693527742477]]);
