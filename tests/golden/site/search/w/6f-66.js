newsarchiveIndex("w/6f-66",[["of",837798052215169]]);
