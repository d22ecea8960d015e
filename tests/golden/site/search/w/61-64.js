newsarchiveIndex("w/61-64",[["administration",121049146709996]]);
