newsarchiveIndex("w/33",[["3",695528683117414]]);
