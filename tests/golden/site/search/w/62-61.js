newsarchiveIndex("w/62-61",[["back",377776847795285]]);
