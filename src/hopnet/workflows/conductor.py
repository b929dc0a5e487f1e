"""Does it conduct at room temperature? The host answer from migration, the landscape and the carriers.

A low migration barrier is necessary, not sufficient (``pathways.carriers``).
The answer combines a few physical inputs, each for a reason; the card says
which it reads:

* ``em``: the network's percolation barrier (3D, else 2D, else 1D), the
  migration barrier a carrier pays to cross the crystal;
* ``bvse``: the same hops percolated by their bond-valence barriers, the
  landscape's view of the channel, whose errors are not the network's;
* ``occupancy``: the mean occupancy of the ion's positions as the file gives
  them (``pathways.carriers.position_occupancy``): below 1 the sublattice is
  disordered and carries its own carriers; at 1 every carrier must be made,
  so the measured activation energy carries a formation part and the
  conductivity is orders of magnitude lower at the same barrier;
* ``anion_x``: the anions' Pauling electronegativity
  (``chemistry.charges.anion_electronegativity``): a soft, polarisable anion
  framework (sulfides, iodides) lowers the measured activation energy below
  what the DFT barriers the network learned from (mostly oxides) say;
* ``full`` and ``full_gap``: whether every merged site is held, and the carrier
  gap of such a host (``pathways.carriers``); measured, not shipped (they
  cross-validated worse than the inputs above, see the README).

From them, linearly, an estimated activation energy Ea with an interval (split
conformal: the half-width that covered the stated share of the out-of-fold
errors in family-grouped cross-validation), and logistically the probability
of a fast conductor (sigma >= the card's ``fast_sigma`` at room temperature);
the class is fast above ``fast_above``, slow below ``slow_below``, uncertain in
between. The fit lives in a card (``weights/conductor.json``) written by
``benchmarks/conductor_fit.py`` on the OBELiX real electrolytes, with its
source, version and cross-validation figures. It was fitted on Li
electrolytes: for another ion the inputs mean the same (the BVSE barrier
excepted: its scale grows with the ion's size and charge, so it is not read),
but the weights are Li's, and the answer says so.
"""
from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel

from hopnet.flags import Flag, FlagKind
from hopnet.pathways.carriers import WHOLE

CARD = "conductor.json"
DIMENSIONS = ("3D", "2D", "1D")  # the host barrier: the highest-dimensional network the ion has


class ConductorInputs(BaseModel):
    """The physical inputs of one host (see the module's text); None where the host has no such number."""

    em: float | None
    bvse: float | None
    full: bool | None  # None: unknown (the file places no ion)
    gap: float | None
    occupancy: float | None = None  # the file's ion positions; None: no file read, or no position
    anion_x: float | None = None  # None: no anion (an alloy)

    @classmethod
    def of(cls, percolation: dict, bvse_percolation: dict, full: bool | None, gap: float | None,
           occupancy: float | None = None, anion_x: float | None = None) -> "ConductorInputs":
        return cls(em=host_barrier(percolation), bvse=host_barrier(bvse_percolation), full=full, gap=gap,
                   occupancy=occupancy, anion_x=anion_x)

    def vector(self, card: "ConductorCard") -> list[float]:
        """The inputs as the card's features, a missing one at the card's training mean."""
        values = {"em": self.em, "bvse": self.bvse, "occupancy": self.occupancy, "anion_x": self.anion_x,
                  "full": None if self.full is None else float(self.full),
                  "full_gap": None if self.full is None else 0.0 if not self.full else
                  None if self.gap is None else max(self.gap, 0.0)}
        return [values[f] if values[f] is not None else mean for f, mean in zip(card.features, card.mean)]


def host_barrier(percolation: dict) -> float | None:
    """3D, else 2D, else 1D percolation energy (eV); None where no network forms."""
    return next((float(percolation[d]) for d in DIMENSIONS if percolation.get(d) is not None), None)


class ConductorCard(BaseModel):
    """A fitted conductor answer: standardised linear Ea and logistic P(fast) over ``features``."""

    name: str
    version: str  # hopnet version whose host analysis made the inputs
    source: str  # data set, its licence, and the command that fitted the card
    ion: str  # the ion of the electrolytes it was fitted on
    features: list[str]
    mean: list[float]
    std: list[float]
    ea_intercept: float
    ea_coef: list[float]
    ea_halfwidth: float  # eV: split-conformal half-width of the Ea interval
    ea_coverage: float  # the share of out-of-fold errors within it
    fast_intercept: float
    fast_coef: list[float]
    fast_above: float  # P(fast) above which the class is fast
    slow_below: float  # P(fast) below which the class is slow
    fast_sigma: float  # S/cm: what "fast" means
    slow_sigma: float
    cv: dict  # family-grouped cross-validation figures of this recipe on its data

    def standardised(self, inputs: ConductorInputs) -> list[float]:
        return [(x - m) / s for x, m, s in zip(inputs.vector(self), self.mean, self.std)]


class ConductorAnswer(BaseModel):
    """The room-temperature answer for one host."""

    conductor: str  # fast / slow / uncertain
    reason: str
    ea: float | None = None  # eV, estimated activation energy
    ea_interval: tuple[float, float] | None = None
    p_fast: float | None = None
    flags: list[Flag] = []


@lru_cache(maxsize=1)
def shipped_card() -> ConductorCard:
    return ConductorCard.model_validate_json((resources.files("hopnet") / "weights" / CARD).read_text())


def conductor_answer(inputs: ConductorInputs, ion: str, card: ConductorCard | None = None) -> ConductorAnswer:
    """Estimated Ea with its interval, P(fast) and the class, each with the reason a user can act on."""
    card = card or shipped_card()
    flags = []
    if ion != card.ion:
        # bond-valence energies grow with the ion's size and charge (Na, K hops reach tens of eV): on another ion's
        # scale the BVSE input would say nothing the card learned, so it is left at the card's mean
        unread = " (its BVSE barriers, on another scale, are not read)" if "bvse" in card.features else ""
        inputs = inputs.model_copy(update={"bvse": None})
        flags.append(Flag(kind=FlagKind.UNSEEN_ION, text=f"the conductor answer is fitted on {card.ion} electrolytes; "
                                                         f"for {ion} its weights are {card.ion}'s{unread}"))
    if inputs.em is None:
        return ConductorAnswer(conductor="uncertain" if flags else "slow",
                               reason="the open hops form no network" + (f"; {flags[0].text}" if flags else ""),
                               flags=flags)
    z = card.standardised(inputs)
    ea = card.ea_intercept + sum(c * x for c, x in zip(card.ea_coef, z))
    p = 1.0 / (1.0 + math.exp(-(card.fast_intercept + sum(c * x for c, x in zip(card.fast_coef, z)))))
    # the reason names the inputs this card reads, and only those
    said = [f"host barrier {inputs.em:.2f} eV"]
    if "bvse" in card.features and ion == card.ion:
        said.append(f"BVSE {inputs.bvse:.2f} eV" if inputs.bvse is not None else "no BVSE percolation")
    if "occupancy" in card.features:
        said.append("ion positions unknown" if inputs.occupancy is None else
                    "every ion position full: carriers must be made" if inputs.occupancy >= 1.0 - WHOLE else
                    f"ion positions {inputs.occupancy:.2f} occupied")
    if "anion_x" in card.features:
        said.append("no anion" if inputs.anion_x is None else
                    f"anion electronegativity {inputs.anion_x:.2f}")
    if "full" in card.features and inputs.full is not None:
        said.append("every ion site full: carriers must be made" if inputs.full else "a partially occupied ion sublattice")
    if "full_gap" in card.features and inputs.full and inputs.gap is not None:
        said.append(f"carrier gap {inputs.gap:.2f} eV")
    told = f"P(fast) {p:.2f} from " + ", ".join(said)
    if flags or inputs.full is None:  # the card was fitted on hosts whose files place the ion
        conductor, why = "uncertain", f"{told}; " + (flags[0].text if flags else
                                                     "the file places no ion: its carriers are unknown")
    elif p >= card.fast_above:
        conductor, why = "fast", f"{told} (fast: sigma >= {card.fast_sigma:.0e} S/cm at room temperature)"
    elif p <= card.slow_below:
        conductor, why = "slow", f"{told} (slow: sigma < {card.slow_sigma:.0e} S/cm)"
    else:
        conductor, why = "uncertain", f"{told}: between {card.slow_below:g} and {card.fast_above:g}"
    return ConductorAnswer(conductor=conductor, reason=why, ea=round(ea, 4),
                           ea_interval=(round(ea - card.ea_halfwidth, 4), round(ea + card.ea_halfwidth, 4)),
                           p_fast=round(p, 4), flags=flags)
