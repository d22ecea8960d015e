newsarchiveIndex("w/66-6f",[["for",70]]);
