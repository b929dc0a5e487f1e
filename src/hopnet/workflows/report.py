"""What ``hopnet paths`` answers about one host: its hops, its networks as facts, and one headline.

Plain, serialisable models (pydantic), light to import: a jobflow document or a
reader of stored reports needs these, not the networks that computed them.
"""
from __future__ import annotations

from pydantic import BaseModel

from hopnet.flags import Flag
from hopnet.pathways.network import site_name
from hopnet.vocabulary import DIMENSIONS, GOOD_CONDUCTOR_EM, Dimension
from hopnet.workflows.conductor import WHY_WIDEST, ConductorAnswer


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
    em: float  # eV, mean over orderings: the network's price anchored to the BVSE barrier (workflows.pricing)
    em_std: float | None
    em_network: float | None = None  # eV, the barrier network's own price (what `hopnet predict` gives a band)
    em_network_std: float | None = None
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
        """The paper's per-hop class: blocked, or good / poor where the barrier and its spread are on one side of
        its threshold, else uncertain."""
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
    density: float | None = None  # ions per nm3
    text: str = ""


class NetworkFact(BaseModel):
    """A network the open hops form: how far it reaches, which way, the barrier at which it connects (the median
    ordering's, for a disordered host), the hop that completes it, and the same hops' BVSE percolation there."""

    dimension: Dimension
    em: float  # eV
    bottleneck: int  # the hop class that completes it
    direction: str = ""  # "along b", "in the ab plane" (the nodes' cell axes); "" for 3D, or where it forms only
    # together with a wider network
    bvse: float | None = None  # eV on the bond-valence scale; None: the landscape's barriers form no such network

    def __str__(self) -> str:
        return " ".join(filter(None, [self.dimension, self.direction, f"at {self.em:.2f} eV"]))


def network_facts(networks: list[NetworkFact]) -> str:
    """The networks as a reader states them: "1D along b at 0.28 eV; 2D in the bc plane at 1.84 eV; no 3D
    network". A network that forms at the same barrier as a wider one is that wider network (the 1D and 2D of
    a 3D conductor), so only the widest of them is told."""
    if not networks:
        return "none: the open hops never connect from cell to cell"
    told = [n for n, wider in zip(networks, [*networks[1:], None]) if wider is None or wider.em > n.em]
    missing = [d for d in DIMENSIONS if d not in {n.dimension for n in networks}]
    return "; ".join([*map(str, told), *[f"no {d} network" for d in missing]])


def headline(networks: list[NetworkFact], answer: ConductorAnswer | None) -> str:
    """One sentence a scientist reads first: the room-temperature class with Ea, the network it reads and why,
    then every network as a fact."""
    facts = network_facts(networks)
    if answer is None:
        return facts
    ea = ("" if answer.ea is None else
          f", estimated Ea {answer.ea:.2f} eV ({answer.ea_interval[0]:.2f}-{answer.ea_interval[1]:.2f})")
    read = answer.inputs.dimension
    why = ("" if read is None else f"; it reads the {read} network, the widest that forms" +
           (f" ({WHY_WIDEST})" if read != "1D" and any(n.dimension == "1D" and n.em < answer.inputs.em
                                                       for n in networks) else ""))
    return f"{answer.conductor} conductor at room temperature{ea}{why}. Networks: {facts}."


class PathwayReport(BaseModel):
    source: str
    formula: str
    ion: str
    mechanism: str
    hops: list[HopResult]
    percolation: dict[Dimension, float | None]  # lowest barrier at which the open hops connect that far (eV)
    bottleneck: dict[Dimension, int | None] = {}  # the hop that completes each network
    networks: list[NetworkFact] = []  # each network the open hops form, narrowest first
    headline: str = ""  # the one answer: the room-temperature class, the network it reads and why, the networks
    notes: list[Flag] = []  # host-level: no landscape, dropped hops, empty sites, in the training table
    orderings: int = 0  # sampled orderings of a disordered host the hops were priced in (0: the host is ordered)
    ordering_seed: int | None = None
    percolation_range: dict[Dimension, list[float] | None] = {}  # min, max over orderings
    lattice: list[list[float]] = []  # cell vectors (rows, Å) of the hops' coordinates
    empty_sites: list[list[float]] = []  # fractional; numbered after all sites of the cell
    framework: list[tuple[str, float, float, float]] = []  # every other atom of the nodes' cell: element, x, y, z (Å)
    carriers: CarrierReport | None = None
    conductor: ConductorAnswer | None = None  # room temperature: fast / slow / uncertain, Ea and its interval
    bvse_percolation: dict[Dimension, float | None] = {}  # the same open hops percolated by their BVSE barriers (eV,
    # BVSE scale)
    anion_electronegativity: float | None = None  # Pauling, amount-weighted over the anions; None: no such anion

    def as_dict(self) -> dict:
        return self.model_dump(mode="json")

    def rows(self) -> list[dict]:
        return [{"source": self.source, "formula": self.formula, "ion": self.ion,
                 **{k: v for k, v in h.model_dump(mode="json").items() if k not in ("segments", "flags")},
                 "image": " ".join(map(str, h.image)), "verdict": h.verdict,
                 "out_of_domain": "; ".join(map(str, h.out_of_domain)),
                 "flags": "; ".join(map(str, h.flags))} for h in self.hops]


