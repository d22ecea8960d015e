newsarchiveIndex("w/62-69",[["bilateral",55]]);
