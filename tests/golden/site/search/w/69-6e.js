newsarchiveIndex("w/69-6e",[["in",280273027093922],["instagram",960275175673646],["into",413204592072420]]);
