newsarchiveIndex("w/62-65",[["be",72],["behalf",62]]);
