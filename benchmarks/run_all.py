"""Rerun every benchmark whose result is missing (or all, with --force), then regenerate BENCHMARKS.md.

    python benchmarks/run_all.py --list      # the steps, their result files and rough cost on 2 cores
    python benchmarks/run_all.py             # only what is missing
    python benchmarks/run_all.py --force     # everything (about a day on 2 cores; CHGNet-NEB dominates)

Steps run in order because later ones read earlier results (the CHGNet stack
reads the CV out-of-fold predictions; the uncertainty calibration reads three
CV seeds and the test evaluation).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from hopnet import __version__

ROOT = Path(__file__).resolve().parent.parent
R = "benchmarks/results"
CARD = "src/hopnet/weights/hopnet-band.json"
ROWS = f"v{__version__}"  # the real-electrolyte rows of this version

STEPS: list[tuple[str, str, str]] = [  # (result file, command, rough cost on this 2-core machine)
    (f"{R}/cv/no_path_flag.json", "python benchmarks/cv_band.py --variant no_path_flag --threads 1", "25 min"),
    (f"{R}/cv/path_flag.json", "python benchmarks/cv_band.py --variant path_flag --threads 1", "25 min"),
    (f"{R}/cv/no_path_flag-mpt.json",
     "python benchmarks/cv_band.py --variant no_path_flag --encoder hopnet-mpt-encoder --threads 1 --save-models",
     "25 min"),
    (f"{R}/cv/no_path_flag-mpt-by-ion.json",
     "python benchmarks/cv_band.py --variant no_path_flag --encoder hopnet-mpt-encoder --threads 1 --scheme ion",
     "35 min"),
    (f"{R}/cv/no_path_flag-seed1.json", "python benchmarks/cv_band.py --variant no_path_flag --threads 1 --seed 1",
     "25 min"),
    (f"{R}/cv/no_path_flag-seed2.json", "python benchmarks/cv_band.py --variant no_path_flag --threads 1 --seed 2",
     "25 min"),
    (f"{R}/mpt_vs_single.json", "python benchmarks/pretrain_single.py --properties dc pz gv", "4 h"),
    (f"{R}/test_scratch_ensemble.json", f"python benchmarks/evaluate_test.py --model {CARD} --name scratch_ensemble",
     "1 min"),
    (f"{R}/test_mpt_ensemble.json",
     "python benchmarks/evaluate_test.py --model src/hopnet/weights/hopnet-band-mpt.json --name mpt_ensemble", "1 min"),
    *[(f"{R}/variant_{name}.json", f"python benchmarks/variants.py --config configs/variants/{config}.toml{flag}",
       cost) for name, config, flag, cost in (
        ("model1-add", "model1-add", "", "25 min"), ("model1-sub", "model1-sub", "", "25 min"),
        ("model1-cc", "model1-cc", "", "25 min"), ("model1-cc-single-path", "model1-cc", " --single-path", "10 min"),
        ("model2", "model2", "", "25 min"), ("model4", "model4", "", "30 min"))],
    (f"{R}/classical_ml.json", "python benchmarks/classical_ml.py", "5 min"),
    (f"{R}/chgnet_models.json", "python benchmarks/chgnet_models.py --alignn-cv benchmarks/results/cv/no_path_flag.json "
     f"--alignn-model {CARD}", "20 min (features: benchmarks/chgnet_features.py, 15 min)"),
    (f"{R}/uncertainty.json", "python benchmarks/uncertainty.py --cv benchmarks/results/cv/no_path_flag.json "
     "benchmarks/results/cv/no_path_flag-seed1.json benchmarks/results/cv/no_path_flag-seed2.json", "1 min"),
    (f"{R}/domain_check.json", "python benchmarks/domain_check.py --cv benchmarks/results/cv/no_path_flag-mpt.json "
     "--models runs/cv-models/no_path_flag-mpt", "2 min"),
    (f"{R}/cv/no_path_flag-by-ion.json",
     "python benchmarks/cv_band.py --variant no_path_flag --threads 1 --scheme ion", "35 min"),
    (f"{R}/chgnet_models-by-ion.json", "python benchmarks/chgnet_models.py --alignn-cv "
     "benchmarks/results/cv/no_path_flag-by-ion.json --alignn-model src/hopnet/weights/hopnet-band.json --scheme ion",
     "5 min"),
    (f"{R}/baseline_bvse.json", "python benchmarks/physics_baselines.py --method bvse --timeout 300", "35 min"),
    (f"{R}/baseline_chgnet-neb.json", "python benchmarks/physics_baselines.py --method chgnet-neb --sample 12 --timeout 1800",
     "2.5 h on 1 core; a second worker with --reverse halves it (all 60: about 12 h)"),
    (f"{R}/paths_recovery.json", "python benchmarks/paths_recovery.py --cv benchmarks/results/cv/no_path_flag-mpt.json "
     "--models runs/cv-models/no_path_flag-mpt", "10 min"),
    (f"{R}/screen_throughput.json", "python benchmarks/screen_throughput.py --n 200 --workers 1 --codes current,student"
     " && python benchmarks/screen_throughput.py --n 200 --workers 2 --codes current,student", "20 min"),
    (f"{R}/paths_speed.json", "python benchmarks/paths_speed.py --baseline-src ../hopnet-0.1/src", "4 min"),
    (f"{R}/thread_policy.json", "python benchmarks/thread_policy.py --rounds 3", "3 min"),
    (f"{R}/speed.json", "python benchmarks/speed.py", "5 min"),
    (f"{R}/bad_inputs.json", "python benchmarks/bad_inputs.py", "1 min"),
    (f"{R}/test_time.json", "python benchmarks/test_time.py --before 8a604bd --rounds 2", "8 min"),
    *[(f"{R}/protocol/{m}.json", f"python benchmarks/protocol.py --model {m}", "1 min")
      for m in ("median", "bvse", "clearance", "classical", "classical-bvse")],
    (f"{R}/protocol/band.json", "python benchmarks/protocol.py --model band --schemes host,ion --threads 1",
     "2.5 h on 1 core (--shard 0/2 and 1/2 in two processes: 80 min)"),
    (f"{R}/hop_labels/shard-0-of-1.jsonl.xz", "python benchmarks/hop_labels.py --hosts 12150 --shard 0/1 --timeout 60 "
     "&& xz -9 -k -f benchmarks/results/hop_labels/shard-0-of-1.jsonl", "47 min (the committed labels: the first 12,150 "
                                                                     "hosts of the plan)"),
    (f"{R}/prior_pretrain.json", "python benchmarks/prior_pretrain.py --limit 20000 --hosts 11682 --epochs 2 --threads 1 "
     "--out runs/prior/hopnet-prior-encoder.json", "40 min"),
    (f"{R}/protocol/band-prior.json", "python benchmarks/protocol.py --model band --name band-prior "
     "--encoder runs/prior/hopnet-prior-encoder.json --schemes host,ion --threads 1",
     "2 h on 1 core (two --shard processes: 1 h)"),
    (f"{R}/compile_speed.json", "python benchmarks/compile_speed.py --rounds 3", "8 min"),
    (f"{R}/protocol/band-ionic.json", "python benchmarks/protocol.py --model band --ionic --schemes ion --threads 1",
     "90 min on 1 core (two --shard processes: 50 min)"),
    (f"{R}/protocol/band-bvse-input.json", "python benchmarks/protocol.py --model band --bvse-input --schemes ion "
     "--threads 1", "90 min on 1 core (two --shard processes: 50 min)"),
    (f"{R}/protocol/blend-band+classical-bvse.json", "python benchmarks/protocol.py --model blend --members "
     "band,classical-bvse --schemes host,ion --force", "seconds (after band and classical-bvse)"),
    (f"{R}/protocol/band-delta.json", "python benchmarks/protocol.py --model band --delta --name band-delta "
     "--schemes host,ion --threads 1", "2.5 h on 1 core (two --shard processes: 75 min)"),
    # the student (an option beside the default ensemble): distilled from it, its one test, its release
    (f"{R}/distil_bands.json", "python benchmarks/distil_bands.py --minutes 35 && python benchmarks/distil_bands.py "
     "--large --minutes 25", "60 min"),
    (f"{R}/distil_student.json", "python benchmarks/distil_student.py configs/student.toml "
     "--out runs/student4/hopnet-band-student.json", "70 min"),
    (f"{R}/test_student.json", "python benchmarks/evaluate_test.py --model runs/student4/hopnet-band-student.json "
     "--name student", "10 s"),
    ("src/hopnet/weights/hopnet-band-student.json", "python benchmarks/ship_model.py "
     "runs/student4/hopnet-band-student.json --to src/hopnet/weights --test benchmarks/results/test_student.json",
     "1 s: the release of the student trained above"),
    (f"{R}/host_speed.json", "python benchmarks/host_speed.py", "20 min"),
    (f"{R}/host_profile.json", "python benchmarks/host_profile.py", "8 min"),
    (f"{R}/grid_shortcuts.json", "python benchmarks/grid_shortcuts.py --limit 60", "4 min"),
    # the real electrolytes, named by the version whose code computes their inputs, then every fit on them
    (f"{R}/real_electrolytes/{ROWS}.json", f"python benchmarks/real_electrolytes.py --name {ROWS} --timeout 180 "
     "--workers 2", "30 min"),
    (f"{R}/real_electrolytes/conductor_fit-{ROWS}.json", f"python benchmarks/conductor_fit.py --rows {ROWS}", "10 s"),
    (f"{R}/real_electrolytes/conductivity-{ROWS}.json", f"python benchmarks/conductivity.py --rows {ROWS}", "5 min"),
    (f"{R}/real_electrolytes/anchored_prices-{ROWS}.json", f"python benchmarks/anchored_prices.py --rows {ROWS}",
     "3 min"),
    ("", f"python scripts/ship_conductor_card.py --rows {ROWS}", "1 s; always run: it ships the two fits above"),
    (f"{R}/real_electrolytes/student4.json", "python benchmarks/real_electrolytes.py --name student4 "
     "--model hopnet-band-student --timeout 180 --workers 2", "20 min: the same code, the student pricing the hops"),
    (f"{R}/real_electrolytes/conductor_fit-student4.json", "python benchmarks/conductor_fit.py --rows student4 "
     "--features em bvse occupancy anion_x", "10 s"),
    (f"{R}/student_agreement.json", f"python benchmarks/student_agreement.py --teacher {ROWS} --student student4",
     "1 s"),
    (f"{R}/known_conductors.json", "python benchmarks/known_conductors.py", "3 min"),
    (f"{R}/known_classes.json", "python benchmarks/known_classes.py", "2 min"),
]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", action="store_true", help="rerun steps whose result exists")
    ap.add_argument("--list", action="store_true", help="print the steps and stop")
    args = ap.parse_args()
    for result, command, cost in STEPS:
        have = bool(result) and (ROOT / result).exists()  # no result file: a step that always runs
        if args.list:
            print(f"[{'done' if have else 'todo' if result else 'always'}] {command}  ({cost})"
                  + (f" -> {result}" if result else ""))
            continue
        if have and not args.force:
            continue
        print(f"$ {command}", flush=True)
        subprocess.run(command, shell=True, cwd=ROOT, check=True)  # steps chain commands with &&
    if not args.list:
        subprocess.run([sys.executable, "benchmarks/report.py"], cwd=ROOT, check=True)
