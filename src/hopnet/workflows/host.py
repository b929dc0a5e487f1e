"""``hopnet paths``: every distinct hop of one host, its barrier, whether it exists, and the percolation answer.

Physics decides which hops exist (the bond-valence landscape, ``pathways.landscape``),
the network prices them, and percolation runs on the hops that exist only: a hop
through a CoO2 slab gets a price but never connects a network.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.hops import (
    Mechanism,
    distinct_hops,
    enumerate_hops,
    hop_band,
    insert_sites,
    percolation_barriers,
    symmetry_equivalent_sites,
)
from hopnet.pathways.landscape import BLOCKED_ABOVE, bvse_landscape
from hopnet.predictor import BarrierModel
from hopnet.vocabulary import DEFAULT_MAX_HOP, GOOD_CONDUCTOR_EM, check_max_hop, parse_ion


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

    def as_dict(self) -> dict:
        return asdict(self)

    def rows(self) -> list[dict]:
        return [{"source": self.source, "formula": self.formula, "ion": self.ion, **asdict(h),
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
) -> PathwayReport:
    """Find, check, predict and percolate the ion hops of ``structure``.

    ``sites`` (fractional) inserts the ion into an empty host first, with every
    site the host's space group makes of them; the mechanism then defaults to a
    single interstitial ion, otherwise to a vacancy hop among filled sites.
    ``channels=False`` skips the bond-valence check (every hop counts as open).
    """
    check_max_hop(max_hop, source)
    ion = parse_ion(ion, structure, source, must_be_present=False)
    if sites is not None:
        structure = insert_sites(structure, ion, symmetry_equivalent_sites(structure, sites))
    mechanism = mechanism or ("interstitial" if sites is not None else "vacancy")
    hops = enumerate_hops(structure, ion, max_hop, source)
    if not hops:
        raise HopnetInputError(source, f"no two {ion} sites are within {max_hop} Å; raise --max-hop")
    notes: list[str] = []
    landscape = None
    if channels:
        try:
            landscape = bvse_landscape(structure, ion, source=source)
        except HopnetInputError as err:
            notes.append(f"hops not checked for open channels: {err.problem}")
    kept, bands = [], []
    for d in distinct_hops(structure, hops, ion):
        try:
            bands.append(hop_band(structure, ion, d.representative, mechanism, label=f"{source} hop {d.index}"))
            kept.append(d)
        except HopnetInputError as err:  # one unbuildable band drops its hop, not the host
            notes.append(f"hop {d.index} ({d.length:.2f} Å) dropped: {err.problem}")
    if not kept:
        raise HopnetInputError(source, "no hop could be drawn as a band: " + "; ".join(notes))
    preds = model.predict_band(bands)
    results = []
    for d, b, p in zip(kept, bands, preds):
        h = d.representative
        barrier = (landscape.hop_barrier(structure.frac_coords[h.start], structure.frac_coords[h.end] + h.image)
                   if landscape else None)
        valid = barrier is None or barrier <= BLOCKED_ABOVE
        warnings = list(p.domain_warnings)
        if not valid:
            warnings.insert(0, f"blocked: bond-valence barrier {barrier:.1f} eV above {BLOCKED_ABOVE:g} "
                               "(no open channel between the sites; left out of percolation)")
        results.append(HopResult(d.index, h.start, h.end, h.image, round(d.length, 4), len(d.members), len(b.host),
                                 p.em, p.em_std, p.good_conductor, None if barrier is None else round(barrier, 3),
                                 valid, warnings))
    open_hops = [(d, r) for d, r in zip(kept, results) if r.valid]
    perc = percolation_barriers(len(structure), [d for d, _ in open_hops], np.array([r.em for _, r in open_hops]))
    bottleneck = {f"{k}D": next((r.hop for _, r in open_hops if r.em == v), None) if v is not None else None
                  for k, v in perc.items()}
    report = PathwayReport(source, structure.composition.reduced_formula, ion, mechanism, results,
                           {f"{k}D": v for k, v in perc.items()}, bottleneck, notes=notes)
    report.verdict = verdict(report)
    return report


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
