newsarchiveIndex("w/77-69",[["with",57]]);
