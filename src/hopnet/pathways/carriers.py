"""Whether a host has mobile carriers: how full its ion sublattice is, and what a carrier costs where it is full.

A low migration barrier is necessary for room-temperature conduction, not
sufficient. The fast conductors (garnets, argyrodites, LGPS, NASICONs, the
halides) have carriers built in: a partially occupied ion sublattice, where
every ion has an empty site next to it and the measured activation energy is
close to the migration barrier. A stoichiometric compound whose ion sites are
all full (Li2S, LiCoO2, Li3PO4) must first make a defect: its activation
energy carries a formation part on top of migration, and its conductivity is
orders of magnitude lower at the same barrier.

Three numbers describe this here, read off the file and what the host analysis already has:

* the **position occupancy**: the ion's amount over the positions the file
  gives it, each position counted apart (split positions are not merged
  here: a Li smeared over a doublet is disorder the diffraction saw, and
  disorder is what carries the current). 1 for a stoichiometric compound
  with every ion position full; lower where a sublattice is disordered (a
  Li on a site it shares with Ti counts, too: the file's position, not the
  site's fill, is read);
* the **occupancy** of the ion's sites: the share of the sites the ion may
  occupy (split positions merged into one site, ``pathways.disorder``) that
  hold an atom, the ion or a species it shares the site with (Ti on 16d of
  Li4Ti5O12 fills the site as much as Li does), averaged over the orderings;
  below 1 the sublattice carries vacancies;
* the **carrier gap**: on the bond-valence landscape, the lowest empty minimum
  (a site no ion occupies, at least ``EMPTY_SITE_SEPARATION`` from every ion
  site) minus the highest energy of a site the ion holds in the landscape's
  ordering. It is a Frenkel-like cost of moving an ion off its site on BVSE's
  scale (eV, not a DFT formation energy); negative means an empty site lies
  lower than an occupied one: a frustrated sublattice, with carriers for free.
  A site another species holds in that ordering (Sn on the shared sites of a
  thio-LISICON, Ti on 16d of a spinel) is not an ion's site there: the ion's
  energy inside that atom is no cost of making a carrier.

Why our own: neither pymatgen-analysis-diffusion nor bvlain reports occupancies
or a site-energy gap; both are a few lines over the landscape and
the network hopnet already holds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pymatgen.core import Lattice, Structure

from hopnet.pathways.disorder import SPLIT_SITE
from hopnet.pathways.landscape import EMPTY_SITE_SEPARATION, ENERGY_CAP, Landscape
from hopnet.pathways.network import HopNetwork
from hopnet.vocabulary import element_of, elements_of

WHOLE = 0.02  # an occupancy within this of 1 is a full sublattice


@dataclass(frozen=True)
class Carriers:
    """The ion sublattice of a host: ``ions`` per cell on ``sites`` sites, of which ``filled`` hold an atom (the
    ion or a species sharing the site), and the carrier gap (eV, BVSE scale; None without a landscape or
    without an empty minimum). No sites: the file places no ion, and its carriers are unknown.
    ``position_occupancy``: the file's own (``position_occupancy``); None where no file was read (a stored
    network)."""

    ions: float
    sites: int
    filled: float
    gap: float | None
    position_occupancy: float | None = None
    volume: float | None = None  # Å3 of the cell ``ions`` are counted in

    @property
    def density(self) -> float | None:
        """Ions per nm3: the orderings' count (the composition's, rounded to whole atoms in the cell) over the cell,
        whatever positions the file draws them on."""
        return self.ions / self.volume * 1000.0 if self.sites and self.volume else None

    @property
    def occupancy(self) -> float:
        return self.filled / self.sites if self.sites else 0.0

    @property
    def full(self) -> bool:
        """Every ion site occupied: carriers must be made (a defect), not found."""
        return self.sites > 0 and self.occupancy >= 1.0 - WHOLE

    @classmethod
    def of(cls, network: HopNetwork, landscape: Landscape | None, host: Structure | None = None) -> "Carriers":
        """The carriers of ``network`` (on ``landscape``, where given), with the position occupancy of ``host``,
        the structure as read, where given."""
        is_ion = np.array(elements_of(network.nodes)) == network.ion
        if network.first_empty is not None:
            is_ion[network.first_empty:] = False
        sites = network.nodes.frac_coords[is_ion]
        ions = float(np.mean([elements_of(env).count(network.ion) for env in network.environments]))
        filled = float(np.mean([_held(env, sites).sum() for env in network.environments])) if len(sites) else 0.0
        held = _held(network.environments[0], sites, network.ion)  # in the landscape's ordering
        gap = (None if landscape is None or not held.any() else
               _gap(landscape, network.nodes.lattice, sites[held], sites))
        return cls(ions=ions, sites=int(len(sites)), filled=filled, gap=gap,
                   position_occupancy=None if host is None else position_occupancy(host, network.ion),
                   volume=float(network.nodes.lattice.volume))

    def describe(self, ion: str) -> str:
        if not self.sites:
            return f"the file places no {ion}: its carriers are unknown"
        if not self.ions:  # shared sites whose ion share rounds to no atom in the cell ordered (Li0.31La0.63TiO3)
            state = f"the orderings hold no {ion}: its share rounds to none in this cell"
        else:
            state = ("every site full: carriers must be made" if self.full else
                     f"occupancy {self.occupancy:.2f}: a partially occupied sublattice")
        gap = "" if self.gap is None else (
            f"; the lowest empty site lies {self.gap:.2f} eV (bond-valence scale) "
            + ("above the highest occupied one" if self.gap >= 0 else "below an occupied one: a frustrated sublattice"))
        given = "" if self.position_occupancy is None or self.position_occupancy >= 1.0 - WHOLE else (
            f"; the file's {ion} positions are {self.position_occupancy:.2f} occupied")
        return f"{self.ions:g} {ion} on {self.sites} sites per cell ({state}){given}{gap}"


def position_occupancy(structure: Structure, ion: str) -> float | None:
    """The ion's amount over the number of positions that carry it, as the structure gives them (split positions
    and sites shared with another species each count as one position); None where no position carries it."""
    shares = [amount for site in structure for species, amount in site.species.items() if element_of(species) == ion]
    return float(sum(shares) / len(shares)) if shares else None


def _held(environment: Structure, sites: np.ndarray, ion: str | None = None) -> np.ndarray:
    """Which of ``sites`` (fractional) an atom holds in ``environment``: an atom of ``ion``, or (None) any atom."""
    own = environment.frac_coords if ion is None else environment.frac_coords[np.array(elements_of(environment)) == ion]
    if not len(own) or not len(sites):
        return np.zeros(len(sites), bool)
    return environment.lattice.get_all_distances(sites, own).min(axis=1) < SPLIT_SITE


def _gap(landscape: Landscape, lattice: Lattice, occupied: np.ndarray, sites: np.ndarray) -> float | None:
    """Lowest empty minimum (away from every ion site) minus the highest ``occupied`` site's energy (eV); None: no
    empty minimum."""
    highest = max(landscape.site_energy(frac) for frac in occupied)
    for frac in landscape.low_minima(occupied, ENERGY_CAP):
        if lattice.get_all_distances(frac, sites).min() >= EMPTY_SITE_SEPARATION:
            return float(landscape.site_energy(frac) - highest)
    return None
