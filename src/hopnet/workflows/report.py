"""What ``hopnet paths`` answers about one host: its hops, its networks and a verdict with its reason.

Plain, serialisable models (pydantic), light to import: a jobflow document or a
reader of stored reports needs these, not the networks that computed them.
"""
from __future__ import annotations

from pydantic import BaseModel

from hopnet.flags import DOUBTFUL, Flag
from hopnet.pathways.network import site_name
from hopnet.vocabulary import GOOD_CONDUCTOR_EM
from hopnet.workflows.conductor import ConductorAnswer


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

    @property
    def verdict(self) -> str:
        """blocked, or good / poor where the barrier and its spread are on one side of the threshold, else
        uncertain."""
        spread = self.em_std or 0.0
        return ("blocked" if not self.valid else "good" if self.em + spread < GOOD_CONDUCTOR_EM else
                "poor" if self.em - spread > GOOD_CONDUCTOR_EM else "uncertain")

    def sites(self) -> str:
        return f"{site_name(self.start_label, self.start_wyckoff)} - {site_name(self.end_label, self.end_wyckoff)}"


class CarrierReport(BaseModel):
    """The ion sublattice (``pathways.carriers``): ions and sites per cell, their ratio, whether every site is
    full, and the carrier gap (eV on the bond-valence scale; None where there is no landscape or no empty
    minimum)."""

    ions: float
    sites: int
    occupancy: float  # the share of the sites holding an atom (the ion, or a species sharing the site)
    full: bool
    gap: float | None = None
    position_occupancy: float | None = None  # the ion's amount over its positions in the file (None: no file)
    text: str = ""


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
    carriers: CarrierReport | None = None
    conductor: ConductorAnswer | None = None  # room temperature: fast / slow / uncertain, Ea and its interval
    bvse_percolation: dict[str, float | None] = {}  # the same hops percolated by their BVSE barriers (eV, BVSE scale)
    anion_electronegativity: float | None = None  # Pauling, amount-weighted over the anions; None: no such anion

    def as_dict(self) -> dict:
        return self.model_dump(mode="json")

    def rows(self) -> list[dict]:
        return [{"source": self.source, "formula": self.formula, "ion": self.ion,
                 **{k: v for k, v in h.model_dump(mode="json").items() if k not in ("segments", "flags")},
                 "image": " ".join(map(str, h.image)), "verdict": h.verdict,
                 "out_of_domain": "; ".join(map(str, h.out_of_domain)),
                 "flags": "; ".join(map(str, h.flags))} for h in self.hops]


def verdict(report: PathwayReport) -> tuple[str, str]:
    """good / poor / uncertain for the lowest-dimensional network the open hops form, and why.

    The hop that completes that network decides: good when the network's
    barrier plus that hop's calibrated spread stays below the good-conductor
    threshold, poor when minus the spread stays above it (or no network forms),
    uncertain when the spread straddles the threshold, or the hop carries a
    doubt (outside the training domain, via an empty site, a channel the
    landscape's grid could not resolve).
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
