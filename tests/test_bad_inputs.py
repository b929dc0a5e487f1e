"""Hosts that used to be answered wrongly or die in a traceback: each is one line naming the file and the
problem (exit 2 from `hopnet paths`, an error row from `hopnet screen`), while every real host still reads."""
import csv
import glob
import tracemalloc
from pathlib import Path

import pytest
from pymatgen.core import Element, Lattice, Structure

from hopnet.chemistry.charges import check_mobile_cation
from hopnet.cli.main import EXIT_BAD_INPUT, main
from hopnet.errors import HopnetInputError
from hopnet.examples import example_path
from hopnet.pathways.budget import MEMORY_LIMIT_GB, check_memory
from hopnet.pathways.disorder import is_disordered
from hopnet.pathways.landscape import bvse_landscape
from hopnet.structures import read_structure
from hopnet.vocabulary import DEFAULT_MAX_HOP, DEFAULT_ORDERINGS
from hopnet.workflows.screening import screen
from hopnet.workflows.settings import HostSettings

LFP_HOST = example_path("LiFePO4_host.cif")
ATOM_ROWS = 28  # the example host's atom loop: its last 28 lines


def _half_filled_rock_salt() -> Structure:
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), [{"Li": 0.5}, "F"], [[0, 0, 0], [0.5] * 3])


def _cut(rows_kept: int) -> str:
    """The example host cut at a line boundary after ``rows_kept`` rows of its atom loop."""
    lines = LFP_HOST.read_text().splitlines(keepends=True)
    return "".join(lines[:len(lines) - ATOM_ROWS + rows_kept])


@pytest.fixture()
def bad_hosts(tmp_path) -> dict[str, tuple[Path, str]]:
    """Name -> (file, words its one-line refusal holds)."""
    Structure(Lattice.cubic(500), ["Li", "F"], [[0, 0, 0], [2 / 500, 0, 0]]).to(filename=str(tmp_path / "cube500.cif"))
    Structure(Lattice.cubic(4.0), ["Co", "Li", "Li", "Li"],
              [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]).to(filename=str(tmp_path / "Li3Co.cif"))
    _half_filled_rock_salt().to(filename=str(tmp_path / "half.cif"))
    (tmp_path / "overfull.cif").write_text((tmp_path / "half.cif").read_text().replace(" 0.5\n", " 1.2\n"))
    (tmp_path / "cut.cif").write_text(_cut(10))
    return {"vacuum cell": (tmp_path / "cube500.cif", "the bond-valence grid of this 500 x 500 x 500 Å cell needs ~"),
            "no anion": (tmp_path / "Li3Co.cif", "no anion: Li3Co has no element that carries a negative charge"),
            "overfull site": (tmp_path / "overfull.cif", "site Li0 has occupancy 1.20 (> 1)"),
            "truncated": (tmp_path / "cut.cif", "the file looks truncated")}


def test_bad_hosts_are_one_line_and_exit_2_from_paths_and_error_rows_from_screen(bad_hosts, tmp_path, capsys,
                                                                                 tiny_model_card):
    said = {}
    for name, (path, words) in bad_hosts.items():
        code = main(["paths", str(path), "--ion", "Li", "--model", str(tiny_model_card)])
        out, err = capsys.readouterr()
        assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "Traceback" not in err, (name, err)
        assert path.name in err and words in err, (name, err)
        said[path.name] = err.strip().split(f"{path.name}: ", 1)[1]
    out = tmp_path / "rows.csv"
    counts = screen([str(p) for p, _ in bad_hosts.values()], out, HostSettings(ion="Li", model=str(tiny_model_card)),
                    progress=False)
    assert counts == {"skipped": 0, "ok": 0, "error": len(bad_hosts)}
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        name = Path(row["source"]).name
        assert row["status"] == "error" and row["error"].split(f"{name}: ", 1)[1] == said[name], row["error"]


def test_a_vacuum_cell_is_refused_before_any_grid_is_built():
    with pytest.raises(HopnetInputError) as err:
        check_memory(Lattice.cubic(500), 2, DEFAULT_MAX_HOP, source="cube500.cif")
    assert str(err.value).startswith("cube500.cif: the bond-valence grid of this 500 x 500 x 500 Å cell needs ~")
    assert f"(limit {MEMORY_LIMIT_GB:g} GB)" in str(err.value)


def test_a_long_max_hop_is_refused_for_its_supercells():
    host = read_structure(LFP_HOST)
    assert check_memory(host.lattice, len(host), DEFAULT_MAX_HOP) < 0.1
    with pytest.raises(HopnetInputError, match=r"the band supercell of a 400 Å hop .* give a shorter --max-hop"):
        check_memory(host.lattice, len(host), 400.0)


@pytest.mark.parametrize("angle", [90, 25])  # the atom-by-atom sum, and the point-by-point one of an oblique cell
def test_the_memory_estimate_follows_the_grid_the_engine_fills(angle):
    lattice = Lattice.from_parameters(22, 22, 22, angle, angle, angle)
    host = Structure(lattice, ["Li", "F", "Li", "F"], [[0, 0, 0], [0.1, 0, 0], [0.5, 0.5, 0.5], [0.6, 0.5, 0.5]])
    estimate = check_memory(lattice, len(host), DEFAULT_MAX_HOP)
    tracemalloc.start()
    try:
        bvse_landscape(host, "Li")
        peak = tracemalloc.get_traced_memory()[1] / 1e9
    finally:
        tracemalloc.stop()
    assert 0.85 < peak / estimate < 1.15, (peak, estimate)


@pytest.mark.slow  # reads every real-electrolyte CIF
def test_every_real_host_reads_and_fits_the_memory_limit_with_margin(repo):
    files = sorted(glob.glob(str(repo / "benchmarks" / "data" / "**" / "*.cif"), recursive=True)
                   + glob.glob(str(repo / "src" / "hopnet" / "examples" / "*.cif")))
    assert len(files) > 250
    largest = 0.0
    for path in files:
        host = read_structure(path)
        elements = [el.symbol for el in host.composition.elements]
        check_mobile_cation(host, "Li" if "Li" in elements else min(elements, key=lambda el: Element(el).X), path)
        largest = max(largest, check_memory(host.lattice, len(host), DEFAULT_MAX_HOP,
                                            DEFAULT_ORDERINGS if is_disordered(host) else None, path))
    assert largest < MEMORY_LIMIT_GB / 20


@pytest.mark.parametrize("species, coords", [
    (["Li", "Li", "S"], [[0.25] * 3, [0.75] * 3, [0, 0, 0]]),  # sulfide
    (["Li", "Cl"], [[0, 0, 0], [0.5] * 3]),  # halide
    (["Li", "Li", "Li", "N"], [[0, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [0.5] * 3]),  # nitride
    (["Li", "H"], [[0, 0, 0], [0.5] * 3]),  # hydride
    (["Li", "Li", "O"], [[0.25] * 3, [0.75] * 3, [0, 0, 0]]),  # oxide
    (["Li", "B", "H", "H", "H", "H"], [[0, 0, 0], [0.5] * 3, [0.6, 0.5, 0.5], [0.4, 0.5, 0.5], [0.5, 0.6, 0.5],
                                        [0.5, 0.4, 0.5]]),  # borohydride: H the anion
])
def test_ionic_hosts_keep_their_anion(species, coords):
    check_mobile_cation(Structure(Lattice.cubic(5.0), species, coords), "Li")


@pytest.mark.parametrize("species, formula", [(["Li", "Li", "Li", "Co"], "Li3Co"), (["Li", "Al"], "LiAl")])
def test_an_alloy_has_no_anion(species, formula):
    coords = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]][:len(species)]
    with pytest.raises(HopnetInputError) as err:
        check_mobile_cation(Structure(Lattice.cubic(4.0), species, coords), "Li", "alloy.cif")
    assert str(err.value).startswith(f"alloy.cif: no anion: {formula}") and "ionic hosts" in str(err.value)


def test_a_site_over_full_by_rounding_is_scaled_and_a_real_excess_named(tmp_path):
    full = Structure(Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5] * 3])
    full.to(filename=str(tmp_path / "full.cif"))
    text = (tmp_path / "full.cif").read_text()
    (tmp_path / "rounded.cif").write_text(text.replace("  1\n", "  1.03\n"))
    assert read_structure(tmp_path / "rounded.cif").is_ordered
    (tmp_path / "over.cif").write_text(text.replace("  1\n", "  1.2\n"))
    with pytest.raises(HopnetInputError, match=r"over\.cif: site \w+ has occupancy 1\.20 \(> 1\)"):
        read_structure(tmp_path / "over.cif")


def test_two_species_filling_one_site_past_one_are_named_together(tmp_path):
    _half_filled_rock_salt().to(filename=str(tmp_path / "half.cif"))
    row = "  Li  Li0  1  0.00000000  0.00000000  0.00000000  0.5\n"
    text = (tmp_path / "half.cif").read_text()
    assert row in text
    (tmp_path / "mixed.cif").write_text(text.replace(row, row.replace("0.5\n", "0.7\n")
                                                     + row.replace("Li  Li0", "Na  Na9").replace("0.5\n", "0.6\n")))
    with pytest.raises(HopnetInputError, match=r"site Na9 \(Na0\.6 Li0\.7\) has occupancy 1\.30 \(> 1\)"):
        read_structure(tmp_path / "mixed.cif")


@pytest.mark.parametrize("rows_kept", range(ATOM_ROWS))
def test_a_cif_cut_at_a_line_inside_its_atom_loop_is_named_truncated(tmp_path, rows_kept):
    path = tmp_path / "cut.cif"
    path.write_text(_cut(rows_kept))
    with pytest.raises(HopnetInputError) as err:
        read_structure(path)
    assert str(err.value).startswith(f"{path}: the file looks truncated: it ends in ")


def test_a_cif_cut_inside_a_row_is_named_truncated_not_unparsable(tmp_path):
    path = tmp_path / "cut.cif"
    path.write_text(LFP_HOST.read_text()[:len(_cut(10)) + 20])  # ten rows and four values of the eleventh
    with pytest.raises(HopnetInputError, match="the file looks truncated: its last loop_ ends partway through a "
                                               r"row: 74 values for 7 columns \(_atom_site_type_symbol, \.\.\.\)"):
        read_structure(path)


def test_the_whole_example_host_is_not_truncated(tmp_path):
    path = tmp_path / "whole.cif"
    path.write_text(_cut(ATOM_ROWS))
    assert read_structure(path).composition.formula == "Li4 Fe4 P4 O16"
