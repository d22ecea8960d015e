newsarchiveIndex("w/6b-65",[["keith",1060454411858276],["kelly",615038565328676]]);
