"""`hopnet screen`: streamed, parallel, resumable, and never stopped by one bad file."""
import csv
import shutil
import signal
import subprocess
import sys
import time

import pytest

from hopnet.cli.main import main
from hopnet.examples import example_path
from hopnet.workflows.screening import FIELDS, expand_inputs, screen
from hopnet.workflows.settings import HostSettings

LFP = example_path("LiFePO4_host.cif")


def rows_of(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture()
def hosts(tmp_path):
    folder = tmp_path / "hosts"
    folder.mkdir()
    for i in range(12):
        shutil.copy(LFP, folder / f"lfp{i:02d}.cif")
    (folder / "broken.cif").write_text("data_broken\n_cell_length_a 1\n")
    (folder / "notes.txt").write_text("not a structure, not matched by the folder patterns")
    return folder


def test_inputs_expand_folders_and_globs_once(hosts):
    listed = list(expand_inputs([str(hosts), str(hosts / "lfp0*.cif")]))
    assert len(listed) == 13 and len(set(listed)) == 13 and not any(s.endswith(".txt") for s in listed)


def test_screen_records_failures_and_resumes_without_duplicates(hosts, tmp_path, tiny_model_card):
    out = tmp_path / "results.csv"
    settings = HostSettings(ion="Li", model=str(tiny_model_card))
    first = screen([str(hosts / "lfp00.cif"), str(hosts / "broken.cif")], out, settings, progress=False)
    assert first == {"skipped": 0, "ok": 1, "error": 1}
    broken = [r for r in rows_of(out) if r["status"] == "error"][0]
    assert "broken.cif" in broken["error"] and "\n" not in broken["error"]
    second = screen([str(hosts)], out, settings, workers=2, progress=False)
    assert second == {"skipped": 1, "ok": 11, "error": 1}  # the failed row was retried, not skipped
    rows = rows_of(out)
    assert len(rows) == 13 and len({r["source"] for r in rows}) == 13
    ok = [r for r in rows if r["status"] == "ok"]
    assert len({r["min_em"] for r in ok}) == 1  # identical hosts, identical answers, whichever worker ran them


@pytest.mark.slow  # subprocesses
def test_killed_screen_resumes_without_losing_or_duplicating(hosts, tmp_path, tiny_model_card):
    out = tmp_path / "results.csv"
    cmd = [sys.executable, "-m", "hopnet.cli.main", "screen", str(hosts), "--ion", "Li", "-o", str(out),
           "--workers", "1", "--model", str(tiny_model_card)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 4):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = len(rows_of(out))
    assert 3 <= done_before < 13, "the kill should land mid-batch"
    with open(out, "a") as fh:  # what a kill during a write leaves behind
        fh.write(str(hosts / "lfp11.cif") + ",ok,LiFe")
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    rows = rows_of(out)
    assert sorted(r["source"] for r in rows) == sorted(expand_inputs([str(hosts)]))
    assert all(set(r) == set(FIELDS) for r in rows)


@pytest.mark.slow  # subprocesses
def test_ctrl_c_in_screen_is_one_line_and_the_rerun_resumes(hosts, tmp_path, tiny_model_card):
    out = tmp_path / "results.csv"
    cmd = [sys.executable, "-m", "hopnet.cli.main", "screen", str(hosts), "--ion", "Li", "-o", str(out),
           "--workers", "2", "--model", str(tiny_model_card)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends (to the parent; its workers ignore it)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("hopnet: interrupted; the rows written so far are kept")
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert sorted(r["source"] for r in rows_of(out)) == sorted(expand_inputs([str(hosts)]))


def test_screen_refuses_to_append_to_a_foreign_csv(tmp_path, capsys, hosts):
    out = tmp_path / "other.csv"
    out.write_text("a,b\n1,2\n")
    assert main(["screen", str(hosts), "--ion", "Li", "-o", str(out)]) == 2
    assert "not a hopnet screen result" in capsys.readouterr().err


@pytest.mark.slow  # starts a Dask cluster
def test_dask_backend_on_a_local_cluster_matches_local_screening(hosts, tmp_path, tiny_model_card):
    pytest.importorskip("distributed")
    settings = HostSettings(ion="Li", model=str(tiny_model_card))
    sources = [str(hosts / "lfp00.cif"), str(hosts / "lfp01.cif"), str(hosts / "broken.cif")]
    local = screen(sources, tmp_path / "local.csv", settings, progress=False)
    dask = screen(sources, tmp_path / "dask.csv", settings, workers=2, progress=False, backend="dask")
    assert local == dask == {"skipped": 0, "ok": 2, "error": 1}
    key = lambda r: r["source"]  # noqa: E731
    assert sorted(rows_of(tmp_path / "local.csv"), key=key) == sorted(rows_of(tmp_path / "dask.csv"), key=key)


def test_screen_with_the_shipped_model_by_default(hosts, tmp_path):
    counts = screen([str(hosts / "lfp00.cif")], tmp_path / "r.csv", HostSettings(ion="Li"), progress=False)
    assert counts["ok"] == 1, rows_of(tmp_path / "r.csv")[0]["error"]


def test_an_ase_database_is_screened_row_by_row(tmp_path, tiny_model_card):
    from ase.db import connect
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    db_path = tmp_path / "hosts.db"
    lfp = AseAtomsAdaptor.get_atoms(Structure.from_file(LFP))
    with connect(db_path) as db:
        db.write(lfp)
        no_li = lfp.copy()
        del no_li[[a.index for a in no_li if a.symbol == "Li"]]
        db.write(no_li)
    out = tmp_path / "db.csv"
    screen([str(db_path)], out, HostSettings(ion="Li", model=str(tiny_model_card)), workers=1, progress=False)
    rows = {r["source"]: r for r in rows_of(out)}
    assert set(rows) == {f"{db_path}@1", f"{db_path}@2"}
    assert rows[f"{db_path}@1"]["status"] == "ok" and rows[f"{db_path}@1"]["formula"] == "LiFePO4"
    assert rows[f"{db_path}@2"]["status"] == "error" and "Li" in rows[f"{db_path}@2"]["error"]


def test_resume_is_keyed_on_every_setting_that_changes_a_result(hosts, tmp_path, tiny_model_card):
    out = tmp_path / "results.csv"
    li = HostSettings(ion="Li", model=str(tiny_model_card))
    assert screen([str(hosts / "lfp00.cif")], out, li, progress=False)["ok"] == 1
    na = HostSettings(ion="Na", model=str(tiny_model_card))
    assert screen([str(hosts / "lfp00.cif")], out, na, progress=False) == {"skipped": 0, "ok": 0, "error": 1}
    longer = HostSettings(ion="Li", model=str(tiny_model_card), max_hop=6.0)
    assert screen([str(hosts / "lfp00.cif")], out, longer, progress=False)["ok"] == 1
    shipped = HostSettings(ion="Li")  # another model is another result
    assert screen([str(hosts / "lfp00.cif")], out, shipped, progress=False)["ok"] == 1
    assert screen([str(hosts / "lfp00.cif")], out, li, progress=False) == {"skipped": 1, "ok": 0, "error": 0}
    rows = rows_of(out)
    assert [(r["ion"], r["max_hop"], r["model"].split("@")[0]) for r in rows] == [
        ("Li", "5.0", "tiny"), ("Na", "5.0", "tiny"), ("Li", "6.0", "tiny"), ("Li", "5.0", "hopnet-band")]
    assert "no Na sites" in rows[1]["error"]


def test_a_failed_row_is_retried_once_its_file_is_fixed(hosts, tmp_path, tiny_model_card):
    out = tmp_path / "results.csv"
    settings = HostSettings(ion="Li", model=str(tiny_model_card))
    assert screen([str(hosts / "broken.cif")], out, settings, progress=False)["error"] == 1
    shutil.copy(LFP, hosts / "broken.cif")
    assert screen([str(hosts / "broken.cif")], out, settings, progress=False) == {"skipped": 0, "ok": 1, "error": 0}
    assert [r["status"] for r in rows_of(out)] == ["ok"]


@pytest.mark.parametrize("inputs, problem", [
    (["missing.cif"], "file not found"),
    (["nothing/*.cif"], "pattern matches no file"),
    (["empty_folder"], "folder holds no structure files"),
])
def test_screen_refuses_missing_inputs_before_any_work(tmp_path, capsys, monkeypatch, inputs, problem):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty_folder").mkdir()
    assert main(["screen", *inputs, "--ion", "Li", "-o", "out.csv"]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1 and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("args, problem", [
    (["--ion", "li"], "unknown element 'li' for --ion (did you mean Li?)"),
    (["--ion", "Li", "--max-hop", "0"], "--max-hop: must be a positive length"),
    (["--ion", "Li", "--mechanism", "intersitial"], "invalid choice: 'intersitial'"),
    (["--ion", "Li", "--orderings", "0"], "--orderings"),
    (["--ion", "Li", "--workers", "0"], "--workers"),
    (["--ion", "Li", "-o", "nowhere/out.csv"], "folder nowhere does not exist"),
])
def test_screen_settings_are_checked_before_any_work(hosts, tmp_path, capsys, monkeypatch, args, problem):
    monkeypatch.chdir(tmp_path)
    argv = ["screen", str(hosts), *args]
    assert main(argv if "-o" in args else argv + ["-o", "out.csv"]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1


def test_a_mistyped_setting_is_one_line_never_a_silent_vacancy_run():
    from hopnet.errors import HopnetInputError

    with pytest.raises(HopnetInputError) as err:
        HostSettings(ion="Li", mechanism="intersitial")
    assert str(err.value) == "--mechanism: Input should be 'vacancy' or 'interstitial'"
    with pytest.raises(HopnetInputError, match="^--site: "):  # named as the command line names it
        HostSettings(ion="Li", sites=[[0.5, 0.5]])
    for wrong in ({"empty_sites": "sometimes"}, {"orderings": 0}, {"seed": -1}, {"max_hop": float("nan")},
                  {"channel": False}):
        with pytest.raises(HopnetInputError):
            HostSettings(ion="Li", **wrong)


def test_every_setting_that_changes_an_answer_keys_a_row():
    a = HostSettings(ion="Li")
    for changed in ({"orderings": 5}, {"seed": 1}, {"empty_sites": "always"}, {"mechanism": "interstitial"},
                    {"channels": False}, {"max_hop": 6.0}, {"temperature": 400.0}):
        assert HostSettings(ion="Li", **changed).answer_fields() != a.answer_fields(), changed
    for speed_only in ({"threads": 2}, {"compiled": True}):
        assert HostSettings(ion="Li", **speed_only).answer_fields() == a.answer_fields()


def test_the_out_of_domain_column_holds_no_other_kind_of_flag(tmp_path, tiny_model_card):
    """Every hop of this host runs via an empty site (--max-hop below the Li-Li distance): a flag said in the
    notes, but not a reason the network is outside its training domain."""
    out = tmp_path / "rows.csv"
    settings = HostSettings(ion="Li", model=str(tiny_model_card), max_hop=2.5)
    screen([str(LFP)], out, settings, workers=1, progress=False)
    row = rows_of(out)[0]
    assert row["status"] == "ok" and "empty sites" in row["notes"] and "empty site" not in row["out_of_domain"]


def test_a_screen_row_is_the_priced_hosts_report(tiny_model_card):
    """The row and the public priced step agree: the answer's inputs are the report's widest network and the
    same open hops' BVSE percolation, and the prices behind them are there to read."""
    from hopnet.workflows.report import network_facts
    from hopnet.workflows.screening import screen_priced

    row, priced = screen_priced(str(LFP), HostSettings(ion="Li", model=str(tiny_model_card)))
    report = priced.report
    inputs = report.conductor.inputs
    assert row["status"] == "ok" and row["dimension"] == inputs.dimension == report.networks[-1].dimension
    assert row[f"em_{inputs.dimension.lower()}"] == round(inputs.em, 4)
    assert row[f"bvse_{inputs.dimension.lower()}"] == inputs.bvse == report.networks[-1].bvse
    assert row["networks"] == network_facts(report.networks) and row["direction_1d"] == report.networks[0].direction
    assert priced.priced.em.shape == (len(report.hops), 1)  # an ordered host: one environment
    at = report.conductor.log10_sigma_at(298.15)
    assert (row["log10_sigma"], row["log10_sigma_low"], row["log10_sigma_high"]) == at
    bad, none = screen_priced("nope.cif", HostSettings(ion="Li", model=str(tiny_model_card)))
    assert bad["status"] == "error" and none is None
