newsarchiveIndex("w/64-6f",[["do",39],["donald",17]]);
