"""``hopnet paths``: every distinct hop of one host, its barrier, and the percolation answer."""
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
)
from hopnet.predictor import BarrierModel
from hopnet.vocabulary import DEFAULT_MAX_HOP, check_max_hop, parse_ion


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
    warnings: list[str] = field(default_factory=list)


@dataclass
class PathwayReport:
    source: str
    formula: str
    ion: str
    mechanism: str
    hops: list[HopResult]
    percolation: dict[str, float | None]  # "1D"/"2D"/"3D" -> lowest barrier that connects that far (eV)

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
) -> PathwayReport:
    """Find, predict and percolate the ion hops of ``structure``.

    ``sites`` (fractional) inserts the ion into an empty host first; the
    mechanism then defaults to a single interstitial ion, otherwise to a
    vacancy hop among filled sites.
    """
    check_max_hop(max_hop, source)
    ion = parse_ion(ion, structure, source, must_be_present=False)
    if sites is not None:
        structure = insert_sites(structure, ion, sites)
    mechanism = mechanism or ("interstitial" if sites is not None else "vacancy")
    hops = enumerate_hops(structure, ion, max_hop, source)
    if not hops:
        raise HopnetInputError(source, f"no two {ion} sites are within {max_hop} Å; raise --max-hop")
    distinct = distinct_hops(structure, hops, ion)
    bands = [hop_band(structure, ion, d.representative, mechanism, label=f"{source} hop {d.index}") for d in distinct]
    preds = model.predict_band(bands)
    em = np.array([p.em for p in preds])
    results = [
        HopResult(d.index, d.representative.start, d.representative.end, d.representative.image,
                  round(d.length, 4), len(d.members), len(b.host), p.em, p.em_std, p.good_conductor,
                  p.domain_warnings)
        for d, b, p in zip(distinct, bands, preds)
    ]
    perc = percolation_barriers(len(structure), distinct, em)
    return PathwayReport(source, structure.composition.reduced_formula, ion, mechanism, results,
                         {f"{k}D": v for k, v in perc.items()})
