"""The hop network as a domain object: built from a host, named as a crystallographer names it, stored,
and exchanged with pymatgen-analysis-diffusion's MigrationGraph."""
import json

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.examples import example_path
from hopnet.pathways.migration_graph import network_from_migration_graph, to_migration_graph
from hopnet.pathways.network import HopNetwork, Orderings

LFP = example_path("LiFePO4_host.cif")


def labelled_rock_salt():
    """Rock-salt LiF written as a database exports it: one label per crystallographic site (Li1 4a, F1 4b)."""
    s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    for site in s:
        site.label = "Li1" if site.specie.symbol == "Li" else "F1"
    return s


def test_nodes_carry_the_files_site_labels_and_their_wyckoff_letters():
    network = HopNetwork.from_host(labelled_rock_salt(), "Li", 5.0)
    start, end = network.ends(network.hops[0].representative)
    assert (start.label, start.wyckoff) == ("Li1", "4a") and str(end) == "Li1 (4a)"


def test_a_file_without_orbit_labels_gets_the_element_and_its_orbits_number():
    lfp = Structure.from_file(LFP)  # written with one label per atom (Li0, Li1, ...): not the orbits
    assert len({site.label for site in lfp if site.specie.symbol == "Li"}) == 4
    network = HopNetwork.from_host(lfp, "Li", 5.0)
    assert {str(site) for site, el in zip(network.sites, lfp.species) if el.symbol == "Li"} == {"Li1 (4a)"}


def test_a_disordered_cell_made_whole_keeps_the_cifs_labels(tmp_path):
    s = labelled_rock_salt()
    s.replace_species({"Li": {"Li": 1.0 / 3}})  # a third of 4 sites: whole only in a cell three times as long
    for site in s:
        site.label = "Li1" if "Li" in site.species_string else "F1"
    network = HopNetwork.from_host(s, "Li", 5.0, Orderings(count=2, seed=1))
    assert len(network.nodes) == 3 * len(s) and len(network.environments) == 2
    assert {network.sites[i].label for i, el in enumerate(network.nodes.species) if el.symbol == "Li"} == {"Li1"}


def test_a_network_survives_json_and_prices_the_same_hops():
    network = HopNetwork.from_host(Structure.from_file(LFP), "Li", 5.0)
    again = HopNetwork.from_dict(json.loads(json.dumps(network.as_dict())))
    assert [[(m.start, m.end, m.image) for m in d.members] for d in again.hops] == \
        [[(m.start, m.end, m.image) for m in d.members] for d in network.hops]
    assert again.nodes == network.nodes and again.sites == network.sites and again.is_ordered


def test_empty_sites_join_as_nodes_named_empty_and_keep_the_hosts_environments():
    network = HopNetwork.from_host(Structure.from_file(LFP), "Li", 2.5)
    assert not network.hops  # the Li-Li hops are 2.99 Å and longer
    widened = network.with_empty_sites(np.array([[0.25, 0.25, 0.25]]))
    assert widened.first_empty == len(network.nodes) and widened.sites[-1].label.startswith("empty")
    assert widened.environments == network.environments  # no ion sits on an empty site


def test_percolation_names_the_hop_class_that_completes_each_network():
    network = HopNetwork.from_host(Structure.from_file(LFP), "Li", 5.0)
    short, long = network.hops  # the b-axis chain (2.99 Å) and the hop between chains (4.65 Å)
    found = network.percolation(np.array([0.3, 1.8]), np.array([True, True]))
    assert found.thresholds == {1: 0.3, 2: 1.8, 3: None} and found.bottleneck == {1: 0, 2: 1, 3: None}
    blocked = network.percolation(np.array([0.3, 1.8]), np.array([True, False]))
    assert blocked.thresholds[2] is None


def test_a_migration_graph_round_trip_keeps_every_hop(tiny_model_card):
    pytest.importorskip("pymatgen.analysis.diffusion")
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_network
    from hopnet.workflows.settings import HostSettings

    network = HopNetwork.from_host(Structure.from_file(LFP), "Li", 5.0)
    graph = to_migration_graph(network, barriers={0: 0.27})
    edges = list(graph.m_graph.graph.edges(data=True))
    assert len(edges) == sum(len(d.members) for d in network.hops)
    assert {d["hopnet_em"] for _, _, d in edges if d["hopnet_hop"] == 0} == {0.27}
    assert len(graph.unique_hops) >= len(network.hops)  # the library's own grouping of the same hops
    back = network_from_migration_graph(graph)
    assert sorted(round(d.length, 3) for d in back.hops) == sorted(round(d.length, 3) for d in network.hops)
    assert [len(d.members) for d in back.hops] == [len(d.members) for d in network.hops]
    report = analyse_network(back, HostSettings(ion="Li", channels=False), load_model(tiny_model_card))
    assert report.percolation["1D"] is not None and len(report.hops) == len(network.hops)


def test_empty_sites_go_to_a_migration_graph_and_come_back_empty():
    pytest.importorskip("pymatgen.analysis.diffusion")
    from hopnet.pathways.landscape import bvse_landscape, empty_sites

    lfp = Structure.from_file(LFP)
    network = HopNetwork.from_host(lfp, "Li", 2.5)  # the Li-Li hops are longer: only empty sites connect
    extra, _ = empty_sites(network.nodes, "Li", bvse_landscape(lfp, "Li"))
    widened = network.with_empty_sites(extra)
    back = network_from_migration_graph(to_migration_graph(widened))
    assert back.first_empty == len(lfp) and back.environments[0].composition == lfp.composition
    assert [len(d.members) for d in back.hops] == [len(d.members) for d in widened.hops]
    assert all(back.via_empty_site(d.representative) for d in back.hops)


def test_a_disordered_network_is_not_handed_to_a_migration_graph():
    from hopnet.errors import HopnetInputError

    s = labelled_rock_salt()
    s.replace_species({"Li": {"Li": 0.5}})
    with pytest.raises(HopnetInputError, match="disordered host"):
        to_migration_graph(HopNetwork.from_host(s, "Li", 5.0))


def test_a_migration_graph_without_ion_sites_is_one_line_naming_its_source():
    from types import SimpleNamespace

    from hopnet.errors import HopnetInputError

    with pytest.raises(HopnetInputError, match="^stored.json: the migration graph has no sites"):
        network_from_migration_graph(SimpleNamespace(only_sites=Structure(Lattice.cubic(4.0), [], [])),
                                     source="stored.json")
