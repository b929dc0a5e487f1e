"""Oxidation states for the bond-valence landscape, and where they came from.

The structure's own where it has them; else pymatgen's bond-valence analyser,
which assigns them site by site from the geometry (it tells Mn3+ from Mn4+
where the composition cannot); else, where it finds no charge-balanced
assignment (distorted or unusual cells, where it also spends longest), the
composition's most likely states per element: whole numbers where they
balance, else a mixed-valence cation at its average.
"""
from __future__ import annotations

from enum import Enum

from pymatgen.core import Species, Structure


class OxidationOrigin(str, Enum):
    STRUCTURE = "structure"
    BOND_VALENCE = "bond valence"
    COMPOSITION = "composition"  # whole-number states that balance the composition
    MIXED_VALENCE = "composition, mixed valence averaged"  # a cation at the average of its mixed states

    @property
    def guessed(self) -> bool:
        """Guessed from the composition alone: channel checks on such states are less certain."""
        return self in (OxidationOrigin.COMPOSITION, OxidationOrigin.MIXED_VALENCE)


# Species bvlain refuses when it assigns valences itself (no bond-valence parameters for them).
FORBIDDEN_SPECIES = ("O-", "P3-")


def with_oxidation_states(structure: Structure) -> tuple[Structure, OxidationOrigin]:
    """``structure`` with oxidation states, and where they came from (see the module's text).
    Raises ValueError when none can be found."""
    from pymatgen.analysis.bond_valence import BVAnalyzer

    if all(getattr(site.specie, "oxi_state", None) is not None for site in structure):
        return structure, OxidationOrigin.STRUCTURE
    try:
        return BVAnalyzer(forbidden_species=list(FORBIDDEN_SPECIES)).get_oxi_state_decorated_structure(structure), \
            OxidationOrigin.BOND_VALENCE
    except ValueError:
        pass
    guesses = structure.composition.oxi_state_guesses(max_sites=-1)
    usable = [g for g in guesses if all(float(v).is_integer() and str(Species(el, int(v))) not in FORBIDDEN_SPECIES
                                        for el, v in g.items() if v < 0)]
    # A whole-number assignment first; else one where a cation carries the average of a mixed valence
    # (LiMn2O4: Mn3.5+). bvlain looks up its Morse parameters by the anion's charge alone and uses a cation's
    # charge only in the Coulomb repulsion, where an average is what the mixed lattice presents to the ion.
    whole = [g for g in usable if all(float(v).is_integer() for v in g.values())]
    if usable:
        decorated = structure.copy()
        decorated.add_oxidation_state_by_element({el: int(v) if float(v).is_integer() else float(v)
                                                  for el, v in (whole or usable)[0].items()})
        return decorated, OxidationOrigin.COMPOSITION if whole else OxidationOrigin.MIXED_VALENCE
    raise ValueError("no usable oxidation states: the bond-valence analyser assigns none, and the composition "
                     "balances only with non-integer anion states or with O-/P3-, which have no bond-valence "
                     "parameters")
