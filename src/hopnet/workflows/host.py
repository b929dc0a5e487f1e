"""``hopnet paths``: every distinct hop of one host, its barrier, whether it exists, and the percolation answer.

Four steps: build the host's hop network (``pathways.network``), get the
bond-valence landscape of each environment it is priced in
(``pathways.landscape``), price every hop class with the network (a hop's
channel decides whether it may percolate; a hop through a CoO2 slab gets a
price but never connects a network), and report: percolation, a verdict and
its reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from pymatgen.core import Structure

from hopnet.chemistry.charges import anion_electronegativity, check_mobile_cation
from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind, strongest_per_kind
from hopnet.pathways.band import Band
from hopnet.pathways.hops import (ENDPOINT_CLEARANCE, DistinctHop, Hop, hop_band, insert_sites, ion_sites,
                                  symmetry_equivalent_sites)
from hopnet.pathways.carriers import Carriers
from hopnet.pathways.landscape import Landscape, Landscapes, blocked_above, empty_sites
from hopnet.pathways.network import HopNetwork, Orderings, Percolation, percolate
from hopnet.predictor import BarrierModel, Prediction
from hopnet.structures import AtomArrays
from hopnet.vocabulary import elements_of, is_good_conductor
from hopnet.workflows.conductor import ConductorInputs, conductor_answer
from hopnet.workflows.report import CarrierReport, HopResult, PathwayReport, verdict
from hopnet.workflows.settings import HostSettings

MAX_DISORDERED_BANDS = 120  # distinct hops x orderings priced for one disordered host (~45 s on one core)
MAX_MEMBER_TRIES = 12  # members of a hop class tried in an ordering of a host whose ion shares sites; a failed
# try costs a supercell, not a prediction
DIMENSIONS = (1, 2, 3)


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
    if settings.empty_sites != "always":  # a file without the ion is refused unless its sites are asked of the landscape
        ion_sites(network.nodes, settings.ion, source)
    landscapes = _landscapes(network, settings, source)
    pricing = Pricing(model, settings.resolved_mechanism, source, progress)
    priced = pricing.price(network, landscapes) if network.hops else None
    wanted = {"always": True, "never": False}.get(settings.empty_sites, priced is None or not priced.percolates())
    extra: list[Flag] = []
    if wanted:
        priced, extra = _with_empty_sites(network, priced, landscapes, pricing, asked=settings.empty_sites == "always")
    if priced is None:
        if settings.ion not in elements_of(network.nodes):
            raise HopnetInputError(source, f"the file places no {settings.ion}, and its bond-valence landscape "
                                           f"offers no site for it ({'; '.join(map(str, extra)) or 'none found'})")
        raise HopnetInputError(source, f"no two {settings.ion} sites are within {settings.max_hop:g} Å; "
                                       "raise --max-hop")
    notes = [*network.flags, *landscapes.flags, *priced.flags, *extra, *_training_table(host, settings.ion, model)]
    return priced.report(source, host.composition.reduced_formula, notes, landscapes.first(), host)


def analyse_network(network: HopNetwork, settings: HostSettings, model: BarrierModel, source: str = "host",
                    progress: bool = False) -> PathwayReport:
    """Price and percolate the hops of a network built elsewhere (stored, or from a ``MigrationGraph``). The
    network already holds its geometry (hops, orderings, empty sites): of ``settings`` only the mechanism and the
    channel check apply here."""
    if settings.ion != network.ion:
        raise HopnetInputError(source, f"the network's hops are of {network.ion}, the settings ask for {settings.ion}")
    if not network.hops:
        raise HopnetInputError(source, "the network has no hops to price")
    landscapes = _landscapes(network, settings, source)
    priced = Pricing(model, settings.resolved_mechanism, source, progress).price(network, landscapes)
    return priced.report(source, network.environments[0].composition.reduced_formula,
                         [*network.flags, *landscapes.flags, *priced.flags], landscapes.first(),
                         network.environments[0] if network.is_ordered else None)  # an ordered host is its file


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
        why = (f"the file places no {network.ion}" if network.ion not in elements_of(network.nodes) else
               "asked for" if asked else "the ion's own sites do not form a network" if priced else
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
    # A network widened by empty sites keeps the own sites' node numbers and environments, so its hops between
    # own sites are drawn as the same bands: each band is priced once per host, by (environment, member, cleared).
    _known: dict[tuple, Prediction] = field(default_factory=dict, repr=False)
    _atoms: dict[int, AtomArrays] = field(default_factory=dict, repr=False)

    def price(self, network: HopNetwork, landscapes: Landscapes) -> PricedNetwork:
        """Every hop class of ``network``, drawn as a band in each environment and priced; its channel checked
        in each landscape. A hop whose band cannot be drawn is dropped with a flag, not the host."""
        environments, per_landscape = network.environments, landscapes
        flags: list[Flag] = []
        if len(environments) > 1 and len(network.hops) * len(environments) > MAX_DISORDERED_BANDS:
            fewer = max(1, MAX_DISORDERED_BANDS // len(network.hops))
            flags.append(Flag(kind=FlagKind.FEWER_ORDERINGS, value=fewer,
                              text=f"{len(network.hops)} distinct hops: priced in {fewer} of {len(environments)} "
                                   "orderings to stay within the time bound"))
            environments = environments[:fewer]
            per_landscape = Landscapes(landscapes.per_environment[:fewer], landscapes.flags)
        kept, drawn = [], []
        # Arrays of each environment, made once per host: its cell is then reduced once, not per hop.
        for env in environments:
            if id(env) not in self._atoms:
                self._atoms[id(env)] = AtomArrays.of(env)
        atoms = [self._atoms[id(env)] for env in environments]
        for d in network.hops:
            try:
                per_env = [_drawable(network, d, env, self.mechanism, f"{self.source} hop {d.index}")
                           for env in atoms]
            except HopnetInputError as err:  # one unbuildable band drops its hop, not the host
                flags.append(Flag(kind=FlagKind.DROPPED_HOP, value=d.length,
                                  text=f"hop {d.index} ({d.length:.2f} Å) dropped: {err.problem}"))
                continue
            kept.append(d)
            drawn.append(per_env)
        if not kept:
            raise HopnetInputError(self.source, "no hop could be drawn as a band: " + "; ".join(map(str, flags)))
        n = len(environments)
        ways = [(id(env), way) for per_hop in drawn for env, way in zip(environments, per_hop)]
        new = {(env, way.member, way.cleared): way.band for env, way in ways
               if (env, way.member, way.cleared) not in self._known}
        if new:
            self._known.update(zip(new, self.model.predict_bands(list(new.values()), progress=self.progress)))
        flat = [self._known[env, way.member, way.cleared] for env, way in ways]
        results, bvse = zip(*(_checked(network, d, flat[i * n:(i + 1) * n], drawn[i], per_landscape)
                              for i, d in enumerate(kept)))
        em = np.array([[p.em for p in flat[i * n:(i + 1) * n]] for i in range(len(kept))])  # (hops, orderings)
        return PricedNetwork(network, self.mechanism, kept, list(results), em, np.array(bvse, float),
                             blocked_above(network.ion), flags)


@dataclass(frozen=True)
class Drawn:
    """A hop class as priced in one environment: the member drawn, its band, and the species taken off its end
    sites for it (none, unless the ion shares those sites and every member tried was taken)."""

    member: Hop
    band: Band
    cleared: tuple[str, ...] = ()


def _drawable(network: HopNetwork, hop_class: DistinctHop, environment: AtomArrays, mechanism: str,
              label: str) -> Drawn:
    """The first member of ``hop_class`` that is a hop in ``environment``, and its band. Where the ion shares
    sites with another species (Li and La on the A sites of LLTO), an ordering puts that species on some of the
    nodes: a member ending there is no hop in that ordering, while another member of the class is. Where every
    member tried ends on such an atom (a scarce ion share), the first member is priced in the ordering with the
    atoms on its two end sites taken away: a snapshot in which the ion holds those sites. An ordered host's
    members are alike: the first one answers for all."""
    problem = None
    for member in hop_class.members[:1 if network.is_ordered else MAX_MEMBER_TRIES]:
        try:
            return Drawn(member, hop_band(network.nodes, network.ion, member, mechanism, label=label,
                                          environment=environment))
        except HopnetInputError as err:
            problem = problem or err
    if network.is_ordered:  # a framework atom on an ion site of an ordered host: no hop, as the file says
        raise problem
    member = hop_class.representative
    frac = network.nodes.frac_coords
    ends = np.vstack([frac[member.start], frac[member.end] + member.image])
    near = environment.lattice.get_all_distances(ends, environment.frac_coords).min(axis=0) <= ENDPOINT_CLEARANCE
    taken = near & (np.array(environment.symbols) != network.ion)
    return Drawn(member, hop_band(network.nodes, network.ion, member, mechanism, label=label,
                                  environment=environment.select(~taken)),
                 tuple(sorted({environment.symbols[i] for i in np.flatnonzero(taken)})))


def _checked(network: HopNetwork, hop_class: DistinctHop, per_ordering: list[Prediction], drawn: list[Drawn],
             landscapes: Landscapes) -> tuple[HopResult, list[float]]:
    """One hop class: its channel check and its barrier over the orderings it was priced in (``drawn``: how it
    was drawn in each), and its BVSE barrier in each ordering. The hop's BVSE barrier is its lowest over the
    orderings (a channel that opens as the partial atoms move is one the ion can use); an ordering without a
    landscape, or whose landscape still holds atoms taken off the hop's ends, takes that lowest value; nan
    where no ordering has one (counts as open)."""
    h = hop_class.representative
    frac = network.nodes.frac_coords
    flags = _dopants_by_majority(strongest_per_kind(f for p in per_ordering for f in p.flags), per_ordering)
    per_landscape, unchecked = landscapes.hop_barriers([(frac[d.member.start], frac[d.member.end] + d.member.image)
                                                        for d in drawn])
    per_landscape = [None if d.cleared else b for b, d in zip(per_landscape, drawn)]
    if unchecked is not None:
        flags.append(unchecked)
    cleared = [d for d in drawn if d.cleared]
    if cleared:
        flags.append(Flag(kind=FlagKind.CLEARED_END_SITES, value=len(cleared),
                          text=f"priced in {len(cleared)} of {len(drawn)} orderings with "
                               f"{', '.join(sorted({el for d in cleared for el in d.cleared}))} taken off its end sites "
                               "(every member ends on them there)"))
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
        multiplicity=len(hop_class.members), supercell_atoms=len(drawn[0].band.atoms), em=float(em.mean()), em_std=std,
        good_conductor=is_good_conductor(float(em.mean())),
        bvse_barrier=None if barrier is None else round(barrier, 3), valid=valid, flags=flags,
        segments=network.segments(hop_class), via_empty_site=via_empty)
    # An ordering without a landscape takes the hop's verdict from the orderings that have one (its lowest).
    fallback = np.nan if barrier is None else barrier
    return result, [fallback if b is None else b for b in per_landscape]


def _dopants_by_majority(flags: list[Flag], per_ordering: list[Prediction]) -> list[Flag]:
    """An unseen element next to the hop in fewer than half of the orderings (a dilute dopant that one ordering
    happens to place there) does not take the hop out of the domain: the headline is the median ordering's
    percolation. It stays a note on the hop (the hop's mean Em over orderings does include that ordering)."""
    near = sum(any(f.kind is FlagKind.UNSEEN_ELEMENT for f in p.flags) for p in per_ordering)
    if not 0 < 2 * near < len(per_ordering):
        return flags
    notes = [f.text if f.kind is FlagKind.DILUTE_UNSEEN_ELEMENT else
             f"{f.text} (next to the hop in {near} of {len(per_ordering)} orderings)"
             for f in flags if f.kind in (FlagKind.UNSEEN_ELEMENT, FlagKind.DILUTE_UNSEEN_ELEMENT)]
    kept = [f for f in flags if f.kind not in (FlagKind.UNSEEN_ELEMENT, FlagKind.DILUTE_UNSEEN_ELEMENT)]
    return strongest_per_kind([*kept, Flag(kind=FlagKind.DILUTE_UNSEEN_ELEMENT, text="; ".join(notes))])


@dataclass
class PricedNetwork:
    """A network's hop classes with their prices: per class and ordering, Em and the channel's BVSE barrier."""

    network: HopNetwork
    mechanism: str
    kept: list[DistinctHop]
    results: list[HopResult]
    em: np.ndarray  # (hops, orderings) eV
    bvse: np.ndarray  # (hops, orderings) eV; nan where no ordering's landscape checked the hop (counts as open)
    ceiling: float  # eV; a hop whose BVSE barrier is above this has no open channel
    flags: list[Flag]

    @property
    def is_open(self) -> np.ndarray:
        """(hops, orderings): whether each hop's channel is open in each ordering's landscape."""
        return ~(self.bvse > self.ceiling)

    @cached_property
    def per_ordering(self) -> list[Percolation]:
        """Percolation in each ordering, with the hops open in that ordering's own landscape."""
        return [percolate(len(self.network.nodes), self.kept, self.em[:, k], self.is_open[:, k])
                for k in range(self.em.shape[1])]

    def headline(self) -> dict[int, Percolation | None]:
        """Per dimension, the median ordering's percolation (an ordered host has one), so the headline always
        lies within its range over orderings; None where the median ordering forms no such network."""
        return {dim: _median_ordering(self.per_ordering, dim) for dim in DIMENSIONS}

    def percolates(self) -> bool:
        """Whether the headline answer has a network at all (the median ordering's 1D one)."""
        return _median_ordering(self.per_ordering, 1) is not None

    def bvse_percolation(self) -> Percolation:
        """Percolation of the hop classes priced by their BVSE barriers (each its lowest over the orderings)
        instead of the network's Em: the landscape's own answer on the same hops; a hop without a landscape
        takes no part."""
        checked = ~np.isnan(self.bvse).all(axis=1)
        lowest = np.where(checked, np.nanmin(np.where(np.isnan(self.bvse), np.inf, self.bvse), axis=1), np.inf)
        return percolate(len(self.network.nodes), self.kept, lowest, checked)

    def report(self, source: str, formula: str, notes: list[Flag], landscape: Landscape | None,
               host: Structure | None = None) -> PathwayReport:
        """The answer: for each dimension the median ordering's percolation energy (an ordered host has one),
        so the headline always lies within its range over orderings; the BVSE percolation of the same hops;
        the carriers (on ``landscape``, the first environment's; the file's positions from ``host``, the
        structure as read, where there is one); and the verdict."""
        orderings, headline = self.per_ordering, self.headline()
        percolation = {f"{d}D": None if p is None else p.thresholds[d] for d, p in headline.items()}
        carriers = Carriers.of(self.network, landscape, host)
        # the anions of the file as read; of a stored network, its first ordering's (whole atoms, same elements)
        anion_x = anion_electronegativity((host or self.network.environments[0]).composition)
        bvse = self.bvse_percolation().thresholds
        report = PathwayReport(
            carriers=CarrierReport(ions=carriers.ions, sites=carriers.sites, occupancy=round(carriers.occupancy, 4),
                                   full=carriers.full, gap=None if carriers.gap is None else round(carriers.gap, 4),
                                   position_occupancy=None if carriers.position_occupancy is None else
                                   round(carriers.position_occupancy, 4), text=carriers.describe(self.network.ion)),
            anion_electronegativity=None if anion_x is None else round(anion_x, 4),
            bvse_percolation={f"{d}D": None if bvse[d] is None else round(bvse[d], 4) for d in DIMENSIONS},
            conductor=conductor_answer(ConductorInputs.of(
                percolation, {f"{d}D": bvse[d] for d in DIMENSIONS}, carriers.full if carriers.sites else None,
                carriers.gap, carriers.position_occupancy, anion_x), self.network.ion),
            source=source, formula=formula, ion=self.network.ion, mechanism=self.mechanism, hops=self.results,
            percolation=percolation,
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
    """The ordering whose ``dim``-D percolation energy is the median (the higher one of an even count, the cautious
    choice; an ordering where the network never forms counts as the highest); None when the median ordering has no
    such network."""
    ranked = sorted(orderings, key=lambda p: (p.thresholds[dim] is None, p.thresholds[dim] or 0.0))
    middle = ranked[len(ranked) // 2]
    return middle if middle.thresholds[dim] is not None else None
