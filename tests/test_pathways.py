"""Hop discovery, symmetry reduction, percolation and the `paths` command."""
import json

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.cli.main import EXIT_BAD_INPUT, main
from hopnet.errors import HopnetInputError
from hopnet.examples import example_path
from hopnet.flags import FlagKind
from hopnet.pathways.hops import (
    Hop,
    distinct_hops,
    enumerate_hops,
    hop_band,
    network_direction,
    periodic_span,
    supercell_scaling,
)

LFP = example_path("LiFePO4_host.cif")


def li(**fields):
    """Host settings for Li hops (``HostSettings`` with everything else at its default)."""
    from hopnet.workflows.settings import HostSettings

    return HostSettings(ion=fields.pop("ion", "Li"), **fields)


def simple_cubic_li(a=3.0):
    """Li on a simple cubic lattice inside a sparse F framework: 6 equivalent hops of length a."""
    return Structure(Lattice.cubic(a), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_hops_of_simple_cubic_lattice_are_one_class_and_percolate_in_3d():
    s = simple_cubic_li()
    hops = enumerate_hops(s, "Li", max_hop=3.2)
    assert len(hops) == 3 and all(h.length == pytest.approx(3.0) for h in hops)  # +x, +y, +z (undirected)
    assert len(distinct_hops(s, hops, "Li")) == 1
    assert len(periodic_span(len(s), hops)) == 3
    assert len(periodic_span(len(s), hops[:1])) == 1
    assert len(periodic_span(len(s), hops[:2])) == 2


def test_long_hops_get_a_supercell_where_they_are_the_shortest_image():
    s = simple_cubic_li(a=4.0)
    hop = [h for h in enumerate_hops(s, "Li", 6.0) if h.length > 5.0][0]  # face diagonal, 5.66 Å
    band = hop_band(s, "Li", hop, "vacancy")
    assert band.hop_length == pytest.approx(hop.length)
    assert min(band.host.lattice.abc) > 2 * hop.length


def test_a_network_says_which_way_it_runs_in_its_cells_axes():
    s = simple_cubic_li()
    along = {int(np.flatnonzero(h.image)[0]): h for h in enumerate_hops(s, "Li", max_hop=3.2)}  # axis -> hop
    assert network_direction(periodic_span(len(s), [along[2]])) == "along c"
    assert network_direction(periodic_span(len(s), [along[1], along[2]])) == "in the bc plane"
    hops = list(along.values())
    assert network_direction(periodic_span(len(s), hops)) == ""
    diagonal = [Hop(0, 0, (1, 1, 0), 4.2), Hop(0, 0, (2, 2, 0), 8.4)]
    assert network_direction(periodic_span(1, diagonal)) == "along [1 1 0]"  # the shortest repeat, not its double
    assert network_direction(periodic_span(1, [Hop(0, 0, (1, 1, 0), 4.2), Hop(0, 0, (0, 0, 1), 3.0)])) == \
        "in the (1 -1 0) plane"


def test_dimensionality_of_a_closed_ring_is_zero():
    ring = [Hop(0, 1, (0, 0, 0), 1.0), Hop(1, 2, (0, 0, 0), 1.0), Hop(2, 0, (0, 0, 0), 1.0)]
    assert len(periodic_span(3, ring)) == 0
    chain = ring[:2] + [Hop(2, 0, (0, 0, 1), 1.0)]
    assert len(periodic_span(3, chain)) == 1


def test_lifepo4_hops_reduce_by_symmetry_and_bands_look_like_training_bands():
    s = Structure.from_file(LFP)
    hops = enumerate_hops(s, "Li", 5.0)
    distinct = distinct_hops(s, hops, "Li")
    assert sum(len(d.members) for d in distinct) == len(hops)
    assert distinct[0].length == pytest.approx(2.985, abs=0.01)  # the b-axis channel hop
    scaling = supercell_scaling(s.lattice, distinct[0].length)
    assert np.all(np.array(s.lattice.abc) * scaling >= 9.0)
    band = hop_band(s, "Li", distinct[0].representative, "vacancy")
    assert band.hop_length == pytest.approx(distinct[0].length, abs=1e-6)
    n_li = sum(site.specie.symbol == "Li" for site in band.host)
    assert len(band.host) == len(s) * np.prod(scaling) - 2 and n_li == 4 * np.prod(scaling) - 2
    empty = hop_band(s, "Li", distinct[0].representative, "interstitial")
    assert not any(site.specie.symbol == "Li" for site in empty.host)


def test_an_oblique_cell_of_the_same_crystal_gives_the_same_bands():
    # A unimodular change of basis: the same LiFePO4 drawn in a needle-like cell whose axes are
    # long but whose faces are close together; a per-axis supercell rule drew wrap-around hops here.
    s = Structure.from_file(LFP)
    oblique = s.copy()
    oblique.make_supercell([[1, 0, 0], [3, 1, 0], [0, 3, 1]])
    assert len(oblique) == len(s) and min(oblique.lattice.angles) < 30
    for cell in (s, oblique):
        distinct = distinct_hops(cell, enumerate_hops(cell, "Li", 5.0), "Li")
        bands = [hop_band(cell, "Li", d.representative, "vacancy") for d in distinct]
        assert [b.hop_length for b in bands] == pytest.approx([d.length for d in distinct], abs=1e-6)
        if cell is s:
            reference = sorted((round(b.hop_length, 3), len(b.host)) for b in bands)
    assert sorted((round(b.hop_length, 3), len(b.host)) for b in bands) == reference


def test_paths_command_reports_hops_and_percolation(tmp_path, capsys, tiny_model_card):
    out_json = tmp_path / "lfp.json"
    code = main(["paths", str(LFP), "--ion", "Li", "--model", str(tiny_model_card), "-o", str(out_json),
                 "--plot", str(tmp_path / "lfp.png")])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out_json.read_text())
    assert report["ion"] == "Li" and len(report["hops"]) >= 2
    lowest = min(h["em"] for h in report["hops"])
    assert report["percolation"]["1D"] is not None and report["percolation"]["1D"] >= lowest
    assert all(h["em_std"] is not None for h in report["hops"])  # the tiny card is a 2-member ensemble
    assert (tmp_path / "lfp.png").stat().st_size > 1000 and "1D network" in out
    assert (tmp_path / "lfp-arrhenius.png").stat().st_size > 1000 and "conductivity: ~" in out
    assert report["conductivity"]["temperature_K"] == 298.15 and report["conductor"]["log10_sigma"] is not None


def test_paths_gives_the_conductivity_at_the_temperature_asked(capsys, tiny_model_card):
    args = ["paths", str(LFP), "--ion", "Li", "--model", str(tiny_model_card), "--json"]
    assert main(args) == 0
    room = json.loads(capsys.readouterr().out)["conductivity"]
    assert main(args + ["--temperature", "500"]) == 0
    hot = json.loads(capsys.readouterr().out)["conductivity"]
    assert hot["temperature_K"] == 500 and hot["log10_sigma"] > room["log10_sigma"]
    assert hot["log10_sigma_high"] - hot["log10_sigma_low"] > room["log10_sigma_high"] - room["log10_sigma_low"]
    assert main(args + ["--temperature", "-20"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--temperature" in err and "-20" in err


def test_paths_with_user_sites_in_an_empty_host(tmp_path, capsys, tiny_model_card):
    s = Structure.from_file(LFP)
    li = [site.frac_coords for site in s if site.specie.symbol == "Li"]
    s.remove_species(["Li"])
    host = tmp_path / "FePO4.cif"
    s.to(filename=str(host))
    args = ["paths", str(host), "--ion", "Li", "--model", str(tiny_model_card), "--json"]
    assert main(args) == EXIT_BAD_INPUT and "no Li sites" in capsys.readouterr().err
    code = main(args + [arg for x in li for arg in ("--site", ",".join(map(str, x)))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["mechanism"] == "interstitial"
    assert main(args + ["--site", "0.1,nan"]) == EXIT_BAD_INPUT


def test_too_short_max_hop_is_a_clear_error():
    with pytest.raises(HopnetInputError, match="raise --max-hop"):
        from hopnet.workflows.host import analyse_host

        analyse_host(simple_cubic_li(), li(max_hop=2.0), model=None)


def test_an_oxidation_state_cif_gives_identical_numbers_and_no_element_warning(tmp_path, tiny_model_card):
    from hopnet.predictor import load_model
    from hopnet.structures import read_structure
    from hopnet.workflows.host import analyse_host

    plain = Structure.from_file(LFP)
    decorated = plain.copy()
    decorated.add_oxidation_state_by_element({"Li": 1, "Fe": 2, "P": 5, "O": -2})
    decorated.to(filename=str(tmp_path / "ox.cif"))
    model = load_model(tiny_model_card)
    a = analyse_host(plain, li(), model)
    b = analyse_host(read_structure(tmp_path / "ox.cif"), li(ion="Li+"), model)
    assert str(read_structure(tmp_path / "ox.cif")[0].specie).endswith("+")  # the CIF kept its charges
    assert [h.em for h in a.hops] == [h.em for h in b.hops] and a.percolation == b.percolation
    assert [h.flags for h in a.hops] == [h.flags for h in b.hops]
    assert not any(f.kind is FlagKind.UNSEEN_ELEMENT for h in b.hops for f in h.flags)


@pytest.fixture(scope="module")
def licoo2():
    """Ideal R-3m LiCoO2 (a = 2.816, c = 14.05 Å, O at z = 0.2396): a 2D Li conductor."""
    return Structure.from_spacegroup("R-3m", Lattice.hexagonal(2.816, 14.05), ["Li", "Co", "O"],
                                     [[0, 0, 0.5], [0, 0, 0], [0, 0, 0.2396]])


def test_the_bond_valence_landscape_blocks_hops_through_the_coo2_slab(licoo2, tiny_model_card):
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    report = analyse_host(licoo2, li(), load_model(tiny_model_card))
    in_plane = [h for h in report.hops if abs(h.length - 2.816) < 0.01][0]
    across = [h for h in report.hops if not h.valid]
    assert in_plane.valid and across and all(h.length > 4.9 for h in across)  # the interlayer hops
    assert all(h.bvse_barrier > in_plane.bvse_barrier + 3 for h in across)
    assert report.percolation["2D"] is not None and report.percolation["3D"] is None  # layered: 2D
    assert across[0].flags[0].kind is FlagKind.BLOCKED and not across[0].out_of_domain
    assert all(np.isfinite(h.em) and h.em_network is not None for h in report.hops)  # blocked hops too
    # the answer's inputs are the same open hops at the same dimension: no BVSE network through the blocked slab
    assert [(n.dimension, n.direction) for n in report.networks][-1] == ("2D", "in the ab plane")
    assert report.bvse_percolation["3D"] is None and report.bvse_percolation["2D"] < min(h.bvse_barrier for h in across)
    assert report.conductor.inputs.dimension == "2D" and report.conductor.inputs.bvse == report.bvse_percolation["2D"]
    unchecked = analyse_host(licoo2, li(channels=False), load_model(tiny_model_card))
    assert all(h.valid and h.bvse_barrier is None for h in unchecked.hops)
    assert all(h.em == h.em_network for h in unchecked.hops)  # no landscape: the network's price alone


def test_a_hop_price_weighs_the_network_and_the_landscape_by_their_uncertainties():
    from hopnet.pathways.landscape import BvseScale
    from hopnet.workflows.pricing import anchored

    scale = BvseScale(intercept=0.3, slope=0.2, rms=0.4)
    em, bvse = np.array([0.9, 1.1]), np.array([0.0, 1.0])  # two orderings; physics says 0.3 and 0.5 eV
    price, spread = anchored(em, 0.4, bvse, scale, out_of_domain=False)  # equally sure: the midpoint
    assert price == pytest.approx([0.6, 0.8]) and spread == pytest.approx(0.4 / np.sqrt(2))
    sure, _ = anchored(em, 0.1, bvse, scale, out_of_domain=False)
    assert sure == pytest.approx(em + (np.array([0.3, 0.5]) - em) / 17, abs=1e-9)  # weight 16:1 to the network
    outside, spread = anchored(em, 0.1, bvse, scale, out_of_domain=True)
    assert outside == pytest.approx([0.3, 0.5]) and spread == 0.4  # outside the training domain: the physics
    for no_physics in (anchored(em, 0.4, np.array([np.nan, np.nan]), scale, False),
                       anchored(em, 0.4, bvse, BvseScale(0.8, -0.03, 0.3), False)):  # no landscape; a flat scale
        assert no_physics[0] is em and no_physics[1] == 0.4


def test_the_landscape_finds_olivines_b_channel_and_uses_the_structures_cell():
    from hopnet.pathways.landscape import bvse_landscape

    lfp = Structure.from_file(LFP)
    landscape = bvse_landscape(lfp, "Li")
    assert np.allclose(landscape.lattice, lfp.lattice.matrix)
    hops = distinct_hops(lfp, enumerate_hops(lfp, "Li", 5.0), "Li")
    barriers = [landscape.hop_barrier(lfp.frac_coords[d.representative.start],
                                      lfp.frac_coords[d.representative.end] + d.representative.image) for d in hops]
    assert barriers[0] < 1.0 < 3.0 < barriers[1]  # the 2.99 Å b-axis hop is open, the 4.65 Å one is not easy
    hop = hops[0].representative
    start, end = lfp.frac_coords[hop.start], lfp.frac_coords[hop.end] + hop.image
    images = landscape.channel_images(start, end, 5)
    assert images.shape == (5, 3) and np.allclose(images[[0, -1]], [start, end])
    cart = lfp.lattice.get_cartesian_coords(images)
    straight = lfp.lattice.get_cartesian_coords(start + np.linspace(0, 1, 5)[:, None] * (end - start))
    assert 0.3 < np.linalg.norm(cart[2] - straight[2]) < 1.5  # the b channel curves, as in DFT


def test_a_host_bond_valences_cannot_describe_is_one_line(tmp_path):
    from hopnet.pathways.landscape import bvse_landscape

    metal = Structure(Lattice.cubic(3.5), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])  # no anion at all
    with pytest.raises(HopnetInputError, match="no bond-valence landscape for Li") as err:
        bvse_landscape(metal, "Li", source="metal.cif")
    assert str(err.value).startswith("metal.cif") and "\n" not in str(err.value)


def test_one_site_of_a_wyckoff_orbit_brings_the_whole_orbit():
    from hopnet.pathways.hops import symmetry_equivalent_sites

    fepo4 = Structure.from_file(LFP)
    li = np.array([s.frac_coords for s in fepo4 if s.specie.symbol == "Li"])
    fepo4.remove_species(["Li"])
    orbit = symmetry_equivalent_sites(fepo4, li[:1])
    assert len(orbit) == len(li) == 4
    assert np.all(fepo4.lattice.get_all_distances(li, orbit).min(axis=1) < 1e-3)


def test_paths_with_one_site_finds_the_b_channel_of_fepo4(tmp_path, capsys, tiny_model_card):
    s = Structure.from_file(LFP)
    site = next(site.frac_coords for site in s if site.specie.symbol == "Li")
    s.remove_species(["Li"])
    s.to(filename=str(tmp_path / "FePO4.cif"))
    code = main(["paths", str(tmp_path / "FePO4.cif"), "--ion", "Li", "--site", ",".join(map(str, site)),
                 "--model", str(tiny_model_card), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert min(h["length"] for h in report["hops"]) == pytest.approx(2.985, abs=0.01)  # the b-axis hop
    assert report["percolation"]["1D"] is not None


def test_the_headline_states_every_network_and_why_it_reads_the_widest(hop_result):
    from hopnet.workflows.conductor import ConductorAnswer, ConductorInputs
    from hopnet.workflows.report import NetworkFact, headline, network_facts

    networks = [NetworkFact(dimension="1D", em=0.28, bottleneck=0, direction="along b", bvse=0.5),
                NetworkFact(dimension="2D", em=1.84, bottleneck=1, direction="in the ab plane", bvse=3.7)]
    inputs = ConductorInputs(dimension="2D", em=1.84, bvse=3.7, full=True, gap=0.4)
    answer = ConductorAnswer(conductor="slow", reason="r", inputs=inputs, ea=1.4, ea_interval=(1.1, 1.7))
    assert headline(networks, answer) == (
        "slow conductor at room temperature, estimated Ea 1.40 eV (1.10-1.70); it reads the 2D network, the widest "
        "that forms (a 1D channel alone is cut by the first defect on it). Networks: 1D along b at 0.28 eV; "
        "2D in the ab plane at 1.84 eV; no 3D network.")
    none = ConductorAnswer(conductor="slow", reason="the open hops form no network",
                           inputs=ConductorInputs(dimension=None, em=None, bvse=None, full=True, gap=None))
    assert headline([], none) == ("slow conductor at room temperature. Networks: none: the open hops never connect "
                                  "from cell to cell.")
    at_once = [NetworkFact(dimension=d, em=0.5, bottleneck=0) for d in ("1D", "2D", "3D")]
    assert network_facts([networks[0], *at_once[1:]]) == "1D along b at 0.28 eV; 3D at 0.50 eV"
    assert network_facts(at_once) == "3D at 0.50 eV"  # a 3D conductor's 1D and 2D are that 3D network


def test_a_hop_whose_band_cannot_be_built_is_dropped_with_a_note(monkeypatch, tiny_model_card):
    import hopnet.workflows.pricing as pricing
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    real = pricing.hop_band

    def fails_for_the_long_hop(structure, ion, hop, mechanism, label="", environment=None):
        if hop.length > 4.0:
            raise HopnetInputError(label, "site 7 (O) has no neighbour within 8.0 Å")
        return real(structure, ion, hop, mechanism, label=label, environment=environment)

    monkeypatch.setattr(pricing, "hop_band", fails_for_the_long_hop)
    report = analyse_host(Structure.from_file(LFP), li(), load_model(tiny_model_card))
    assert [h.length for h in report.hops] == [pytest.approx(2.985, abs=0.01)]
    dropped = [f for f in report.notes if f.kind is FlagKind.DROPPED_HOP]
    assert [f.text for f in dropped] == ["hop 1 (4.65 Å) dropped: site 7 (O) has no neighbour within 8.0 Å"]
    assert report.percolation["1D"] is not None


def test_paths_plot_draws_the_network_static_and_interactive(tmp_path, capsys, licoo2, tiny_model_card):
    from hopnet.plots import network_figure, pathway_figure
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    report = analyse_host(licoo2, li(), load_model(tiny_model_card))
    assert all(len(h.segments) == h.multiplicity for h in report.hops)
    ax = network_figure(report).axes[0]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata())]
    assert len(dashed) == sum(h.multiplicity for h in report.hops if not h.valid)  # every blocked hop, dashed
    bars = pathway_figure(report).axes[0].patches
    blocked = sum(not h.valid for h in report.hops)
    assert blocked and [b.get_hatch() for b in bars[-blocked:]] == ["xxx"] * blocked  # crossed, at the bottom
    assert all(b.get_hatch() in (None, "") for b in bars[:-blocked])  # open, in-domain hops plain
    assert {"Co", "O"} <= {el for el, *_ in report.framework}
    licoo2.to(filename=str(tmp_path / "LiCoO2.cif"))
    code = main(["paths", str(tmp_path / "LiCoO2.cif"), "--ion", "Li", "--model", str(tiny_model_card),
                 "--plot", str(tmp_path / "lco.png")])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "lco-network.png").stat().st_size > 10_000
    page = (tmp_path / "lco-network.html").read_text()
    assert "plotly" in page and "blocked: no open channel" in page and '<script src="http' not in page  # offline
    assert 'src="plotly.min.js"' in page and len(page) < 500_000  # the library beside the page, once
    assert (tmp_path / "plotly.min.js").stat().st_size > 1_000_000


def test_a_slanted_primitive_cell_sees_the_same_channels(licoo2):
    from hopnet.pathways.landscape import bvse_landscape

    def barriers(s):
        landscape = bvse_landscape(s, "Li")
        out = []
        for d in distinct_hops(s, enumerate_hops(s, "Li", 5.0), "Li"):
            h = d.representative
            out.append((round(d.length, 2), landscape.hop_barrier(s.frac_coords[h.start],
                                                                  s.frac_coords[h.end] + h.image)))
        return dict(out)

    primitive = licoo2.get_primitive_structure()  # 12 atoms -> 4, angles 60 and 73.5 degrees
    assert len(primitive) == 4
    wide, slanted = barriers(licoo2), barriers(primitive)
    assert slanted[2.82] == pytest.approx(wide[2.82], abs=0.3)  # the in-plane channel, found in both cells


def test_a_site_on_top_of_a_framework_atom_is_no_hop(tiny_model_card):
    lfp = Structure.from_file(LFP)
    oxygen = next(s.frac_coords for s in lfp if s.specie.symbol == "O")
    hops = enumerate_hops(insert_sites_on(lfp, oxygen), "Li", 5.0)
    bad = next(h for h in hops if h.start == len(lfp) or h.end == len(lfp))
    with pytest.raises(HopnetInputError, match="end site of the hop is .* from O"):
        hop_band(insert_sites_on(lfp, oxygen), "Li", bad, "vacancy", label="x")


def insert_sites_on(structure, frac):
    s = structure.copy()
    s.append("Li", frac, validate_proximity=False)
    return s


def _two_well_landscape(a: float = 6.0, n: int = 24):
    """A cubic landscape with the deepest well at the origin and a shallower one at the body centre."""
    from hopnet.pathways.landscape import Landscape

    grid = np.stack(np.meshgrid(*[np.arange(n) / n] * 3, indexing="ij"), axis=-1)

    def well(centre, depth):
        d = (grid - centre + 0.5) % 1.0 - 0.5
        return -depth * np.exp(-np.sum((d * a) ** 2, axis=-1))

    return Landscape(3.0 + well(np.zeros(3), 2.0) + well(np.full(3, 0.5), 1.0), np.eye(3) * a)


def test_empty_sites_are_the_low_minima_away_from_the_occupied_sites():
    from hopnet.pathways.landscape import empty_sites

    landscape = _two_well_landscape()
    minima = landscape.low_minima(np.zeros((1, 3)), window=1.5)
    assert np.allclose(minima, [[0, 0, 0], [0.5, 0.5, 0.5]])  # lowest first
    assert len(landscape.low_minima(np.zeros((1, 3)), window=0.5)) == 1  # the body centre is 1 eV higher
    host = Structure(Lattice.cubic(6.0), ["Li", "F", "F", "F"], [[0, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]])
    sites, note = empty_sites(host, "Li", landscape)
    assert np.allclose(sites, [[0.5, 0.5, 0.5]]) and note == ""


def test_a_host_whose_own_sites_form_no_network_gets_one_through_empty_sites(tiny_model_card):
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    lfp = Structure.from_file(LFP)
    model = load_model(tiny_model_card)
    report = analyse_host(lfp, li(max_hop=2.5), model)  # the Li-Li hops (2.99 Å and up) are longer
    assert report.formula == "LiFePO4" and report.empty_sites and report.notes[0].kind is FlagKind.EMPTY_SITES
    assert report.percolation["1D"] is not None and all(h.via_empty_site for h in report.hops)
    assert all(any(f.kind is FlagKind.VIA_EMPTY_SITE for f in h.flags) for h in report.hops)
    assert not any(h.out_of_domain for h in report.hops)  # an empty site is its own doubt, not the domain's
    assert report.networks and report.networks[0].bottleneck in {h.hop for h in report.hops}
    assert max(max(h.start_site, h.end_site) for h in report.hops) >= 4  # empty sites follow the 4 Li
    plain = analyse_host(lfp, li(), model)  # the own sites percolate: no empty sites unless asked
    assert not plain.empty_sites and not any(h.via_empty_site for h in plain.hops)
    with pytest.raises(HopnetInputError, match="raise --max-hop"):
        analyse_host(lfp, li(max_hop=2.5, empty_sites="never"), model)


def test_paths_marks_hops_via_empty_sites_and_can_refuse_them(capsys, tiny_model_card):
    args = ["paths", str(LFP), "--ion", "Li", "--model", str(tiny_model_card), "--max-hop", "2.5"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "(via an empty site)" in out and "empty sites (bond-valence minima) added" in out
    assert main(args + ["--empty-sites", "never"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert "raise --max-hop" in err and len(err.splitlines()) == 1


def test_empty_sites_asked_for_without_a_landscape_say_why_there_are_none(tiny_model_card):
    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host

    settings = li(channels=False, empty_sites="always")
    report = analyse_host(Structure.from_file(LFP), settings, load_model(tiny_model_card))
    assert not report.empty_sites and any("need the bond-valence landscape" in n.text for n in report.notes)


def test_oxidation_states_come_from_the_cheapest_rule_that_answers(monkeypatch):
    """The structure's own; else the one balanced assignment of common states; else the bond-valence analyser;
    else the composition's guesses."""
    from pymatgen.analysis import bond_valence

    from hopnet.chemistry import oxidation
    from hopnet.chemistry.oxidation import with_oxidation_states

    rocksalt = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    decorated, origin = with_oxidation_states(rocksalt)
    assert origin == "common oxidation states" and {str(s) for s in decorated.species} == {"Li+", "F-"}
    assert with_oxidation_states(decorated)[1] == "structure"
    monkeypatch.setattr(oxidation, "common_states", lambda composition, absent=None: None)
    assert with_oxidation_states(rocksalt)[1] == "bond valence"

    def no_assignment(self, structure):  # what the analyser does on a distorted or unusual cell
        raise ValueError("Valences cannot be assigned!")

    monkeypatch.setattr(bond_valence.BVAnalyzer, "get_oxi_state_decorated_structure", no_assignment)
    guessed, origin = with_oxidation_states(rocksalt)
    assert origin == "composition" and {str(s) for s in guessed.species} == {"Li+", "F-"}
    phosphide = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.9), ["Li", "Li", "P"],  # Li3Bi type: Li3P
                                          [[0.25, 0.25, 0.25], [0.5, 0.5, 0.5], [0, 0, 0]])
    assert phosphide.composition.oxi_state_guesses()  # it balances, but only with P3-: no bond-valence parameters
    with pytest.raises(ValueError, match="no usable oxidation states"):
        with_oxidation_states(phosphide)


@pytest.mark.parametrize("formula, states", [
    ("LiFePO4", {"Li": 1, "Fe": 2, "P": 5, "O": -2}),
    ("Li6PS5Cl", {"Li": 1, "P": 5, "S": -2, "Cl": -1}),
    ("Li25P3SiS20Br4", {"Li": 1, "P": 5, "Si": 4, "S": -2, "Br": -1}),  # a Si-doped argyrodite ordering
    ("LiMn2O4", None),  # Mn3+/Mn4+: mixed valence, for the analyser
    ("LiTiO2", None),  # Ti3+ is not a common state of Ti: the analyser decides
])
def test_common_states_answer_only_the_unambiguous_compositions(formula, states):
    from pymatgen.core import Composition

    from hopnet.chemistry.oxidation import common_states

    assert common_states(Composition(formula)) == states


def test_a_mixed_valence_host_gets_its_average_state_and_a_landscape():
    """LiMn2O4: Mn3+/Mn4+ on one orbit, so the analyser finds no assignment and the composition balances only
    at Mn3.5+; bvlain takes a cation's charge as a number, so the hops are still checked."""
    from hopnet.chemistry.oxidation import OxidationOrigin, with_oxidation_states
    from hopnet.pathways.landscape import bvse_landscape

    spinel = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.24), ["Li", "Mn", "O"],  # origin choice 1
                                       [[0, 0, 0], [0.625] * 3, [0.388] * 3])
    decorated, origin = with_oxidation_states(spinel)
    assert origin is OxidationOrigin.MIXED_VALENCE
    assert {str(s) for s in decorated.species} == {"Li+", "Mn3.50+", "O2-"}
    landscape = bvse_landscape(spinel, "Li")
    li = [site.frac_coords for site in spinel if site.specie.symbol == "Li"]
    assert landscape.oxidation_states == origin and 0 < landscape.hop_barrier(li[0], li[0] + 0.25) < 1.0  # the 8a-16c-8a hop, open


def test_a_library_error_reads_as_a_sentence_not_python():
    from hopnet.chemistry.bvse import plain_reason

    assert plain_reason(KeyError("oxi_states")) == "no data for oxi_states"
    assert plain_reason(KeyError(("Li", np.float64(-1.0)))) == "no data for ('Li', -1.0)"
    assert plain_reason(ValueError("charge np.float64(-1.0) does not balance\nmore")) == "charge -1.0 does not balance"


def test_a_hops_band_drawn_in_arrays_is_pymatgens_supercell_band():
    """``hop_band`` repeats the host with numpy; pymatgen's own supercell of the LLL-reduced cell, with the ion's
    end sites taken off, gives the same atoms and the same graph (oblique cell, oxidation states, a long hop)."""
    from hopnet.graphs.builder import GraphConfig, graph_from_band
    from hopnet.pathways.band import band_from_sites
    from hopnet.pathways.hops import ENDPOINT_CLEARANCE

    s = Structure.from_file(LFP)
    s.add_oxidation_state_by_element({"Li": 1, "Fe": 2, "P": 5, "O": -2})
    s = Structure(Lattice.from_parameters(*s.lattice.abc, 90, 104, 90), s.species, s.frac_coords)  # oblique
    hop = distinct_hops(s, enumerate_hops(s, "Li", 5.0), "Li")[-1].representative
    band = hop_band(s, "Li", hop, "vacancy")

    reduced = s.get_reduced_structure("LLL")
    start = reduced.lattice.get_fractional_coords(s.lattice.get_cartesian_coords(s.frac_coords[hop.start]))
    end = reduced.lattice.get_fractional_coords(s.lattice.get_cartesian_coords(s.frac_coords[hop.end] + hop.image))
    scaling = supercell_scaling(reduced.lattice, hop.length)
    supercell = reduced * scaling
    start, end = (start - np.floor(start)) / scaling, (end - np.floor(start)) / scaling
    near = supercell.lattice.get_all_distances(np.vstack([start, end]), supercell.frac_coords).min(axis=0)
    supercell.remove_sites([i for i, d in enumerate(near) if d <= ENDPOINT_CLEARANCE])
    expected = band_from_sites(supercell, "Li", start, end)

    assert band.hop_length == pytest.approx(hop.length, abs=1e-9)
    assert len(band.atoms) == len(expected.host) and band.host.composition == expected.host.composition.element_composition
    ours, theirs = graph_from_band(band, GraphConfig()), graph_from_band(expected, GraphConfig())
    assert sorted(ours.z) == sorted(theirs.z) and len(ours.src) == len(theirs.src)
    np.testing.assert_allclose(np.sort(ours.length), np.sort(theirs.length), atol=1e-5)
    np.testing.assert_allclose(np.sort(ours.cos_angle), np.sort(theirs.cos_angle), atol=1e-5)


def test_a_band_is_not_drawn_in_an_ordering_with_overlapping_atoms():
    """Two partial sites 0.3 Å apart may both be filled by a sampled ordering: no crystal, no band (the hop is
    dropped with this reason, as a file with overlapping atoms is refused)."""
    s = Structure(Lattice.cubic(4.0), ["Li", "Li", "F", "F"], [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5],
                                                                [0.5, 0.5, 0.575]])
    with pytest.raises(HopnetInputError, match=r"overlapping atoms: site \d+ \(F\) and site \d+ \(F\) are 0.30 Å"):
        hop_band(s, "Li", Hop(0, 1, (0, 0, 0), s.get_distance(0, 1)), "vacancy")


def test_an_oblique_cell_gets_the_same_landscape_point_by_point_in_bounded_memory(licoo2, monkeypatch):
    """A cell with angles near 20° would need hundreds of millions of grid offsets around each atom (1.4 GB for a
    16-atom LiNiO2 cell of the pre-training set): its sum runs from the grid points' side instead. Both ways give
    the same grid, here forced on LiCoO2 and on its cell sheared to 20°-odd angles."""
    import resource

    import hopnet.chemistry.bvse as bvse
    from hopnet.chemistry.oxidation import with_oxidation_states

    decorated, _ = with_oxidation_states(licoo2)
    atom_by_atom = bvse._atom_by_atom(decorated, "Li", 1, 0.2)
    monkeypatch.setattr(bvse, "MAX_OFFSETS", 0)
    np.testing.assert_allclose(bvse._atom_by_atom(decorated, "Li", 1, 0.2), atom_by_atom, atol=1e-9)
    monkeypatch.undo()

    a, b, c = licoo2.lattice.matrix
    sheared = Structure(Lattice([a, 4 * a + b, 4 * a + 4 * b + c]), decorated.species,  # the same crystal, an oblique cell
                        decorated.lattice.get_cartesian_coords(decorated.frac_coords), coords_are_cartesian=True,
                        to_unit_cell=True)
    assert min(sheared.lattice.angles) < 25
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    grid = bvse._atom_by_atom(sheared, "Li", 1, 0.2)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before < 300  # MB
    assert grid.min() == pytest.approx(atom_by_atom.min(), abs=0.05)  # the same crystal: the same deepest site


def test_a_tolerance_drops_only_tails_that_shift_the_low_grid_alike(licoo2):
    """Stopping each kind's sum where its pair energy stays below 0.1 meV moves LiCoO2's low grid points together
    (a shift, which no barrier sees) and apart by under 2 meV; a tolerance of 1 eV cuts into the wells."""
    import hopnet.chemistry.bvse as bvse
    from hopnet.chemistry.oxidation import with_oxidation_states

    decorated, _ = with_oxidation_states(licoo2)
    full = bvse._atom_by_atom(decorated, "Li", 1, 0.2)
    low = full < np.nanmin(full) + 1.5
    for tolerance, uneven in ((1e-4, (0.0, 0.002)), (1.0, (0.05, np.inf))):
        moved = (bvse._atom_by_atom(decorated, "Li", 1, 0.2, tolerance=tolerance) - full)[low]
        assert uneven[0] <= np.abs(moved - np.median(moved)).max() < uneven[1]


def test_an_ordering_that_balances_with_no_whole_states_takes_the_files_states():
    """Li0.97F drawn whole in a 2x2x2 cell is Li31F32: 3 % off balance, no whole states for the ordering; the
    file's own composition balances within its tolerance, and its states give the ordering a landscape."""
    from pymatgen.core import Composition

    from hopnet.chemistry.oxidation import FILE_BALANCE_TOLERANCE, common_states
    from hopnet.pathways.landscape import Landscapes, bvse_landscape

    ordering = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]) * 2
    ordering.remove_sites([0])
    with pytest.raises(HopnetInputError, match="no usable oxidation states"):
        bvse_landscape(ordering, "Li")
    assert common_states(Composition("Li0.97F")) is None  # beyond an ordering's own tolerance
    states = common_states(Composition("Li0.97F"), tolerance=FILE_BALANCE_TOLERANCE)
    found = Landscapes.of([ordering], "Li", file_states=states)
    assert found.per_environment[0] is not None
    assert [f.kind for f in found.flags] == [FlagKind.GUESSED_OXIDATION_STATES]
    assert "oxidation states of the file's composition (Li+1, F-1)" in found.flags[0].text
    assert Landscapes.of([ordering], "Li").per_environment == [None]  # without them, no landscape, as before
