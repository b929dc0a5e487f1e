import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.graphs.batch import collate
from hopnet.graphs.builder import TIE_TOLERANCE, GraphConfig, build_graph, graph_from_band
from hopnet.graphs.cache import load_graphs, save_graphs


@pytest.fixture(scope="module")
def band(test_entries):
    return next(e.band for e in test_entries if e.sys_name == "LiMn2O4")


def test_each_atom_gets_its_nearest_neighbours(band):
    cfg = GraphConfig()
    structure = band.to_structure()
    g = build_graph(structure, cfg, n_path=5)
    assert np.bincount(g.dst, minlength=g.num_atoms).min() >= cfg.max_neighbors
    # the edges kept are the 12 nearest plus any tied with the 12th: brute force for each atom
    c, n, _, d = structure.get_neighbor_list(cfg.cutoff, exclude_self=True)
    for atom in range(g.num_atoms):
        all_d = np.sort(d[c == atom])
        expected = all_d[all_d <= all_d[cfg.max_neighbors - 1] + TIE_TOLERANCE]
        np.testing.assert_allclose(np.sort(g.length[g.dst == atom]), expected, rtol=1e-5)
    assert g.path_flag[:5].tolist() == [1] * 5 and g.path_flag[5:].sum() == 0


def test_triplet_cosines_match_geometry(band):
    # a bent three-atom molecule in a big box: the angle at O is known exactly
    angle = np.deg2rad(104.5)
    coords = [[10, 10, 10], [11, 10, 10], [10 + np.cos(angle), 10 + np.sin(angle), 10]]
    mol = Structure(Lattice.cubic(20.0), ["O", "H", "H"], coords, coords_are_cartesian=True)
    g = build_graph(mol, GraphConfig(max_neighbors=2, angle_neighbors=2))
    at_oxygen = g.dst[g.tri_src] == 0
    np.testing.assert_allclose(g.cos_angle[at_oxygen], np.cos(angle), atol=1e-6)
    # every triplet's two bonds share a centre and are distinct
    real = build_graph(band.to_structure(), GraphConfig(angle_neighbors=4), n_path=5)
    assert np.all(real.dst[real.tri_src] == real.dst[real.tri_dst])
    assert np.all(real.tri_src != real.tri_dst)
    # k angle-eligible bonds around a centre give k * (k - 1) ordered pairs, k >= 4
    k = np.bincount(real.dst[real.tri_src], minlength=real.num_atoms)
    assert np.all(k >= 12)


def test_local_scope_keeps_only_atoms_near_the_path(band):
    full = graph_from_band(band, GraphConfig())
    local = graph_from_band(band, GraphConfig(scope="local", local_radius=4.0))
    assert 5 < local.num_atoms < full.num_atoms
    assert local.path_flag[:5].sum() == 5
    assert local.src.max() < local.num_atoms and local.dst.max() < local.num_atoms


def test_collate_offsets_indices(test_entries):
    cfg = GraphConfig(scope="local")
    graphs = [graph_from_band(e.band, cfg) for e in test_entries[:3]]
    batch = collate(graphs)
    n0, e0 = graphs[0].num_atoms, len(graphs[0].src)
    assert batch.src[e0].item() == graphs[1].src[0] + n0
    assert batch.tri_src[len(graphs[0].tri_src)].item() == graphs[1].tri_src[0] + e0
    assert batch.node_graph.bincount().tolist() == [g.num_atoms for g in graphs]


def test_cache_roundtrip(tmp_path, test_entries):
    cfg = GraphConfig(scope="local")
    graphs = [graph_from_band(e.band, cfg) for e in test_entries[:4]]
    save_graphs(tmp_path / "g.npz", graphs)
    again = load_graphs(tmp_path / "g.npz")
    for a, b in zip(graphs, again):
        for field in ("z", "src", "dst", "length", "tri_src", "tri_dst", "cos_angle", "path_flag"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_graph_does_not_depend_on_atom_order(band):
    structure = band.to_structure()
    perm = np.concatenate([np.arange(5), 5 + np.random.default_rng(0).permutation(len(structure) - 5)])
    a = build_graph(structure, GraphConfig(), n_path=5)
    b = build_graph(Structure.from_sites([structure[i] for i in perm]), GraphConfig(), n_path=5)
    assert len(a.src) == len(b.src) and len(a.tri_src) == len(b.tri_src)
    np.testing.assert_allclose(np.sort(a.length), np.sort(b.length), rtol=1e-6)
    np.testing.assert_allclose(np.sort(a.cos_angle), np.sort(b.cos_angle), atol=1e-6)


def _edge_set(g):
    return sorted(zip(g.dst.tolist(), g.src.tolist(), np.round(g.length, 5).tolist()))


@pytest.mark.parametrize("spacing", [2.0, 6.5])  # dense: every centre settled in the first sphere; sparse: none
def test_the_near_first_neighbour_search_finds_the_edges_of_one_search_to_the_cutoff(monkeypatch, train_entries,
                                                                                      spacing):
    import hopnet.graphs.builder as builder

    cfg = GraphConfig(scope="local", local_radius=6.0, angle_neighbors=8)
    sparse = Structure(Lattice.cubic(spacing), ["Li", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    structures = [e.band for e in train_entries[:40:4]] + [sparse]

    def graphs():
        return [graph_from_band(s, cfg) if not isinstance(s, Structure) else build_graph(s, cfg) for s in structures]

    near_first = graphs()
    monkeypatch.setattr(builder, "FIRST_RADIUS", cfg.cutoff)
    one_search = graphs()
    for a, b in zip(near_first, one_search):
        assert _edge_set(a) == _edge_set(b)
        assert len(a.tri_src) == len(b.tri_src)
        np.testing.assert_allclose(np.sort(a.cos_angle), np.sort(b.cos_angle), atol=1e-6)
