"""``hopnet paths``: every distinct hop of one host, its barrier, whether it exists, and the percolation answer.

Physics decides which hops exist (the bond-valence landscape, ``pathways.landscape``),
the network prices them, and percolation runs on the hops that exist only: a hop
through a CoO2 slab gets a price but never connects a network.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.disorder import is_disordered, node_structure, sample_ordering, whole_cell
from hopnet.pathways.hops import (
    Mechanism,
    distinct_hops,
    enumerate_hops,
    hop_band,
    insert_sites,
    percolation_barriers,
    symmetry_equivalent_sites,
)
from hopnet.pathways.landscape import GUESSED_STATES, blocked_above, bvse_landscape, empty_sites
from hopnet.predictor import BarrierModel
from hopnet.vocabulary import DEFAULT_MAX_HOP, GOOD_CONDUCTOR_EM, check_max_hop, is_good_conductor, parse_ion

DEFAULT_ORDERINGS = 3  # sampled orderings of a disordered host: a spread, within a minute per host
MAX_DISORDERED_BANDS = 120  # distinct hops x orderings priced for one disordered host (~45 s on one core)


@dataclass
class HopResult:
    hop: int
    start_site: int
    end_site: int
    image: tuple[int, int, int]
    length: float  # Å
    multiplicity: int  # symmetry-equivalent hops in the cell
    supercell_atoms: int  # atoms in the band's host
    em: float  # eV
    em_std: float | None
    good_conductor: bool
    bvse_barrier: float | None = None  # eV on bvlain's BVSE scale; None: no landscape for this host
    valid: bool = True  # the hop opens a channel between its sites; only valid hops percolate
    warnings: list[str] = field(default_factory=list)
    segments: list[list[list[float]]] = field(default_factory=list)  # every equivalent hop: [start, end] in Å
    via_empty_site: bool = False  # one end (or both) is an empty site, not one the ion occupies


@dataclass
class PathwayReport:
    source: str
    formula: str
    ion: str
    mechanism: str
    hops: list[HopResult]
    percolation: dict[str, float | None]  # "1D"/"2D"/"3D" -> lowest barrier that connects that far (eV)
    bottleneck: dict[str, int | None] = field(default_factory=dict)  # "1D"/... -> the hop that completes it
    verdict: str = "uncertain"  # good / poor / uncertain, for the lowest-dimensional network
    notes: list[str] = field(default_factory=list)  # host-level: no landscape, dropped hops
    orderings: int = 0  # sampled orderings of a disordered host (0: the host is ordered)
    ordering_seed: int | None = None
    percolation_range: dict[str, list[float] | None] = field(default_factory=dict)  # min, max over orderings
    lattice: list[list[float]] = field(default_factory=list)  # cell vectors (rows, Å) of the hops' coordinates
    empty_sites: list[list[float]] = field(default_factory=list)  # fractional; numbered after all sites of the cell

    def as_dict(self) -> dict:
        return asdict(self)

    def rows(self) -> list[dict]:
        return [{"source": self.source, "formula": self.formula, "ion": self.ion,
                 **{k: v for k, v in asdict(h).items() if k != "segments"},
                 "image": " ".join(map(str, h.image)), "warnings": "; ".join(h.warnings)} for h in self.hops]


def analyse_host(
    structure: Structure,
    ion: str,
    model: BarrierModel,
    max_hop: float = DEFAULT_MAX_HOP,
    sites: np.ndarray | None = None,
    mechanism: Mechanism | None = None,
    source: str = "host",
    channels: bool = True,
    orderings: int = DEFAULT_ORDERINGS,
    seed: int = 0,
    progress: bool = False,
    empty: bool | None = None,
) -> PathwayReport:
    """Find, check, predict and percolate the ion hops of ``structure``.

    ``sites`` (fractional) inserts the ion into an empty host first, with every
    site the host's space group makes of them; the mechanism then defaults to a
    single interstitial ion, otherwise to a vacancy hop among filled sites.
    ``channels=False`` skips the bond-valence check (every hop counts as open).
    A host with partially occupied sites is answered over ``orderings`` sampled
    orderings (seeded by ``seed``, see ``pathways.disorder``): the hops live on
    every site the ion may occupy, each is priced in every ordering, and the
    spread over orderings is added to each barrier's and reported per network.
    Empty sites (``pathways.landscape.empty_sites``) join the nodes when the
    ion's own sites form no network (``empty=None``), always (``True``) or
    never (``False``); they need the bond-valence landscape.
    """
    check_max_hop(max_hop, source)
    ion = parse_ion(ion, structure, source, must_be_present=False)
    if sites is not None:
        structure = insert_sites(structure, ion, symmetry_equivalent_sites(structure, sites))
    mechanism = mechanism or ("interstitial" if sites is not None else "vacancy")
    notes: list[str] = []
    nodes, snapshots = _nodes_and_orderings(structure, ion, orderings, seed, source, notes)
    ordered = snapshots[0] is None
    # Each ordering has its own landscape: which channels are open depends on where the partial atoms sit.
    landscapes = _landscapes([nodes] if ordered else snapshots, ion, source, notes) if channels else \
        [None] * len(snapshots)
    report = _hop_network(nodes, snapshots, ion, model, max_hop, mechanism, source, landscapes, list(notes),
                          None if ordered else seed, progress)
    wanted = empty if empty is not None else (report is None or report.percolation["1D"] is None)
    if wanted:
        report = _with_empty_sites(structure, nodes, snapshots, landscapes, report, ion, model, max_hop, mechanism,
                                   source, notes, seed, progress, asked=bool(empty))
    if report is None:
        raise HopnetInputError(source, f"no two {ion} sites are within {max_hop} Å; raise --max-hop")
    report.formula = structure.composition.reduced_formula  # the host's, not that of its filled nodes
    return report


def _with_empty_sites(structure, nodes, snapshots, landscapes, report, ion, model, max_hop, mechanism, source,
                      notes, seed, progress, asked: bool) -> PathwayReport | None:
    """The hop network with the landscape's empty sites added as nodes, or ``report`` (the ion's own sites'
    network, possibly None) with a note saying why none were added."""
    ordered = snapshots[0] is None
    landscape = next((found for found in landscapes if found is not None), None)
    extra, why_not = (empty_sites(nodes, ion, landscape) if landscape is not None else
                      (np.zeros((0, 3)), "empty sites need the bond-valence landscape"))
    if len(extra):
        why = ("asked for" if asked else "the ion's own sites do not form a network" if report else
               f"no two {ion} sites are within {max_hop} Å")
        added = [*notes, f"{len(extra)} empty sites (bond-valence minima) added as nodes: {why}"
                 + (f"; {why_not}" if why_not else "")]
        # the empty sites hold no ion in the hop's surroundings: the occupied host (or each ordering) does
        surroundings = [structure] if ordered else snapshots
        try:
            widened = _hop_network(insert_sites(nodes, ion, extra), surroundings, ion, model, max_hop, mechanism,
                                   source, landscapes, added, None if ordered else seed, progress,
                                   first_empty=len(nodes))
            if widened is not None:
                return widened
            why_not = f"empty sites not used: none within {max_hop} Å of another site"
        except HopnetInputError as err:  # no band through the empty sites: the own sites' answer stands
            if report is None:
                raise
            why_not = f"empty sites not used: {err.problem}"
    if report is not None:
        report.notes.append(why_not or "no bond-valence minimum qualifies as an empty site")
    return report


def _hop_network(nodes: Structure, surroundings: list[Structure | None], ion: str, model: BarrierModel,
                 max_hop: float, mechanism: Mechanism, source: str, landscapes: list, notes: list[str],
                 ordering_seed: int | None, progress: bool, first_empty: int | None = None) -> PathwayReport | None:
    """Every distinct hop among ``nodes``, priced and checked in each of ``surroundings`` (with its
    landscape), and percolated. Sites from ``first_empty`` on are empty: no ion sits there in any."""
    hops = enumerate_hops(nodes, ion, max_hop, source)
    if not hops:  # no two sites within reach: no network (empty sites may still give one)
        return None
    distinct = distinct_hops(nodes, hops, ion)
    if len(surroundings) > 1 and len(distinct) * len(surroundings) > MAX_DISORDERED_BANDS:
        fewer = max(1, MAX_DISORDERED_BANDS // len(distinct))
        notes.append(f"{len(distinct)} distinct hops: priced in {fewer} of {len(surroundings)} orderings to stay "
                     "within the time bound")
        surroundings, landscapes = surroundings[:fewer], landscapes[:fewer]
    kept, bands = [], []
    for d in distinct:
        try:
            bands.append([hop_band(nodes, ion, d.representative, mechanism, label=f"{source} hop {d.index}",
                                   environment=env) for env in surroundings])
            kept.append(d)
        except HopnetInputError as err:  # one unbuildable band drops its hop, not the host
            notes.append(f"hop {d.index} ({d.length:.2f} Å) dropped: {err.problem}")
    if not kept:
        raise HopnetInputError(source, "no hop could be drawn as a band: " + "; ".join(notes))
    flat = model.predict_band([b for per_hop in bands for b in per_hop], progress=progress)
    n = len(surroundings)
    preds = [flat[i * n:(i + 1) * n] for i in range(len(kept))]  # per hop, per ordering
    priced = [_priced(nodes, ion, d, per_hop, len(b[0].host), landscapes, first_empty)
              for d, per_hop, b in zip(kept, preds, bands)]
    results = [r for r, _ in priced]
    em = np.array([[p.em for p in per_hop] for per_hop in preds])  # (hops, orderings)
    is_open = np.array([open_in for _, open_in in priced])  # (hops, orderings)
    report = _percolated(nodes, ion, mechanism, source, kept, results, em, is_open, notes, ordering_seed)
    if first_empty is not None:
        report.empty_sites = np.round(nodes.frac_coords[first_empty:], 4).tolist()
    return report


def _nodes_and_orderings(structure: Structure, ion: str, orderings: int, seed: int, source: str,
                         notes: list[str]) -> tuple[Structure, list[Structure | None]]:
    """An ordered host as it is (no separate surroundings); a disordered one as its nodes and orderings."""
    if not is_disordered(structure):
        return structure, [None]
    cell, rounding = whole_cell(structure, source)
    if rounding:
        notes.append(rounding)
    rng = np.random.default_rng(seed)
    return node_structure(cell, ion), [sample_ordering(cell, rng, source) for _ in range(max(1, orderings))]


def _landscapes(structures: list[Structure], ion: str, source: str, notes: list[str]) -> list:
    """The landscape of each structure; None (and one note) where bond valences cannot describe it."""
    found = []
    for structure in structures:
        try:
            found.append(bvse_landscape(structure, ion, source=source))
            if found[-1].oxidation_states in GUESSED_STATES:
                note = (f"oxidation states from the {found[-1].oxidation_states} (the bond-valence analyser found "
                        "no charge-balanced assignment): channel checks are less certain")
                if note not in notes:
                    notes.append(note)
        except HopnetInputError as err:
            found.append(None)
            reason = f"hops not checked for open channels: {err.problem}"
            if reason not in notes:
                notes.append(reason)
    return found


def _priced(structure: Structure, ion: str, hop_class, per_ordering, band_atoms: int, landscapes: list,
            first_empty: int | None = None) -> tuple[HopResult, list[bool]]:
    """One hop class: its channel check and its barrier over the orderings it was priced in, and whether
    its channel is open in each ordering. The hop's BVSE barrier is its lowest over the orderings: a
    channel that opens as the partial atoms move is one the ion can use."""
    h = hop_class.representative
    warnings = _merged([p.domain_warnings for p in per_ordering])
    ceiling = blocked_above(ion)
    per_landscape: list[float | None] = []
    for landscape in landscapes:
        try:
            per_landscape.append(landscape.hop_barrier(structure.frac_coords[h.start],
                                                       structure.frac_coords[h.end] + h.image) if landscape else None)
        except ValueError as exc:  # a grid too coarse to resolve the sites: unchecked there, and says so
            per_landscape.append(None)
            if f"channel not checked: {exc}" not in warnings:
                warnings.append(f"channel not checked: {exc}")
    checked = [b for b in per_landscape if b is not None]
    barrier = min(checked) if checked else None
    valid = barrier is None or barrier <= ceiling
    open_in = [b is None or b <= ceiling for b in per_landscape]
    if not valid:
        warnings.insert(0, f"blocked: bond-valence barrier {barrier:.1f} eV above {ceiling:g} "
                           "(no open channel between the sites; left out of percolation)")
    via_empty = first_empty is not None and max(h.start, h.end) >= first_empty
    if via_empty:  # every training hop joins two sites the ion occupies: this one is an extrapolation
        warnings.append("via an empty site (a bond-valence minimum): the training hops join occupied sites")
    em = np.array([p.em for p in per_ordering])
    spreads = [p.em_std for p in per_ordering if p.em_std is not None]
    # The model's spread and the orderings' spread are independent sources of doubt: add them.
    std = float(np.sqrt(np.mean(np.square(spreads)) + em.var())) if spreads else None
    return HopResult(hop_class.index, h.start, h.end, h.image, round(hop_class.length, 4), len(hop_class.members),
                     band_atoms, float(em.mean()), std, is_good_conductor(float(em.mean())),
                     None if barrier is None else round(barrier, 3), valid, warnings, _segments(structure, hop_class),
                     via_empty), open_in


def _percolated(structure: Structure, ion: str, mechanism: str, source: str, kept, results: list[HopResult],
                em: np.ndarray, open_per_ordering: np.ndarray, notes: list[str],
                ordering_seed: int | None) -> PathwayReport:
    """The report: open hops percolated on the mean barriers, and per ordering (each with the hops open in
    its own landscape) for the range; the verdict."""
    is_open = np.array([r.valid for r in results])
    open_hops = [d for d, ok in zip(kept, is_open) if ok]
    perc = percolation_barriers(len(structure), open_hops, np.array([r.em for r in results])[is_open])
    bottleneck = {f"{k}D": next((r.hop for r in results if r.valid and r.em == v), None) if v is not None else None
                  for k, v in perc.items()}
    report = PathwayReport(source, structure.composition.reduced_formula, ion, mechanism, results,
                           {f"{k}D": v for k, v in perc.items()}, bottleneck, notes=notes,
                           lattice=np.round(structure.lattice.matrix, 4).tolist())
    if ordering_seed is not None:
        report.orderings, report.ordering_seed = em.shape[1], ordering_seed
        per_ordering = [percolation_barriers(len(structure), [d for d, ok in zip(kept, open_per_ordering[:, k]) if ok],
                                             em[open_per_ordering[:, k], k]) for k in range(em.shape[1])]
        report.percolation_range = {
            f"{k}D": None if any(p[k] is None for p in per_ordering) else
            [min(p[k] for p in per_ordering), max(p[k] for p in per_ordering)] for k in (1, 2, 3)}
    report.verdict = verdict(report)
    return report


def _segments(structure: Structure, hop_class) -> list[list[list[float]]]:
    frac = structure.frac_coords
    return [np.round(structure.lattice.get_cartesian_coords(np.vstack([frac[m.start], frac[m.end] + m.image])),
                     3).tolist() for m in hop_class.members]


def _merged(per_ordering: list[list[str]]) -> list[str]:
    """One warning of each kind over the orderings of a hop: the one with the largest number in it
    (the farthest embedding distance, say), not one line per ordering."""
    kinds: dict[str, str] = {}
    for note in (w for warnings in per_ordering for w in warnings):
        kind, value = _kind(note)
        if kind not in kinds or value > _kind(kinds[kind])[1]:
            kinds[kind] = note
    return sorted(kinds.values())


def warning_kind(note: str) -> str:
    """The words of a warning before its first number: warnings of one kind differ only in numbers."""
    return _kind(note)[0]


def _kind(note: str) -> tuple[str, float]:
    """A warning's kind (its words before the first number) and that number."""
    match = re.search(r"\d+(\.\d+)?", note)
    return (note[: match.start()], float(match.group())) if match else (note, 0.0)


def verdict(report: PathwayReport) -> str:
    """good / poor / uncertain for the lowest-dimensional network the open hops form.

    The hop that completes that network decides: good when its barrier plus its
    calibrated spread stays below the good-conductor threshold, poor when minus
    the spread stays above it (or no network forms), uncertain when the spread
    straddles the threshold, or the hop lies outside the training domain.
    """
    hop = next((report.bottleneck[k] for k in ("1D", "2D", "3D") if report.bottleneck.get(k) is not None), None)
    if hop is None:
        return "poor"
    h = next(r for r in report.hops if r.hop == hop)
    spread = h.em_std or 0.0
    if h.warnings:  # the deciding hop is open, so any warning is an out-of-domain one
        return "uncertain"
    if h.em + spread < GOOD_CONDUCTOR_EM:
        return "good"
    if h.em - spread > GOOD_CONDUCTOR_EM:
        return "poor"
    return "uncertain"
