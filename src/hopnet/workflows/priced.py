"""A host's priced hop network and what it answers: each network as a fact (dimension, direction, barrier,
the same open hops' BVSE percolation) and the room-temperature answer read from the widest one."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pymatgen.core import Structure

from hopnet.chemistry.charges import anion_electronegativity
from hopnet.flags import Flag
from hopnet.pathways.carriers import Carriers
from hopnet.pathways.hops import DistinctHop
from hopnet.pathways.landscape import Landscape
from hopnet.pathways.network import HopNetwork, Percolation, percolate
from hopnet.vocabulary import DIMENSIONS, dimension
from hopnet.workflows.conductor import ConductorInputs, conductor_answer, reads_dimension
from hopnet.workflows.report import CarrierReport, HopResult, NetworkFact, PathwayReport, headline


@dataclass
class PricedNetwork:
    """A network's hop classes with their prices: per class and ordering, Em (the network's price anchored to the
    hop's BVSE barrier, ``pricing.anchored``), the channel's BVSE barrier, and the network's own price."""

    network: HopNetwork
    mechanism: str
    kept: list[DistinctHop]
    results: list[HopResult]
    em: np.ndarray  # (hops, orderings) eV, what percolates
    bvse: np.ndarray  # (hops, orderings) eV; nan where no ordering's landscape checked the hop (counts as open)
    ceiling: float  # eV; a hop whose BVSE barrier is above this has no open channel
    flags: list[Flag]
    em_network: np.ndarray  # (hops, orderings) eV, the barrier network's own price

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
        return {dim: _median_ordering(self.per_ordering, dim) for dim in (1, 2, 3)}

    def percolates(self) -> bool:
        """Whether the headline answer has a network at all (the median ordering's 1D one)."""
        return _median_ordering(self.per_ordering, 1) is not None

    def bvse_percolation(self) -> Percolation:
        """Percolation of the open hop classes priced by their BVSE barriers (each its lowest over the orderings)
        instead of the network's Em: the landscape's own answer on the same hops; a hop without a landscape, or
        blocked in every ordering, takes no part."""
        checked = ~np.isnan(self.bvse).all(axis=1)
        lowest = np.where(checked, np.nanmin(np.where(np.isnan(self.bvse), np.inf, self.bvse), axis=1), np.inf)
        return percolate(len(self.network.nodes), self.kept, lowest, checked & self.is_open.any(axis=1))

    def networks(self) -> list[NetworkFact]:
        """Each network the open hops form (the median ordering's), narrowest first, with the BVSE percolation of
        the same open hops at the same dimension."""
        bvse = self.bvse_percolation().thresholds
        return [NetworkFact(dimension=dimension(d), em=p.thresholds[d], bottleneck=p.bottleneck[d],
                            direction=p.directions.get(d, ""), bvse=None if bvse[d] is None else round(bvse[d], 4))
                for d, p in self.headline().items() if p is not None]

    def report(self, source: str, formula: str, notes: list[Flag], landscape: Landscape | None,
               host: Structure | None = None) -> PathwayReport:
        """The answer: each network as a fact (for each dimension the median ordering's percolation energy, an
        ordered host has one, so the headline always lies within its range over orderings; the BVSE percolation
        of the same open hops); the carriers (on ``landscape``, the first environment's; the file's positions
        from ``host``, the structure as read, where there is one); and the room-temperature answer, read from
        the widest network."""
        orderings, networks = self.per_ordering, self.networks()
        percolation = {d: None for d in DIMENSIONS} | {n.dimension: n.em for n in networks}
        carriers = Carriers.of(self.network, landscape, host)
        # the anions of the file as read; of a stored network, its first ordering's (whole atoms, same elements)
        anion_x = anion_electronegativity((host or self.network.environments[0]).composition)
        widest = reads_dimension(percolation)
        read = next((n for n in networks if n.dimension == widest), None)
        deciding = None if read is None else next(h for h in self.results if h.hop == read.bottleneck)
        inputs = ConductorInputs(
            dimension=None if read is None else read.dimension, em=None if read is None else read.em,
            bvse=None if read is None else read.bvse, full=carriers.full if carriers.sites else None,
            gap=carriers.gap, occupancy=carriers.position_occupancy, anion_x=anion_x, density=carriers.density,
            em_std=None if deciding is None else deciding.em_std,
            out_of_domain=[] if deciding is None else deciding.out_of_domain)
        answer = conductor_answer(inputs, self.network.ion)
        report = PathwayReport(
            carriers=CarrierReport(ions=carriers.ions, sites=carriers.sites, occupancy=round(carriers.occupancy, 4),
                                   full=carriers.full, gap=None if carriers.gap is None else round(carriers.gap, 4),
                                   position_occupancy=None if carriers.position_occupancy is None else
                                   round(carriers.position_occupancy, 4),
                                   density=None if carriers.density is None else round(carriers.density, 3),
                                   text=carriers.describe(self.network.ion)),
            anion_electronegativity=None if anion_x is None else round(anion_x, 4),
            bvse_percolation={d: None for d in DIMENSIONS} | {n.dimension: n.bvse for n in networks},
            conductor=answer, networks=networks, headline=headline(networks, answer),
            source=source, formula=formula, ion=self.network.ion, mechanism=self.mechanism, hops=self.results,
            percolation=percolation,
            bottleneck={d: None for d in DIMENSIONS} | {n.dimension: n.bottleneck for n in networks},
            notes=notes, lattice=np.round(self.network.nodes.lattice.matrix, 4).tolist(),
            empty_sites=np.round(self.network.empty_sites, 4).tolist(), framework=self.network.framework())
        if not self.network.is_ordered:
            report.orderings, report.ordering_seed = len(orderings), self.network.sampling.seed
            report.percolation_range = {
                dimension(d): None if any(p.thresholds[d] is None for p in orderings) else
                [min(p.thresholds[d] for p in orderings), max(p.thresholds[d] for p in orderings)]
                for d in (1, 2, 3)}
        return report


def _median_ordering(orderings: list[Percolation], dim: int) -> Percolation | None:
    """The ordering whose ``dim``-D percolation energy is the median (the higher one of an even count, the cautious
    choice; an ordering where the network never forms counts as the highest); None when the median ordering has no
    such network."""
    ranked = sorted(orderings, key=lambda p: (p.thresholds[dim] is None, p.thresholds[dim] or 0.0))
    middle = ranked[len(ranked) // 2]
    return middle if middle.thresholds[dim] is not None else None
