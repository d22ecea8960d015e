newsarchiveIndex("w/68-65",[["he",117594531670594],["health",459767707179445]]);
