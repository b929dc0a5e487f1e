"""``hopnet paths``: every distinct hop of one host, its barrier, whether it exists, and the percolation answer.

Four steps: build the host's hop network (``pathways.network``), get the
bond-valence landscape of each environment it is priced in
(``pathways.landscape``), price every hop class with the network (a hop's
channel decides whether it may percolate; a hop through a CoO2 slab gets a
price but never connects a network; ``workflows.pricing``), and report
(``workflows.priced``): each network as a fact and one room-temperature answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pymatgen.core import Structure

from hopnet.chemistry.charges import check_mobile_cation
from hopnet.chemistry.oxidation import FILE_BALANCE_TOLERANCE, common_states
from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind
from hopnet.pathways.hops import insert_sites, ion_sites, symmetry_equivalent_sites
from hopnet.pathways.landscape import Landscape, Landscapes, empty_sites
from hopnet.pathways.network import HopNetwork, Orderings
from hopnet.predictor import BarrierModel
from hopnet.vocabulary import elements_of
from hopnet.workflows.priced import PricedNetwork
from hopnet.workflows.pricing import Pricing
from hopnet.workflows.report import PathwayReport
from hopnet.workflows.settings import HostSettings


@dataclass
class PricedHost:
    """One host's priced hop network and what its report reads beside it: the public step between pricing and
    answering, for a caller that needs the prices themselves (a benchmark refitting the answer on them)."""

    priced: PricedNetwork
    source: str
    formula: str
    notes: list[Flag]
    landscape: Landscape | None
    host: Structure | None

    @cached_property
    def report(self) -> PathwayReport:
        return self.priced.report(self.source, self.formula, self.notes, self.landscape, self.host)


def analyse_host(structure: Structure, settings: HostSettings, model: BarrierModel, source: str = "host",
                 progress: bool = False) -> PathwayReport:
    """Find, check, price and percolate the hops of ``settings.ion`` in ``structure`` (``price_host``), and
    answer."""
    return price_host(structure, settings, model, source, progress).report


def price_host(structure: Structure, settings: HostSettings, model: BarrierModel, source: str = "host",
               progress: bool = False) -> PricedHost:
    """Find, check and price the hops of ``settings.ion`` in ``structure``.

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
    landscapes = _landscapes(network, settings, source, host)
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
    return PricedHost(priced, source, host.composition.reduced_formula, notes, landscapes.first(), host)


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


def _landscapes(network: HopNetwork, settings: HostSettings, source: str, host: Structure | None = None) -> Landscapes:
    """The landscape of each environment the network is priced in, unless the channel check is off; a disordered
    ``host``'s own balanced states stand in for an ordering's that balance with none (``Landscapes.of``)."""
    if not settings.channels:
        return Landscapes.unchecked(len(network.environments))
    file_states = (None if host is None or host.is_ordered else
                   common_states(host.composition, tolerance=FILE_BALANCE_TOLERANCE))
    return Landscapes.of(network.environments, network.ion, source, file_states)


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
