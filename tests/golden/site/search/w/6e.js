newsarchiveIndex("w/6e",[["n",412217247161466]]);
