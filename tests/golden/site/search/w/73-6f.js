newsarchiveIndex("w/73-6f",[["sought",264688819299942]]);
