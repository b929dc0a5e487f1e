import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.cli.main import EXIT_BAD_INPUT, main
from hopnet.examples import example_path

EXAMPLE_INI, EXAMPLE_FIN = example_path("LiFePO4_initial.cif"), example_path("LiFePO4_final.cif")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_predict_example_with_a_given_model(capsys, tiny_model_card):
    code, out, err = run(capsys, "predict", "--example", "--model", tiny_model_card)
    assert code == 0, err
    assert "Li hop of 2.99 Å" in out and "Em =" in out and "±" in out


def test_predict_json_output(capsys, tiny_model_card):
    code, out, _ = run(capsys, "predict", "--initial", EXAMPLE_INI, "--final", EXAMPLE_FIN, "--ion", "Li",
                       "--model", tiny_model_card, "--json")
    pred = json.loads(out)
    assert code == 0 and pred["ion"] == "Li" and np.isfinite(pred["em"])
    assert pred["good_conductor"] == (pred["em"] < 0.65)


def test_predict_dataset_to_csv_and_evaluate(tmp_path, capsys, tiny_model_card):
    from hopnet.data.barriers import _open

    with _open("barriers_band_test.json.gz") as fh:
        records = json.load(fh)[:5]
    data = tmp_path / "five.json"
    data.write_text(json.dumps(records))
    code, _, err = run(capsys, "predict", data, "-o", tmp_path / "p.csv", "--model", tiny_model_card)
    assert code == 0, err
    rows = list(csv.DictReader(open(tmp_path / "p.csv")))
    assert [r["sys_name"] for r in rows] == [r["sys_name"] for r in records]
    assert {"jid", "sys_name", "em_pred", "em_true"} <= set(rows[0])
    code, out, _ = run(capsys, "evaluate", data, "--model", tiny_model_card, "--plot", tmp_path / "parity.png")
    assert code == 0 and "mae" in out and "precision" in out
    assert (tmp_path / "parity.png").stat().st_size > 1000


def test_predicts_out_of_domain_column_holds_only_out_of_domain_flags(tmp_path, capsys, monkeypatch, tiny_model_card):
    """A dilute unseen dopant is priced, not extrapolated: a note beside the prediction, not an out-of-domain
    reason; a hop longer than any trained on is one."""
    from hopnet.data.barriers import _open
    from hopnet.flags import Flag, FlagKind
    from hopnet.predictor import BarrierModel

    note = Flag(kind=FlagKind.DILUTE_UNSEEN_ELEMENT, text="1 atom of Cl, never seen in training, dilute", value=1)
    outside = Flag(kind=FlagKind.HOP_LENGTH, text="hop length 6.1 Å beyond the training range", value=6.1)
    monkeypatch.setattr(BarrierModel, "domain_flags", lambda self, band, distance=None: [note, outside])
    with _open("barriers_band_test.json.gz") as fh:
        records = json.load(fh)[:2]
    data = tmp_path / "paths.json"
    data.write_text(json.dumps(records))
    code, _, err = run(capsys, "predict", data, "-o", tmp_path / "predictions.csv", "--model", tiny_model_card)
    assert code == 0, err
    code, _, err = run(capsys, "predict", "--example", "-o", tmp_path / "one.csv", "--model", tiny_model_card)
    assert code == 0, err
    for table in ("predictions.csv", "one.csv"):
        rows = list(csv.DictReader(open(tmp_path / table)))
        assert {(r["out_of_domain"], r["notes"]) for r in rows} == {(outside.text, note.text)}, table


def _write(path, text: str | bytes):
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _rocksalt_pair(tmp_path):
    s = Structure(Lattice.cubic(5.6), ["Na"] * 3 + ["Cl"] * 4,
                  [[0, 0, 0], [0.5, 0, 0.5], [0, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]])
    f = s.copy()
    f.replace(0, "Na", [0.5, 0.5, 0.0])
    s.to(filename=str(tmp_path / "ini.cif"))
    f.to(filename=str(tmp_path / "fin.cif"))
    return s, f


BAD_FILES = {
    "empty.cif": ("", "file is empty"),
    "binary.cif": (b"\x00\x01\x02garbage" * 10, "binary file"),
    "garbage.cif": ("this is not a crystal\n", "cannot parse"),
    "truncated.cif": ("data_x\n_cell_length_a 5.0\n_cell_length_b\n", "cannot parse"),
    "POSCAR_truncated": ("Na\n1.0\n5 0 0\n0 5 0\n", "cannot parse"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_files_give_one_line_and_exit_2(name, tmp_path, capsys, tiny_model_card):
    content, message = BAD_FILES[name]
    bad = _write(tmp_path / name, content)
    _rocksalt_pair(tmp_path)
    code, out, err = run(capsys, "predict", "--initial", bad, "--final", tmp_path / "fin.cif", "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT
    assert err.count("\n") == 1 and message in err and name in err


def _poscar(tmp_path, name, lattice, species, counts, coords):
    lines = ["test", "1.0", *[" ".join(map(str, v)) for v in lattice], " ".join(species),
             " ".join(map(str, counts)), "Direct", *[" ".join(map(str, c)) for c in coords]]
    return _write(tmp_path / name, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "lattice, species, coords, message",
    [
        ([[0, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]], "absurd cell"),
        ([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [[0, 0, 0], [0.01, 0, 0]], "overlapping atoms"),
        ([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Cl"], [[0, 0, 0], ["nan", 0.5, 0.5]], "NaN"),
        ([[5, 0, 0], [0, 5, 0], [0, 0, 5]], ["Na", "Xx"], [[0, 0, 0], [0.5, 0.5, 0.5]], "unknown element Xx"),
    ],
)
def test_absurd_structures_give_one_line_and_exit_2(lattice, species, coords, message, tmp_path, capsys, tiny_model_card):
    bad = _poscar(tmp_path, "POSCAR", lattice, species, [1, 1], coords)
    code, _, err = run(capsys, "predict", "--initial", bad, "--final", bad, "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "POSCAR" in err and message in err


def test_endpoint_problems_give_one_line_and_exit_2(tmp_path, capsys, tiny_model_card):
    s, f = _rocksalt_pair(tmp_path)
    cases = {
        "same.cif": (s, "no moving ion"),
        "other.cif": (Structure(s.lattice, ["K"] + s.species[1:], s.frac_coords), "same atoms"),
    }
    for name, (structure, message) in cases.items():
        structure.to(filename=str(tmp_path / name))
        code, _, err = run(capsys, "predict", "--initial", tmp_path / "ini.cif", "--final", tmp_path / name,
                           "--model", tiny_model_card)
        assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and message in err, err
    code, _, err = run(capsys, "predict", "--initial", tmp_path / "ini.cif", "--final", tmp_path / "fin.cif",
                       "--ion", "Li", "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and "Li is not in the structure" in err


def test_bad_dataset_json_gives_one_line(tmp_path, capsys, tiny_model_card):
    for content in ["{not json", "[1, 2]", '[{"atoms": {"lattice_mat": 1}}]']:
        data = _write(tmp_path / "d.json", content)
        code, _, err = run(capsys, "predict", data, "--model", tiny_model_card)
        assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "d.json" in err, err


@pytest.mark.slow  # a subprocess
def test_console_script_reports_without_traceback(tmp_path):
    bad = _write(tmp_path / "bad.cif", "nonsense")
    proc = subprocess.run([sys.executable, "-m", "hopnet.cli.main", "predict", "--initial", bad, "--final", bad],
                          capture_output=True, text=True)
    assert proc.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in proc.stderr and proc.stderr.strip().count("\n") == 0


@pytest.mark.slow  # two subprocesses
def test_prediction_is_bit_identical_across_processes(tiny_model_card):
    cmd = [sys.executable, "-m", "hopnet.cli.main", "predict", "--example", "--json", "--model", str(tiny_model_card)]
    first, second = (subprocess.run(cmd, capture_output=True, text=True, check=True).stdout for _ in range(2))
    assert first == second and json.loads(first)["em"] > 0


def test_a_20000_atom_cell_is_refused_in_one_line_without_building_a_graph(tmp_path, capsys):
    n_side, spacing = 28, 2.2
    grid = np.stack(np.meshgrid(*[np.arange(n_side)] * 3, indexing="ij"), -1).reshape(-1, 3)[:20_000] / n_side
    a = n_side * spacing
    lines = ["big", "1.0", f"{a} 0 0", f"0 {a} 0", f"0 0 {a}", "Li O", "10000 10000", "Direct"]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in grid]
    poscar = tmp_path / "POSCAR"
    poscar.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "paths", poscar, "--ion", "Li")
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1
    assert "POSCAR" in err and "20000 atoms exceeds the limit" in err


def test_train_refuses_a_variant_config_in_one_line(capsys, repo, tmp_path):
    code, _, err = run(capsys, "train", repo / "configs/variants/model2.toml", "--out", tmp_path / "unused.json")
    assert code == EXIT_BAD_INPUT and "model.input" in err and len(err.strip().splitlines()) == 1


def _band_records(n=3):
    from hopnet.data.barriers import _open

    with _open("barriers_band_test.json.gz") as fh:
        return json.load(fh)[:n]


def test_dataset_ids_may_be_any_string(tmp_path, capsys, tiny_model_card):
    records = _band_records()
    for record, jid in zip(records, ["0-perm", "mp-1234", "Li3PS4_b"]):
        record["jid"] = jid
    data = _write(tmp_path / "ids.json", json.dumps(records))
    code, _, err = run(capsys, "predict", data, "-o", tmp_path / "p.csv", "--model", tiny_model_card)
    assert code == 0, err
    assert [r["jid"] for r in csv.DictReader(open(tmp_path / "p.csv"))] == ["0-perm", "mp-1234", "Li3PS4_b"]


@pytest.mark.parametrize("key", ["jid", "sys_name"])
def test_duplicate_ids_in_one_file_are_refused_in_one_line(tmp_path, capsys, tiny_model_card, key):
    records = _band_records()
    records[2][key] = records[0][key]
    data = _write(tmp_path / "dup.json", json.dumps(records))
    code, _, err = run(capsys, "predict", data, "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and f"duplicate {key}" in err and err.count("\n") == 1


def test_predict_and_evaluate_read_gzipped_json(tmp_path, capsys, tiny_model_card):
    import gzip

    data = tmp_path / "three.json.gz"
    with gzip.open(data, "wt") as fh:
        json.dump(_band_records(), fh)
    code, out, err = run(capsys, "predict", data, "--model", tiny_model_card)
    assert code == 0 and out.count("\n") == 4, err  # header + 3 rows
    code, out, err = run(capsys, "evaluate", data, "--model", tiny_model_card)
    assert code == 0 and (tmp_path / "three-parity.png").exists(), err


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_predict_from_endpoints_writes_the_output_file(tmp_path, capsys, tiny_model_card, suffix):
    out = tmp_path / f"one{suffix}"
    code, stdout, err = run(capsys, "predict", "--initial", EXAMPLE_INI, "--final", EXAMPLE_FIN, "--model",
                            tiny_model_card, "-o", out)
    assert code == 0, err
    rows = json.loads(out.read_text()) if suffix == ".json" else list(csv.DictReader(open(out)))
    assert len(rows) == 1 and float(rows[0]["em"]) > 0 and f"{float(rows[0]['em']):.3f}" in stdout


@pytest.mark.parametrize("argv, problem", [
    (["predict", "--example", "-o", "missing/out.csv"], "folder missing does not exist"),
    (["predict", "--example", "-o", "out.txt"], "cannot write output as '.txt'"),
    (["paths", "--example", "--plot", "hops.xyz"], "cannot write plot as '.xyz'"),
    (["paths", "--example", "-o", "missing/hops.csv"], "folder missing does not exist"),
    (["evaluate", "data.json", "--plot", "parity.xyz"], "cannot write plot as '.xyz'"),
    (["paths", "--example", "--max-hop", "0"], "must be a positive length"),
    (["paths", "--example", "--max-hop", "-2"], "must be a positive length"),
    (["paths", "--example", "--ion", "li"], "unknown element 'li' for --ion (did you mean Li?); species present: "
                                            "Fe, Li, O, P"),
    (["paths", "--example", "--ion", "Xx"], "unknown element 'Xx'"),
    (["paths", "--example", "--ion", "Na"], "no Na sites in the structure (species present: Fe, Li, O, P); give its "
                                            "sites with --site x,y,z, or take them from the bond-valence landscape "
                                            "with --empty-sites always"),
    (["predict", "--example", "--ion", "Xx"], "unknown element 'Xx'"),
    (["paths", ".", "--ion", "Li"], "`hopnet screen . --ion Li -o results.csv`"),
    (["screen", ".", "--ion", "Li", "-o", "out.tsv"], "cannot write results as '.tsv'"),
])
def test_bad_settings_are_one_line_before_any_work(tmp_path, capsys, monkeypatch, tiny_model_card, argv, problem):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv, "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and problem in err and err.count("\n") == 1, err
    assert not any(tmp_path.iterdir())  # nothing was computed or written


def test_an_oxidation_state_ion_is_the_element(capsys, tiny_model_card):
    code, out, err = run(capsys, "predict", "--example", "--ion", "Li+", "--model", tiny_model_card)
    assert code == 0 and "Li hop" in out, err


@pytest.mark.parametrize("threads", ["-1", "0"])
def test_train_overrides_are_validated(capsys, repo, tmp_path, threads):
    code, _, err = run(capsys, "train", repo / "configs/scratch.toml", "--threads", threads,
                       "--out", tmp_path / "m.json")
    assert code == EXIT_BAD_INPUT and "--threads" in err and "greater than or equal to 1" in err
    assert err.count("\n") == 1


def test_train_over_checkpoints_of_another_config_is_one_line(capsys, tmp_path, tiny):
    import torch

    from hopnet.models.alignn import ALIGNN
    from hopnet.training.checkpoint import save_checkpoint
    from hopnet.training.config import TrainConfig

    config = tmp_path / "tiny.toml"
    config.write_text("epochs = 1\nthreads = 1\n[model]\nhidden = 16\nedge_rbf = 16\nangle_rbf = 8\n"
                      "alignn_layers = 1\ngcn_layers = 1\n[model.graph]\nscope = \"local\"\nlocal_radius = 5.0\n"
                      "angle_neighbors = 6\n")
    other = TrainConfig.from_toml(config).updated(lr=1e-2)
    model = ALIGNN(other.model)
    optimizer = torch.optim.AdamW(model.parameters())
    checkpoints = tmp_path / "run" / "checkpoints" / "seed0"
    save_checkpoint(checkpoints, model, {k: v.clone() for k, v in model.state_dict().items()}, optimizer,
                    {"epoch": 0, "best_score": 1.0, "best_epoch": 0, "history": [], "config": other.model_dump()})
    code, _, err = run(capsys, "train", config, "--out", tmp_path / "run" / "m.json")
    assert code == EXIT_BAD_INPUT and "checkpoint of a different config" in err and err.count("\n") == 1


def test_usage_errors_are_one_line_with_exit_2(capsys):
    code, _, err = run(capsys, "paths", "--example", "--max-hop", "far")
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "--max-hop" in err
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("hopnet ")


def test_paths_plot_keeps_legend_off_the_bars_and_error_bars_above_zero(hop_result):
    from matplotlib.container import ErrorbarContainer

    from hopnet.plots import pathway_figure
    from hopnet.workflows.report import PathwayReport

    hops = [hop_result(em, std, hop=i, length=3.0 + i)
            for i, (em, std) in enumerate([(0.05, 0.3), (0.4, 0.2), (1.2, 0.5)])]
    report = PathwayReport(source="x.cif", formula="LiX", ion="Li", mechanism="vacancy", hops=hops,
                           percolation={"1D": 0.05, "2D": 0.4, "3D": 1.2})
    fig = pathway_figure(report)
    ax = fig.axes[0]
    fig.canvas.draw()
    legend, axes = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.x0 >= axes.x1  # beside the axes, never over a bar
    assert any("good hop (the paper's class) below 0.65 eV" in t.get_text() for t in ax.get_legend().get_texts())
    whiskers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)][0].lines[2][0].get_segments()
    assert min(seg[:, 0].min() for seg in whiskers) >= 0.0 and ax.get_xlim()[0] == 0


def test_an_encoder_card_is_not_a_barrier_model(capsys):
    code, _, err = run(capsys, "predict", "--example", "--model", "hopnet-mpt-encoder")
    assert code == EXIT_BAD_INPUT and "an encoder card (7 outputs)" in err and err.count("\n") == 1


def test_a_gpu_that_is_not_there_is_one_line(capsys, tmp_path, tiny_model_card):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    code, _, err = run(capsys, "paths", "--example", "--device", "cuda", "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "--device" in err and "no CUDA GPU" in err
    host = example_path("LiFePO4_host.cif")
    code, _, err = run(capsys, "screen", host, "--ion", "Li", "-o", tmp_path / "rows.csv", "--device", "cuda",
                       "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "no CUDA GPU" in err
    assert not (tmp_path / "rows.csv").exists()  # not one error row per host


def test_an_anion_or_a_metal_as_the_mobile_ion_is_one_line(tmp_path, capsys, tiny_model_card):
    code, _, err = run(capsys, "paths", "--example", "--ion", "O", "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1
    assert "O is the most electronegative element of this host" in err
    metal = Structure(Lattice.cubic(3.51), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])  # bcc Li
    metal.to(filename=str(tmp_path / "Li.cif"))
    code, _, err = run(capsys, "paths", tmp_path / "Li.cif", "--ion", "Li", "--model", tiny_model_card)
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "holds only Li: a metal" in err


def test_ctrl_c_ends_with_one_line_and_a_non_zero_code(capsys, monkeypatch):
    import hopnet.workflows.host as host

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(host, "analyse_host", interrupted)
    code, out, err = run(capsys, "paths", "--example")
    assert code == 130 and err.strip() == "hopnet: interrupted" and "Traceback" not in out + err


def test_paths_outputs_name_sites_as_the_cif_does(tmp_path, capsys, tiny_model_card):
    host = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    for site in host:
        site.label = "Li1" if site.specie.symbol == "Li" else "F1"
    host.to(filename=str(tmp_path / "LiF.cif"))
    args = ["paths", tmp_path / "LiF.cif", "--ion", "Li", "--model", tiny_model_card, "--no-channels"]
    code, out, _ = run(capsys, *args, "-o", tmp_path / "hops.csv")
    assert code == 0 and "Li1 (4a) - Li1 (4a)" in out
    rows = list(csv.DictReader(open(tmp_path / "hops.csv")))
    assert {(r["start_label"], r["start_wyckoff"], r["end_label"]) for r in rows} == {("Li1", "4a", "Li1")}
    code, out, _ = run(capsys, *args, "--json")
    assert {h["end_wyckoff"] for h in json.loads(out)["hops"]} == {"4a"}


def test_the_out_of_domain_column_holds_only_out_of_domain_reasons(capsys, tiny_model_card):
    from hopnet.flags import OUT_OF_DOMAIN

    code, out, _ = run(capsys, "paths", "--example", "--max-hop", "2.5", "--model", tiny_model_card, "--json")
    report = json.loads(out)  # every hop runs via an empty site: a flag, but not an out-of-domain one
    assert code == 0 and all(any(f["kind"] == "via empty site" for f in h["flags"]) for h in report["hops"])
    code, out, _ = run(capsys, "paths", "--example", "--max-hop", "2.5", "--model", tiny_model_card)
    assert "outside the training domain: via" not in out
    assert {kind.value for kind in OUT_OF_DOMAIN} == {"unseen ion", "unseen element", "hop length", "embedding"}


def test_predict_honours_compile(capsys, monkeypatch, tiny_model_card):
    import hopnet.predictor as predictor

    asked = {}
    real = predictor.load_model

    def spy(path=None, threads=None, compiled=False, device="cpu"):
        asked["compiled"] = compiled
        return real(path, threads, False, device)  # compiling itself is tested in test_model

    monkeypatch.setattr(predictor, "load_model", spy)
    code, _, err = run(capsys, "predict", "--example", "--compile", "--model", tiny_model_card)
    assert code == 0 and asked == {"compiled": True}, err


def test_an_ion_the_file_does_not_place_takes_its_sites_from_the_landscape_when_asked(capsys, tiny_model_card):
    """A Li conductor refined without its Li (X-rays barely see it), or Na asked of a Li host: refused by default
    (above); with --empty-sites always the ion's sites are the bond-valence minima, every hop joins empty sites,
    and the answer says so and stays uncertain."""
    code, out, err = run(capsys, "paths", "--example", "--ion", "Na", "--empty-sites", "always",
                         "--model", tiny_model_card)
    assert code == 0, err
    assert "empty sites (bond-valence minima) added as nodes: the file places no Na" in out
    assert "answer: uncertain conductor" in out and "via an empty site" in out
