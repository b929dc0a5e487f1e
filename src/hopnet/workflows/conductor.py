"""Does it conduct at room temperature? The host answer from migration, the landscape and the carriers.

A low migration barrier is necessary, not sufficient (``pathways.carriers``).
The answer combines a few physical inputs, each for a reason; the card says
which it reads:

* ``em``: the network's percolation barrier of the host's widest network
  (3D, else 2D, else 1D; ``reads_dimension``), the migration barrier a
  carrier pays to cross the crystal;
* ``bvse``: the same open hops percolated by their bond-valence barriers, at
  the same dimension: the landscape's view of the channel, whose errors are
  not the network's;
* ``occupancy``: the mean occupancy of the ion's positions as the file gives
  them (``pathways.carriers.position_occupancy``): below 1 the sublattice is
  disordered and carries its own carriers; at 1 every carrier must be made,
  so the measured activation energy carries a formation part and the
  conductivity is orders of magnitude lower at the same barrier;
* ``anion_x``: the anions' Pauling electronegativity
  (``chemistry.charges.anion_electronegativity``): a soft, polarisable anion
  framework (sulfides, iodides) lowers the measured activation energy below
  what the DFT barriers the network learned from (mostly oxides) say;
* ``log_density``: log10 of the ions per nm3 (the orderings' count, the composition
  rounded to whole atoms, over the cell's volume): the carrier density of Nernst-Einstein's sigma = n q^2 D / kT
  at most, and unlike the occupancy it does not depend on how a file draws the
  positions (a garnet as 24d+96h or as 24d+48g has the same);
* ``full`` and ``full_gap``: whether every merged site is held, and the carrier
  gap of such a host (``pathways.carriers``); measured, not shipped (they
  cross-validated worse than the inputs above, see BENCHMARKS.md).

From them, linearly, an estimated activation energy Ea with an interval
(``IntervalCard``: its width grows with the deciding hop's spread and where
that hop is outside the network's training domain, scaled so that it covered
the stated share of the out-of-fold errors in family-grouped
cross-validation; never below 0 eV), and logistically the probability
of a fast conductor (sigma >= the card's ``fast_sigma`` at room temperature);
the class is fast above ``fast_above``, slow below ``slow_below``, uncertain in
between; a host whose deciding hop is outside the training domain is
uncertain, with the reason named. The fit lives in a card (``weights/conductor.json``) written by
``benchmarks/conductor_fit.py`` on the OBELiX real electrolytes, with its
source, version and cross-validation figures. It was fitted on Li
electrolytes: for another ion the inputs mean the same (the BVSE barrier
excepted: its scale grows with the ion's size and charge, so it is not read),
but the weights are Li's, and the answer says so.
"""
from __future__ import annotations

import math
from enum import Enum
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel

from hopnet.flags import Flag, FlagKind
from hopnet.pathways.carriers import WHOLE
from hopnet.vocabulary import DIMENSIONS, ROOM_TEMPERATURE, ConductorClass, Dimension

CARD = "conductor.json"
BOLTZMANN = 8.617333262e-5  # eV/K


def arrhenius_slope(temperature: float) -> float:
    """Decades of sigma per eV of activation energy at ``temperature`` (K): 1 / (k T ln 10), ~16.9 at 298 K."""
    return 1.0 / (BOLTZMANN * temperature * math.log(10))


class Feature(str, Enum):
    """An input the card may read (the module's text gives each one's physical reason)."""

    EM = "em"
    BVSE = "bvse"
    OCCUPANCY = "occupancy"
    ANION_X = "anion_x"
    FULL = "full"
    FULL_GAP = "full_gap"
    LOG_DENSITY = "log_density"


class ConductorInputs(BaseModel):
    """The physical inputs of one host (see the module's text); None where the host has no such number. ``em``
    and ``bvse`` are the same open hops' percolation at one dimension, ``dimension``."""

    dimension: Dimension | None  # the network read: the widest the open hops form (None: none forms)
    em: float | None
    bvse: float | None
    full: bool | None  # None: unknown (the file places no ion)
    gap: float | None
    occupancy: float | None = None  # the file's ion positions; None: no file read, or no position
    anion_x: float | None = None  # None: no anion (an alloy)
    density: float | None = None  # ions per nm3 (None: the file places no ion)
    em_std: float | None = None  # eV: the spread of the hop that completes the network read (model and orderings)
    out_of_domain: list[Flag] = []  # that hop's out-of-domain flags: the network extrapolates where it decides

    def value(self, feature: Feature) -> float | None:
        if feature is Feature.FULL:
            return None if self.full is None else float(self.full)
        if feature is Feature.FULL_GAP:
            if self.full is None or (self.full and self.gap is None):
                return None
            return max(self.gap, 0.0) if self.full else 0.0
        if feature is Feature.LOG_DENSITY:
            return None if not self.density else math.log10(self.density)
        return getattr(self, feature.value)

    def vector(self, card: "ConductorCard") -> list[float]:
        """The inputs as the card's features, a missing one at the card's training mean."""
        return [v if (v := self.value(f)) is not None else mean for f, mean in zip(card.features, card.mean)]


def reads_dimension(percolation: dict[Dimension, float | None]) -> Dimension | None:
    """The network the answer reads: the widest the open hops form. A 1D channel is cut by the first defect on it
    (an antisite in LiFePO4's channels), so a network that reaches further is what carries ions across a real
    crystal; None where no network forms."""
    return next((d for d in reversed(DIMENSIONS) if percolation.get(d) is not None), None)


class IntervalCard(BaseModel):
    """The Ea interval's half-width: ``quantile`` x scale, the scale ``sqrt(base**2 + (spread_weight * em_std)**2)``
    eV, times ``out_of_domain_factor`` where the deciding hop is outside the training domain. The weights are
    fitted to the out-of-fold errors of family-grouped cross-validation, ``quantile`` is the share ``coverage``
    of those errors over their scale; ``coverage_nested`` is what that rule covered on families it was not
    fitted on."""

    coverage: float
    quantile: float
    base: float
    spread_weight: float
    out_of_domain_factor: float
    coverage_nested: dict[str, float | int | None]

    def halfwidth(self, em_std: float | None, out_of_domain: bool) -> float:
        scale = math.hypot(self.base, self.spread_weight * (em_std or 0.0))
        return self.quantile * scale * (self.out_of_domain_factor if out_of_domain else 1.0)


class SigmaCard(BaseModel):
    """The room-temperature conductivity: log10 sigma (S/cm) = ``intercept`` + ``coef`` . inputs (raw ``features``,
    a missing one at ``mean``) + ``ea_weight`` x the card's estimated Ea. ``candidate`` names the form the nested
    cross-validation chose (``benchmarks/conductivity.py``); the interval is +- ``quantile`` decades, which covered
    ``coverage_nested`` of the errors on families left out of its fit."""

    candidate: str
    features: list[Feature]
    mean: list[float]
    intercept: float
    coef: list[float]
    ea_weight: float
    quantile: float
    coverage: float
    coverage_nested: float | None = None

    def log10_sigma(self, inputs: ConductorInputs, ea: float) -> float:
        x = [v if (v := inputs.value(f)) is not None else m for f, m in zip(self.features, self.mean)]
        return self.intercept + sum(c * v for c, v in zip(self.coef, x)) + self.ea_weight * ea


class ConductorCard(BaseModel):
    """A fitted conductor answer: standardised linear Ea and logistic P(fast) over ``features``; and the
    conductivity."""

    name: str
    version: str  # hopnet version whose host analysis made the inputs
    rows: str = ""  # the benchmark rows it was fitted on (benchmarks/results/real_electrolytes/<rows>.jsonl)
    source: str  # data set, its licence, and the command that fitted the card
    ion: str  # the ion of the electrolytes it was fitted on
    features: list[Feature]
    mean: list[float]
    std: list[float]
    ea_intercept: float
    ea_coef: list[float]
    interval: IntervalCard
    fast_intercept: float
    fast_coef: list[float]
    fast_above: float  # P(fast) above which the class is fast
    slow_below: float  # P(fast) below which the class is slow
    fast_sigma: float  # S/cm: what "fast" means
    slow_sigma: float
    cv: dict  # family-grouped cross-validation figures of this recipe on its data
    sigma: SigmaCard | None = None

    def standardised(self, inputs: ConductorInputs) -> list[float]:
        return [(x - m) / s for x, m, s in zip(inputs.vector(self), self.mean, self.std)]


class ConductorAnswer(BaseModel):
    """The room-temperature answer for one host, and the inputs it read."""

    conductor: ConductorClass
    reason: str
    inputs: ConductorInputs
    ea: float | None = None  # eV, estimated activation energy
    ea_interval: tuple[float, float] | None = None
    p_fast: float | None = None
    log10_sigma: float | None = None  # S/cm at ROOM_TEMPERATURE
    log10_sigma_interval: tuple[float, float] | None = None
    flags: list[Flag] = []

    def log10_sigma_at(self, temperature: float) -> tuple[float, float, float] | None:
        """log10 sigma (S/cm) at ``temperature`` (K) with its interval, carried from room temperature along
        sigma T ~ exp(-Ea / kT) with the estimated Ea; the interval widens by the Ea interval's share in
        quadrature. Only the room-temperature interval is calibrated (the data measure sigma there)."""
        if self.log10_sigma is None or self.ea is None or self.ea_interval is None:
            return None
        shift = arrhenius_slope(temperature) - arrhenius_slope(ROOM_TEMPERATURE)
        value = self.log10_sigma - math.log10(temperature / ROOM_TEMPERATURE) - self.ea * shift
        half = math.hypot(self.log10_sigma - self.log10_sigma_interval[0],
                          abs(shift) * (self.ea_interval[1] - self.ea))  # the upper side: the lower is cut at 0
        return round(value, 3), round(value - half, 3), round(value + half, 3)


@lru_cache(maxsize=1)
def shipped_card() -> ConductorCard:
    return ConductorCard.model_validate_json((resources.files("hopnet") / "weights" / CARD).read_text())


WHY_WIDEST = "a 1D channel alone is cut by the first defect on it"


def conductor_answer(inputs: ConductorInputs, ion: str, card: ConductorCard | None = None) -> ConductorAnswer:
    """Estimated Ea with its interval, P(fast) and the class, each with the reason a user can act on."""
    card = card or shipped_card()
    flags = list(inputs.out_of_domain[:1])
    read = inputs
    if ion != card.ion:
        # bond-valence energies grow with the ion's size and charge (Na, K hops reach tens of eV): on another ion's
        # scale the BVSE input would say nothing the card learned, so it is left at the card's mean
        unread = " (its BVSE barriers, on another scale, are not read)" if Feature.BVSE in card.features else ""
        read = inputs.model_copy(update={"bvse": None})
        flags.append(Flag(kind=FlagKind.UNSEEN_ION, text=f"the conductor answer is fitted on {card.ion} electrolytes; "
                                                         f"for {ion} its weights are {card.ion}'s{unread}"))
    if inputs.em is None:
        return ConductorAnswer(conductor="uncertain" if flags else "slow", inputs=inputs, flags=flags,
                               reason="the open hops form no network" + (f"; {flags[-1].text}" if flags else ""))
    z = card.standardised(read)
    ea = card.ea_intercept + sum(c * x for c, x in zip(card.ea_coef, z))
    half = card.interval.halfwidth(inputs.em_std, bool(inputs.out_of_domain))
    p = 1.0 / (1.0 + math.exp(-(card.fast_intercept + sum(c * x for c, x in zip(card.fast_coef, z)))))
    # the reason names the network read, and the inputs this card reads, and only those
    said = [f"the {inputs.dimension} network at {inputs.em:.2f} eV"]
    if Feature.BVSE in card.features and ion == card.ion:
        said.append(f"BVSE {inputs.bvse:.2f} eV" if inputs.bvse is not None else f"no {inputs.dimension} BVSE network")
    if Feature.OCCUPANCY in card.features:
        said.append("ion positions unknown" if inputs.occupancy is None else
                    "every ion position full: carriers must be made" if inputs.occupancy >= 1.0 - WHOLE else
                    f"ion positions {inputs.occupancy:.2f} occupied")
    if Feature.ANION_X in card.features:
        said.append("no anion" if inputs.anion_x is None else f"anion electronegativity {inputs.anion_x:.2f}")
    if Feature.FULL in card.features and inputs.full is not None:
        said.append("every ion site full: carriers must be made" if inputs.full else
                    "a partially occupied ion sublattice")
    if Feature.FULL_GAP in card.features and inputs.full and inputs.gap is not None:
        said.append(f"carrier gap {inputs.gap:.2f} eV")
    told = f"P(fast) {p:.2f} from " + ", ".join(said)
    if inputs.out_of_domain:
        conductor, why = "uncertain", (f"{told}; the hop that completes the network is outside the training domain "
                                       f"({inputs.out_of_domain[0].text})")
    elif flags or inputs.full is None:  # the card was fitted on hosts whose files place the ion
        conductor, why = "uncertain", f"{told}; " + (flags[-1].text if flags else
                                                     "the file places no ion: its carriers are unknown")
    elif p >= card.fast_above:
        conductor, why = "fast", f"{told} (fast: sigma >= {card.fast_sigma:.0e} S/cm at room temperature)"
    elif p <= card.slow_below:
        conductor, why = "slow", f"{told} (slow: sigma < {card.slow_sigma:.0e} S/cm)"
    else:
        conductor, why = "uncertain", f"{told}: between {card.slow_below:g} and {card.fast_above:g}"
    sigma = None if card.sigma is None else card.sigma.log10_sigma(read, ea)
    return ConductorAnswer(conductor=conductor, reason=why, inputs=inputs, ea=round(ea, 4),
                           ea_interval=(round(max(ea - half, 0.0), 4), round(ea + half, 4)),
                           p_fast=round(p, 4), flags=flags,
                           log10_sigma=None if sigma is None else round(sigma, 3),
                           log10_sigma_interval=None if sigma is None else (round(sigma - card.sigma.quantile, 3),
                                                                            round(sigma + card.sigma.quantile, 3)))
