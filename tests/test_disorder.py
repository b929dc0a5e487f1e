"""Partially occupied hosts: whole cells, orderings, nodes, and `paths` answering with a spread."""
import json

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.cli.main import EXIT_BAD_INPUT, main
from hopnet.errors import HopnetInputError
from hopnet.pathways.disorder import MAX_ORDERING_ATOMS, node_structure, sample_ordering, whole_cell
from hopnet.structures import read_structure
from hopnet.workflows.settings import HostSettings


def half_filled_rock_salt(a: float = 4.2, li: float = 0.5) -> Structure:
    """Rock-salt LiF with every Li site partially occupied (a vacancy-rich Li sublattice)."""
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), [{"Li": li}, "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_a_cell_is_repeated_until_the_occupancies_are_whole_atoms():
    cell, flags = whole_cell(half_filled_rock_salt(li=0.75))  # 4 x 0.75 = 3 Li: whole already
    assert len(cell) == 8 and flags == []
    cell, flags = whole_cell(half_filled_rock_salt(li=0.625))  # 2.5 Li per cell: two cells hold 5
    assert len(cell) == 16 and flags == []
    cell, flags = whole_cell(half_filled_rock_salt(li=0.6))  # 2.4 per cell: no small repeat makes it whole
    assert len(cell) == 8 and [f.kind for f in flags] == ["rounded occupancy"] and "Li 2.40 -> 2" in flags[0].text


def test_orderings_place_whole_counts_apart_and_are_seeded():
    cell, _ = whole_cell(half_filled_rock_salt() * 2)
    one = sample_ordering(cell, np.random.default_rng(0))
    again = sample_ordering(cell, np.random.default_rng(0))
    other = sample_ordering(cell, np.random.default_rng(1))
    li = lambda s: np.array([site.frac_coords for site in s if site.specie.symbol == "Li"])  # noqa: E731
    assert one.is_ordered and len(li(one)) == 16 and one.composition["F"] == 32
    assert np.array_equal(li(one), li(again)) and not np.array_equal(li(one), li(other))
    d = one.lattice.get_all_distances(li(one), li(one)) + 1e9 * np.eye(16)
    assert d.min() >= 2.0 - 1e-6  # the first separation that allows 16 of 32 sites


def test_split_sites_are_one_node_and_hold_one_atom():
    s = Structure(Lattice.cubic(4.0), [{"Li": 0.5}, {"Li": 0.5}, "F"],
                  [[0, 0, 0], [0.2, 0, 0], [0.5, 0.5, 0.5]])  # two positions 0.8 Å apart: one site
    nodes, flags = node_structure(s, "Li")
    assert [site.specie.symbol for site in nodes] == ["Li", "F"]
    assert np.allclose(nodes[0].frac_coords, [0.1, 0, 0])  # the centroid
    assert [f.kind for f in flags] == ["split sites"] and "2 split positions of Li read as 1 sites" in flags[0].text
    ordering = sample_ordering(s, np.random.default_rng(0))
    assert ordering.composition["Li"] == 1


def test_split_positions_across_the_cell_edge_keep_the_symmetry():
    """A Li site split about a mirror (x and -x, 0.8 Å apart across x = 0): one node on the mirror, at x = 0
    (not at 0.5, the naive mean of 0.1 and 0.9), and the cell keeps its cubic symmetry."""
    from hopnet.pathways.hops import SiteSymmetry

    s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), [{"Li": 1 / 6}, "F"], [[0.095, 0, 0], [0.5, 0.5, 0.5]])
    assert s.composition["Li"] == pytest.approx(4)  # 24 positions, 6 around each of 4 sites
    nodes, _ = node_structure(s, "Li")
    li = np.array([site.frac_coords for site in nodes if site.specie.symbol == "Li"])
    assert len(li) == 4
    assert nodes.lattice.get_all_distances(li, [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]).min(
        axis=1).max() < 1e-6
    assert set(SiteSymmetry.of(nodes).wyckoffs) == {"4a", "4b"}


def test_a_site_shared_with_another_species_is_a_node_priced_where_its_ends_are_free(tmp_path, capsys,
                                                                                     tiny_model_card):
    """LLTO-like perovskite: Li and La share the A site. Each ordering puts La on half of the A sites; the hops
    are priced between A sites that hold no La in that ordering, and the host is answered."""
    perovskite = Structure(Lattice.cubic(3.9), [{"Li": 0.5, "La": 0.5}, "Ti", "O", "O", "O"],
                           [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]) * 2
    nodes, flags = node_structure(perovskite, "Li")
    assert nodes.composition["Li"] == 8 and "La" not in nodes.composition
    assert [f.kind for f in flags] == ["shared sites"] and "Li shares 8 sites with La" in flags[0].text
    perovskite.to(filename=str(tmp_path / "llto.cif"))
    code = main(["paths", str(tmp_path / "llto.cif"), "--ion", "Li", "--no-channels", "-o",
                 str(tmp_path / "llto.json"), "--model", str(tiny_model_card)])
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / "llto.json").read_text())
    assert report["hops"] and all(h["length"] == pytest.approx(3.9, abs=0.01) for h in report["hops"][:1])
    assert any("shares 8 sites with La" in n["text"] for n in report["notes"])


def test_a_disordered_cif_is_read_and_an_overfull_site_is_refused(tmp_path):
    half_filled_rock_salt().to(filename=str(tmp_path / "LiF_half.cif"))
    assert not read_structure(tmp_path / "LiF_half.cif").is_ordered
    text = (tmp_path / "LiF_half.cif").read_text()
    (tmp_path / "overfull.cif").write_text(text.replace(" 0.5\n", " 1.4\n"))  # the Li occupancy column
    assert " 1.4\n" in (tmp_path / "overfull.cif").read_text()
    with pytest.raises(HopnetInputError) as err:
        read_structure(tmp_path / "overfull.cif")
    assert str(err.value).startswith(str(tmp_path / "overfull.cif")) and "\n" not in str(err.value)


def test_paths_answers_a_disordered_host_with_a_spread_over_orderings(tiny_model_card):
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    model = load_model(tiny_model_card)
    report = analyse_host(half_filled_rock_salt(), HostSettings(ion="Li", orderings=3, seed=0), model)
    assert report.orderings == 3 and report.ordering_seed == 0
    assert report.hops and all(h.em_std is not None for h in report.hops)
    ranges = {dim: r for dim, r in report.percolation_range.items() if r}
    assert ranges and all(lo <= report.percolation[dim] <= hi for dim, (lo, hi) in ranges.items())  # headline inside
    assert report.percolation["3D"] is not None  # the fcc Li sublattice connects in 3D
    again = analyse_host(half_filled_rock_salt(), HostSettings(ion="Li", orderings=3, seed=0), model)
    assert [h.em for h in again.hops] == [h.em for h in report.hops]  # seeded: the same orderings


def test_paths_cli_on_a_disordered_cif(tmp_path, capsys, tiny_model_card):
    half_filled_rock_salt().to(filename=str(tmp_path / "LiF_half.cif"))
    code = main(["paths", str(tmp_path / "LiF_half.cif"), "--ion", "Li", "--model", str(tiny_model_card)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "3 sampled orderings (seed 0)" in out


def test_a_large_centred_cell_is_ordered_in_its_primitive_cell(tmp_path, capsys, tiny_model_card):
    big = half_filled_rock_salt() * 5  # 1000 sites, a supercell of a 2-site primitive cell
    assert len(big) > MAX_ORDERING_ATOMS
    cell, flags = whole_cell(big)
    assert len(cell) < MAX_ORDERING_ATOMS and [f.kind for f in flags] == ["primitive cell"]
    big.to(filename=str(tmp_path / "big.cif"))
    code = main(["paths", str(tmp_path / "big.cif"), "--ion", "Li", "--no-channels", "--model", str(tiny_model_card)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "ordered in the primitive cell" in out


def test_a_large_ordered_supercell_is_analysed_in_its_primitive_cell():
    from hopnet.pathways.network import HopNetwork

    big = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), ["Li", "F"], [[0, 0, 0], [0.5] * 3]) * (5, 5, 4)
    network = HopNetwork.from_host(big, "Li", 3.5)
    assert len(big) == 800 and len(network.nodes) == 2 and len(network.hops) == 1  # the one Li-Li hop of rock salt
    assert [f.text for f in network.flags] == ["analysed in the primitive cell (2 of the file's 800 sites)"]
    small = HopNetwork.from_host(half_filled_rock_salt(li=1.0) * 2, "Li", 3.5)
    assert len(small.nodes) == 64 and not small.flags  # below the limit the file's own cell is kept


def test_a_disordered_host_too_large_to_order_is_one_line(tmp_path, capsys, tiny_model_card):
    big = half_filled_rock_salt() * 5
    big.perturb(0.3, seed=0)  # no smaller cell repeats it any more
    assert len(big) > MAX_ORDERING_ATOMS
    big.to(filename=str(tmp_path / "big.cif"))
    code = main(["paths", str(tmp_path / "big.cif"), "--ion", "Li", "--model", str(tiny_model_card)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "sites to order exceeds the limit" in err and err.count("\n") == 1


def test_each_ordering_checks_channels_in_its_own_landscape(monkeypatch, tiny_model_card):
    """A hop blocked in one ordering's landscape but open in another's is open (the partial atoms move),
    and the ordering in which it is blocked forms no network of its own. The anions are disordered too, so each
    ordering has a framework of its own."""
    from hopnet.chemistry.oxidation import OxidationOrigin
    from hopnet.pathways import landscape
    from hopnet.predictor import load_model
    from hopnet.workflows import host

    class Fixed:
        oxidation_states = OxidationOrigin.STRUCTURE

        def __init__(self, barrier):
            self.barrier = barrier

        def hop_barrier(self, start, end):
            return self.barrier

        def site_energy(self, frac):
            return 0.0

        def low_minima(self, occupied, window):
            return np.zeros((0, 3))

    made = []

    def fake_landscape(structure, ion, source="host"):
        made.append(structure)
        return Fixed(100.0 if len(made) == 1 else 0.5)  # the first ordering blocks every hop

    monkeypatch.setattr(landscape, "bvse_landscape", fake_landscape)
    mixed_anions = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), [{"Li": 0.5}, {"F": 0.5, "Cl": 0.5}],
                                             [[0, 0, 0], [0.5, 0.5, 0.5]])
    report = host.analyse_host(mixed_anions * (2, 1, 1), HostSettings(ion="Li", orderings=3, seed=0),
                               load_model(tiny_model_card))
    assert len(made) == 3 and all(h.valid and h.bvse_barrier == 0.5 for h in report.hops)
    assert report.percolation["1D"] is not None
    assert report.percolation_range["1D"] is None  # one ordering has no open hop, so no network


def test_orderings_that_differ_only_in_where_the_ion_sits_share_one_landscape(monkeypatch):
    """bvlain's landscape leaves the ion's own atoms out: the same framework is the same grid, computed once."""
    from hopnet.pathways import landscape
    from hopnet.pathways.network import HopNetwork, Orderings

    host = half_filled_rock_salt() * 2
    host.add_oxidation_state_by_element({"Li": 1, "F": -1})  # the file's states: Li0.5F balances no other way
    network = HopNetwork.from_host(host, "Li", 3.5, Orderings(3, 0))
    assert len({tuple(s.frac_coords[np.array([e.symbol == "Li" for e in s.species])].round(3).flatten())
                for s in network.environments}) == 3  # the ion sits differently in each
    computed = []
    real = landscape.bvse_landscape
    monkeypatch.setattr(landscape, "bvse_landscape", lambda *args, **kw: computed.append(1) or real(*args, **kw))
    shared = landscape.Landscapes.of(network.environments, "Li").per_environment
    assert len(computed) == 1 and shared[0] is not None and shared[0] is shared[1] is shared[2]


def test_the_headline_of_an_even_count_of_orderings_is_the_cautious_one():
    from hopnet.pathways.network import Percolation
    from hopnet.workflows.priced import _median_ordering

    def ordering(one_d):
        return Percolation({1: one_d, 2: None, 3: None}, {1: 0 if one_d is not None else None, 2: None, 3: None})

    assert _median_ordering([ordering(0.3), ordering(0.5)], 1).thresholds[1] == 0.5
    assert _median_ordering([ordering(0.3), ordering(0.5), ordering(0.4)], 1).thresholds[1] == 0.4
    assert _median_ordering([ordering(0.3), ordering(None), ordering(None)], 1) is None  # mostly no network


def test_an_ordering_without_a_landscape_follows_the_others(monkeypatch, tiny_model_card):
    """A hop blocked where the landscape exists stays blocked in the ordering bond valences cannot describe."""
    from hopnet.chemistry.oxidation import OxidationOrigin
    from hopnet.errors import HopnetInputError
    from hopnet.pathways import landscape
    from hopnet.predictor import load_model
    from hopnet.workflows import host

    class Blocked:
        oxidation_states = OxidationOrigin.STRUCTURE

        def hop_barrier(self, start, end):
            return 100.0

        def site_energy(self, frac):
            return 0.0

        def low_minima(self, occupied, window):
            return np.zeros((0, 3))

    made = []

    def fake_landscape(structure, ion, source="host"):
        made.append(structure)
        if len(made) == 1:
            raise HopnetInputError(source, "no bond-valence landscape for Li (test)")
        return Blocked()

    monkeypatch.setattr(landscape, "bvse_landscape", fake_landscape)
    settings = HostSettings(ion="Li", orderings=3, seed=0, empty_sites="never")
    report = host.analyse_host(half_filled_rock_salt(), settings, load_model(tiny_model_card))
    assert not any(h.valid for h in report.hops) and report.percolation["1D"] is None
    assert report.conductor.conductor == "slow" and report.networks == []
    assert any("no bond-valence landscape" in n.text for n in report.notes)


def test_spinel_li4ti5o12_keeps_every_hop_class(tmp_path, tiny_model_card):
    """Li4Ti5O12, Li[Li1/3Ti5/3]O4 (origin choice 1): Li shares the 16d sites with Ti. Each of the three hop
    classes (16d-16d, 8a-16d, 8a-8a) is priced in every ordering; none is dropped."""
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    spinel = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.36), ["Li", {"Li": 1 / 6, "Ti": 5 / 6}, "O"],
                                       [[0, 0, 0], [0.625] * 3, [0.3875] * 3])
    report = analyse_host(spinel, HostSettings(ion="Li", channels=False, max_hop=3.8), load_model(tiny_model_card))
    assert [round(h.length, 2) for h in report.hops] == [2.96, 3.47, 3.62]
    assert not any(n.kind == "dropped hop" for n in report.notes) and report.orderings == 3


def test_three_species_filling_shared_sites_exactly_are_placed():
    """Mg-doped Li4Ti5O12 (OBELiX 6du): Li, Mg and Ti share 8a and 16d, every site full. Scarcest first (Mg, Li,
    then Ti) can leave Ti short of 16d sites; the most constrained element first places all of them."""
    from pathlib import Path

    cif = Path(__file__).parents[1] / "benchmarks" / "data" / "obelix_train" / "cifs" / "6du.cif"
    cell, _ = whole_cell(read_structure(cif))
    for seed in range(3):
        ordering = sample_ordering(cell, np.random.default_rng(seed))
        assert ordering.is_ordered and len(ordering) == len(cell)
        assert (ordering.composition["Li"], ordering.composition["Mg"], ordering.composition["Ti"]) == (10, 1, 13)


def test_rounded_occupancies_never_place_more_atoms_than_the_sites_hold():
    from hopnet.pathways.disorder import whole_counts

    assert whole_counts({"Li": 2.4, "Na": 1.6}) == {"Li": 2, "Na": 2}  # rounding each keeps the sum: as before
    assert whole_counts({"Li": 9.7, "Mg": 1.5, "Ti": 12.8}) == {"Li": 10, "Mg": 1, "Ti": 13}  # 24 sites, not 25


def test_a_hop_drawn_with_its_end_sites_cleared_is_checked_in_the_landscape_without_those_atoms(tiny_model_card):
    """Scarce Li on the A sites of an LLTO-like perovskite: in some orderings every member of the hop class ends
    on La, and the hop is drawn with that La taken off its ends. Its channel is checked in the ordering's
    landscape without those atoms, as it was drawn, not left without a check (and so without the BVSE anchor
    on its price)."""
    from hopnet.chemistry.oxidation import with_oxidation_states
    from hopnet.pathways.landscape import bvse_landscape
    from hopnet.predictor import load_model
    from hopnet.workflows.host import price_host

    scarce = Structure(Lattice.cubic(3.9), [{"Li": 0.125, "La": 0.625}, "Ti", "O", "O", "O"],
                       [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]) * 2
    priced = price_host(scarce, HostSettings(ion="Li", orderings=8, seed=0), load_model(tiny_model_card), "llto")
    network, hop = priced.priced.network, priced.report.hops[0]
    assert any(f.kind == "cleared end sites" for f in hop.flags)
    hop_class = priced.priced.kept[0]
    frac = network.nodes.frac_coords

    def ends_of(member):
        return np.vstack([frac[member.start], frac[member.end] + member.image])

    def la_on(ends, environment):  # the La atoms sitting on the hop's two end sites
        near = environment.lattice.get_all_distances(ends, environment.frac_coords).min(axis=0) < 0.5
        return near & np.array([site.specie.symbol == "La" for site in environment])

    ends = ends_of(hop_class.representative)
    checked = 0
    for k, environment in enumerate(network.environments):
        la_on_ends = la_on(ends, environment)
        drawable = any(not la_on(ends_of(m), environment).any() for m in hop_class.members)
        if drawable or not la_on_ends.any():  # a member without La on its ends is drawn as it stands
            continue
        decorated, _ = with_oxidation_states(environment)
        decorated.remove_sites(list(np.flatnonzero(la_on_ends)))
        assert priced.priced.bvse[0][k] == pytest.approx(bvse_landscape(decorated, "Li").hop_barrier(*ends))
        checked += 1
    assert checked >= 1
