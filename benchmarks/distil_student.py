"""Distil the shipped ensemble (the teacher) into one network (the student) and write its card.

    python benchmarks/distil_bands.py             # the teacher's answers on the pre-training hosts' hops
    python benchmarks/distil_student.py configs/student.toml --out runs/student4/hopnet-band-student.json

The student learns the teacher's mean Em and its members' raw spread
(``training.distil``) on the teacher's answers for the 559 training bands of
the paper's split and for the pre-training hosts' hops; the paper's test split
and the real electrolytes are never read. A host-grouped tenth is held out to
pick the epoch; the student's agreement with the teacher there is written to
``results/distil_student.json``. The card keeps the teacher's calibration of
the spread, the teacher's training domain, and either (three outputs) the teacher's
embedding-distance limit, which the student's third output is checked
against, or (two outputs) an embedding domain fitted, as the teacher's was, on
the student's vectors of the 559 training bands.
Checkpoints beside the card make a stopped run resume.
"""
from __future__ import annotations

import argparse
import hashlib
import pickle
import platform
import time
from pathlib import Path

import numpy as np
from distil_bands import TEACHER, distil_dir, shard_files
from tqdm import tqdm

from hopnet.data.barriers import data_hash, host_groups, load_barriers
from hopnet.graphs.builder import graph_from_band
from hopnet.models.card import (
    DistanceLimit,
    Distillation,
    Member,
    TrainingRecord,
    Uncertainty,
    resolve_weights,
    save_model,
    sha256_file,
)
from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.predictor import load_model
from hopnet.training.distil import DistilConfig, fit_student
from hopnet.training.run import training_domain
from hopnet_repro.results import RESULTS, write_result


def teacher_rows(teacher) -> list[dict]:
    """The 559 training bands with the teacher's answers, grouped by host as the barrier set groups them."""
    entries = load_barriers("train")
    answers = teacher.predict_bands([e.band for e in entries])
    return [{"host": f"train:{g}", "band": e.band, "em": p.em, "spread": p.em_std / teacher.sigma_scale}
            for e, p, g in zip(entries, answers, host_groups(entries))]


def teacher_distances(teacher, rows: list[dict]) -> np.ndarray:
    """The teacher's embedding distance of each row's band (its first network's, as its domain check measures
    it), cached beside the bands under the teacher's checksum and one of the rows' answers (the same bands in the
    same order): one network of five, so a fifth of the teacher's pass."""
    bands = hashlib.sha256(np.array([(r["em"], r["spread"]) for r in rows], np.float64).tobytes()).hexdigest()
    cache = distil_dir() / f"teacher-distance-{sha256_file(resolve_weights(TEACHER))[:12]}-{bands[:12]}.npy"
    if cache.exists():
        return np.load(cache)
    first = teacher.members[0].model
    distance = np.concatenate([
        teacher.embedding_domain.distance(embed(first, [graph_from_band(r["band"], teacher.graph_config)
                                                        for r in rows[i:i + 256]]))
        for i in tqdm(range(0, len(rows), 256), desc="teacher distance")])
    np.save(cache, distance)
    return distance


def student_uncertainty(teacher_card) -> Uncertainty:
    """The teacher's calibration factor alone: its coverage figures were measured on the teacher's errors."""
    return Uncertainty(scale=teacher_card.uncertainty.scale,
                       note=f"em_std = the student's estimate of {teacher_card.name}'s raw spread x {teacher_card.name}'s "
                            "scale (not refitted for the student; its coverage on the test split: "
                            "benchmarks/results/test_student.json)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", type=Path)
    ap.add_argument("--out", type=Path, default=Path("runs/student4/hopnet-band-student.json"))
    args = ap.parse_args()
    cfg = DistilConfig.from_toml(args.config)
    teacher = load_model(TEACHER, threads=cfg.threads)
    t0 = time.perf_counter()
    shards = shard_files()
    if not shards:
        raise SystemExit(f"{distil_dir()}: no bands; run benchmarks/distil_bands.py first")
    paper = teacher_rows(teacher)
    rows = paper + [r for p in shards for r in pickle.loads(p.read_bytes())]
    graphs = [graph_from_band(r["band"], cfg.model.graph) for r in rows]
    em = np.array([r["em"] for r in rows])
    spread = np.array([r["spread"] for r in rows])
    groups = np.array([str(r["host"]) for r in rows])
    print(f"{len(rows)} bands ({len(shards)} shards), graphs in {time.perf_counter() - t0:.0f} s", flush=True)

    learns_distance = cfg.model.outputs == 3
    distance = teacher_distances(teacher, rows) if learns_distance else None
    result = fit_student(graphs, em, spread, cfg, groups, checkpoint_dir=args.out.parent / "checkpoints",
                         distance=distance)
    student = result.model
    n_train = len(paper)
    # A student of the teacher's distance is checked as the teacher is; otherwise in its own embedding, fitted
    # as the teacher's was on the 559 training bands
    embedding = None if learns_distance else EmbeddingDomain.fit(embed(student, graphs[:n_train])).save(args.out)
    teacher_limit = teacher.embedding_domain
    teacher_path = resolve_weights(TEACHER)
    save_model(
        args.out, [Member(student, result.scaler.mean, result.scaler.std)], name=args.out.stem,
        task="migration barrier Em (eV) and the teacher ensemble's spread from a band input (host + 5 ion images)",
        training=TrainingRecord(
            data=f"the teacher's answers on the paper's 559 training bands and {len(rows) - n_train} pre-training "
                 "hosts' hops (benchmarks/distil_bands.py)",
            data_sha256=data_hash("train"), machine=f"{platform.machine()}, {cfg.threads} torch threads",
            wall_seconds=round(time.perf_counter() - t0, 1), train_config=cfg.model_dump(),
            runs=[{"seed": cfg.seed, "best_epoch": result.best_epoch, "seconds": round(result.seconds, 1),
                   "best_val_mae": result.history[result.best_epoch].get("val_mae")}]),
        domain=training_domain(load_barriers("train"), embedding),
        uncertainty=student_uncertainty(teacher.card),
        student=Distillation(teacher=teacher.card.name, teacher_sha256=sha256_file(teacher_path), bands=len(rows),
                             data="benchmarks/distil_bands.py (pre-training hosts) + the paper's training split",
                             teacher_distance=DistanceLimit(threshold=teacher_limit.threshold,
                                                            quantile=teacher_limit.quantile)
                             if learns_distance else None),
    )
    best = result.history[result.best_epoch]
    write_result(RESULTS / "distil_student.json", {
        "command": f"python benchmarks/distil_student.py {args.config}",
        "split": "teacher's answers: paper train (559) + pre-training hosts' hops; a host-grouped tenth held out "
                 "to pick the epoch",
        "machine": f"{platform.machine()}, 1 process, {cfg.threads} torch thread(s)", "seed": cfg.seed,
        "config": cfg.model_dump(), "bands": len(rows), "best_epoch": result.best_epoch,
        "held_out_em_mae_to_teacher": best.get("val_mae"),
        "held_out_log_spread_mae": best.get("val_log_spread_mae"),
        "held_out_log_teacher_distance_mae": best.get("val_log_distance_mae"),
        "train_seconds": round(result.seconds, 1), "history": result.history,
    })
    print(f"wrote {args.out}: held-out MAE to the teacher {best.get('val_mae'):.3f} eV")


if __name__ == "__main__":
    main()
