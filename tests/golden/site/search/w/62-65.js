newsarchiveIndex("w/62-65",[["be",753687932585138],["behalf",916980406856666]]);
