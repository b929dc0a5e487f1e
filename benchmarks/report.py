"""Regenerate BENCHMARKS.md whole, and README.md's generated blocks, from benchmarks/results/*.json.

    python benchmarks/report.py

Nothing here is typed in: every number is read from a result file that a
script in this folder wrote, and each table names that script's command.
README.md gets three small blocks between markers, never the full tables: the
headline figures (``<!-- headline:start -->``), the columns of ``hopnet
screen`` rendered from ``hopnet.workflows.screening.COLUMNS``
(``<!-- columns:start -->``; a test holds the two equal) and the output of
``hopnet paths --example`` (``<!-- example:start -->``). The model cards' pages
are rendered by ``scripts/render_cards.py``.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import statistics
from collections import Counter

import hopnet
from hopnet.vocabulary import GOOD_CONDUCTOR_EM
from hopnet_repro.results import RESULTS, newest_versioned, read_result, version_key

ROOT = RESULTS.parent.parent
COLUMNS = ("r2", "mae", "rmse", "accuracy", "precision", "recall", "f1")


def load(name: str) -> dict | None:
    return read_result(RESULTS / name)


def metric_row(label: str, m: dict, extra: str = "") -> str:
    cells = " | ".join(f"{m[c]:.3f}" for c in COLUMNS)
    return f"| {label} | {m['n']} | {cells} |{extra}"


def ensemble_rows(label: str, result: dict) -> list[str]:
    """The ensemble, each network alone (mean ± std over seeds), and the ensemble on test hosts unseen in training."""
    seeds = len(result["member_metrics"]) or 1
    lines = [metric_row(f"{label}, {seeds}-seed ensemble", result["metrics"])]
    if result.get("member_mean"):
        mean, std = result["member_mean"], result["member_std"]
        cells = " | ".join(f"{mean[c]:.3f} ± {std[c]:.3f}" for c in COLUMNS)
        lines.append(f"| {label}, one network (mean ± std over {seeds} seeds) | {result['metrics']['n']} | {cells} |")
    lines.append(metric_row(f"{label} ensemble, test paths whose host is not in training", result["metrics_unseen_hosts"]))
    return lines


def test_table(test: dict, mpt: dict | None, single: dict | None, classical: dict | None) -> list[str]:
    lines = ["| model | n | R² | MAE (eV) | RMSE (eV) | accuracy | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += ensemble_rows("**hopnet SCRATCH (ours, shipped)**", test)
    if mpt:
        lines += ensemble_rows("hopnet MODEL-3: fine-tuned from our MPT encoder (ours)", mpt)
    if single:
        lines.append(metric_row("hopnet SCRATCH seed 0 alone (ours, shipped in v0.1)", single["metrics"]))
    if classical:
        lines.append(metric_row(f"classical ML: path descriptors + {classical['best']['params']['model']} (ours)",
                                classical["metrics"]))
    for label, m in test["paper"].items():
        lines.append(metric_row(label + (f" ({m['note']})" if "note" in m and not m["note"].startswith("0 ") else ""), m))
    return lines


VARIANTS = {  # result name -> label; order of the paper's presentation
    "model1-add": "MODEL-1 ADD: initial + final, pooled vectors added",
    "model1-sub": "MODEL-1 SUB: initial + final, pooled vectors subtracted",
    "model1-cc": "MODEL-1 CC: initial + final, pooled vectors concatenated",
    "model1-cc-single-path": "MODEL-1-CC-SINGLE-PATH: as CC, trained on one path per host",
    "model2": "MODEL-2: initial + a branch on the atom-wise difference initial − final",
    "model4": "MODEL-4: whole band + local graph around the path, attention pooling",
}


def load_variants() -> dict[str, dict]:
    return {name: r for name in VARIANTS if (r := load(f"variant_{name}.json"))}


def variant_lines(variants: dict[str, dict], mpt: dict | None) -> list[str]:
    lines = ["| variant (one network, seed 0, MPT-initialised) | training paths | R² | MAE (eV) | RMSE (eV) | accuracy | "
             "precision | F1 | MAE on the 45 one-path-per-host test paths | best epoch | fit (min) | s per barrier |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in variants.items():
        m, s = r["metrics"], r["metrics_single_path_subset"]
        lines.append(f"| {VARIANTS[name]} | {r['train_paths']} | {m['r2']:.3f} | {m['mae']:.3f} | {m['rmse']:.3f} | "
                     f"{m['accuracy']:.3f} | {m['precision']:.3f} | {m['f1']:.3f} | {s['mae']:.3f} | {r['best_epoch']} | "
                     f"{r['fit_seconds'] / 60:.0f} | {r['seconds_per_barrier']:.3f} |")
    if mpt and mpt.get("member_mean"):
        mean, std = mpt["member_mean"], mpt["member_std"]
        lines.append(f"| MODEL-3: band, MPT fine-tuned (one network, mean ± std over {len(mpt['member_metrics'])} seeds) | 559 | "
                     f"{mean['r2']:.3f} ± {std['r2']:.3f} | {mean['mae']:.3f} ± {std['mae']:.3f} | "
                     f"{mean['rmse']:.3f} ± {std['rmse']:.3f} | {mean['accuracy']:.3f} ± {std['accuracy']:.3f} | "
                     f"{mean['precision']:.3f} ± {std['precision']:.3f} | {mean['f1']:.3f} ± {std['f1']:.3f} | | | | |")
    first = next(iter(variants.values()))
    lines += ["", "All on the paper's 60 test paths, each tested once. Endpoint models (MODEL-1/2) train on endpoints cut "
              "from the training bands (first image + host, last image + host: the host frozen at the initial geometry) "
              "and are tested on the separately relaxed initial/final test structures, as the paper's were. Every "
              "variant uses the same trainer, widths and optimiser as the band model (40 epochs, one-cycle LR 2e-3, "
              "L1), which were chosen by CV for the band model; the variants were not tuned separately, and one seed "
              "each (a single band network varies by the ± shown). Seconds per barrier: building the test graphs plus "
              f"one network, on {first['machine']} ({first['load_note']}). Commands:"]
    lines += [f"- `{r['command']}`" for r in variants.values()]
    return lines


def method_row(label: str, m: dict, seconds: float | None) -> str:
    return metric_row(label, m, f" {seconds:.3g} |" if seconds is not None else " – |")


def methods_table(test: dict, mpt: dict | None, classical: dict | None, chgnet: dict | None,
                  physics: dict[str, dict | None], variants: dict[str, dict]) -> list[str]:
    """One row per method on the paper's test paths, with seconds per barrier on this machine."""
    ours_s = next((p["hopnet_seconds_per_barrier"] for p in physics.values() if p), None)
    lines = ["| method | n | R² | MAE (eV) | RMSE (eV) | accuracy | precision | recall | F1 | s per barrier |",
             "|---|---|---|---|---|---|---|---|---|---|",
             method_row("**hopnet SCRATCH ensemble (ours, shipped)**", test["metrics"], ours_s)]
    if mpt:
        lines.append(method_row("hopnet MODEL-3, MPT fine-tuned ensemble (ours)", mpt["metrics"], ours_s))
    for name, r in variants.items():
        lines.append(method_row(f"hopnet {VARIANTS[name].split(':')[0]}, one network (ours)", r["metrics"],
                                r["seconds_per_barrier"]))
    if classical:
        lines.append(method_row("classical ML: path descriptors + gradient boosting", classical["metrics"],
                                classical["seconds_per_barrier"]))
    if chgnet:
        features_s = chgnet["feature_seconds_per_band_median"]["test"]
        for name, label in (("chgnet", "trees on frozen CHGNet features"), ("delta", "Δ-learning on the CHGNet profile")):
            lines.append(method_row(label, chgnet["models"][name]["test"], features_s))
    names = {"bvse": "BVSE 1D percolation energy (bvlain)", "chgnet-neb": "CHGNet + CI-NEB (relaxed endpoints)"}
    for method, r in physics.items():
        if r and "metrics" in r:
            lines.append(method_row(f"{names[method]}, {r['paths_scored']} paths", r["metrics"],
                                    r["seconds_per_barrier_mean"]))
            lines.append(method_row(f"hopnet SCRATCH ensemble on the same {r['paths_scored']} paths",
                                    r["hopnet_metrics_same_paths"], r["hopnet_seconds_per_barrier"]))
    for label, m in test["paper"].items():
        lines.append(method_row(label + (f" ({m['note']})" if "note" in m and not m["note"].startswith("0 ") else ""),
                                m, None))
    lines += ["", "Seconds per barrier on this machine (1 thread, see each result file); hopnet's is end to end "
              "(graph + 5 networks) in the baselines' own run. Commands: "
              + ", ".join(f"`{r['command']}`" for r in (classical, chgnet, *physics.values()) if r) + ".", ""]
    for method, r in physics.items():
        if r and "speed_ratio" in r:
            unscored = r["paths_run"] - r["paths_scored"] - len(r["failures"])
            lines.append(f"{names[method]} takes {r['speed_ratio']:,.0f}× hopnet's time per barrier; of "
                         f"{r['paths_planned']} paths planned, {r['paths_run']} ran, {len(r['failures'])} failed "
                         f"(reasons in the result file) and {unscored} gave no finite barrier."
                         + ("".join(f" {q['sys_name']}: DFT {q['em_dft']:.3f}, {method} {q['em']:.3f}, hopnet "
                                    f"{q['hopnet']:.3f} eV ({q['seconds']:.0f} s)." for q in r["per_path"])
                            if r["paths_scored"] < 5 else "") + "  ")
    return lines


def pretraining_lines(single: dict) -> list[str]:
    lines = ["| property | trained alone: val MAE | MPT (7 properties at once): val MAE |", "|---|---|---|"]
    for prop, row in single["rows"].items():
        lines.append(f"| {prop} | {row['single_val_mae']:.4f} | {row['mpt_val_mae']:.4f} |")
    lines += ["", f"Same architecture and epochs (configs/mpt.toml), same fixed 90/10 split; MAE in the published "
              f"[-1, 1] scaled units. MPT wall time {single['mpt_wall_seconds'] / 60:.0f} min on {single['mpt_machine']}. "
              f"Command: `{single['command']}`."]
    return lines


def paths_lines(r: dict) -> list[str]:
    return [f"On the {r['hosts']} training hosts with two or more DFT paths ({r['dft_paths']} paths), `hopnet paths` "
            f"enumerates {r['found']} of them ({r['recovery']:.0%}); of those missed, {r['not_found_longer_than_cutoff']} "
            f"are longer than the 5 Å default cut-off or in the {len(r['hosts_refused'])} host(s) whose band was refused "
            f"(listed in the result file). Within-host order of barriers (pairs with different DFT Em): "
            f"`paths` {r['pair_order_accuracy_paths']:.2f}, the dataset's own band {r['pair_order_accuracy_oof_band']:.2f} "
            f"over {r['pairs']} pairs; mean Spearman on hosts with 3+ paths: `paths` {r['spearman_mean_paths']:.2f}, "
            f"band {r['spearman_mean_oof_band']:.2f} (out-of-fold models). Command: `{r['command']}`."]


CODES = {"baseline": "older code", "baseline-compiled": "older code, `--compile`", "current": "default",
         "compiled": "`--compile`", "eager": "`--no-compile`",
         "student": "`--model hopnet-band-student --no-compile`",
         "baseline-student": "older code, `--model hopnet-band-student --no-compile`"}
CAMPAIGN_HOSTS, CAMPAIGN_WORKERS, NODE_CORES, NODE_GB = 1_000_000, 1_000, 64, 128


def screen_lines(r: dict) -> list[str]:
    lines = ["| code | hopnet | workers | hosts | ok | hosts/s | hops/s | ratio to the old code | peak RSS of the "
             "largest process (MB) | load at start |", "|---|---|---|---|---|---|---|---|---|---|"]
    for workers, phase in sorted(r["phases"].items()):
        for run in phase["runs"]:
            ratio = phase["ratio_to_baseline"].get(run["code"])
            commit = f" ({run['commit']})" if run.get("commit") else ""
            lines.append(f"| {CODES.get(run['code'], run['code'])} | {run['hopnet_version']}{commit} | {workers} | "
                         f"{run['hosts']} | {run['ok']} | {run['hosts_per_second']:.2f} | {run['hops_per_second']:.1f} | "
                         f"{'-' if ratio is None else f'{ratio:.2f}×'} | {run['peak_rss_mb_per_worker']:.0f} | "
                         f"{run['load_average_at_start']:.1f} |")
    lines += ["", "Each row screens the same hosts from scratch (start-up and model loading included); rows of one "
              "worker count ran back to back in one invocation, so their ratio is measured; rows of another worker "
              "count may be of other versions (the hopnet column says which). \"Older code\" is another checkout run "
              "beside today's (`--baseline-src`, its commit beside its version where the run recorded it); its "
              "ratio column is today's same code over it. Where the codes' rules differ, so do their hop counts."]
    notes = [f"{w} worker(s): {p['note']}" for w, p in sorted(r["phases"].items()) if p.get("note")]
    if notes:
        lines += ["", "Conditions: " + "; ".join(notes) + "."]
    later = load("screen_memory.json")  # the default rerun alone, after a fix that changed its memory
    current = next((x for x in r["phases"].get("2", {}).get("runs", []) if x["code"] == "current"), None)
    if later and current and version_key(current["hopnet_version"]) > version_key(
            later["phases"]["2"]["runs"][0]["hopnet_version"]):
        later = None  # the screen's own 2-worker phase is the newer measurement
    if later:
        run = later["phases"]["2"]["runs"][0]
        lines += ["", f"Today's default rerun alone ({run['hopnet_version']}, {later['phases']['2']['note']}): "
                      f"{run['hosts_per_second']:.2f} hosts/s, peak {run['peak_rss_mb_per_worker']:.0f} MB per worker. "
                      f"Command: `{later['command']} --out benchmarks/results/screen_memory.json`."]
        r = {**r, "phases": {**r["phases"], "2": {**r["phases"]["2"], "runs": later["phases"]["2"]["runs"]}}}
    lines += campaign_lines(r)
    lines += ["", f"Machine: {r['machine']}. Commands: `{r['command']}`."]
    return lines


def campaign_lines(r: dict) -> list[str]:
    """A 1,000,000-host campaign, extrapolated from the measured per-host cost and memory of today's default."""
    phase = r["phases"].get("2") or r["phases"].get("1")
    run = next((x for x in phase["runs"] if x["code"] == "current"), None) if phase else None
    if run is None:
        return []
    seconds_per_host = run["workers"] * run["wall_seconds"] / run["hosts"]  # one worker's time per host
    student = next((x for x in phase["runs"] if x["code"] == "student"), None)
    student_seconds = student["workers"] * student["wall_seconds"] / student["hosts"] if student else None
    core_hours = CAMPAIGN_HOSTS * seconds_per_host / 3600
    per_node = min(NODE_CORES, int(NODE_GB * 1024 * 0.9 // run["peak_rss_mb_per_worker"]))
    hours = core_hours / CAMPAIGN_WORKERS
    return ["", "### A 1,000,000-host campaign", "",
            f"Measured above (today's default, {run['workers']} worker(s), one torch and one BLAS thread each): "
            f"**{seconds_per_host:.1f} s per host per worker** on these {run['hosts']} Materials Project hosts "
            f"({run['errors']} refused with a reason), and at most "
            f"**{run['peak_rss_mb_per_worker']:.0f} MB in any one process** (a worker). Hosts are independent, so the "
            f"cost scales linearly: {CAMPAIGN_HOSTS:,} hosts are about **{core_hours:,.0f} core-hours**. On "
            f"{CAMPAIGN_WORKERS:,} workers (one per core; a {NODE_CORES}-core, {NODE_GB} GB node holds "
            f"{per_node} of them within 90 % of its memory) that is about **{hours:.1f} hours** of wall time.", "",
            *([f"With the distilled student (`--model hopnet-band-student`, uncompiled; not yet the same answers: "
               f"*{STUDENT_TITLE}*), measured in the same invocation: {student_seconds:.1f} s per host per worker, "
               f"about **{CAMPAIGN_HOSTS * student_seconds / 3600:,.0f} core-hours**.", ""] if student_seconds else []),
            "How to run it: shard the input list (one folder or ASE database per shard) and start one "
            "`hopnet screen SHARD --ion Li -o SHARD.csv --workers <cores>` per node (resumable: a killed node "
            "re-run skips finished rows), or one Dask cluster for all nodes "
            "(`--backend dask --address tcp://scheduler:8786`, one single-threaded worker process per core), or "
            "jobflow/atomate2 with `HopnetPathsMaker` when the best hops go on to NEB makers. Per-host cost "
            "grows with the number of distinct hops and the cell size (the bond-valence grid and the "
            "oxidation-state assignment); large low-symmetry cells dominate a campaign (see the `paths` timings), "
            "so sort or bin hosts by size before sharding. `screen` compiles the networks in each worker by "
            "default (a one-off cost per worker; put torch's kernel cache, `TORCHINDUCTOR_CACHE_DIR`, on a disk the "
            "nodes share so that only the first worker pays the cold compilation)."]


def cv_runs(scheme: str) -> list[dict]:
    """Seed-0 CV runs of one fold scheme (other seeds feed the uncertainty calibration)."""
    runs = (read_result(p) for p in (RESULTS / "cv").glob("*.json"))
    return [r for r in runs if r.get("scheme", "host") == scheme and r["config"].get("seed", 0) == 0]


def cv_table() -> list[str]:
    rows = sorted(cv_runs("host"), key=lambda r: r["metrics"]["mae"])
    if not rows:
        return []
    lines = ["| variant | bands | scope | angles | path flag | readout | hidden | CV MAE (eV) | CV R² | CV accuracy | "
             "train s (all folds) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, m = r["config"]["model"], r["metrics"]
        bands = "curved (BVSE channel)" if "--bands curved" in r["command"] else "straight"
        lines.append(f"| {r['variant']} | {bands} | {c['graph']['scope']} | {c['graph']['angle_neighbors']} | {c['path_flag']} | "
                     f"{c['readout']} | {c['hidden']} | {m['mae']:.3f} | {m['r2']:.3f} | {m['accuracy']:.3f} | "
                     f"{r['train_seconds']:.0f} |")
    lines.append("")
    lines.append(f"{rows[0]['folds_k']}-fold CV grouped by host on the paper's 559 training paths (the test split is "
                 f"never loaded); machine: {rows[0]['machine']}. `-mpt`: fine-tuned from the MPT encoder "
                 "(`weights/hopnet-mpt-encoder`), same architecture and budget. `-curved`: the three interior images of "
                 "every band moved onto its bond-valence channel (`benchmarks/curved_bands.py`; bands without a "
                 "landscape stay straight), same folds. Commands:")
    lines += [f"- `{r['command']}`" for r in rows]
    return lines


def chgnet_lines(r: dict, ours: dict | None) -> list[str]:
    lines = ["| model (test: paper's 60 paths) | CV MAE | CV R² | test R² | test MAE | test accuracy | test precision | "
             "CV ±1σ / ±2σ coverage (raw) | calibration factor | test ±1σ coverage (calibrated) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    labels = {"chgnet": "(a) trees on frozen CHGNet features", "delta": "(b) Δ-learning on the static CHGNet barrier",
              "stack": "(c) (a) + path descriptors + our ALIGNN's prediction"}
    for name, m in r["models"].items():
        cv, t, cov = m["best"]["cv"], m["test"], m["best"]["coverage"]
        lines.append(f"| {labels.get(name, name)} | {cv['mae']:.3f} | {cv['r2']:.3f} | {t['r2']:.3f} | {t['mae']:.3f} | "
                     f"{t['accuracy']:.3f} | {t['precision']:.3f} | {cov['within_1sigma']:.2f} / {cov['within_2sigma']:.2f} | "
                     f"{cov['calibration_factor']:.2f} | {m['test_coverage_calibrated_1sigma']:.2f} |")
    st = r["static_chgnet_barrier_test"]
    lines.append(f"| static CHGNet barrier alone (no fit, straight path, no relaxation) | – | – | {st['r2']:.1f} | "
                 f"{st['mae']:.3f} | {st['accuracy']:.3f} | {st['precision']:.3f} | – | – | – |")
    if ours:
        m = ours["metrics"]
        lines.append(f"| hopnet SCRATCH ensemble (shipped) | see CV table | | {m['r2']:.3f} | {m['mae']:.3f} | "
                     f"{m['accuracy']:.3f} | {m['precision']:.3f} | | | |")
    sec = r["feature_seconds_per_band_median"]
    n_seeds = len(r["alignn_cv"]) if isinstance(r["alignn_cv"], list) else 1
    lines += ["", f"Bagged gradient-boosted trees ({r['bags']} bags, seed {r['seed']}); {r['split']}. CHGNet features cost "
              f"{sec['train']:.2f} s (train) / {sec['test']:.2f} s (test) per band, median, on {r['machine']}; "
              "fitting each model on the 559 takes "
              + ", ".join(f"{name} {m['fit_seconds']:.0f} s" for name, m in r["models"].items())
              + f". Command: `{r['command']}`.",
              "", f"(c) is fed out-of-fold predictions of an ALIGNN ensemble of {n_seeds} seed(s) in CV and the "
              "shipped 5-seed ensemble on the test split, so its test row mixes two models; compare models by "
              "their CV columns."]
    return lines


def uncertainty_lines(u: dict) -> list[str]:
    cov = u["cv_coverage"]
    lines = ["| where | ±1σ covers | ±2σ covers | after × calibration factor: ±1σ | ±2σ |", "|---|---|---|---|---|",
             f"| CV, {u['seeds']}-seed ensembles, 559 paths (fits the factor {cov['calibration_factor']:.2f}) | "
             f"{cov['within_1sigma']:.2f} | {cov['within_2sigma']:.2f} | {cov['within_1sigma_calibrated']:.2f} | "
             f"{cov['within_2sigma_calibrated']:.2f} |"]
    if "test" in u:
        t = u["test"]
        lines.append(f"| test, shipped 5-seed ensemble, 60 paths (factor carried over) | {t['within_1sigma']:.2f} | "
                     f"{t['within_2sigma']:.2f} | {t['within_1sigma_calibrated']:.2f} | {t['within_2sigma_calibrated']:.2f} |")
    lines += ["", f"A Gaussian error bar covers 0.68 / 0.95. CV ensemble MAE {u['cv_ensemble']['mae']:.3f} eV, R² "
              f"{u['cv_ensemble']['r2']:.3f} (single seeds: "
              + ", ".join(f"{m['mae']:.3f}" for m in u["cv_single_seed"])
              + f"); Spearman of |error| vs σ on CV {u['spearman_abs_error_vs_sigma_cv']:.2f}. The factor is stored in "
              f"the model card and `hopnet predict` reports the calibrated σ. Command: `{u['command']}`.",
              "", "![error vs sigma, CV](benchmarks/results/uncertainty_cv.png)"]
    return lines


def loio_lines(chgnet_by_ion: dict | None) -> list[str]:
    runs = sorted(cv_runs("ion"), key=lambda r: r["variant"])
    rows = [(f"ALIGNN band model `{r['variant']}`", r["folds_named"]) for r in runs]
    if chgnet_by_ion:
        rows += [(f"CHGNet trees `{name}`", m["folds_named"]) for name, m in chgnet_by_ion["models"].items()]
    if not rows:
        return []
    ions = list(rows[0][1])
    lines = ["| model | " + " | ".join(f"held out: {ion} (n) MAE / R² / accuracy" for ion in ions) + " |",
             "|---|" + "---|" * len(ions)]
    for label, folds in rows:
        cells = [f"({m['n']}) {m['mae']:.3f} / {m['r2']:.2f} / {m['accuracy']:.2f}" for m in folds.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Each column trains on every other ion only and predicts every path of the held-out ion "
              "(paper training split). Commands:"]
    lines += [f"- `{r['command']}`" for r in runs] + ([f"- `{chgnet_by_ion['command']}`"] if chgnet_by_ion else [])
    return lines


def domain_lines(d: dict) -> list[str]:
    lines = ["| where | paths | flagged | MAE flagged | MAE not flagged | Spearman(distance, abs error) | "
             "MAE by distance quartile (near → far) |", "|---|---|---|---|---|---|---|"]
    for label, r in (("CV folds: fold models of the command's CV run, domain fitted on each fold's training part", d["cv"]),
                     ("test, shipped model", d["test_shipped"])):
        flagged = f"{r['mae_flagged']:.3f}" if r["mae_flagged"] is not None else "–"
        lines.append(f"| {label} | {r['n']} | {r['flagged']} | {flagged} | {r['mae_unflagged']:.3f} | "
                     f"{r['spearman_distance_vs_abs_error']:.2f} | "
                     + " / ".join(f"{m:.3f}" for m in r["mae_by_distance_quartile"]) + " |")
    lines += ["", f"Command: `{d['command']}`."]
    return lines


def speed_lines(s: dict) -> list[str]:
    inf = s["inference_60_test"]
    return [
        "| measurement | hopnet default | paper architecture (hidden 256, 4+4 layers, full cell, all angles) |",
        "|---|---|---|",
        f"| training, s per band (forward+backward+step) | {s['train_seconds_per_band_default']:.3f} | "
        f"{s['train_seconds_per_band_paper_arch']:.3f} |",
        f"| training, min per epoch over the 559 | {s['train_epoch_minutes_default']:.2f} | "
        f"{s['train_epoch_minutes_paper_arch']:.2f} |",
        "",
        f"Speed-up over the paper architecture: **{s['speedup_vs_paper_arch']:.1f}×** (both in hopnet's plain-torch "
        f"code, same run, {s['paper_arch_bands_timed']} random training bands for the paper architecture). "
        f"Graph building: {1000 * s['graph_build_seconds_per_band_train']:.1f} ms per band.",
        "",
        f"Inference on the 60 test paths ({inf['ensemble_members']} network(s)): graphs {inf['graph_seconds']:.2f} s, "
        f"network {inf['model_seconds']:.2f} s, end to end {inf['end_to_end_seconds']:.2f} s = "
        f"**{inf['paths_per_second_end_to_end']:.1f} paths/s**.",
        "",
        f"Machine: {s['machine']}, torch {s['torch']}. Command: `{s['command']}`.",
    ]


def inference_speed_lines() -> list[str]:
    lines = []
    for name, render in (("compile_speed.json", compile_lines), ("thread_policy.json", thread_lines),
                         ("paths_speed.json", paths_speed_lines)):
        result = load(name)
        if result:
            lines += render(result)
    return lines


def compile_lines(c: dict) -> list[str]:
    hps = c["hops_per_second"]
    return ["", f"**Compiled inference** (`screen`'s default, `--compile` elsewhere): the shipped {c['members']}-network "
            f"ensemble on the {c['hops']} training bands, {c.get('batch', 32)} a batch, one process, one torch thread: "
            f"eager {hps['eager']:.1f} hops/s, compiled {hps['compiled']:.1f} hops/s (**{c['speedup']:.2f}×**), largest "
            f"|ΔEm| {c['max_abs_em_difference']:.1e} eV; one-off compilation {c['compile_seconds']:.0f} s (torch's "
            f"kernel cache {c.get('kernel_cache', 'warm')}); graph building "
            f"{1 / c['graph_seconds_per_hop']:.0f} bands/s apart. Machine: {c['machine']}. Command: "
            f"`{c['command']}`."]


def thread_lines(t: dict) -> list[str]:
    lines = ["", "**Thread policy** (why every command defaults to one torch thread per process): the shipped "
             "ensemble on the 60 test bands, networks only.", "",
             "| policy | hops/s | relative to 1 thread alone | load at start |", "|---|---|---|---|"]
    for name, row in t["policies"].items():
        lines.append(f"| {name} | {row['hops_per_second']:.1f} | {t['relative_to_1_thread'][name]:.2f} | "
                     f"{row['load_average_at_start']:.1f} |")
    rates = [row["graph_hops_per_second_per_process"] for row in t["policies"].values()]
    graphs = sum(rates) / len(rates)
    return lines + ["", f"Graph building, timed apart: {graphs:.0f} bands/s per process. Machine: {t['machine']}. "
                        f"Command: `{t['command']}`."]


def paths_speed_lines(p: dict) -> list[str]:
    codes = [c for c in CODES if any(c in row for row in p["hosts"].values())]
    lines = ["", f"**`hopnet paths` on large low-symmetry hosts** (one process, CLI end to end; measured with hopnet "
                 f"{p['hopnet_version']}):", "",
             "| host | atoms | " + " | ".join(f"{CODES[c]} (s)" for c in codes) + " | hops (default) | of them "
             "channel-checked |", "|---|---|" + "---|" * len(codes) + "---|---|"]
    for name, row in p["hosts"].items():
        today = row.get("current", {})
        lines.append(f"| {name} | {row['atoms']} | " + " | ".join(f"{row[c]['seconds']:.1f}" if c in row else "-"
                                                                 for c in codes)
                     + f" | {today.get('hop_rows', '-')} | {today.get('channel_checked', '-')} |")
    for name, row in p["hosts"].items():
        prof = row.get("current_profile")
        if prof:
            parts = ", ".join(f"{part} {sec / prof['profiled_seconds']:.0%}"
                              for part, sec in sorted(prof["seconds_by_part"].items(), key=lambda kv: -kv[1]))
            lines += ["", f"Where the time went on {name} (in-process profile, {prof['profiled_seconds']:.0f} s "
                          f"under the profiler): {parts}."]
    for code, timings in p.get("startup_seconds", {}).items():
        lines += ["", f"Start-up, {CODES[code]} (median of 5 fresh processes): "
                      + ", ".join(f"`{k}` {v:.2f} s" for k, v in timings.items()) + "."]
    return lines + ["", f"Machine: {p['machine']}. Command: `{p['command']}`."]


def bad_lines(b: dict) -> list[str]:
    return [f"{b['clean_one_line_exit_2']} of {b['cases']} broken inputs end with one line on stderr and exit code 2; "
            f"tracebacks: {b['tracebacks']}. Command: `{b['command']}`; each case and its message are in "
            "`benchmarks/results/bad_inputs.json`."]


def bvse_hops_lines(b: dict) -> list[str]:
    q, qc = b["quantiles"], b["quantiles_conducting"]
    ceilings = ", ".join(f"{ion} {v:g} eV ({b['conducting_hops_per_ion'].get(ion, 'all')} hops)"
                         for ion, v in b["blocked_above"].items())
    return [
        f"BVSE barrier of each DFT path's hop (bvlain landscape, {b['resolution_A']} Å grid, tube search): "
        f"{b['scored']} of {b['paths']} paths scored ({len(b['failed'])} hosts without a landscape: bond valences "
        "not assignable). Every one of these hops exists, yet their BVSE barriers spread far:",
        "",
        "| hops | median | 90 % | 95 % | 98 % | max |", "|---|---|---|---|---|---|",
        "| all scored | " + " | ".join(f"{q[k]:.2f}" for k in ("0.5", "0.9", "0.95", "0.98", "1")) + " |",
        f"| DFT Em ≤ 1 eV ({b['conducting_hops']}) | "
        + " | ".join(f"{qc[k]:.2f}" for k in ("0.5", "0.9", "0.95", "0.98", "1")) + " |",
        "",
        f"Spearman of the BVSE barrier with DFT Em: {b['spearman_with_dft']:.2f}. Ceilings above which `paths` calls "
        f"a hop blocked ({b['rule']}): {ceilings}. Median {b['median_seconds']:.1f} s per path. "
        f"Split: {b['split']}. Command: `{b['command']}`.",
    ]


def bvse_engine_lines(b: dict) -> list[str]:
    """hopnet's BVSE engine beside bvlain's on a random sample of the training hops."""
    d, t = b["abs_difference_eV"], b["seconds_median"]
    flipped = ", ".join(b["open_blocked_differs"]) or "none"
    return [f"{b['compared']} of {b['paths']} training paths compared ({b['failed']} without a landscape, "
            f"{b['never_connected_both']} never connected on either grid, {b['never_connected_one']} on one only); "
            f"{b['resolution_A']} Å grid, both engines on the same points and bvlain's parameters, side by side per "
            "path in one process.", "",
            "| hop barrier difference, eV | median | 95 % | max | share within 0.01 eV | open/blocked call differs |",
            "|---|---|---|---|---|---|",
            f"| hopnet engine − bvlain | {d['median']:.4f} | {d['p95']:.4f} | {d['max']:.4f} | "
            f"{b['within_0.01_eV']:.1%} | {flipped} |", "",
            f"Median seconds per landscape (oxidation states and parameter tables included): bvlain {t['bvlain']:.2f} s, "
            f"hopnet {t['hopnet']:.2f} s; median per-path ratio **{b['speedup_median']:.1f}×** (range "
            f"{b['speedup_range'][0]:.1f}–{b['speedup_range'][1]:.1f}×). Machine: {b['machine']}. Split: {b['split']}, "
            f"seed {b['seed']}. Command: `{b['command']}`."]


GRID_TITLE = "Bond-valence grid shortcuts"


def grid_shortcut_lines(g: dict) -> list[str]:
    """Two ways to a cheaper grid, each held to the shipped grid's hop barriers before it is taken."""
    lines = [f"{g['paths']} training paths, each host's landscape filled three ways one after the other: as shipped "
             f"({g['resolution_A']} Å between points, each atom's sum to 8 Å), with each kind of atom's sum stopped "
             f"where its pair energy stays below {g['tolerance_eV'] * 1000:g} meV, and on a {g['coarse_A']} Å grid.", "",
             "| shortcut | hop barrier change, eV: median | 95 % | max | within 0.01 eV | open/blocked call "
             "changes | landscape time, shipped over shortcut (median per path) |", "|---|---|---|---|---|---|---|"]
    for name, label in (("reach", f"each kind's reach (below {g['tolerance_eV'] * 1000:g} meV)"),
                        ("coarse", f"{g['coarse_A']} Å grid")):
        s = g[name]
        d = s["abs_difference_eV"]
        lines.append(f"| {label} | {d['median']:.4f} | {d['p95']:.4f} | {d['max']:.3f} | {s['within_0.01_eV']:.0%} | "
                     f"{s['open_blocked_differs']} | {s['speedup_median']:.2f}× |")
    return lines + ["", "Neither is shipped. Times include the oxidation states and the channel search on each "
                        "landscape; the grid is about a third of a host's time with the student (*One network pass*), "
                        f"so a shortcut's gain on a host is about a third of its gain here. Machine: {g['machine']}. "
                        f"Split: {g['split']}, seed {g['seed']}. Command: `{g['command']}`."]


def known_conductor_lines(k: dict) -> list[str]:
    lines = ["| host | ion | literature (eV, kind) | expected dim. | hopnet dim. | hopnet 1D Em (eV) | hopnet answer | "
             "BVSE dim. | BVSE 1D (eV) | hopnet s | BVSE s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in k["rows"]:
        lit = f"{r['literature_eV']:g} ({r['literature_kind'].split(' (')[0]})" if r["literature_eV"] else "–"
        hop = f"{r['hopnet_1d']:.2f}" if r.get("hopnet_1d") is not None else r.get("hopnet_error", "none")[-40:]
        bv = f"{r['bvse_1d']:.2f}" if r.get("bvse_1d") is not None else (r.get("bvse_error") or "none")[:40]
        lines.append(f"| {r['id']}{' (trained on)' if r['in_training_table'] else ''}"
                     f"{' (disordered)' if r['disordered'] else ''} | {r['ion']} | {lit} | "
                     f"{r['expected_dimensionality'] or '–'} | {r.get('hopnet_dimensionality', '–')} | {hop} | "
                     f"{r.get('hopnet_conductor') or r.get('hopnet_verdict') or '–'} | "
                     f"{r.get('bvse_dimensionality', '–')} | {bv} | "
                     f"{r['hopnet_seconds']:.1f} | {r['bvse_seconds']:.1f} |")
    h, b = k["hopnet"], k["bvse"]

    def rho(x):
        return "n/a" if x is None else f"{x:.2f}"

    def row(label: str, m: dict, hosts: int) -> str:
        return (f"| {label} | {m['dimensionality_right']} / {m['dimensionality_judged']} | "
                f"{rho(m['spearman_1d_vs_literature'])} ({m['ranked_hosts']} hosts) | {m['answered']} / {hosts} | "
                f"{m['median_seconds_per_host']:.1f} |")

    unseen = sum(1 for r in k["rows"] if not r["in_training_table"])
    # the class from 0.8.0 on; the old verdict of the host barrier before
    answer = ("the room-temperature class (fast / slow / uncertain)" if any("hopnet_conductor" in r for r in k["rows"])
              else "the old verdict of the host barrier against 0.65 eV (before 0.8.0)")
    return lines + ["", "| method | dimensionality right | Spearman of 1D energy with literature | hosts answered | "
                        "median s per host |", "|---|---|---|---|---|",
                    row("hopnet", h, k["hosts"]), row("BVSE (bvlain)", b, k["hosts"]),
                    row("hopnet, hosts not in its training table", k["hopnet_hosts_not_in_training"], unseen),
                    row("BVSE, the same hosts", k["bvse_hosts_not_in_training"], unseen), "",
                    f"hopnet answer: {answer}. Dimensionality rule, the same for both: {k['rule']}. Literature "
                    "values mix DFT barriers and "
                    "experimental activation energies (see `benchmarks/data/known_conductors/README.md`); rows marked "
                    "*trained on* are hosts of hopnet's training table. Both methods run one after the other in one "
                    f"process. Machine: {k['machine']}. Command: `{k['command']}`."]


SHOWN_RUNS = 3  # the newest whole runs of benchmarks/real_electrolytes.py the report shows, before and after
RERUN = "v0.7.0"  # a run stopped part-way (the session's time): its hosts' answers and seconds beside the last run's


def real_electrolyte_runs() -> dict[str, dict]:
    """The newest whole runs (``v<version>.json`` summaries; variants such as ``-nasicon-always`` apart), oldest
    first."""
    names = sorted((p.stem for p in (RESULTS / "real_electrolytes").glob("v*.json")
                    if re.fullmatch(r"v\d+\.\d+\.\d+", p.stem)), key=version_key)
    return {n: load(f"real_electrolytes/{n}.json") for n in names[-SHOWN_RUNS:]}


def _calls(r: dict) -> str:
    """What a run called its hosts: the conductor classes (from 0.8.0) or the old verdicts."""
    if "classes" in r:
        c = r["classes"]
        return f"{c['fast']} fast, {c['slow']} slow, {c['uncertain']} uncertain"
    v = r["verdicts"]
    return f"verdicts: {v['good']} good, {v['poor']} poor, {v['uncertain']} uncertain"


def _num(x, digits=2) -> str:
    return "–" if x is None or x != x else f"{x:.{digits}f}"  # x != x: NaN, a correlation of constant scores


def real_electrolyte_lines(runs: dict[str, dict]) -> list[str]:
    """hopnet before and after, BVSE and the two trivial rules on the real electrolytes with measured
    conductivity; the families and the channel-ceiling sweep of the last run."""
    def row(label: str, m: dict, auc_only: float | None = None) -> str:
        if auc_only is not None or not m:
            return f"| {label} | {_num(auc_only)} | – | – | – | – | – | – |"
        return (f"| {label} | {_num(m['auc_fast_vs_slow'])} ({m['fast']} fast, {m['slow']} slow) | "
                f"{_num(m['spearman_log_sigma'])} | {_num(m['spearman_ea'])} | {_num(m['mae_ea'], 3)} ({m['with_ea']}) | "
                f"{_num(m.get('precision_fast', m.get('precision_good')))} | "
                f"{_num(m.get('recall_fast', m.get('recall_good')))} | {m['hosts']} |")

    names = list(runs)
    last = runs[names[-1]]
    lines = []
    for name, r in runs.items():
        seconds = r["median_seconds_per_host"]
        lines.append(f"- hopnet {name}: {r['answered']} of {r['cifs']} CIFs answered ({_calls(r)}); median seconds "
                     "per host "
                     f"{_num(seconds['hopnet'], 1)} (disordered {_num(seconds['hopnet_disordered'], 1)}), BVSE "
                     f"{_num(seconds['bvse'], 1)} (ordered CIFs only)"
                     + (f"; on the {side['hosts']} CIFs both answered, one after the other per host: hopnet "
                        f"{_num(side['median_seconds']['hopnet'], 1)} s, bvlain {_num(side['median_seconds']['bvse'], 1)} s, "
                        f"median ratio bvlain/hopnet **{_num(side['median_bvse_over_hopnet'])}**"
                        if (side := r.get("side_by_side")) and side["hosts"] else "")
                     + f". Command: `{r['command']}`.")
    trivial = last["trivial_partial_occupancy_is_fast"]
    lines += ["", "| answer (host barrier: 3D, else 2D, else 1D) | AUC fast vs slow | Spearman with log10 σ | "
              "Spearman with Ea | MAE vs Ea, eV (hosts) | precision of the call | recall of fast hosts | hosts |",
              "|---|---|---|---|---|---|---|---|",
              *[row(f"hopnet {name}", r["hopnet"]) for name, r in runs.items()],
              row("BVSE (bvlain), the CIFs it reads", last["bvse"]),
              *([row(f"BVSE percolation of hopnet {names[-1]}'s open hops (the landscape's barriers, same hops)",
                     last["bvse_same_hops"])] if last.get("bvse_same_hops") else []),
              row(f"hopnet {names[-1]} on the same CIFs", last["hopnet_on_bvse_hosts"]),
              row("trivial: partially occupied → fast, every CIF", {}, trivial["auc_fast_vs_slow"]),
              row(f"trivial: partially occupied → fast, the CIFs hopnet {names[-1]} answered", {},
                  trivial["auc_on_hopnet_hosts"]),
              f"| trivial: Ea = the median ({last['trivial_median_ea']['ea']:.2f} eV) | – | – | – | "
              f"{last['trivial_median_ea']['mae_ea']:.3f} | – | – | – |", "",
              f"Per family (hopnet {names[-1]}; families of at least 5 CIFs):", "",
              "| family | CIFs | answered | AUC | trivial AUC | Spearman log10 σ | MAE vs Ea (hosts) |",
              "|---|---|---|---|---|---|---|"]
    for family, f in last["families"].items():
        lines.append(f"| {family} | {f['cifs']} | {f['hosts']} | {_num(f['auc_fast_vs_slow'])} | "
                     f"{_num(f['trivial_auc'])} | {_num(f['spearman_log_sigma'])} | {_num(f['mae_ea'], 3)} ({f['with_ea']}) |")
    sweep = last.get("channel_ceiling")
    if sweep and sweep["hosts"]:
        cv = sweep["family_grouped_cv"]
        lines += ["", f"Li channel ceiling (BVSE barrier above which a hop is blocked), swept on the same priced networks "
                      f"of the {sweep['hosts']} hosts answered at every ceiling:", "",
                  "| ceiling, eV | AUC fast vs slow | Spearman with log10 σ | Spearman with Ea | MAE vs Ea, eV |",
                  "|---|---|---|---|---|"]
        for c, m in sweep["per_ceiling"].items():
            lines.append(f"| {c} | {_num(m['auc_fast_vs_slow'])} | {_num(m['spearman_log_sigma'])} | "
                         f"{_num(m['spearman_ea'])} | {_num(m['mae_ea'], 3)} |")
        lines.append(f"| chosen per held-out family group by the others' AUC (family-grouped CV; picks: "
                     f"{', '.join(f'{k} × {v}' for k, v in cv['chosen'].items())}) | {_num(cv['auc_fast_vs_slow'])} | "
                     f"{_num(cv['spearman_log_sigma'])} | {_num(cv['spearman_ea'])} | {_num(cv['mae_ea'], 3)} |")
    variant = load(f"real_electrolytes/{names[-1]}-nasicon-always.json")
    if variant and "NASICON" in last["families"]:
        auto, always = last["families"]["NASICON"], variant["hopnet"]
        lines += ["", f"Interstitial sites in NASICONs (the ion passes M2 sites): the family rerun with "
                      f"`--empty-sites always` (`{variant['command']}`): AUC {_num(always['auc_fast_vs_slow'])}, "
                      f"Spearman with Ea {_num(always['spearman_ea'])}, MAE {_num(always['mae_ea'], 3)} eV, median "
                      f"{_num(variant['median_seconds_per_host']['hopnet'], 1)} s per host; with the default (`auto`: "
                      f"only when the ion's own sites form no network) AUC {_num(auto['auc_fast_vs_slow'])}, Spearman "
                      f"{_num(auto['spearman_ea'])}, MAE {_num(auto['mae_ea'], 3)} eV. The default stays."]
    for name, r in runs.items():
        reasons = "; ".join(f"{n} × {why}" for why, n in r["unanswered_reasons"].items()) or "none"
        lines += ["", f"Not answered by hopnet {name}: {reasons}."]
    if len(names) > 1:
        lines += ["", same_answer_line(names[-2], names[-1])]
    if (RESULTS / "real_electrolytes" / f"{RERUN}.jsonl").exists() and RERUN not in runs:
        lines += ["", rerun_line(names[-1], RERUN)]
    return lines + ["", f"![host barrier vs Ea](benchmarks/results/real_electrolytes/{names[-1]}-ea.png)", "",
                    "Fast = σ ≥ 1e-4 S/cm, slow = σ < 1e-6 S/cm at room temperature. The AUC, Spearman and MAE "
                    "columns score the host barrier (its widest network's), where nothing is fitted. The call: up to "
                    "0.7.0 the old verdict *good* (a host barrier below 0.65 eV); from 0.8.0 the class *fast* of the "
                    "conductor card, which was fitted on these same hosts, so its precision and recall here are "
                    "in-sample (out of fold: the next section). "
                    "Data: OBELiX train split (Therrien et al., Digital Discovery 2026, arXiv 2502.14234; CC-BY 4.0) "
                    "with activation energies from Laskowski et al. (Energy Environ. Sci. 2023), copied in "
                    f"`benchmarks/data/obelix_train/`. Machine: {last['machine']}. The runs were not side by side "
                    "(v0.5.0 and v0.6.0 shared the two cores with other work for part of their time), so seconds "
                    "across runs are indicative; within one run, hopnet and bvlain ran one after the other on each "
                    "host, so their ratio is measured."]


def _answered_rows(name: str) -> dict[str, dict]:
    """The rows of a real-electrolyte run whose host hopnet answered, by CIF id."""
    from real_electrolytes import measured_rows

    return {i: r for i, r in measured_rows(name).items() if r["hopnet"].get("status") == "ok"}


def rerun_line(before: str, after: str) -> str:
    """A part-way run beside a whole one, on the hosts the part-way run reached: the same answers, and seconds."""
    from real_electrolytes import hosts

    disordered = {h["id"] for h in hosts() if h["disordered"]}
    old, new = _answered_rows(before), _answered_rows(after)
    reached = [json.loads(line)["id"] for line in (RESULTS / "real_electrolytes" / f"{after}.jsonl").read_text()
               .splitlines()]
    both = [i for i in reached if i in old and i in new]
    median = lambda rows, ids: statistics.median(rows[i]["hopnet_seconds"] for i in ids) if ids else float("nan")  # noqa: E731
    mixed = [i for i in both if i in disordered]
    return (f"hopnet {after}, run on the first {len(reached)} CIFs only (stopped for time; `python "
            f"benchmarks/real_electrolytes.py --name {after} --workers 2` resumes it): "
            + same_answer_line(before, after, set(reached))
            + f" Median seconds per host on the {len(both)} answered by both: {before} {median(old, both):.1f}, "
            f"{after} {median(new, both):.1f}; disordered ({len(mixed)}): {median(old, mixed):.1f} and "
            f"{median(new, mixed):.1f} (not side by side: {after} shared the cores with other benchmarks part of "
            "its time).")


def same_answer_line(before: str, after: str, reached: set[str] | None = None) -> str:
    """Whether two runs of the real-electrolyte benchmark give the same hop-network answers, host by host (on the
    CIFs ``reached`` by both, where given)."""
    old = {i: r["hopnet"] for i, r in _answered_rows(before).items() if reached is None or i in reached}
    new = {i: r["hopnet"] for i, r in _answered_rows(after).items()}
    both = sorted(set(old) & set(new))
    energies = lambda h: [h.get(f"em_{d}d") if h.get(f"em_{d}d") != "" else None for d in (1, 2, 3)]  # noqa: E731
    dims_same = sum(1 for i in both if [e is None for e in energies(old[i])] == [e is None for e in energies(new[i])])
    deltas = [abs(a - b) for i in both for a, b in zip(energies(old[i]), energies(new[i]))
              if a is not None and b is not None]
    # the call is compared where both runs make the same kind (verdicts up to 0.7.0, classes from 0.8.0)
    call = next((k for k in ("conductor", "verdict") if all(k in old[i] and k in new[i] for i in both)), None)
    # a row's class is the one the card shipped on the day of its run gave: a refitted card alone moves it
    same_call = (f"{'class (each run by the card shipped when it ran)' if call == 'conductor' else 'verdict'} "
                 "the same in "
                 f"{sum(old[i][call] == new[i][call] for i in both)}, " if call else
                 "calls not comparable (verdicts before 0.8.0, classes from it), ")
    return (f"Same answers, {before} → {after}, on the {len(both)} CIFs both answered: {same_call}"
            f"the dimensions that percolate the same in "
            f"{dims_same}; percolation energies within 0.01 eV in {sum(d <= 0.01 for d in deltas)} of {len(deltas)} "
            f"(largest difference {max(deltas, default=0.0):.3f} eV). Answered by {after} only: "
            f"{len(set(new) - set(old))}; by "
            f"{before} only: {len(set(old) - set(new))}.")


def conductor_lines(r: dict) -> list[str]:
    """The room-temperature answer fitted on the real electrolytes: every figure out of fold (family groups)."""
    def row(label: str, m: dict) -> str:
        return (f"| {label} | {_num(m['auc_fast_vs_slow'])} | {_num(m['spearman_log_sigma'])} | "
                f"{_num(m['spearman_ea'])} | {_num(m['mae_ea'], 3)} | {_num(m['precision_fast'])} | "
                f"{_num(m['recall_fast'])} | {_num(m['precision_slow'])} | {_num(m['recall_slow'])} | {m['uncertain']} |")

    cv, card = r["family_grouped_cv"], r["card"]
    lines = [f"From `benchmarks/results/real_electrolytes/{r['file']}`, the newest fit (on the rows of run "
             f"{r['rows']}, hopnet {r['hopnet_version']}). " + shipped_card_line(card), "",
             f"{cv['hosts']} answered hosts ({cv['fast']} fast, {cv['slow']} slow, {cv['with_ea']} with a measured Ea) "
             f"in {r['groups']} family groups; every figure is out of fold (leave one group out)"
             + (f"; {r['answered_without_a_network']} more answered hosts form no network and are called slow "
                "without the card" if r.get("answered_without_a_network") else "")
             + f". Command: `{r['command']}`.", "",
             "| inputs (family-grouped CV) | AUC fast vs slow | Spearman of −P(fast) with log10 σ | Spearman with Ea | "
             "MAE vs Ea, eV | precision of fast | recall of fast | precision of slow | recall of slow | uncertain |",
             "|---|---|---|---|---|---|---|---|---|---|",
             row("**shipped: " + " + ".join(card["features"]) + "**", cv),
             *[row(name.replace("+", " + "), m) for name, m in r["ablation_family_grouped_cv"].items()
               if name != "+".join(card["features"])],
             f"| trivial: partially occupied → fast | {_num(r['trivial_partial_occupancy_is_fast_auc'])} | – | – | "
             f"{_num(r['trivial_median_ea_mae'], 3)} (Ea = the median) | – | – | – | – | – |", "",
             *([f"Selection: {r['selection']} (the recipe fixed before looking: "
                f"{r['recipe_fixed_before_looking'].replace('+', ' + ')})"
                + (f"; the Li channel ceiling of the em input ({r['ceiling']} eV) was chosen on the same set"
                   if r.get("ceiling") else "") + ".", ""] if r.get("selection") else []),
             f"The fitted Ea (MAE {cv['mae_ea']:.3f} eV) is "
             f"{'better than' if cv['mae_ea'] < r['trivial_median_ea_mae'] else 'no better than'} the median Ea "
             f"(MAE {r['trivial_median_ea_mae']:.3f} eV).", "",
             f"Classes: fast where P(fast) ≥ {card['fast_above']:.2f}, slow where ≤ {card['slow_below']:.2f}, "
             f"uncertain between (fixed before fitting). {interval_line(r['ea_interval'])}", "",
             "| family | hosts | AUC | trivial AUC | MAE vs Ea (hosts) | MAE of the median | fast / slow / uncertain |",
             "|---|---|---|---|---|---|---|"]
    for family, f in r["per_family"].items():
        called = f["called"]
        lines.append(f"| {family} | {f['hosts']} | {_num(f['auc'])} | {_num(f['trivial_auc'])} | "
                     f"{_num(f['mae_ea'], 3)} ({f['with_ea']}) | {_num(f['mae_ea_of_the_median'], 3)} | "
                     f"{called['fast']} / {called['slow']} / {called['uncertain']} |")
    return lines


def interval_line(interval: dict) -> str:
    """The Ea interval as the fit states it: one half-width (up to 0.7.0), or a half-width that grows with the
    deciding hop's spread and where it is out of domain, with its nested coverage (from 0.8.0)."""
    if "halfwidth_eV" in interval:
        return (f"Ea interval ± {interval['halfwidth_eV']:.2f} eV covers {interval['coverage']:.0%} of the "
                "out-of-fold errors.")
    nested = interval.get("coverage_nested") or {}
    parts = [f"{nested[k]:.0%} of {nested[k + '_hosts']} hosts {label}" for k, label in
             (("in_domain", "whose deciding hop is in the training domain"), ("out_of_domain", "whose deciding hop "
              "is outside it")) if nested.get(k) is not None and nested.get(k + "_hosts")]
    return (f"Ea interval: half-width {interval['quantile']:.2f} × √({interval['base']:.2f}² + "
            f"({interval['spread_weight']:.2f} × the deciding hop's spread)²) eV, "
            f"× {interval['out_of_domain_factor']:.2f} "
            f"where that hop is out of domain; it covers {interval['coverage']:.0%} of the out-of-fold errors by "
            "construction" + (f"; fitted without each family group in turn, it covered {nested['all']:.0%} of that "
                              "group's hosts (" + ", ".join(parts) + ")" if "all" in nested else "") + ".")


def shipped_card_line(fitted: dict) -> str:
    """Whether the shipped conductor card is this fit's card (the same inputs and coefficients)."""
    shipped = json.loads((ROOT / "src/hopnet/weights/conductor.json").read_text())
    same = all(shipped.get(k) == fitted.get(k) for k in ("features", "mean", "std", "ea_coef", "fast_coef"))
    return ("Its card, fitted on every host, is the shipped `src/hopnet/weights/conductor.json` "
            "([its page](src/hopnet/weights/conductor.md))." if same else
            "**The shipped `src/hopnet/weights/conductor.json` is not this fit's card** (other inputs or "
            f"coefficients; it says: {shipped.get('source', 'no source')}).")


def known_class_lines(r: dict) -> list[str]:
    """Hosts whose room-temperature class a battery scientist knows: hopnet's class and dimensionality."""
    lines = [f"{r['classes_right']} of {r['classes_expected']} known classes right (OBELiX hosts judged by their "
             f"out-of-fold class), {r['dimensionalities_right']} of {r['dimensionalities_expected']} known "
             f"dimensionalities. Command: `{r['command']}`.", "",
             "| host | expected | hopnet (shipped card) | out of fold | P(fast) | estimated Ea, eV | dimensionality "
             "(expected) |", "|---|---|---|---|---|---|---|"]
    for row in r["rows"]:
        oof = (row.get("out_of_fold") or {}).get("conductor", "–")
        lines.append(f"| {row['host']} | {row['expected_class'] or '–'} | {row['conductor']} | {oof} | "
                     f"{_num(row['p_fast'])} | {_num(row['ea'])} | {row['dimensionality']} "
                     f"({row['expected_dimensionality'] or '–'}) |")
    return lines


PROTOCOL_ORDER = ("median", "bvse", "clearance", "classical", "classical-bvse", "band", "band-mpt", "band-prior",
                  "band-delta", "band-ionic", "band-bvse-input", "blend-band+classical-bvse")
PROTOCOL_LABELS = {
    "median": "median of the training folds", "bvse": "BVSE barrier of the hop, linear fit",
    "clearance": "straight hop's clearance from the framework, linear fit",
    "classical": "path descriptors + boosted trees", "classical-bvse": "path descriptors + BVSE barrier + trees",
    "band": "hopnet band network, scratch (shipped recipe, one network)",
    "band-mpt": "hopnet band network from the MPT encoder", "band-prior": "hopnet band network from the hop prior",
    "band-delta": "hopnet band network on the BVSE line's residual (Δ-learning; BVSE of 0.3.1, 63 paths without)",
    "band-ionic": "hopnet band network with ionic element inputs",
    "band-bvse-input": "hopnet band network with the hop's BVSE barrier as an input",
    "blend-band+classical-bvse": "mean of the band network and the trees with BVSE (fixed 1/2 weights; the pair "
                                 "chosen after seeing the rows)",
}


def protocol_lines() -> list[str]:
    """One row per model scored by benchmarks/protocol.py: each scheme's MAE and R² with 95 % intervals."""
    folder = RESULTS / "protocol"
    found = {p.stem: read_result(p) for p in sorted(folder.glob("*.json"))} if folder.exists() else {}
    if not found:
        return []
    names = [n for n in PROTOCOL_ORDER if n in found] + sorted(set(found) - set(PROTOCOL_ORDER))

    def cell(r, scheme, key, digits=3):
        m = r["schemes"].get(scheme)
        if not m:
            return "not run"
        v = (m["within_host"] if key == "pair_order" else m["overall"])[key]
        return f"{v['value']:.{digits}f} [{v['ci95'][0]:.{digits}f}, {v['ci95'][1]:.{digits}f}]"

    lines = ["| model | host 5-fold MAE | R² | Spearman | accuracy@0.65 | within-host pair order | family 5-fold MAE | "
             "R² | leave-one-ion-out MAE | R² |", "|---|---|---|---|---|---|---|---|---|---|"]
    for n in names:
        r = found[n]
        lines.append(f"| {PROTOCOL_LABELS.get(n, n)} | {cell(r, 'host', 'mae')} | {cell(r, 'host', 'r2', 2)} | "
                     f"{cell(r, 'host', 'spearman', 2)} | {cell(r, 'host', 'accuracy@0.65', 2)} | {cell(r, 'host', 'pair_order', 2)} | "
                     f"{cell(r, 'family', 'mae')} | {cell(r, 'family', 'r2', 2)} | {cell(r, 'ion', 'mae')} | "
                     f"{cell(r, 'ion', 'r2', 2)} |")
    ions = sorted({ion for r in found.values() for ion in r["schemes"].get("ion", {}).get("per_ion", {})})
    if ions:
        lines += ["", "Leave-one-ion-out, per held-out ion (MAE eV / R²):", "",
                  "| model | " + " | ".join(ions) + " |", "|---|" + "---|" * len(ions)]
        for n in names:
            per = found[n]["schemes"].get("ion", {}).get("per_ion")
            if per:
                lines.append(f"| {PROTOCOL_LABELS.get(n, n)} | " + " | ".join(
                    f"{per[i]['mae']['value']:.2f} / {per[i]['r2']['value']:.2f}" if i in per else "-"
                    for i in ions) + " |")
    lines += ["", "All on the paper's 559 training paths, the same folds for every model (`benchmarks/hopnet_repro/"
              "protocol.py`, fixed before any model was tuned on it): 5 folds grouped by host; 5 folds grouped by "
              "structural family (every family held out whole); leave one ion out for each ion with at least 20 "
              "paths. Brackets: 95 % bootstrap intervals resampling hosts (1,000 draws, seed 0). Pair order: share "
              "of within-host pairs of paths (different DFT Em) put in the right order. Network rows are one network "
              "each (seed 0); their seed-to-seed spread on these folds was not measured (the paper-test table gives "
              "one network's spread over 5 seeds). The test split is not used. Commands:"]
    lines += [f"- `{found[n]['command']}` ({found[n]['machine']})" for n in names]
    return lines


def hop_label_lines() -> list[str]:
    """What the physics-label set holds and cost (read from the committed labels), and what the prior learned."""
    from hop_labels import shard_files, shard_lines

    from hopnet.pathways.landscape import blocked_above

    rows = [json.loads(line) for shard in shard_files(RESULTS / "hop_labels") for line in shard_lines(shard)]
    if not rows:
        return []
    hops = [(r["ion"], "replaces" in r, h) for r in rows for h in r.get("hops", [])]
    per_ion = Counter(ion for ion, _, _ in hops).most_common()
    blocked = sum(h["bvse"] is None or h["bvse"] > blocked_above(ion) for ion, _, h in hops)
    seconds = sum(r["seconds"] for r in rows)
    lines = [f"{len(hops):,} hops labelled in {len(rows):,} hosts visited ({sum('replaces' in r for r in rows):,} of "
             f"them with the ion swapped for another of its charge, giving {sum(s for _, s, _ in hops):,} hops); "
             f"{sum(not r.get('hops') for r in rows):,} hosts gave none (no oxidation states, no ion pair within "
             f"5 Å, or time-out). {blocked:,} hops ({blocked / len(hops):.0%}) are blocked by `hopnet paths`' rule (their BVSE "
             f"barrier above the ion's channel ceiling): mostly hops through the framework, which the DFT set "
             f"rarely has. Cost: {seconds / len(hops):.2f} s "
             f"per labelled hop ({seconds / 3600:.1f} core-hours in all, one process).", "",
             "| ion | " + " | ".join(ion for ion, _ in per_ion) + " |", "|---|" + "---|" * len(per_ion),
             "| hops | " + " | ".join(f"{n:,}" for _, n in per_ion) + " |", "",
             "Labels: `bvse` (the hop's BVSE barrier, as `hopnet paths` computes it) and `clearance` (closest "
             "approach of the straight hop to a framework atom). What each alone knows about DFT Em is in the "
             "protocol table (rows *BVSE barrier* and *clearance*, linear fits; Spearman column); the static CHGNet "
             "profile's is under *Transfer from a universal potential*. Files and provenance: "
             "`benchmarks/results/hop_labels/README.md`."]
    prior = RESULTS / "prior_pretrain.json"
    if prior.exists():
        r = read_result(prior)
        lines += ["", f"Prior pre-training (the band network, two outputs, masked L1): {r['train_hops']:,} hops, "
                  f"{r['val_hops']:,} held out by host; held-out MAE " + ", ".join(
                      f"{k} {v:.3f} (spread {r['target_std'][k]:.3f})" for k, v in r["val_mae"].items())
                  + f"; {r['wall_seconds'] / 60:.0f} min on {r['machine']}. Data: {r['data']}. "
                  f"Command: `{r['command']}`. Its fine-tuned network is the protocol row *from the hop prior*."]
    return lines


def test_time_lines(t: dict) -> list[str]:
    lines = ["| suite | median wall time (s) | runs | closing line |", "|---|---|---|---|"]
    for name, suite in t["suites"].items():
        label = name.replace("before", f"before (`{t['before']}`)")
        lines.append(f"| {label} | {suite['median_seconds']:.0f} | {len(suite['seconds'])} | {suite['closing_line']} |")
    return lines + ["", "Quick = `-m \"not slow\"` (no subprocesses, Dask cluster or full-data passes): from 0.8.0 the "
                    "default `python -m pytest`, what `.ci/run` runs; full = `-m \"slow or not slow\"`. Each run in a fresh process with an empty graph "
                    f"cache, suites alternating. Machine: {t['machine']}. Command: `{t['command']}`."
                    + (f" Timed with hopnet {t['hopnet_version']}; the suite has changed since (this is hopnet "
                       f"{hopnet.__version__}): rerun the command for today's times." if t["hopnet_version"] !=
                       hopnet.__version__ else "")]


NETWORK_TITLE = "Does the network earn its place? The answer with and without its barrier"


def network_place() -> dict | None:
    """The newest conductor fit beside the real-electrolyte run it was fitted on and the anchored-price variants
    of the same rows."""
    fit = conductor_fit()
    if fit is None or "confidence_intervals" not in fit:
        return None
    rows = read_result(RESULTS / "real_electrolytes" / f"{fit['rows']}.json")
    anchored = read_result(RESULTS / "real_electrolytes" / f"anchored_prices-{fit['rows']}.json")
    return {"fit": fit, "rows": rows, "anchored": anchored}


def network_place_lines(d: dict) -> list[str]:
    fit, rows, anchored = d["fit"], d["rows"], d["anchored"]
    ablation, ci = fit["ablation_family_grouped_cv"], fit["confidence_intervals"]
    with_em, without = fit["shipped"], next(k for k in ci if k not in ("resamples", "seed", "unit", fit["shipped"]))
    diff = ci[without]
    lines = [f"The conductor card refitted without one input or another, under the same family-grouped folds "
             f"(`{fit['command']}`; {fit['hosts'] if 'hosts' in fit else ablation[with_em]['hosts']} hosts, "
             f"{fit['groups']} family groups). 95 % intervals resample whole family groups ({ci['resamples']} "
             f"resamples, seed {ci['seed']}).", "",
             "| card inputs | AUC fast vs slow | Spearman with log σ | Ea MAE (eV) |", "|---|---|---|---|"]
    for name, m in ablation.items():
        mark = " (shipped)" if name == with_em else " (without the network)" if name == without else ""
        lines.append(f"| {name}{mark} | {_num(m['auc_fast_vs_slow'])} | {_num(m['spearman_log_sigma'])} | "
                     f"{_num(m['mae_ea'], 3)} |")
    lines += ["", f"Without the network's barrier minus with it, 95 %: AUC [{diff['auc_minus_first_95'][0]:+.3f}, "
                  f"{diff['auc_minus_first_95'][1]:+.3f}], Ea MAE [{diff['mae_ea_minus_first_95'][0]:+.3f}, "
                  f"{diff['mae_ea_minus_first_95'][1]:+.3f}] eV: the network's barrier does not measurably help the "
                  "card." if diff["auc_minus_first_95"][0] < 0 < diff["auc_minus_first_95"][1] else "", ""]
    if rows and rows.get("families"):
        lines += [f"Per family (≥ 5 hosts), unfitted: the host barrier as hopnet {rows['hopnet_version']} prices its "
                  "hops (from 0.9.0 the network's price anchored to the BVSE barrier; the network alone is the "
                  "`network` row of the next table), hopnet's BVSE percolation of the same open hops, and the rule "
                  f"\"partially occupied → fast\" (`{rows['command']}`); AUC needs both classes in the family. "
                  "Read a family's AUC beside its count of fast and slow hosts: with one or two fast hosts it "
                  "turns on one or two pairs of barriers, often a few hundredths of an eV apart.", "",
                  "| family | CIFs | answered (fast / slow) | host barrier AUC / Spearman | BVSE same hops AUC / "
                  "Spearman | trivial AUC |",
                  "|---|---|---|---|---|---|"]
        for name, f in rows["families"].items():
            b = f.get("bvse_same_hops", {})
            lines.append(f"| {name} | {f['cifs']} | {f.get('hosts', '–')} ({f.get('fast', 0)} / {f.get('slow', 0)}) | "
                         f"{_num(f.get('auc_fast_vs_slow'))} / "
                         f"{_num(f.get('spearman_log_sigma'))} | {_num(b.get('auc_fast_vs_slow'))} / "
                         f"{_num(b.get('spearman_log_sigma'))} | {_num(f.get('trivial_auc'))} |")
        lines.append("")
    if anchored:
        cal = anchored["bvse_to_dft"]
        lines += [f"Hop prices re-percolated without running the network (`{anchored['command']}`; BVSE put on the "
                  f"DFT scale by Em = {cal['intercept']:.2f} + {cal['slope']:.2f} × BVSE, fitted on the "
                  f"{cal['fitted_on']}): the host barrier unfitted, and the card refitted on it.", "",
                  "| hop price | barrier AUC | garnet AUC | card AUC | card Ea MAE (eV) |", "|---|---|---|---|---|"]
        shipped = "precision" if version_key(fit["rows"]) >= version_key("0.9.0") else "network"
        for name, v in anchored["variants"].items():
            garnet = v["unfitted_per_family"].get("garnet", {}).get("auc_fast_vs_slow")
            card = v["card_family_grouped_cv"]
            label = f"**{name} (shipped)**" if name == shipped else name
            lines.append(f"| {label} | {_num(v['unfitted']['auc_fast_vs_slow'])} | {_num(garnet)} | "
                         f"{_num(card['auc_fast_vs_slow'])} | {_num(card['mae_ea'], 3)} |")
        nested = anchored["nested_blend"]
        lines += ["", f"The blend weight chosen inside each fold and scored outside (nested): card AUC "
                      f"{_num(nested['card_family_grouped_cv']['auc_fast_vs_slow'])}, Ea MAE "
                      f"{_num(nested['card_family_grouped_cv']['mae_ea'], 3)} eV; weights chosen "
                      f"{nested['weights_chosen']}."]
        if "monotone_bvse_to_dft" in anchored and "precision-monotone" in anchored["variants"]:
            mono = anchored["monotone_bvse_to_dft"]
            line, curve = (anchored["variants"][k]["unfitted"]["auc_fast_vs_slow"]
                           for k in ("precision", "precision-monotone"))
            verdict = ("It is not shipped: it ranks the hosts worse unfitted. A likely reason, not tested: the curve "
                       "rises steeply over a few hundredths of an eV of BVSE near 0.3 eV, where many electrolyte "
                       "hops lie, so there a small BVSE error moves the price a lot." if curve < line else
                       "It ranks the hosts no worse unfitted than the line.")
            lines += ["", "*precision-monotone* weighs the same two estimates with BVSE put on the DFT scale by a "
                          "monotone (isotonic) curve instead of the line, to lift the line's floor under low-BVSE "
                          f"hops (the curve gives {mono['knots_em'][0]:.2f} eV at a barrier of 0; its out-of-fold RMS "
                          f"{mono['rms_residual_out_of_fold']:.2f} eV). Its reason was written before its figures "
                          "here were seen; it was the second variant added after looking at the others. " + verdict]
    return lines


SIGMA_TITLE = "How fast, in S/cm: the conductivity estimate beside the published models' kind, on the same folds"


def conductivity() -> dict | None:
    """The newest conductivity fit (``conductivity-<rows>.json``)."""
    path = newest_versioned(RESULTS / "real_electrolytes", "conductivity")
    return None if path is None else read_result(path)


def conductivity_lines(r: dict) -> list[str]:
    def row(label: str, m: dict) -> str:
        return (f"| {label} | {m['mae_exact']:.2f} | {m['mae_obelix_convention']:.2f} | {_num(m['spearman_exact'])} | "
                f"{_num(m['auc_fast_vs_slow'])} | {m['censored_at_or_below_bound']} of {m['censored']} |")

    table, card = r["family_grouped_cv"], r["card_sigma"]
    first = next(iter(table.values()))
    paper = r["obelix_paper_context"]
    lines = [f"log10 σ (S/cm, room temperature) on the CIF hosts hopnet answers ({first['hosts']} hosts, "
             f"{first['exact']} with an exact σ, {first['censored']} reported as an upper bound) in {r['groups']} "
             f"family groups, every estimate out of fold (leave one group out). Command: `{r['command']}` "
             f"(rows {r['rows']}, seed {r['seed']}). Censored values: {r['censored']}. The peers are our own "
             "re-implementation of the OBELiX paper's baselines from its description (element amounts per formula "
             "unit, space-group number, lattice); under family-grouped folds the family median has no family to "
             "read and is the training median.", "",
             "| estimate | MAE, exact σ (decades) | MAE, OBELiX convention (<1e-x as 1e-15) | Spearman, exact σ | "
             "AUC fast vs slow | censored at or below their bound |", "|---|---|---|---|---|---|",
             *[row(f"**{name}**" if name.startswith("hopnet") else name, m) for name, m in table.items()], "",
             f"hopnet's candidates, declared before scoring ({r['candidates_declared']}), each alone under the same "
             "folds, and how often the nested choice took each:", "",
             "| candidate | MAE, exact σ | Spearman | chosen in folds |", "|---|---|---|---|",
             *[f"| {name} | {m['mae_exact']:.2f} | {_num(m['spearman_exact'])} | {r['nested_choice'].get(name, 0)} |"
               for name, m in r["per_candidate_family_grouped_cv"].items()], "",
             f"Shipped: `{card['candidate']}` fitted on every host; interval ± {card['quantile']:.2f} decades "
             f"({r['interval']['coverage']:.0%} by construction), which covered {r['interval']['coverage_nested']:.0%} "
             "of the exact σ on family groups left out of its fit.", "",
             "Per family (≥ 5 hosts with an exact σ), MAE in decades:", "",
             "| family | hosts | hopnet | random forest |", "|---|---|---|---|",
             *[f"| {f} | {v['hosts']} | {v['hopnet']:.2f} | {v['random forest']:.2f} |"
               for f, v in r["per_family_mae_exact"].items()], "",
             "The entries without a CIF, where hopnet cannot answer: the trees on composition and space group "
             "(no lattice), trained on every entry under family-grouped folds:", "",
             "| estimate | entries | MAE, exact σ | MAE, OBELiX convention | Spearman |", "|---|---|---|---|---|",
             *[f"| {name} | {m['hosts']} | {m['mae_exact']:.2f} | {m['mae_obelix_convention']:.2f} | "
               f"{_num(m['spearman_exact'])} |" for name, m in r["without_cif"].items()], "",
             f"Context, not a comparison (OBELiX's own split, its test entries with a CIF; Therrien et al., Digital "
             f"Discovery 2026): random forest {paper['random forest']}, MLP {paper['MLP']}, GNNs "
             f"{paper['GNNs'][0]}-{paper['GNNs'][1]}, training median {paper['training median']} decades."]
    return lines


def conductor_fit() -> dict | None:
    """The newest conductor fit (``conductor_fit-<rows>.json``), with its file's name."""
    path = newest_versioned(RESULTS / "real_electrolytes", "conductor_fit")
    return None if path is None else {**read_result(path), "file": path.name}


STUDENT_TITLE = "One network pass: the distilled student beside its five-network teacher"

# What each section measures, in a line: the contents of BENCHMARKS.md.
MEASURES = {
    "Paper test split (60 paths)": "Em of single hops on the paper's held-out test paths, beside the paper's own "
                                   "models.",
    "Every method on the same test paths": "every model and physics baseline on those paths, with seconds per barrier.",
    "The paper's model variants": "the paper's other inputs (endpoints, whole band + local graph), rebuilt and trained "
                                  "the same way.",
    "Unseen hosts, families and ions: the fixed protocol (training split only)":
        "how well a barrier transfers to a new host, a new structural family and a new ion.",
    "Architecture and pre-training choice by cross-validation (training split only)":
        "the cross-validation that chose the shipped network.",
    "Physics labels of hops: the pre-training set of a migration prior":
        "bond-valence and clearance labels of many hops, and a network pre-trained on them.",
    "New ions: leave-one-ion-out cross-validation": "each ion predicted by models that never saw it.",
    "Multi-property pre-training (MPT) vs one property alone": "whether pre-training on seven bulk properties at once "
                                                              "helps each property.",
    "Transfer from a universal potential (CHGNet)": "barriers from CHGNet's features and energy profiles.",
    "Uncertainty: is the ensemble spread an honest error bar?": "whether the printed ± covers the errors it should.",
    "Out-of-domain flag: distance to the training bands in the network's embedding":
        "whether the hops hopnet flags have larger errors.",
    "Pathways within a host (`hopnet paths`)": "whether `paths` finds the hops DFT studied, and orders them.",
    "Screening throughput (`hopnet screen`)": "hosts per second, memory, and what a million hosts would cost.",
    "Speed (2 CPU cores)": "training and inference time, compilation, threads, large hosts.",
    "Bad input": "broken files refused in one line.",
    "Which hops exist: BVSE barriers of the training hops": "the bond-valence barriers of real hops, which set the "
                                                            "channel ceilings.",
    "hopnet's BVSE engine beside bvlain's (training hops)": "hopnet's bond-valence engine against bvlain's, barrier "
                                                            "by barrier.",
    GRID_TITLE: "two cheaper bond-valence grids, held to the shipped grid's hop barriers.",
    "Known conductors: hopnet and BVSE side by side": "dimensionality and barrier of textbook conductors, beside "
                                                      "BVSE.",
    "Real electrolytes with measured conductivity (OBELiX): before and after":
        "host barriers and calls against the measured conductivity and Ea of real electrolytes, release by release.",
    "Room-temperature conductor answer (fitted on the real electrolytes, family-grouped CV)":
        "the conductor card's out-of-fold figures, input by input and family by family.",
    NETWORK_TITLE: "the card with and without the network's barrier, each family unfitted, and hop prices anchored to "
                   "the bond-valence landscape.",
    SIGMA_TITLE: "log10 σ against the measured conductivity, beside random forests, boosted trees and medians.",
    STUDENT_TITLE: "one network instead of five: how close to the teacher, and how fast per host beside bvlain.",
    "Known room-temperature classes": "the class of hosts whose class a battery scientist knows.",
    "Test-suite time": "how long the tests take.",
}


STUDENT_ROWS = "student4"  # the real-electrolyte rows the shipped student priced (real_electrolytes --name)
# A student measured against a bar declared before its figures, and not shipped: (rows, card, the bar's commit)
CANDIDATE = ("student5", "configs/student-wide.toml", "96e22c7")


def student() -> dict | None:
    """The student's result files, once it has been trained and measured."""
    found = {k: load(f) for k, f in (("fit", "distil_student.json"), ("bands", "distil_bands.json"),
                                      ("test", "test_student.json"), ("teacher_test", "test_scratch_ensemble.json"),
                                      ("agreement", "student_agreement.json"), ("speed", "host_speed.json"),
                                      ("card", f"real_electrolytes/conductor_fit-{STUDENT_ROWS}.json"))}
    found["teacher_card"] = conductor_fit()
    return found if found["fit"] else None


def _coverage(test: dict) -> float | None:
    """Share of the test paths within ±1σ of the calibrated spread. Evaluations older than the calibration
    (no ``sigma_scale``) hold the raw spread: the card's factor is applied to them here."""
    from hopnet.models.card import read_card, resolve_weights

    rows = [p for p in test.get("per_path", []) if p.get("em_std")]
    scale = 1.0 if "sigma_scale" in test else read_card(resolve_weights(test["card_name"])).uncertainty.scale
    return statistics.mean(abs(p["em_pred"] - p["em_true"]) <= scale * p["em_std"] for p in rows) if rows else None


def _pretraining_hosts(bands: dict | None) -> str:
    """How many pre-training hosts the student's bands came from: one summary, or the small hosts' and the
    large ones' (``distil_bands.py --large``)."""
    if not bands:
        return "? pre-training hosts"
    if "small" not in bands:
        return f"{bands['hosts']} pre-training hosts"
    from distil_bands import LARGE_MAX_ATOMS, MAX_ATOMS

    large = bands.get("large", {})
    return (f"{bands['small']['hosts']} pre-training hosts of up to {MAX_ATOMS} atoms" +
            (f" and {large['hosts']} Li hosts of {MAX_ATOMS + 1}-{LARGE_MAX_ATOMS} atoms" if large.get("hosts")
             else ""))


def _spread_tells(s: dict | None) -> list[str]:
    """Rows saying whether the student's own sigma tells where it parts from the teacher."""
    if not s:
        return []
    q = s["by_sigma_quartile"]
    return [f"| real electrolytes, {s['hop_classes']} hop classes: the teacher's Em within the student's ±1σ / ±2σ | "
            f"{s['within_1_sigma']:.1%} / {s['within_2_sigma']:.1%} | – |",
            f"| the student's median σ where the two differ by over 0.1 eV ({s['apart_over_0.1_eV']} classes), "
            f"elsewhere; mean difference by quartile of the student's σ, low to high | "
            f"{s['median_sigma_where_apart_over_0.1_eV']:.2f} eV, {s['median_sigma_elsewhere']:.2f} eV; "
            + " / ".join(f"{b['mean_difference']:.3f}" for b in q) + " eV | – |"]


def candidate_lines(shipped: dict | None) -> list[str]:
    """The candidate student beside the shipped one, on the bar declared before its figures were seen."""
    rows, config, commit = CANDIDATE
    agree, speed = load(f"student_agreement-{rows}.json"), load(f"host_speed-{rows}.json")
    if not (agree and shipped):
        return []
    ordered = speed["sets"]["ordered real electrolytes"]["summary"] if speed else None
    ratio = ordered.get("median_ratio_candidate_over_student") if ordered else None
    return ["", f"A candidate not shipped: `{config}` (wider), trained as the shipped student was. The bar, declared "
                f"in {commit} before its figures were seen: more hosts in the teacher's class, hop Em nearer the "
                "teacher's, and at most 1.15× the shipped student's median time per ordered host. Measured: same "
                f"class on {agree['same_class']} of {agree['hosts_answered_by_both']} (shipped "
                f"{shipped['same_class']}), hop Em MAE {agree['network_em']['mae']:.3f} eV (shipped "
                f"{shipped['network_em']['mae']:.3f}), anchored price {agree['anchored_price_mae']:.3f} eV (shipped "
                f"{shipped['anchored_price_mae']:.3f})"
                + (f", time per ordered host {ratio:.2f}× the shipped student's (`{speed['command']}`)" if ratio else "")
                + f". Commands: `{agree['command']}`; rows `real_electrolytes/{rows}.json`."]


def student_lines(d: dict) -> list[str]:
    fit, bands, test, teacher, agree, speed = (d[k] for k in ("fit", "bands", "test", "teacher_test", "agreement",
                                                              "speed"))
    cfg = fit["config"]["model"]
    lines = [f"`hopnet-band-student` (`--model hopnet-band-student`) is one network (hidden {cfg['hidden']}, "
             f"{cfg['alignn_layers']} ALIGNN + {cfg['gcn_layers']} GCN layers, {cfg['graph']['angle_neighbors']} "
             "neighbours form bond angles) that learned the five-network ensemble's answers: its mean Em, its "
             "members' spread" + (" and its embedding distance (so that the student flags the bands the teacher "
                                  "would)" if cfg.get("outputs") == 3 else "") + f", on {fit['bands']} bands (the 559 training bands and the hops of "
             f"{_pretraining_hosts(bands)}, `{bands['command'] if bands else '?'}`). No "
             "DFT label of the test split and no real-electrolyte file was read in its training; a Materials Project "
             "host of the same framework may be among the pre-training hosts, where it learned the teacher's answer "
             "(so its closeness to the teacher there may be flattered). It is shipped beside the "
             "ensemble, which stays the default: the student's answers are not yet the ensemble's (below).", "",
             "| figure | student | teacher (5 networks) |", "|---|---|---|",
             f"| held-out bands (host-grouped tenth): MAE to the teacher's Em | {fit['held_out_em_mae_to_teacher']:.3f} eV"
             " | – |"]
    if test and teacher:
        ts, tt = test["metrics"], teacher["metrics"]
        pairs = [(a["em_pred"], b["em_pred"], a["em_true"]) for a, b in zip(test["per_path"], teacher["per_path"])]
        low = [p for p in pairs if p[1] < 0.8]
        lines += [f"| paper test split (60 paths, touched once): MAE | {ts['mae']:.3f} eV | {tt['mae']:.3f} eV |",
                  f"| the {len(low)} test paths the teacher prices below 0.8 eV: MAE | "
                  f"{statistics.mean(abs(s - y) for s, _, y in low):.3f} eV (to the teacher "
                  f"{statistics.mean(abs(s - t) for s, t, _ in low):.3f}) | "
                  f"{statistics.mean(abs(t - y) for _, t, y in low):.3f} eV |",
                  f"| the other {len(pairs) - len(low)}: MAE | "
                  f"{statistics.mean(abs(s - y) for s, t, y in pairs if t >= 0.8):.3f} eV (to the teacher "
                  f"{statistics.mean(abs(s - t) for s, t, _ in pairs if t >= 0.8):.3f}) | "
                  f"{statistics.mean(abs(t - y) for _, t, y in pairs if t >= 0.8):.3f} eV |",
                  f"| paper test split: share within ±1σ (stated 68 %) | {_coverage(test):.0%} | "
                  f"{_coverage(teacher):.0%} |"]
    if agree:
        em = agree["network_em"]
        low = agree["network_em_where_the_teacher_is_below"]
        cut = next(k for k in low if k != "the rest")
        lines += [f"| real electrolytes, {agree['hop_prices_compared']} hop prices: MAE of the network's Em to the "
                  f"teacher's | {em['mae']:.3f} eV (median {em['median_abs']:.3f}, 95th percentile "
                  f"{em['p95_abs']:.3f}) | – |",
                  f"| the {low[cut]['prices']} of them the teacher prices below {cut} eV | {low[cut]['mae']:.3f} eV "
                  "| – |",
                  f"| real electrolytes: the anchored price's MAE to the teacher's | {agree['anchored_price_mae']:.3f} "
                  "eV | – |",
                  *_spread_tells(agree.get("difference_within_the_students_spread")),
                  f"| real electrolytes: same conductor class (the shipped card on both runs' inputs) | "
                  f"{agree['same_class']} of "
                  f"{agree['hosts_answered_by_both']} ({agree['same_class_share']:.1%}) | – |"]
    if speed:
        for name, s in speed["sets"].items():
            m = s["summary"]
            if not m.get("median_seconds", {}).get("student"):
                continue
            lines.append(f"| {name} ({m['answered_by_both_models']} hosts): median seconds per host | "
                         f"{m['median_seconds']['student']:.2f} | {m['median_seconds']['teacher']:.2f} |")
            if m.get("with_bvlain"):
                lines.append(f"| {name}: bvlain's time over hopnet's, median per host ({m['with_bvlain']} hosts, "
                             f"bvlain {m['median_bvlain_seconds']:.2f} s) | **{m['median_ratio_bvlain_over_student']:.1f}×**"
                             f" | {m['median_ratio_bvlain_over_teacher']:.1f}× |")
    card, teacher_card = d["card"], d["teacher_card"]
    if card and teacher_card:
        a, b = card["family_grouped_cv"], teacher_card["family_grouped_cv"]
        lines += [f"| the conductor card refitted on the student's inputs, family-grouped CV ({a['hosts']} hosts): "
                  f"AUC, Ea MAE, precision / recall of \"fast\", called uncertain | {a['auc_fast_vs_slow']:.3f}, "
                  f"{a['mae_ea']:.3f} eV, {a['precision_fast']:.2f} / {a['recall_fast']:.2f}, {a['uncertain']} | "
                  f"{b['auc_fast_vs_slow']:.3f}, {b['mae_ea']:.3f} eV, {b['precision_fast']:.2f} / "
                  f"{b['recall_fast']:.2f}, {b['uncertain']} |"]
    lines += ["", f"Commands: `{fit['command']}`"
              + (f", `{test['command']}`" if test else "") + (f", `{agree['command']}`" if agree else "")
              + (f", `{card['command']}`" if card else "")
              + (f", `{speed['command']}`" if speed else "") + "."]
    rows = load(f"real_electrolytes/{STUDENT_ROWS}.json")
    if rows and rows.get("note"):
        lines += ["", f"The student's rows on the real electrolytes (`{rows['command']}`): {rows['note']}."]
    if agree and agree["changed_class"]:
        lines += ["", "Hosts whose class changed: " + ", ".join(f"{c['id']} ({c['teacher']} → {c['student']})"
                                                               for c in agree["changed_class"]) + "."]
    if speed:
        lines += ["", f"Timing: {speed['machine']}; each host answered by the student, the teacher and bvlain one "
                      "after the other, both networks uncompiled. Median seconds are over the hosts both networks "
                      "answered; the ratios are medians of per-host ratios over the hosts bvlain answered too."]
    lines += candidate_lines(agree)
    profile = load("host_profile.json")
    if profile:
        steps = list(next(iter(profile["models"].values()))["share"])
        lines += ["", f"Where a host's time goes (`{profile['command']}`; {profile['hosts']} ordered real electrolytes, "
                      f"{profile['machine']}; each step's own clock summed over the hosts, as a share of their "
                      "whole time; the seconds are a mean and move with whatever else the machine runs, the "
                      "timings side by side are the table above):", "",
                  "| model | seconds per host | " + " | ".join(steps) + " |", "|---|---|" + "---|" * len(steps)]
        for label, m in profile["models"].items():
            lines.append(f"| {label} | {m['seconds_per_host']:.2f} | "
                         + " | ".join(f"{m['share'][k]:.0%}" for k in steps) + " |")
    return lines


def anchor(title: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def sections() -> list[tuple[str, list[str]]]:
    """Every section of BENCHMARKS.md whose result files exist: (title, lines)."""
    test, mpt, speed, bad = (load(n) for n in ("test_scratch_ensemble.json", "test_mpt_ensemble.json", "speed.json",
                                               "bad_inputs.json"))
    single, classical, chgnet = load("test_scratch.json"), load("classical_ml.json"), load("chgnet_models.json")
    pretraining, paths, screening = load("mpt_vs_single.json"), load("paths_recovery.json"), load("screen_throughput.json")
    uncertainty, variants = load("uncertainty.json"), load_variants()
    physics = {m: load(f"baseline_{m}.json") for m in ("bvse", "chgnet-neb")}
    found: list[tuple[str, list[str]]] = []
    if test:
        found.append(("Paper test split (60 paths)", [
            *test_table(test, mpt, single, classical), "",
            f"Commands: `{test['command']}`" + (f", `{mpt['command']}`" if mpt else "") + ". Paper rows are recomputed "
            "from the authors' per-path table (`benchmarks/data/TABULATION-GIT-HUB.xlsx`) with the same metric code. "
            "Classification: good conductor = Em < 0.65 eV (positive class).", "",
            "![parity](benchmarks/results/parity_scratch_ensemble.png) "
            "![confusion](benchmarks/results/confusion_scratch_ensemble.png)"]))
        found.append(("Every method on the same test paths",
                      methods_table(test, mpt, classical, chgnet, physics, variants)))
    if variants:
        found.append(("The paper's model variants", variant_lines(variants, mpt)))
    for title, lines in (("Unseen hosts, families and ions: the fixed protocol (training split only)", protocol_lines()),
                         ("Architecture and pre-training choice by cross-validation (training split only)", cv_table()),
                         ("Physics labels of hops: the pre-training set of a migration prior", hop_label_lines()),
                         ("New ions: leave-one-ion-out cross-validation", loio_lines(load("chgnet_models-by-ion.json")))):
        if lines:
            found.append((title, lines))
    for title, data, render in (("Multi-property pre-training (MPT) vs one property alone", pretraining,
                                 pretraining_lines),
                                ("Transfer from a universal potential (CHGNet)", chgnet, lambda r: chgnet_lines(r, test)),
                                ("Uncertainty: is the ensemble spread an honest error bar?", uncertainty,
                                 uncertainty_lines),
                                ("Out-of-domain flag: distance to the training bands in the network's embedding",
                                 load("domain_check.json"), domain_lines),
                                ("Pathways within a host (`hopnet paths`)", paths, paths_lines),
                                ("Screening throughput (`hopnet screen`)", screening, screen_lines),
                                ("Speed (2 CPU cores)", speed, lambda r: speed_lines(r) + inference_speed_lines()),
                                ("Bad input", bad, bad_lines),
                                ("Which hops exist: BVSE barriers of the training hops", load("bvse_hops_train.json"),
                                 bvse_hops_lines),
                                ("hopnet's BVSE engine beside bvlain's (training hops)",
                                 load("bvse_engines_train.json"), bvse_engine_lines),
                                (GRID_TITLE, load("grid_shortcuts.json"), grid_shortcut_lines),
                                ("Known conductors: hopnet and BVSE side by side", load("known_conductors.json"),
                                 known_conductor_lines),
                                ("Real electrolytes with measured conductivity (OBELiX): before and after",
                                 real_electrolyte_runs(), real_electrolyte_lines),
                                ("Room-temperature conductor answer (fitted on the real electrolytes, family-grouped CV)",
                                 conductor_fit(), conductor_lines),
                                (NETWORK_TITLE, network_place(), network_place_lines),
                                (SIGMA_TITLE, conductivity(), conductivity_lines),
                                (STUDENT_TITLE, student(), student_lines),
                                ("Known room-temperature classes", load("known_classes.json"), known_class_lines),
                                ("Test-suite time", load("test_time.json"), test_time_lines)):
        if data:
            found.append((title, render(data)))
    return found


REPRODUCE = [
    "## Rerun", "",
    "Every table names the command that wrote its result file; each result file also records the split, machine, "
    "seed and hopnet version. To rerun everything that is missing, then this report:", "",
    "```bash",
    'pip install torch==2.13.0 -e ".[bench,chgnet]"',
    "python benchmarks/run_all.py --list     # every benchmark, its command, result file and cost on 2 cores",
    "python benchmarks/run_all.py            # runs what is missing, then benchmarks/report.py",
    "python benchmarks/report.py             # this file and README.md's generated blocks, from the result files",
    "```", "",
    "The shipped models themselves (cards: `src/hopnet/weights/*.md`):", "",
    "```bash",
    "hopnet train configs/scratch.toml --seeds 0 1 2 3 4 --threads 1 --out runs/scratch/hopnet-band.json",
    "hopnet pretrain configs/mpt.toml --out runs/mpt/hopnet-mpt-encoder.json",
    "hopnet finetune configs/mpt-finetune.toml --seeds 0 1 2 3 4 --threads 1 --out runs/mpt-ft/hopnet-band-mpt.json",
    "python benchmarks/evaluate_test.py --model runs/scratch/hopnet-band.json --name scratch_ensemble  # test, once",
    "python benchmarks/ship_model.py runs/scratch/hopnet-band.json --to src/hopnet/weights \\",
    "    --cv benchmarks/results/cv/no_path_flag.json --test benchmarks/results/test_scratch_ensemble.json \\",
    "    --uncertainty benchmarks/results/uncertainty.json    # release: weights + card with what was measured",
    "python scripts/render_cards.py          # the cards' pages",
    "```", "",
    "Training writes a card with what training knows; `ship_model.py` attaches what was measured afterwards (grouped "
    "CV of the same recipe, the one test-split evaluation, the spread's calibration factor) from result files, "
    "through the core's one card writer. The conductor card is fitted by `benchmarks/conductor_fit.py` on the rows "
    "of a `benchmarks/real_electrolytes.py` run. No benchmark edits a shipped card otherwise. The report refuses a "
    "result file without its envelope (`benchmarks/hopnet_repro/results.py`).", ""]


def benchmarks_doc(found: list[tuple[str, list[str]]]) -> str:
    intro = ["# Benchmarks", "",
             "Generated by `python benchmarks/report.py` from `benchmarks/results/`; do not edit by hand. Each section "
             "says what it measured, on which data, with which command. Rows labelled *paper* are the authors' own "
             "per-path results, recomputed with our metric code. How hopnet answers is in "
             "[docs/method.md](docs/method.md); what each shipped model is, in its card's page "
             "(`src/hopnet/weights/*.md`).", "",
             "| section | what it measures |", "|---|---|",
             *(f"| [{title}](#{anchor(title)}) | {MEASURES.get(title, '')} |" for title, _ in found),
             "| [Rerun](#rerun) | how to get every number again. |", ""]
    body = [line for title, lines in found for line in (f"## {title}", "", *lines, "")]
    return "\n".join(intro + body + REPRODUCE)


def columns_table() -> str:
    """The columns of ``hopnet screen``'s CSV and what each means, from the one place that defines them."""
    from hopnet.workflows.screening import COLUMNS

    cells = [f"`{name}` | {meaning.replace('|', '/')}" for name, meaning in COLUMNS.items()]
    half = (len(cells) + 1) // 2  # two columns of the CSV per line: read down the left, then down the right
    return "\n".join(["| column | meaning | column | meaning |", "|---|---|---|---|",
                      *(f"| {left} | {right} |" for left, right in
                        zip(cells[:half], cells[half:] + ["|"] * (half - len(cells[half:]))))])


def _link(title: str) -> str:
    return f"[more](BENCHMARKS.md#{anchor(title)})"


def default_model_test() -> dict | None:
    """The one test-split evaluation of the model hopnet loads by default: the one its card names."""
    from hopnet.models.card import read_card
    from hopnet.predictor import default_model_path

    named = re.search(r"--name (\S+)", read_card(default_model_path()).metrics.test_command or "")
    return load(f"test_{named.group(1)}.json") if named else None


def headline_table() -> str:
    """About ten lines a user reads before trusting hopnet: each figure from a result file, each with its section."""
    test, unc, neb = load("test_scratch_ensemble.json"), load("uncertainty.json"), load("baseline_chgnet-neb.json")
    band, median = load("protocol/band.json"), load("protocol/median.json")
    fit, known, runs = conductor_fit(), load("known_classes.json"), real_electrolyte_runs()
    protocol = "Unseen hosts, families and ions: the fixed protocol (training split only)"
    rows = []
    default = default_model_test()
    if test and default:
        m, paper = default["metrics"], test["paper"].get("paper MODEL-3 (MPT fine-tuned, band input)")
        ensemble = (f"; the five-network `{test['card_name']}`: MAE {test['metrics']['mae']:.2f} eV, R² "
                    f"{test['metrics']['r2']:.2f}" if default["card_name"] != test["card_name"] else "")
        rows.append(f"| Em of one hop, the paper's {m['n']} held-out test paths | MAE {m['mae']:.2f} eV, R² "
                    f"{m['r2']:.2f}; good/poor at {GOOD_CONDUCTOR_EM} eV right for {m['accuracy']:.0%}"
                    + (f" (the paper's MODEL-3: MAE {paper['mae']:.2f} eV, R² {paper['r2']:.2f}{ensemble})"
                       if paper else "")
                    + f" | {_link('Paper test split (60 paths)')} |")
    if band and median:
        b, md = band["schemes"]["host"]["overall"]["mae"], median["schemes"]["host"]["overall"]["mae"]
        recipe = (" of the ensemble's recipe (not rerun for the student)" if default and test
                  and default["card_name"] != test["card_name"] else "")
        rows.append(f"| Em on hosts it never saw (5-fold CV grouped by host, training split{recipe}) | MAE {b['value']:.2f} "
                    f"eV [{b['ci95'][0]:.2f}, {b['ci95'][1]:.2f}] (always guessing the median: {md['value']:.2f} eV) "
                    f"| {_link(protocol)} |")
        ions = band["schemes"].get("ion", {}).get("per_ion", {})
        base = median["schemes"].get("ion", {}).get("per_ion", {})
        weak = [i for i in sorted(ions) if i in base and ions[i]["mae"]["value"] >= base[i]["mae"]["value"]]
        if ions:
            rows.append(f"| Em of an ion it never saw (each ion left out of training in turn: "
                        f"{', '.join(sorted(ions))}) "
                        f"| no better than always guessing the median for {', '.join(weak) or 'none'} | "
                        f"{_link(protocol)} |")
    if unc and "test" in unc:
        by_student = (f"; the default student, with the ensemble's factor: {_coverage(default):.0%} on the test "
                      "paths" if default and test and default["card_name"] != test["card_name"] else "")
        rows.append(f"| the ± printed with Em (±1σ should cover 68 %) | {'the ensemble' + chr(39) + 's ' if by_student else ''}covers "
                    f"{unc['cv_coverage']['within_1sigma_calibrated']:.0%} of cross-validation errors, "
                    f"{unc['test']['within_1sigma_calibrated']:.0%} on the test paths{by_student} | "
                    f"{_link('Uncertainty: is the ensemble spread an honest error bar?')} |")
    if fit:
        cv = fit["family_grouped_cv"]
        title = "Room-temperature conductor answer (fitted on the real electrolytes, family-grouped CV)"
        ci = fit.get("confidence_intervals", {}).get(fit.get("shipped", ""), {})  # 95 %, family groups resampled
        span = lambda key: (f" [{ci[key][0]:.2f}, {ci[key][1]:.2f}]" if key in ci else "")  # noqa: E731
        rows.append(f"| fast or slow at room temperature: {cv['hosts']} real Li electrolytes, out of fold (families "
                    f"held out) | AUC {cv['auc_fast_vs_slow']:.2f}{span('auc_95')} (\"partially occupied → fast\": "
                    f"{fit['trivial_partial_occupancy_is_fast_auc']:.2f}); {cv['precision_fast']:.0%} of the hosts "
                    f"called fast are, {cv['recall_fast']:.0%} of the fast ones are called so; {cv['uncertain']} "
                    f"called uncertain | {_link(title)} |")
        rows.append(f"| estimated Ea, the same hosts ({cv['with_ea']} measured) | MAE {cv['mae_ea']:.2f} eV"
                    f"{span('mae_ea_95')} (always "
                    f"guessing the median Ea: {fit['trivial_median_ea_mae']:.2f} eV) | {_link(title)} |")
        without = next((k for k in fit.get("confidence_intervals", {})
                        if k not in ("resamples", "seed", "unit", fit.get("shipped"))), None)
        if without:
            gone = fit["ablation_family_grouped_cv"][without]
            diff = fit["confidence_intervals"][without]["auc_minus_first_95"]
            rows.append(f"| does the network's barrier help that answer? The same card without it "
                        f"({without.replace('+', ' + ')}) | AUC {gone['auc_fast_vs_slow']:.2f} against "
                        f"{cv['auc_fast_vs_slow']:.2f}, Ea MAE {gone['mae_ea']:.3f} against "
                        f"{cv['mae_ea']:.3f} eV; without − with, AUC 95 % [{diff[0]:+.2f}, {diff[1]:+.2f}]: "
                        + ("no measurable help" if diff[0] < 0 < diff[1] else "a measurable difference")
                        + f" | {_link('Does the network earn its place? The answer with and without its barrier')} |")
        worse = [f"{name} ({f['auc']:.2f} vs {f['trivial_auc']:.2f})" for name, f in fit["per_family"].items()
                 if f.get("auc") is not None and f.get("trivial_auc") is not None and f["auc"] < f["trivial_auc"]]
        if worse:
            rows.append(f"| families where the class ranks worse than \"partially occupied → fast\" (AUC) | "
                        f"{', '.join(worse)} | {_link(title)} |")
    sigma = conductivity()
    if sigma:
        table = sigma["family_grouped_cv"]
        ours = next(m for name, m in table.items() if name.startswith("hopnet"))
        rows.append(f"| conductivity, log10 σ at room temperature, the same hosts ({ours['exact']} exact σ) | MAE "
                    f"{ours['mae_exact']:.2f} decades, Spearman {ours['spearman_exact']:.2f} (a random forest on "
                    f"composition and lattice: {table['random forest']['mae_exact']:.2f}; the median: "
                    f"{table['training median']['mae_exact']:.2f}) | {_link(SIGMA_TITLE)} |")
    if known:
        rows.append(f"| hosts whose class a battery scientist knows | {known['classes_right']} of "
                    f"{known['classes_expected']} right | {_link('Known room-temperature classes')} |")
    if neb:
        rows.append(f"| time per barrier, the same {neb['paths_scored']} test paths | hopnet "
                    f"{neb['hopnet_seconds_per_barrier']:.2f} s, CHGNet + climbing-image NEB "
                    f"{neb['seconds_per_barrier_mean']:,.0f} s | {_link('Every method on the same test paths')} |")
    if runs:
        last = runs[list(runs)[-1]]
        rows.append(f"| time per host, every hop, the real electrolytes (hopnet {last['hopnet_version']}) | median "
                    f"{last['median_seconds_per_host']['hopnet']:.0f} s on one core | "
                    f"{_link('Real electrolytes with measured conductivity (OBELiX): before and after')} |")
    speed = load("host_speed.json")
    ordered = (speed or {}).get("sets", {}).get("ordered real electrolytes", {}).get("summary", {})
    if ordered.get("with_bvlain"):
        rows.append(f"| time per host beside bvlain's BVSE, {ordered['with_bvlain']} ordered real electrolytes, one "
                    f"after the other in one process (model loaded, uncompiled) | median of bvlain's time over "
                    f"hopnet's: {ordered['median_ratio_bvlain_over_teacher']:.1f}× (the default ensemble), "
                    f"{ordered['median_ratio_bvlain_over_student']:.1f}× (`--model hopnet-band-student`) | "
                    f"{_link(STUDENT_TITLE)} |")
    return "\n".join(["| question | measured | |", "|---|---|---|", *rows])


def example_block() -> str:
    """What ``hopnet paths --example`` prints today, as a user sees it."""
    from hopnet.cli.main import main as hopnet_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        hopnet_main(["paths", "--example"])
    return "```text\n$ hopnet paths --example\n" + out.getvalue().rstrip() + "\n```"


def fill(text: str, name: str, block: str) -> str:
    """``text`` with the block between ``<!-- name:start -->`` and ``<!-- name:end -->`` replaced."""
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- {name}:start --> ... <!-- {name}:end --> block")
    return pattern.sub(lambda _: f"<!-- {name}:start -->\n{block}\n<!-- {name}:end -->", text)


def main() -> None:
    (ROOT / "BENCHMARKS.md").write_text(benchmarks_doc(sections()))
    readme = ROOT / "README.md"
    text = readme.read_text()
    for name, block in (("headline", headline_table()), ("columns", columns_table()), ("example", example_block())):
        text = fill(text, name, block)
    readme.write_text(text)


if __name__ == "__main__":
    main()
