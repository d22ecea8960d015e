newsarchiveIndex("w/63-72",[["craft",594254171272421]]);
