"""What a prediction or a host answer says about itself: typed flags, one closed set of kinds.

A barrier can be outside the training domain (an element, an ion, a hop
length or an arrangement the network never saw), or fine for the network yet
less certain for another reason (its channel was not checked, one end is an
empty site, the oxidation states were guessed). These are different
statements: the ``out_of_domain`` column of ``screen`` and ``predict`` holds
the first kind only, the host answer falls to uncertain where the hop that
decides it is out of domain, and every consumer selects by ``kind``, never by
the wording of ``text``.
"""
from __future__ import annotations

from enum import Enum
from typing import Iterable

from pydantic import BaseModel, ConfigDict


class FlagKind(str, Enum):
    # The network extrapolates: the input lies outside what it was trained on.
    UNSEEN_ION = "unseen ion"
    UNSEEN_ELEMENT = "unseen element"  # near the hop, or a sizeable share of the atoms
    HOP_LENGTH = "hop length"
    EMBEDDING = "embedding"
    # A dopant the network never saw, dilute and away from the hop: the host it substitutes into is priced.
    DILUTE_UNSEEN_ELEMENT = "dilute unseen element"
    # The hop itself.
    VIA_EMPTY_SITE = "via empty site"  # one end is a bond-valence minimum, not a site the ion occupies
    BLOCKED = "blocked"  # no open channel: left out of percolation
    # A hop whose sites the landscape's grid cannot resolve; or, as a host's note, a host without a landscape.
    CHANNEL_UNCHECKED = "channel unchecked"
    # The host.
    GUESSED_OXIDATION_STATES = "guessed oxidation states"
    DROPPED_HOP = "dropped hop"  # no band could be drawn for it
    FEWER_ORDERINGS = "fewer orderings"  # priced in fewer orderings than asked, to stay within the time bound
    ROUNDED_OCCUPANCY = "rounded occupancy"
    PRIMITIVE_CELL = "primitive cell"  # a large cell ordered or analysed in its primitive cell
    SPLIT_SITES = "split sites"  # partial positions of one ion site merged into one node
    SHARED_SITES = "shared sites"  # the ion shares sites with another species
    CLEARED_END_SITES = "cleared end sites"  # priced in an ordering with the other species taken off its ends
    EMPTY_SITES = "empty sites"  # bond-valence minima joined the nodes, or why they did not
    IN_TRAINING_TABLE = "in training table"  # the host's barriers were part of the network's training data


OUT_OF_DOMAIN = frozenset({FlagKind.UNSEEN_ION, FlagKind.UNSEEN_ELEMENT, FlagKind.HOP_LENGTH, FlagKind.EMBEDDING})


class Flag(BaseModel):
    """One statement about a prediction: its ``kind``, the number it turns on (an embedding distance, a hop
    length, a BVSE barrier; None where there is none) and the sentence a user reads."""

    model_config = ConfigDict(frozen=True)

    kind: FlagKind
    text: str
    value: float | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def out_of_domain(self) -> bool:
        return self.kind in OUT_OF_DOMAIN


def strongest_per_kind(flags: Iterable[Flag]) -> list[Flag]:
    """One flag of each kind over several (the orderings of a hop): the one with the largest value (the
    farthest embedding distance, say), in a stable order."""
    chosen: dict[FlagKind, Flag] = {}
    for flag in flags:
        held = chosen.get(flag.kind)
        if held is None or (flag.value or 0.0) > (held.value or 0.0):
            chosen[flag.kind] = flag
    return sorted(chosen.values(), key=lambda f: (list(FlagKind).index(f.kind), f.text))


def texts(flags: Iterable[Flag]) -> str:
    """Flags as one CSV cell."""
    return "; ".join(f.text for f in flags)


def flag_columns(flags: Iterable[Flag]) -> dict[str, str]:
    """A prediction's flags as two CSV cells: ``out_of_domain`` only the kinds that put its input outside the
    training domain, ``notes`` the others (a dilute unseen dopant is priced, not extrapolated)."""
    flags = list(flags)
    return {"out_of_domain": texts(f for f in flags if f.out_of_domain),
            "notes": texts(f for f in flags if not f.out_of_domain)}
