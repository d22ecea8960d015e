newsarchiveIndex("w/61-6e",[["and",208311851505177]]);
