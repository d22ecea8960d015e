newsarchiveIndex("w/66-65",[["feel",47],["feith",11]]);
