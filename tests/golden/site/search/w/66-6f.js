newsarchiveIndex("w/66-6f",[["for",144754541958738]]);
