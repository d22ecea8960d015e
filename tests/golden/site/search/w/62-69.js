newsarchiveIndex("w/62-69",[["bilateral",1017691811703548]]);
