"""Oxidation states for the bond-valence landscape, and where they came from.

In order of cost: the structure's own where it has them; else, where the
composition allows exactly one charge-balanced assignment from the elements'
common oxidation states (Li+ La3+ Zr4+ O2-; most electrolytes), that one, in
under a millisecond for the usual four or five elements; else pymatgen's bond-valence analyser, which assigns states site
by site from the geometry (it tells Mn3+ from Mn4+ where the composition
cannot) and costs seconds on a large cell; else, where it finds no
charge-balanced assignment, the composition's most likely states per element:
whole numbers where they balance, else a mixed-valence cation at its average.
That last search grows combinatorially with the cell (an argyrodite ordering
of 100 sites ran for over 15 minutes), so it is only tried on compositions that
reduce to a few dozen atoms.

Why our own first rule: pymatgen's ``oxi_state_guesses`` weighs every state
an element has ever shown, by ICSD frequency, over the whole cell; the common
states alone, by element, answer the unambiguous cases without a search.
"""
from __future__ import annotations

import itertools
from enum import Enum

import numpy as np
from pymatgen.core import Composition, Element, Species, Structure


class OxidationOrigin(str, Enum):
    STRUCTURE = "structure"
    COMMON = "common oxidation states"  # the one balanced assignment from the elements' common states
    BOND_VALENCE = "bond valence"
    COMPOSITION = "composition"  # whole-number states that balance the composition
    MIXED_VALENCE = "composition, mixed valence averaged"  # a cation at the average of its mixed states

    @property
    def guessed(self) -> bool:
        """Guessed from the composition alone: channel checks on such states are less certain."""
        return self in (OxidationOrigin.COMPOSITION, OxidationOrigin.MIXED_VALENCE)


# Species bvlain refuses when it assigns valences itself (no bond-valence parameters for them).
FORBIDDEN_SPECIES = ("O-", "P3-")
BALANCE_TOLERANCE = 0.02  # of the cations' total charge: an ordering of rounded occupancies may be off by a little
# A file's refined occupancies rarely sum to exact neutrality (a Ta-doped garnet's Li is 3-4 % off): its own
# states, which stand in for an ordering's that balance with none, are taken within this share.
FILE_BALANCE_TOLERANCE = 0.05
MAX_ASSIGNMENTS = 50_000  # combinations of common states tried before the rule gives way to the analyser
MAX_GUESS_ATOMS = 40  # atoms of the reduced composition beyond which pymatgen's composition search is not tried


def common_states(composition: Composition, absent: str | None = None,
                  tolerance: float = BALANCE_TOLERANCE) -> dict[str, int] | None:
    """The one assignment of the elements' common oxidation states that balances ``composition`` (within
    ``tolerance`` of the cations' charge) with every anion more electronegative than every cation; None when
    there is none or more than one (mixed valence, or a choice the geometry must make).

    ``absent``: a cation the crystal holds but the file does not (Li, which X-ray refinements often leave
    out): the states may then leave a negative charge for it to balance, and the assignment that leaves the
    least is taken."""
    amounts = {el.symbol: amount for el, amount in composition.element_composition.items()}
    options = [[q for q in Element(el).common_oxidation_states if q != 0] for el in amounts]
    if not all(options) or np.prod([len(o) for o in options]) > MAX_ASSIGNMENTS:
        return None
    weights = np.array(list(amounts.values()))
    negativity = np.array([Element(el).X for el in amounts])
    found: list[tuple[float, dict[str, int]]] = []
    for states in itertools.product(*options):
        q = np.array(states, float)
        positive = q > 0
        if positive.all() or not positive.any() or negativity[~positive].min() <= negativity[positive].max():
            continue
        net, allowed = q @ weights, tolerance * (q[positive] @ weights[positive])
        if abs(net) <= allowed or (absent is not None and net < 0):
            found.append((abs(net) if absent is not None else 0.0, dict(zip(amounts, states))))
    found.sort(key=lambda item: item[0])
    if not found or (len(found) > 1 and found[1][0] <= found[0][0] + 1e-9):
        return None
    return found[0][1]


def with_oxidation_states(structure: Structure, absent: str | None = None) -> tuple[Structure, OxidationOrigin]:
    """``structure`` with oxidation states, and where they came from (see the module's text); ``absent`` names
    a cation the crystal holds but the structure lacks (``common_states``). Raises ValueError when none can be
    found."""
    from pymatgen.analysis.bond_valence import BVAnalyzer

    if all(getattr(site.specie, "oxi_state", None) is not None for site in structure):
        return structure, OxidationOrigin.STRUCTURE
    common = common_states(structure.composition, absent)
    if common is not None and not any(str(Species(el, q)) in FORBIDDEN_SPECIES for el, q in common.items()):
        decorated = structure.copy()
        decorated.add_oxidation_state_by_element(common)
        return decorated, OxidationOrigin.COMMON
    try:
        return BVAnalyzer(forbidden_species=list(FORBIDDEN_SPECIES)).get_oxi_state_decorated_structure(structure), \
            OxidationOrigin.BOND_VALENCE
    except ValueError:
        pass
    reduced = structure.composition.reduced_composition
    guesses = reduced.oxi_state_guesses() if reduced.num_atoms <= MAX_GUESS_ATOMS else []
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
