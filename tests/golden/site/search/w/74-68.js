newsarchiveIndex("w/74-68",[["that",48],["the",40],["them",71],["theun",29],["thing",42],["this",54]]);
