newsarchiveIndex("w/69-6e",[["in",80],["instagram",84],["into",74]]);
