"""Score a model with the fixed protocol of ``hopnet_repro.protocol`` (559 training paths, same folds for all).

    python benchmarks/protocol.py --model median
    python benchmarks/protocol.py --model classical
    python benchmarks/protocol.py --model bvse
    python benchmarks/protocol.py --model band --schemes host --threads 1
    python benchmarks/protocol.py --model band --encoder hopnet-mpt-encoder --schemes host --threads 1
    python benchmarks/protocol.py --model band --delta --name band-delta --schemes host,ion
    python benchmarks/protocol.py --model band --ionic --name band-ionic --schemes ion,host
    python benchmarks/protocol.py --model band --bvse-input --name band-bvse-input --schemes ion,host
    python benchmarks/protocol.py --model blend --members band,classical-bvse --schemes host

Models: ``median`` (the training folds' median: the floor any model must beat);
``classical`` (path descriptors into gradient boosting, with the settings
``classical_ml.py`` chose by 3-fold host CV); ``classical-bvse`` (the same with
the hop's BVSE barrier as one more input: ``hopnet paths`` computes it for every
hop anyway); ``bvse`` (the hop's BVSE barrier
from ``bvse_hops.py``, mapped to eV by a linear fit of DFT Em on log(1 + BVSE)
in the training folds; paths without a BVSE barrier get the folds' median) and
``clearance`` (the straight hop's closest approach to a framework atom, fitted
the same way): what each physics label of ``hop_labels.py`` alone knows; ``band`` (the shipped band architecture, from
scratch or from ``--encoder``; with ``--delta`` it learns the residual of the ``bvse`` line; with ``--ionic``
its atoms carry ionic descriptors too; with ``--bvse-input`` the hop's BVSE barrier enters its head,
``hopnet_repro.hop_inputs``); ``blend`` (the equal-weight mean of stored results, ``--members``). A scheme already in the result file is kept, so
an expensive model can add schemes run by run; ``--force`` recomputes. Each
fold's predictions are kept under ``runs/protocol/<name>/`` as it finishes, so a
killed run resumes and ``--shard i/n`` lets n processes share a scheme's folds.
Results: ``benchmarks/results/protocol/<name>.json``.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from hopnet.data.barriers import host_groups, load_barriers
from hopnet_repro.protocol import SCHEMES, scheme_folds, score
from hopnet_repro.results import RESULTS, read_result, write_result

OUT = RESULTS / "protocol"


def median_model(entries, y):
    def run(train_idx, test_idx):
        return np.full(len(test_idx), np.median(y[train_idx]))
    return run


def classical_model(entries, y, with_bvse: bool = False):
    from classical_ml import fit_predict
    from hopnet_repro.baselines.descriptors import band_descriptors

    params = read_result(RESULTS / "classical_ml.json")["best"]["params"]
    X = np.array([band_descriptors(e.band) for e in entries])
    if with_bvse:  # the trees take a missing barrier (NaN) as its own branch
        X = np.hstack([X, np.log1p(bvse_values(entries))[:, None]])

    def run(train_idx, test_idx):
        return fit_predict(params, X[train_idx], y[train_idx], X[test_idx])
    return run


def bvse_values(entries) -> np.ndarray:
    """Each training path's BVSE barrier (eV, bvse_hops.py), NaN where none was found."""
    rows = {r["sys_name"]: r for r in map(json.loads, (RESULTS / "bvse_hops_train.jsonl").read_text().splitlines())}
    values = [rows.get(e.sys_name, {}).get("bvse_barrier") for e in entries]
    return np.array([np.nan if v is None else v for v in values], dtype=float)  # 0.0 is a barrier, not a gap


def bvse_model(entries, y):
    return linear_model(y, np.log1p(bvse_values(entries)))


def clearance_model(entries, y):
    from hop_labels import segment_clearance

    return linear_model(y, np.array([segment_clearance(e.band.host, e.ion, e.band.frac_images[0],
                                                       e.band.frac_images[-1]) for e in entries]))


def linear_model(y, x):
    """Em = a + b x, fitted on the training folds' paths that have x; the folds' median where x is missing."""
    def run(train_idx, test_idx):
        known = train_idx[np.isfinite(x[train_idx])]
        slope, intercept = np.polyfit(x[known], y[known], 1)
        pred = intercept + slope * x[test_idx]
        return np.where(np.isfinite(pred), pred, np.median(y[train_idx]))
    return run


def band_model(entries, y, args):
    from hopnet.graphs.batch import collate
    from hopnet.models.config import ModelConfig
    from hopnet.training.config import TrainConfig
    from hopnet.training.datasets import split_graphs
    from hopnet.training.trainer import fit, predict_scaled

    cfg = TrainConfig(model=ModelConfig(ionic_inputs=args.ionic), epochs=args.epochs, threads=args.threads, seed=args.seed,
                      init=args.encoder)
    _, graphs, _, hosts = split_graphs("train", cfg.model.graph)
    bvse = bvse_values(entries) if args.bvse_input else None

    def fit_predict(train_idx, target, test_idx, tag):
        inputs, extra = graphs, {}
        if args.bvse_input:  # the hop's barrier beside the pooled graph vector, scaled on the training folds
            from hopnet_repro.hop_inputs import HopInputALIGNN, bvse_inputs, collate_hop_inputs

            hop = bvse_inputs(bvse, train_idx)
            inputs = list(zip(graphs, hop))
            extra = {"build": lambda c: HopInputALIGNN(c, hop.shape[1]), "collate_fn": collate_hop_inputs}
        result = fit([inputs[i] for i in train_idx], target, cfg, groups=hosts[train_idx],
                     checkpoint_dir=Path(".hopnet-runs") / f"protocol-{args.name}" / tag, **extra)
        return result.scaler.unscale(predict_scaled(result.model, [inputs[i] for i in test_idx],
                                                    collate_fn=extra.get("collate_fn", collate)))
    return on_residual(bvse_model(entries, y), y, fit_predict) if args.delta else \
        lambda train_idx, test_idx, tag: fit_predict(train_idx, y[train_idx], test_idx, tag)


def on_residual(baseline, y, fit_predict):
    """Delta-learning: ``fit_predict`` learns what ``baseline`` (fitted on the training folds only) gets wrong,
    and the baseline is added back; where the learner knows nothing its correction is small, so the answer
    falls back to the physics line, not to the training mean."""
    def run(train_idx, test_idx, tag):
        return baseline(train_idx, test_idx) + fit_predict(train_idx, y[train_idx] - baseline(train_idx, train_idx),
                                                           test_idx, tag)
    return run


def blend_model(members: list[str]):
    """Per scheme, the equal-weight mean of stored protocol results' out-of-fold predictions. The blend itself
    fits nothing (weights fixed at 1/n), so it adds no leakage to its members'; but which members to blend was
    chosen after seeing their rows, and the trees' settings come from CV on all 559 paths (``classical_ml.py``),
    so read it as an upper estimate, not a protocol-clean model."""
    stored = {m: read_result(OUT / f"{m}.json")["schemes"] for m in members}

    def for_scheme(scheme):
        missing = [m for m in members if scheme not in stored[m]]
        if missing:
            raise SystemExit(f"blend: {', '.join(missing)} has no '{scheme}' scheme yet; run it first")
        oof = np.mean([np.array(stored[m][scheme]["oof"], float) for m in members], axis=0)
        return lambda train_idx, test_idx, tag: oof[test_idx]
    return for_scheme


MODELS = ("median", "classical", "classical-bvse", "bvse", "clearance", "band", "blend")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=MODELS, required=True)
    ap.add_argument("--name", help="result name (default: the model, '-mpt' with an encoder)")
    ap.add_argument("--schemes", default=",".join(SCHEMES))
    ap.add_argument("--encoder", help="band: pre-trained encoder card or shipped name")
    ap.add_argument("--delta", action="store_true",
                    help="band: learn the residual of the BVSE line (model bvse) instead of Em itself")
    ap.add_argument("--members", help="blend: stored protocol results to average, e.g. band,classical-bvse")
    ap.add_argument("--bvse-input", action="store_true",
                    help="band: the hop's BVSE barrier (and a missing flag) enters the head beside the graph vector")
    ap.add_argument("--ionic", action="store_true",
                    help="band: add the elements' ionic descriptors to the node inputs (ModelConfig.ionic_inputs)")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--force", action="store_true", help="recompute schemes already in the result file")
    ap.add_argument("--rescore", action="store_true",
                    help="recompute the figures from the stored out-of-fold predictions (no model is run)")
    ap.add_argument("--shard", default="0/1", help="i/n: run folds k with k %% n == i (n processes share a scheme; "
                                                  "the last to finish scores it)")
    args = ap.parse_args()
    if (args.model == "blend") != bool(args.members):
        ap.error("--members goes with --model blend, and blend needs it")
    args.name = args.name or ("blend-" + "+".join(args.members.split(",")) if args.members else None) \
        or args.model + ("-mpt" if args.encoder else "") + ("-delta" if args.delta else "") \
        + ("-ionic" if args.ionic else "") + ("-bvse-input" if args.bvse_input else "")
    if (args.delta or args.ionic or args.bvse_input) and args.model != "band":
        ap.error("--delta, --ionic and --bvse-input apply to the band network only")
    if args.force and args.shard != "0/1":
        ap.error("--force deletes the kept folds: run it as the only process (--shard 0/1)")

    entries = load_barriers("train")
    y = np.array([e.em for e in entries])
    hosts, families, ions = host_groups(entries), np.array([e.family for e in entries]), np.array([e.ion for e in entries])
    path = OUT / f"{args.name}.json"
    result = read_result(path) if path.exists() and not args.force else {"schemes": {}}
    if args.rescore:
        for scheme, stored in result["schemes"].items():
            result["schemes"][scheme] = {**stored, **score(scheme, y, np.array(stored["oof"], float), hosts, ions)}
        write_result(path, result)
        raise SystemExit(0)
    if args.model == "blend":
        run_for = blend_model(args.members.split(","))
    elif args.model == "band":
        run = band_model(entries, y, args)
    else:
        plain = {"median": median_model, "classical": classical_model, "bvse": bvse_model, "clearance": clearance_model,
                 "classical-bvse": lambda e, t: classical_model(e, t, with_bvse=True)}[args.model](entries, y)
        run = lambda train_idx, test_idx, tag: plain(train_idx, test_idx)  # noqa: E731
    if args.model != "blend":
        run_for = lambda scheme: run  # noqa: E731
    shard, shards = (int(x) for x in args.shard.split("/"))
    for scheme in [s for s in args.schemes.split(",") if args.force or s not in result["schemes"]]:
        folds = scheme_folds(scheme, hosts, families, ions)
        run = run_for(scheme)
        parts = Path("runs/protocol") / args.name
        parts.mkdir(parents=True, exist_ok=True)
        if args.force:
            for stale in parts.glob(f"{scheme}-fold*.json"):
                stale.unlink()
        for k, held in enumerate(folds):
            part = parts / f"{scheme}-fold{k}.json"
            if k % shards != shard or part.exists():
                continue
            t0 = time.perf_counter()
            pred = run(np.setdiff1d(np.arange(len(y)), held), held, f"{scheme}{k}")
            partial = part.with_suffix(".tmp")  # renamed when whole: another shard may be reading the folder
            partial.write_text(json.dumps({"held": held.tolist(), "pred": np.asarray(pred).tolist(),
                                           "seconds": round(time.perf_counter() - t0, 1)}))
            partial.replace(part)
        done = [json.loads(f.read_text()) for f in sorted(parts.glob(f"{scheme}-fold*.json"))]
        if len(done) < len(folds):  # another shard still runs its folds; the last one to finish scores
            print(f"{args.name} {scheme}: {len(done)}/{len(folds)} folds done", flush=True)
            continue
        oof = np.full(len(y), np.nan)
        for d in done:
            oof[d["held"]] = d["pred"]
        result["schemes"][scheme] = {**score(scheme, y, oof, hosts, ions), "oof": oof.tolist(),
                                     "seconds": round(sum(d["seconds"] for d in done), 1)}
        scored = result["schemes"][scheme]
        if path.exists():  # another shard may have scored another scheme since this one started
            stored = read_result(path)
            result = {**stored, "schemes": {**stored["schemes"], scheme: scored}}
        m = scored["overall"]
        print(f"{args.name} {scheme}: MAE {m['mae']['value']:.3f} {m['mae']['ci95']} R2 {m['r2']['value']:.3f}",
              flush=True)
        command = (f"python benchmarks/protocol.py --model {args.model} --name {args.name}"
                   + ((f" --encoder {args.encoder}" if args.encoder else "") + (" --delta" if args.delta else "")
                      + (" --ionic" if args.ionic else "") + (" --bvse-input" if args.bvse_input else "")
                      + f" --epochs {args.epochs} --threads "
                      f"{args.threads} --seed {args.seed}" if args.model == "band" else "")
                   + (f" --members {args.members}" if args.members else "") + f" --schemes {','.join(result['schemes'])}")
        write_result(path, {**result, "model": args.model, "name": args.name, "command": command,
                            "split": "paper train (559); protocol folds (hopnet_repro.protocol)", "seed": args.seed,
                            "machine": f"{platform.machine()}, {args.threads} torch thread(s)"})
