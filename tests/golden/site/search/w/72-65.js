newsarchiveIndex("w/72-65",[["really",590336818465842],["relationship",40480867174220]]);
