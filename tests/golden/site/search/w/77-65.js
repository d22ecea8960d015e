newsarchiveIndex("w/77-65",[["we",759708359184904]]);
