"""Chemistry: which element carries which charge, where oxidation states come from, the bond-valence code."""
