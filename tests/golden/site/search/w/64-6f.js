newsarchiveIndex("w/64-6f",[["do",445504464359952],["donald",35966791101936]]);
