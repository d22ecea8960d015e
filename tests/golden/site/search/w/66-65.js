newsarchiveIndex("w/66-65",[["feel",1067525447974326],["feith",643417960926053]]);
