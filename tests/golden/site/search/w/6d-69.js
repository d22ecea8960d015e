newsarchiveIndex("w/6d-69",[["mission",644532250924465]]);
