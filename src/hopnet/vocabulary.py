"""The domain's words, defined once: what a good conductor is, how far a hop reaches, what an ion is.

Every layer reads these from here, so the CLI, the predictor, the metrics and
the screening columns cannot drift apart.
"""
from __future__ import annotations

from typing import Literal, get_args

from pymatgen.core import Element, Structure

from hopnet.errors import HopnetInputError

GOOD_CONDUCTOR_EM = 0.65  # eV; the paper's threshold for a good ionic conductor
ROOM_TEMPERATURE = 298.15  # K: where the conductivity is measured and estimated
DEFAULT_MAX_HOP = 5.0  # Å; longest hop `paths` and `screen` consider (90 % of the training hops are shorter)
N_IMAGES = 5  # ion images of a band: fractions 0, 1/4, 1/2, 3/4, 1 of the hop
DEVICES = ("cpu", "cuda")  # where the networks may run (--device)
DEFAULT_ORDERINGS = 3  # sampled orderings of a disordered host: a spread, within a minute per host

Dimension = Literal["1D", "2D", "3D"]  # how far a network of hops reaches: a channel, a sheet, the whole crystal
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
ConductorClass = Literal["fast", "slow", "uncertain"]  # the room-temperature answer for a host


def dimension(k: int) -> Dimension:
    """The dimension's name from its number (1 -> "1D")."""
    return DIMENSIONS[k - 1]


def is_good_conductor(em: float) -> bool:
    return bool(em < GOOD_CONDUCTOR_EM)


def element_of(specie) -> str:
    """The element symbol of a pymatgen species: ``Li+`` and ``Li`` are both ``Li``.

    The big databases export oxidation-state decorated CIFs (``Co3+``, ``O2-``);
    a hop, a band and the training domain are about elements, so every
    comparison of species in hopnet goes through this one rule.
    """
    symbol = getattr(specie, "symbol", None)
    return str(symbol if symbol is not None else specie)


def elements_of(structure: Structure) -> list[str]:
    """Element symbol of every site, in site order (an ordered structure)."""
    return [element_of(site.specie) for site in structure]


def elements_present(structure: Structure) -> list[str]:
    """Every element in the structure, partially occupied sites included, sorted."""
    return sorted({element_of(el) for el in structure.composition.elements})


def parse_ion(ion: str, structure: Structure | None = None, source: str = "structure",
              must_be_present: bool = True) -> str:
    """A mobile-ion argument as an element symbol (present in ``structure``), or one line saying why not.

    Accepts ``Li`` and ``Li+``; refuses ``li`` or ``Xx`` as an unknown element and
    names the species the structure holds, so a typo is fixed at once.
    """
    present = elements_present(structure) if structure is not None else []
    listing = f"; species present: {', '.join(present)}" if present else ""
    symbol = str(ion).strip().rstrip("+-0123456789") or str(ion)
    if not Element.is_valid_symbol(symbol):
        hint = f" (did you mean {symbol.capitalize()}?)" if Element.is_valid_symbol(symbol.capitalize()) else ""
        raise HopnetInputError(source, f"unknown element {ion!r} for --ion{hint}{listing}")
    if structure is not None and must_be_present and symbol not in present:
        raise HopnetInputError(source, f"mobile ion {symbol} is not in the structure{listing}")
    return symbol
