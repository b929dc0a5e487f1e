"""``hopnet paths``: every distinct hop of one host, its barrier, whether it exists, and the percolation answer.

Four steps: build the host's hop network (``pathways.network``), get the
bond-valence landscape of each environment it is priced in
(``pathways.landscape``), price every hop class with the network (a hop's
channel decides whether it may percolate; a hop through a CoO2 slab gets a
price but never connects a network), and report: percolation, a verdict and
its reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pydantic import BaseModel
from pymatgen.core import Structure

from hopnet.chemistry.charges import check_mobile_cation
from hopnet.errors import HopnetInputError
from hopnet.flags import DOUBTFUL, Flag, FlagKind, strongest_per_kind
from hopnet.pathways.band import Band
from hopnet.pathways.hops import DistinctHop, hop_band, insert_sites, symmetry_equivalent_sites
from hopnet.pathways.landscape import Landscapes, blocked_above, empty_sites
from hopnet.pathways.network import HopNetwork, Orderings, Percolation, percolate
from hopnet.predictor import BarrierModel, Prediction
from hopnet.vocabulary import GOOD_CONDUCTOR_EM, is_good_conductor
from hopnet.workflows.settings import HostSettings

MAX_DISORDERED_BANDS = 120  # distinct hops x orderings priced for one disordered host (~45 s on one core)
DIMENSIONS = (1, 2, 3)


class HopResult(BaseModel):
    hop: int
    start_site: int
    end_site: int
    start_label: str  # the site as the CIF names it (Li1), or the element and its orbit's number
    end_label: str
    start_wyckoff: str  # "8a": multiplicity and letter in the nodes' cell; "" where the symmetry is not found
    end_wyckoff: str
    image: tuple[int, int, int]
    length: float  # Å
    multiplicity: int  # symmetry-equivalent hops in the cell
    supercell_atoms: int  # atoms in the band's host
    em: float  # eV, mean over orderings
    em_std: float | None
    good_conductor: bool
    bvse_barrier: float | None = None  # eV on bvlain's BVSE scale; None: no landscape for this host
    valid: bool = True  # the hop opens a channel between its sites; only valid hops percolate
    flags: list[Flag] = []
    segments: list[list[list[float]]] = []  # every equivalent hop: [start, end] in Å
    via_empty_site: bool = False  # one end (or both) is an empty site, not one the ion occupies

    @property
    def out_of_domain(self) -> list[Flag]:
        return [f for f in self.flags if f.out_of_domain]

    def sites(self) -> str:
        def named(label, wyckoff):
            return f"{label} ({wyckoff})" if wyckoff else label
        return f"{named(self.start_label, self.start_wyckoff)} - {named(self.end_label, self.end_wyckoff)}"


class PathwayReport(BaseModel):
    source: str
    formula: str
    ion: str
    mechanism: str
    hops: list[HopResult]
    percolation: dict[str, float | None]  # "1D"/"2D"/"3D" -> lowest barrier that connects that far (eV)
    bottleneck: dict[str, int | None] = {}  # "1D"/... -> the hop that completes it
    verdict: str = "uncertain"  # good / poor / uncertain, for the lowest-dimensional network
    verdict_reason: str = ""
    notes: list[Flag] = []  # host-level: no landscape, dropped hops, empty sites, in the training table
    orderings: int = 0  # sampled orderings of a disordered host the hops were priced in (0: the host is ordered)
    ordering_seed: int | None = None
    percolation_range: dict[str, list[float] | None] = {}  # min, max over orderings
    lattice: list[list[float]] = []  # cell vectors (rows, Å) of the hops' coordinates
    empty_sites: list[list[float]] = []  # fractional; numbered after all sites of the cell
    framework: list[tuple[str, float, float, float]] = []  # every other atom of the nodes' cell: element, x, y, z (Å)

    def as_dict(self) -> dict:
        return self.model_dump(mode="json")

    def rows(self) -> list[dict]:
        return [{"source": self.source, "formula": self.formula, "ion": self.ion,
                 **{k: v for k, v in h.model_dump(mode="json").items() if k not in ("segments", "flags")},
                 "image": " ".join(map(str, h.image)), "out_of_domain": "; ".join(map(str, h.out_of_domain)),
                 "flags": "; ".join(map(str, h.flags))} for h in self.hops]


def analyse_host(structure: Structure, settings: HostSettings, model: BarrierModel, source: str = "host",
                 progress: bool = False) -> PathwayReport:
    """Find, check, price and percolate the hops of ``settings.ion`` in ``structure``.

    ``settings.sites`` (fractional) inserts the ion into an empty host first,
    with every site the host's space group makes of them. A host with partially
    occupied sites is answered over ``settings.orderings`` sampled orderings
    (``pathways.disorder``): the hops live on every site the ion may occupy,
    each is priced in every ordering, and the spread over orderings is added to
    each barrier's. Empty sites (``pathways.landscape.empty_sites``) join the
    nodes when the ion's own sites form no network (``empty_sites="auto"``),
    always or never; they need the bond-valence landscape.
    """
    host = _prepared(structure, settings, source)
    network = HopNetwork.from_host(host, settings.ion, settings.max_hop, Orderings(settings.orderings, settings.seed),
                                   source)
    landscapes = _landscapes(network, settings, source)
    pricing = Pricing(model, settings.resolved_mechanism, source, progress)
    priced = pricing.price(network, landscapes) if network.hops else None
    wanted = {"always": True, "never": False}.get(settings.empty_sites, priced is None or not priced.percolates())
    extra: list[Flag] = []
    if wanted:
        priced, extra = _with_empty_sites(network, priced, landscapes, pricing, asked=settings.empty_sites == "always")
    if priced is None:
        raise HopnetInputError(source, f"no two {settings.ion} sites are within {settings.max_hop:g} Å; "
                                       "raise --max-hop")
    notes = [*network.flags, *landscapes.flags, *priced.flags, *extra, *_training_table(host, settings.ion, model)]
    return priced.report(source, host.composition.reduced_formula, notes)


def analyse_network(network: HopNetwork, settings: HostSettings, model: BarrierModel, source: str = "host",
                    progress: bool = False) -> PathwayReport:
    """Price and percolate the hops of a network built elsewhere (stored, or from a ``MigrationGraph``)."""
    if not network.hops:
        raise HopnetInputError(source, "the network has no hops to price")
    landscapes = _landscapes(network, settings, source)
    priced = Pricing(model, settings.resolved_mechanism, source, progress).price(network, landscapes)
    return priced.report(source, network.environments[0].composition.reduced_formula,
                         [*network.flags, *landscapes.flags, *priced.flags])


def _prepared(structure: Structure, settings: HostSettings, source: str) -> Structure:
    """The host with the ion on its sites: as given, or with ``settings.sites`` and their images inserted;
    refused in one line when the ion cannot be a mobile cation of it."""
    if settings.sites is not None:
        sites = symmetry_equivalent_sites(structure, np.array(settings.sites))
        structure = insert_sites(structure, settings.ion, sites)
    check_mobile_cation(structure, settings.ion, source)
    return structure


def _landscapes(network: HopNetwork, settings: HostSettings, source: str) -> Landscapes:
    """The landscape of each environment the network is priced in, unless the channel check is off."""
    if not settings.channels:
        return Landscapes.unchecked(len(network.environments))
    return Landscapes.of(network.environments, network.ion, source)


def _training_table(host: Structure, ion: str, model: BarrierModel) -> list[Flag]:
    """Say so when the network was trained on DFT barriers of this very host (its framework and ion): its
    barriers then measure recall, not prediction."""
    from hopnet.data.barriers import data_hash, framework_formula, training_frameworks

    if model.card.training.data_sha256 != data_hash("train"):
        return []
    framework = framework_formula(host.composition, ion)
    paths = training_frameworks().get((framework, ion), 0)
    return [Flag(kind=FlagKind.IN_TRAINING_TABLE, value=paths,
                 text=f"this host ({framework} with {ion}) is in the model's training table ({paths} DFT-NEB "
                      "paths): its barriers were seen in training")] if paths else []


def _with_empty_sites(network: HopNetwork, priced: PricedNetwork | None, landscapes: Landscapes, pricing: Pricing,
                      asked: bool) -> tuple[PricedNetwork | None, list[Flag]]:
    """``network`` with the landscape's empty sites added as nodes, priced; or ``priced`` (the ion's own sites'
    network, possibly None) with a flag saying why none were added."""
    landscape = landscapes.first()
    extra, why_not = (empty_sites(network.nodes, network.ion, landscape) if landscape is not None else
                      (np.zeros((0, 3)), "empty sites need the bond-valence landscape"))
    if len(extra):
        why = ("asked for" if asked else "the ion's own sites do not form a network" if priced else
               f"no two {network.ion} sites are within {network.max_hop:g} Å")
        added = Flag(kind=FlagKind.EMPTY_SITES, value=len(extra),
                     text=f"{len(extra)} empty sites (bond-valence minima) added as nodes: {why}"
                          + (f"; {why_not}" if why_not else ""))
        widened = network.with_empty_sites(extra, pricing.source)
        try:
            if widened.hops:
                return pricing.price(widened, landscapes), [added]
            why_not = f"empty sites not used: none within {network.max_hop:g} Å of another site"
        except HopnetInputError as err:  # no band through the empty sites: the own sites' answer stands
            if priced is None:
                raise
            why_not = f"empty sites not used: {err.problem}"
    flag = Flag(kind=FlagKind.EMPTY_SITES, text=why_not or "no bond-valence minimum qualifies as an empty site")
    return priced, [flag] if priced is not None else []


@dataclass
class Pricing:
    """How the hops of one host are priced: the model, the mechanism, and the host's name for messages."""

    model: BarrierModel
    mechanism: str
    source: str
    progress: bool = False

    def price(self, network: HopNetwork, landscapes: Landscapes) -> PricedNetwork:
        """Every hop class of ``network``, drawn as a band in each environment and priced; its channel checked
        in each landscape. A hop whose band cannot be drawn is dropped with a flag, not the host."""
        environments, per_landscape = network.environments, landscapes
        flags: list[Flag] = []
        if not network.is_ordered and len(network.hops) * len(environments) > MAX_DISORDERED_BANDS:
            fewer = max(1, MAX_DISORDERED_BANDS // len(network.hops))
            flags.append(Flag(kind=FlagKind.FEWER_ORDERINGS, value=fewer,
                              text=f"{len(network.hops)} distinct hops: priced in {fewer} of {len(environments)} "
                                   "orderings to stay within the time bound"))
            environments = environments[:fewer]
            per_landscape = Landscapes(landscapes.per_environment[:fewer], landscapes.flags)
        kept, bands = [], []
        for d in network.hops:
            try:
                bands.append([hop_band(network.nodes, network.ion, d.representative, self.mechanism,
                                       label=f"{self.source} hop {d.index}", environment=env) for env in environments])
                kept.append(d)
            except HopnetInputError as err:  # one unbuildable band drops its hop, not the host
                flags.append(Flag(kind=FlagKind.DROPPED_HOP, value=d.length,
                                  text=f"hop {d.index} ({d.length:.2f} Å) dropped: {err.problem}"))
        if not kept:
            raise HopnetInputError(self.source, "no hop could be drawn as a band: " + "; ".join(map(str, flags)))
        flat = self.model.predict_bands([b for per_hop in bands for b in per_hop], progress=self.progress)
        n = len(environments)
        results, opened = zip(*(_checked(network, d, flat[i * n:(i + 1) * n], bands[i], per_landscape)
                                for i, d in enumerate(kept)))
        em = np.array([[p.em for p in flat[i * n:(i + 1) * n]] for i in range(len(kept))])  # (hops, orderings)
        return PricedNetwork(network, self.mechanism, kept, list(results), em, np.array(opened), flags)


def _checked(network: HopNetwork, hop_class: DistinctHop, per_ordering: list[Prediction], bands: list[Band],
             landscapes: Landscapes) -> tuple[HopResult, list[bool]]:
    """One hop class: its channel check and its barrier over the orderings it was priced in, and whether its
    channel is open in each ordering. The hop's BVSE barrier is its lowest over the orderings: a channel that
    opens as the partial atoms move is one the ion can use."""
    h = hop_class.representative
    frac = network.nodes.frac_coords
    flags = strongest_per_kind(f for p in per_ordering for f in p.flags)
    per_landscape, unchecked = landscapes.hop_barriers(frac[h.start], frac[h.end] + h.image)
    if unchecked is not None:
        flags.append(unchecked)
    ceiling = blocked_above(network.ion)
    checked = [b for b in per_landscape if b is not None]
    barrier = min(checked) if checked else None
    valid = barrier is None or barrier <= ceiling
    if not valid:
        flags.insert(0, Flag(kind=FlagKind.BLOCKED, value=barrier,
                             text=f"blocked: bond-valence barrier {barrier:.1f} eV above {ceiling:g} (no open channel "
                                  "between the sites; left out of percolation)"))
    via_empty = network.via_empty_site(h)
    if via_empty:  # every training hop joins two sites the ion occupies: this one is an extrapolation
        flags.append(Flag(kind=FlagKind.VIA_EMPTY_SITE,
                          text="via an empty site (a bond-valence minimum): the training hops join occupied sites"))
    em = np.array([p.em for p in per_ordering])
    spreads = [p.em_std for p in per_ordering if p.em_std is not None]
    # The model's spread and the orderings' spread are independent sources of doubt: add them.
    std = float(np.sqrt(np.mean(np.square(spreads)) + em.var())) if spreads else None
    start, end = network.ends(h)
    result = HopResult(
        hop=hop_class.index, start_site=h.start, end_site=h.end, start_label=start.label, end_label=end.label,
        start_wyckoff=start.wyckoff, end_wyckoff=end.wyckoff, image=h.image, length=round(hop_class.length, 4),
        multiplicity=len(hop_class.members), supercell_atoms=len(bands[0].host), em=float(em.mean()), em_std=std,
        good_conductor=is_good_conductor(float(em.mean())),
        bvse_barrier=None if barrier is None else round(barrier, 3), valid=valid, flags=flags,
        segments=network.segments(hop_class), via_empty_site=via_empty)
    return result, [b is None or b <= ceiling for b in per_landscape]


@dataclass
class PricedNetwork:
    """A network's hop classes with their prices: per class and ordering, Em and whether its channel is open."""

    network: HopNetwork
    mechanism: str
    kept: list[DistinctHop]
    results: list[HopResult]
    em: np.ndarray  # (hops, orderings) eV
    is_open: np.ndarray  # (hops, orderings)
    flags: list[Flag]

    @cached_property
    def per_ordering(self) -> list[Percolation]:
        """Percolation in each ordering, with the hops open in that ordering's own landscape."""
        return [percolate(len(self.network.nodes), self.kept, self.em[:, k], self.is_open[:, k])
                for k in range(self.em.shape[1])]

    def percolates(self) -> bool:
        """Whether the headline answer has a network at all (the median ordering's 1D one)."""
        return _median_ordering(self.per_ordering, 1) is not None

    def report(self, source: str, formula: str, notes: list[Flag]) -> PathwayReport:
        """The answer: for each dimension the median ordering's percolation energy (an ordered host has one),
        so the headline always lies within its range over orderings, and the verdict."""
        orderings = self.per_ordering
        headline = {dim: _median_ordering(orderings, dim) for dim in DIMENSIONS}
        report = PathwayReport(
            source=source, formula=formula, ion=self.network.ion, mechanism=self.mechanism, hops=self.results,
            percolation={f"{d}D": None if p is None else p.thresholds[d] for d, p in headline.items()},
            bottleneck={f"{d}D": None if p is None else p.bottleneck[d] for d, p in headline.items()},
            notes=notes, lattice=np.round(self.network.nodes.lattice.matrix, 4).tolist(),
            empty_sites=np.round(self.network.empty_sites, 4).tolist(), framework=self.network.framework())
        if not self.network.is_ordered:
            report.orderings, report.ordering_seed = len(orderings), self.network.sampling.seed
            report.percolation_range = {
                f"{d}D": None if any(p.thresholds[d] is None for p in orderings) else
                [min(p.thresholds[d] for p in orderings), max(p.thresholds[d] for p in orderings)] for d in DIMENSIONS}
        report.verdict, report.verdict_reason = verdict(report)
        return report


def _median_ordering(orderings: list[Percolation], dim: int) -> Percolation | None:
    """The ordering whose ``dim``-D percolation energy is the median (the lower one of an even count; an ordering
    where the network never forms counts as the highest); None when the median ordering has no such network."""
    ranked = sorted(orderings, key=lambda p: (p.thresholds[dim] is None, p.thresholds[dim] or 0.0))
    middle = ranked[(len(ranked) - 1) // 2]
    return middle if middle.thresholds[dim] is not None else None


def verdict(report: PathwayReport) -> tuple[str, str]:
    """good / poor / uncertain for the lowest-dimensional network the open hops form, and why.

    The hop that completes that network decides: good when the network's
    barrier plus that hop's calibrated spread stays below the good-conductor
    threshold, poor when minus the spread stays above it (or no network forms),
    uncertain when the spread straddles the threshold, or the hop carries a
    doubt (outside the training domain, via an empty site, channel unchecked).
    """
    dim = next((d for d in ("1D", "2D", "3D") if report.bottleneck.get(d) is not None), None)
    if dim is None:
        return "poor", "the open hops form no network"
    h = next(r for r in report.hops if r.hop == report.bottleneck[dim])
    value, spread = report.percolation[dim], h.em_std or 0.0
    priced = f"{dim} network at {value:.2f}" + (f" ± {spread:.2f}" if spread else "") + f" eV (hop {h.hop})"
    doubts = [f for f in h.flags if f.kind in DOUBTFUL]
    if doubts:
        return "uncertain", f"{priced}; the deciding hop: {doubts[0].text}"
    if value + spread < GOOD_CONDUCTOR_EM:
        return "good", f"{priced}, below {GOOD_CONDUCTOR_EM} eV"
    if value - spread > GOOD_CONDUCTOR_EM:
        return "poor", f"{priced}, above {GOOD_CONDUCTOR_EM} eV"
    return "uncertain", f"{priced}: the spread straddles {GOOD_CONDUCTOR_EM} eV"
