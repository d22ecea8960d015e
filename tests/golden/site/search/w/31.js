newsarchiveIndex("w/31",[["1",1086253198900968]]);
