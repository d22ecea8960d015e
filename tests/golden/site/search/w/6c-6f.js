newsarchiveIndex("w/6c-6f",[["looking",117527178092147]]);
