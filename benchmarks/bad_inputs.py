"""Feed the CLI a corpus of broken inputs and count how each one ends.

    python benchmarks/bad_inputs.py

Each case runs a hopnet command in a fresh process; the goal is exit code 2
with exactly one line on stderr and no traceback, for every case.
Writes benchmarks/results/bad_inputs.json.
"""
from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from pymatgen.core import Lattice, Structure

from hopnet.examples import example_path
from hopnet_repro.results import RESULTS, write_result

INI, FIN = example_path("LiFePO4_initial.cif"), example_path("LiFePO4_final.cif")


def poscar(lattice, species, counts, coords) -> str:
    rows = ["bad", "1.0", *[" ".join(map(str, v)) for v in lattice], " ".join(species), " ".join(map(str, counts)),
            "Direct", *[" ".join(map(str, c)) for c in coords]]
    return "\n".join(rows) + "\n"


def corpus(tmp: Path) -> dict[str, list[str]]:
    """Case name -> hopnet arguments (the command first)."""
    files = {
        "empty.cif": "",
        "binary.cif": b"\x89PNG\r\n\x1a\n\x00\x00" * 50,
        "garbage.cif": "hello world\n",
        "truncated.cif": INI.read_text()[: len(INI.read_text()) // 3],
        "POSCAR_truncated": "Li\n1.0\n5 0 0\n0 5 0\n",
        "POSCAR_wrong_counts": poscar([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [2, 1], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "POSCAR_nan": poscar([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], ["nan", 0.5, 0.5]]),
        "POSCAR_inf": poscar([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], ["inf", 0.5, 0.5]]),
        "POSCAR_zero_cell": poscar([[0, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "POSCAR_singular": poscar([[5, 0, 0], [5, 0, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "POSCAR_huge_cell": poscar([[1e6, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "POSCAR_overlap": poscar([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [1, 1], [[0, 0, 0], [0.02, 0, 0]]),
        "POSCAR_unknown_element": poscar([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Qq"], [1, 1], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "data_not_json.json": "{oops",
        "data_wrong_shape.json": "[1, 2, 3]",
        "data_bad_atoms.json": '[{"atoms": {"lattice_mat": 5, "coords": [], "elements": []}}]',
    }
    for name, content in files.items():
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

    ini = Structure.from_file(str(INI))
    fin = Structure.from_file(str(FIN))
    structures = {
        "other_atoms.cif": Structure(ini.lattice, ["Na"] + ini.species[1:], ini.frac_coords),
        "other_lattice.cif": Structure(Lattice(ini.lattice.matrix * 1.2), fin.species, fin.frac_coords),
        "two_movers.cif": _move(fin, [5], [0.0, 0.0, 0.3]),
        "many_atoms.cif": _supercell(ini, 6000),
    }
    for name, s in structures.items():
        s.to(filename=str(tmp / name))

    cases = {name: ["--initial", str(tmp / name), "--final", str(FIN)] for name in files if not name.endswith(".json")}
    cases.update({name: [str(tmp / name)] for name in files if name.endswith(".json")})
    cases["missing_file"] = ["--initial", str(tmp / "nope.cif"), "--final", str(FIN)]
    cases["different_atoms"] = ["--initial", str(INI), "--final", str(tmp / "other_atoms.cif")]
    cases["different_lattice"] = ["--initial", str(INI), "--final", str(tmp / "other_lattice.cif")]
    cases["no_moving_ion"] = ["--initial", str(INI), "--final", str(INI)]
    cases["two_moving_atoms"] = ["--initial", str(INI), "--final", str(tmp / "two_movers.cif")]
    cases["ion_absent"] = ["--initial", str(INI), "--final", str(FIN), "--ion", "Mg"]
    cases["too_many_atoms"] = ["--initial", str(tmp / "many_atoms.cif"), "--final", str(FIN)]
    cases = {name: ["predict", *args] for name, args in cases.items()}

    host = Structure.from_file(str(example_path("LiFePO4_host.cif")))
    host.remove_species(["Li"])
    host.to(filename=str(tmp / "FePO4.cif"))
    half = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), [{"Li": 0.5}, "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    big = half * 5
    big.perturb(0.3, seed=0)  # no smaller cell repeats it (a repeated cell is ordered in its primitive one)
    big.to(filename=str(tmp / "disordered_1000_sites.cif"))
    half.to(filename=str(tmp / "half.cif"))
    (tmp / "overfull_site.cif").write_text((tmp / "half.cif").read_text().replace(" 0.5\n", " 1.4\n"))
    (tmp / "occupancy_1.2.cif").write_text((tmp / "half.cif").read_text().replace(" 0.5\n", " 1.2\n"))
    # a cell of a few atoms in 500 Å of vacuum: its bond-valence grid alone would take hundreds of GB
    Structure(Lattice.cubic(500), ["Li", "F"], [[0, 0, 0], [2 / 500, 0, 0]]).to(filename=str(tmp / "vacuum_500A.cif"))
    Structure(Lattice.cubic(4.0), ["Co", "Li", "Li", "Li"],
              [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]).to(filename=str(tmp / "Li3Co.cif"))
    host_lines = example_path("LiFePO4_host.cif").read_text().splitlines(keepends=True)
    (tmp / "host_cut_at_a_line.cif").write_text("".join(host_lines[:-10]))  # inside the atom loop: 10 O rows lost
    cases.update({
        "misspelt_ion": ["predict", "--initial", str(INI), "--final", str(FIN), "--ion", "li"],
        "unknown_ion": ["paths", str(INI), "--ion", "Xx"],
        "no_mobile_ion_sites": ["paths", str(tmp / "FePO4.cif"), "--ion", "Li"],
        "folder_to_paths": ["paths", str(tmp), "--ion", "Li"],
        "max_hop_zero": ["paths", str(INI), "--ion", "Li", "--max-hop", "0"],
        "temperature_below_zero": ["paths", str(INI), "--ion", "Li", "--temperature", "-20"],
        "missing_output_folder": ["predict", "--example", "-o", str(tmp / "nowhere" / "out.csv")],
        "unwritable_plot_suffix": ["paths", "--example", "--plot", str(tmp / "hops.xyz")],
        "disordered_too_large": ["paths", str(tmp / "disordered_1000_sites.cif"), "--ion", "Li"],
        "overfull_site": ["paths", str(tmp / "overfull_site.cif"), "--ion", "Li"],
        "occupancy_1.2": ["paths", str(tmp / "occupancy_1.2.cif"), "--ion", "Li"],
        "vacuum_cell_500A": ["paths", str(tmp / "vacuum_500A.cif"), "--ion", "Li"],
        "no_anion_Li3Co": ["paths", str(tmp / "Li3Co.cif"), "--ion", "Li"],
        "cut_at_a_line_boundary": ["paths", str(tmp / "host_cut_at_a_line.cif"), "--ion", "Li"],
        "screen_missing_input": ["screen", str(tmp / "nope.cif"), "--ion", "Li", "-o", str(tmp / "out.csv")],
    })
    return cases


def _move(s: Structure, sites, vector) -> Structure:
    out = s.copy()
    out.translate_sites(sites, vector)
    return out


def _supercell(s: Structure, at_least: int) -> Structure:
    n = 1
    while len(s) * n**3 < at_least:
        n += 1
    return s * (n, n, 1) if len(s) * n * n >= at_least else s * (n, n, n)


if __name__ == "__main__":
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in corpus(Path(tmp)).items():
            proc = subprocess.run([sys.executable, "-m", "hopnet.cli.main", *args],
                                  capture_output=True, text=True, timeout=300)
            err = proc.stderr.strip()
            results[name] = {"exit_code": proc.returncode, "stderr_lines": len(err.splitlines()),
                             "traceback": "Traceback" in err, "message": err.replace(tmp, "<tmp>")}
            print(f"{name:>24}: exit {proc.returncode}  {results[name]['message']}")
    ok = [r for r in results.values() if r["exit_code"] == 2 and r["stderr_lines"] == 1 and not r["traceback"]]
    summary = {"command": "python benchmarks/bad_inputs.py", "split": "n/a: broken input files the script writes",
               "machine": f"{platform.machine()}", "cases": len(results), "clean_one_line_exit_2": len(ok),
               "tracebacks": sum(r["traceback"] for r in results.values()), "results": results}
    write_result(RESULTS / "bad_inputs.json", summary)
    print(f"{len(ok)}/{len(results)} cases: one line, exit 2; tracebacks: {summary['tracebacks']}")
