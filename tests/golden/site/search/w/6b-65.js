newsarchiveIndex("w/6b-65",[["keith",19],["kelly",1]]);
