"""How the hops of one host are priced: each hop class drawn as a band in each environment, priced by the
network once, and its channel checked in each landscape (a hop through a CoO2 slab gets a price but never
connects a network)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind, strongest_per_kind
from hopnet.pathways.band import Band
from hopnet.pathways.hops import ENDPOINT_CLEARANCE, DistinctHop, Hop, hop_band
from hopnet.pathways.landscape import BvseScale, Landscapes, blocked_above, bvse_scale
from hopnet.pathways.network import HopNetwork
from hopnet.predictor import BarrierModel, Prediction
from hopnet.structures import AtomArrays
from hopnet.vocabulary import is_good_conductor
from hopnet.workflows.priced import PricedNetwork
from hopnet.workflows.report import HopResult

MAX_DISORDERED_BANDS = 120  # distinct hops x orderings priced for one disordered host (~45 s on one core)
MAX_MEMBER_TRIES = 12  # members of a hop class tried in an ordering of a host whose ion shares sites; a failed
# try costs a supercell, not a prediction


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
            # the first orderings are the same ones: their cleared landscapes stay cached across price() calls
            per_landscape = replace(landscapes, per_environment=landscapes.per_environment[:fewer])
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
        results, bvse, price = zip(*(_checked(network, d, flat[i * n:(i + 1) * n], drawn[i], per_landscape,
                                              environments, self.source)
                                     for i, d in enumerate(kept)))
        em_network = np.array([[p.em for p in flat[i * n:(i + 1) * n]] for i in range(len(kept))])
        return PricedNetwork(network, self.mechanism, kept, list(results), np.array(price, float),
                             np.array(bvse, float), blocked_above(network.ion), flags, em_network)


@dataclass(frozen=True)
class Drawn:
    """A hop class as priced in one environment: the member drawn, its band, and the species taken off its end
    sites for it (none, unless the ion shares those sites and every member tried was taken)."""

    member: Hop
    band: Band
    cleared: tuple[str, ...] = ()
    taken: tuple[int, ...] = ()  # the environment's atoms taken off the end sites


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
                 tuple(sorted({environment.symbols[i] for i in np.flatnonzero(taken)})),
                 tuple(int(i) for i in np.flatnonzero(taken)))


def anchored(em: np.ndarray, spread: float | None, bvse: np.ndarray, scale: BvseScale,
             out_of_domain: bool) -> tuple[np.ndarray, float | None]:
    """A hop's price in each ordering and its spread (``bvse``: the barrier in each ordering, nan in all where no
    landscape checked the hop): the network's Em and the hop's BVSE barrier on the DFT scale,
    each weighted by its inverse variance (the network's calibrated spread; the scale's RMS residual). Outside the
    network's training domain the physics alone prices the hop; without a landscape, a spread, or a scale that
    rises with the barrier, the network alone. Why: on the real electrolytes the network alone ranked the
    conductors of a family backwards where the landscape did not (BENCHMARKS.md, *Does the network earn its
    place?*), and its spread says on which hops to trust it."""
    if not scale.informative or np.isnan(bvse).all():
        return em, spread
    physics = scale.em(bvse)
    if out_of_domain:
        return physics, scale.rms
    if not spread:  # no spread to weigh (a single network), or a network that is sure
        return em, spread
    weight = scale.rms**2 / (scale.rms**2 + spread**2)
    return weight * em + (1 - weight) * physics, float(1 / np.hypot(1 / spread, 1 / scale.rms))


def _checked(network: HopNetwork, hop_class: DistinctHop, per_ordering: list[Prediction], drawn: list[Drawn],
             landscapes: Landscapes, environments: list, source: str) -> tuple[HopResult, list[float], np.ndarray]:
    """One hop class: its channel check and its barrier over the orderings it was priced in (``drawn``: how it
    was drawn in each), and its BVSE barrier in each ordering. The hop's BVSE barrier is its lowest over the
    orderings (a channel that opens as the partial atoms move is one the ion can use). An ordering in which the
    hop was drawn with atoms taken off its ends is checked in its landscape without them, as the hop was drawn
    (``Landscapes.cleared``); an ordering without a landscape takes the lowest value; nan where no ordering has
    one (counts as open)."""
    h = hop_class.representative
    frac = network.nodes.frac_coords
    flags = _dopants_by_majority(strongest_per_kind(f for p in per_ordering for f in p.flags), per_ordering)
    ends = [(frac[d.member.start], frac[d.member.end] + d.member.image) for d in drawn]
    drawn_in = [landscapes.cleared(environments[k], k, d.taken, network.ion, source) if d.cleared
                else landscapes.per_environment[k] for k, d in enumerate(drawn)]
    per_landscape, unchecked = landscapes.hop_barriers(ends, drawn_in)
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
    # An ordering without a landscape takes the hop's verdict from the orderings that have one (its lowest).
    fallback = np.nan if barrier is None else barrier
    bvse = [fallback if b is None else b for b in per_landscape]
    # an ordering where the channel is blocked (up to inf: the sites never connect) never percolates; capped at the
    # ceiling, its price stays finite in the hop's mean
    price, price_std = anchored(em, std, np.minimum(np.array(bvse, float), ceiling), bvse_scale(network.ion),
                                any(f.out_of_domain for f in flags))
    start, end = network.ends(h)
    result = HopResult(
        hop=hop_class.index, start_site=h.start, end_site=h.end, start_label=start.label, end_label=end.label,
        start_wyckoff=start.wyckoff, end_wyckoff=end.wyckoff, image=h.image, length=round(hop_class.length, 4),
        multiplicity=len(hop_class.members), supercell_atoms=len(drawn[0].band.atoms), em=float(price.mean()),
        em_std=price_std, em_network=float(em.mean()), em_network_std=std,
        good_conductor=is_good_conductor(float(price.mean())),
        bvse_barrier=None if barrier is None else round(barrier, 3), valid=valid, flags=flags,
        segments=network.segments(hop_class), via_empty_site=via_empty)
    return result, bvse, price


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
