newsarchiveIndex("w/62-79",[["by",43]]);
