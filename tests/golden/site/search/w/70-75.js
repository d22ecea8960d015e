newsarchiveIndex("w/70-75",[["pushing",575863577198362]]);
