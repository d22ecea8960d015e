newsarchiveIndex("w/68-65",[["he",49],["health",81]]);
