newsarchiveIndex("w/6e",[["n",75]]);
