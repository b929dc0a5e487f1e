"""The charge an element carries, and whether an element can be the mobile ion of a host.

One owner for an ion's charge: the ionic element table, the bond-valence
landscape (through the decorated structure, ``chemistry.bvse``) and the
descriptor baseline all read ``host_charge``.
"""
from __future__ import annotations

from pymatgen.core import Composition, Element, Structure

from hopnet.chemistry.oxidation import common_states
from hopnet.errors import HopnetInputError
from hopnet.vocabulary import element_of, elements_present


def host_charge(el: Element | str) -> int | None:
    """The charge an element most plausibly carries in an ionic host. Chalcogens, halogens and N: their anion
    state (sulfides, chlorides, nitrides). Other p-block elements: their highest common state, as the centres of
    the polyanions that frame most hosts (PO4 P5+, SiO4 Si4+, CO3 C4+, BO3 B3+). Metals: the common positive
    state nearest +3, the higher on a tie (Mn4+, Co3+, Cr3+, Ni2+, Mo4+; not the permanganate or chromate
    states that 'highest common state' gives). None for the noble gases."""
    el = Element(el) if isinstance(el, str) else el
    states = el.common_oxidation_states
    positive = [q for q in states if q > 0]
    if not states:
        return None
    if (el.group in (16, 17) or el.symbol == "N") and min(states) < 0:
        return min(states)
    if not positive:
        return min(states)
    if el.block == "p":
        return max(positive)
    return min(positive, key=lambda q: (abs(q - 3), -q))


def anion_electronegativity(composition: Composition) -> float | None:
    """The amount-weighted Pauling electronegativity of the anions. A softer, more polarisable anion framework
    (S, Se, I) holds a mobile cation less tightly than O or F; None where the host has no anion (an alloy).
    The anions are the elements negative in the composition's one balanced assignment of common states (the S
    of Li2SO4 is a cation there, the H of LiBH4 an anion), else those ``host_charge`` makes negative
    (chalcogens, halogens, N)."""
    states = common_states(composition)
    anions = {el: n for el, n in composition.element_composition.items()
              if ((states[el.symbol] if states else host_charge(el)) or 0) < 0}
    total = sum(anions.values())
    return sum(el.X * n for el, n in anions.items()) / total if total else None


def crystal_radius(el: Element, q: int) -> float | None:
    """Shannon crystal radius (Å) of ``el`` at charge ``q``: six-fold where tabulated (high spin where spin
    matters), else the coordination nearest six; None where Shannon has no entry."""
    table = el.data.get("Shannon radii", {}).get(str(q), {})
    if not table:
        return None
    order = ["VI", "V", "VII", "IV", "VIII", "IVSQ", "IX", "III", "X", "II", "XII", "XIV", "I"]
    cn = min(table, key=lambda c: order.index(c) if c in order else len(order))
    spins = table[cn]
    spin = "High Spin" if "High Spin" in spins else next(iter(spins))
    radius = float(spins[spin]["crystal_radius"])
    return radius if radius > 0 else None  # H+ is tabulated below zero: no size an ion model can use


def mobile_charge(structure: Structure, ion: str) -> int:
    """The mobile ion's charge in ``structure``: as decorated where its sites carry oxidation states (the
    bond-valence analyser tells Cu+ from Cu2+), else ``host_charge``."""
    states = {round(sp.oxi_state) for site in structure for sp in site.species
              if element_of(sp) == ion and getattr(sp, "oxi_state", None)}
    return states.pop() if len(states) == 1 else int(host_charge(ion) or 1)


def check_mobile_cation(structure: Structure, ion: str, source: str = "host") -> None:
    """Refuse, in one line, a host whose ``ion`` cannot be a mobile cation: a structure of the ion alone (a
    metal, no ionic framework), a structure with no anion (an alloy, or a file that lost its anions), or an
    ion that is the host's most electronegative element (its anion: O in an oxide, S in a sulfide). Every
    training hop is a cation moving through an anion framework."""
    others = [el for el in elements_present(structure) if el != ion]
    if not others:
        raise HopnetInputError(source, f"the structure holds only {ion}: a metal, not an ionic host; hopnet prices "
                                       "a cation's hops through an anion framework")
    if anion_electronegativity(structure.composition) is None:
        raise HopnetInputError(source, f"no anion: {structure.composition.reduced_formula} has no element that carries "
                                       "a negative charge (an alloy, or a file that lost its anions); hopnet prices "
                                       "ion hops in ionic hosts")
    anion = max(others, key=lambda el: Element(el).X)
    if Element(ion).X >= Element(anion).X:
        raise HopnetInputError(source, f"{ion} is the most electronegative element of this host (an anion, not a "
                                       f"mobile cation); choose a cation for --ion (species present: "
                                       f"{', '.join(elements_present(structure))})")
