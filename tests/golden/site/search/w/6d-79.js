newsarchiveIndex("w/6d-79",[["my",198739409919822]]);
