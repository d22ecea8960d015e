newsarchiveIndex("w/74-6f",[["to",286101464589161]]);
