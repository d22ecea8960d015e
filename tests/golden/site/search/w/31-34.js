newsarchiveIndex("w/31-34",[["14",356528306612177]]);
