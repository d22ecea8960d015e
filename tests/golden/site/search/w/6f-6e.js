newsarchiveIndex("w/6f-6e",[["on",388969679447824]]);
