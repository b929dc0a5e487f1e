"""Does `hopnet paths` find the DFT hops of a host, and does it rank them like DFT?

For every training host with two or more DFT paths (80 hosts, 219 paths over
train+test; the 559-path training split is used here), the parent structure is
rebuilt (host + every endpoint site of its paths), its hops are enumerated as
`hopnet paths` does (default 5 Å cut-off), and each DFT path is matched to an
enumerated hop by its end sites (0.5 Å). Barriers come from the cross-validation
fold model that never saw the host (`cv_band.py --save-models`), so the
ranking is out-of-sample. Ranking within a host: Spearman rho per host with
3+ paths, and pairwise order accuracy over all pairs within hosts.

    python benchmarks/paths_recovery.py --cv benchmarks/results/cv/no_path_flag-mpt.json \
        --models runs/cv-models/no_path_flag-mpt
"""
from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from pymatgen.core import Structure
from scipy.stats import spearmanr

from hopnet.data.barriers import host_groups, load_barriers
from hopnet.errors import HopnetInputError
from hopnet.pathways.hops import distinct_hops, enumerate_hops, hop_band
from hopnet.predictor import load_model
from hopnet.vocabulary import DEFAULT_MAX_HOP
from hopnet_repro.results import read_result, write_result

MATCH_TOLERANCE = 0.5  # Å


def parent_structure(entries) -> Structure:
    """Host of the first path plus every endpoint of every path of that host."""
    parent = entries[0].band.host.copy()
    for e in entries:
        for frac in e.band.frac_images[[0, -1]]:
            if np.min(parent.lattice.get_all_distances(frac, parent.frac_coords)) > MATCH_TOLERANCE:
                parent.append(e.ion, frac)
    return parent


def match(parent: Structure, hops, start_frac, end_frac):
    """The enumerated hop joining the sites at the two ends of a DFT path (either direction), or None."""
    lat = parent.lattice
    for h in hops:
        a = parent.frac_coords[h.start]
        b = parent.frac_coords[h.end] + np.array(h.image)
        for p, q in ((start_frac, end_frac), (end_frac, start_frac)):
            # compare the hop vector as well as the site, so a different image of the same pair does not match
            if (lat.get_all_distances(p, a)[0, 0] < MATCH_TOLERANCE
                    and np.linalg.norm(lat.get_cartesian_coords((q - p) - (b - a))) < MATCH_TOLERANCE):
                return h
    return None


def pair_order_accuracy(groups_true: list[np.ndarray], groups_pred: list[np.ndarray]) -> tuple[float, int]:
    right = total = 0
    for t, p in zip(groups_true, groups_pred):
        for i in range(len(t)):
            for j in range(i + 1, len(t)):
                if t[i] != t[j]:
                    total += 1
                    right += (t[i] - t[j]) * (p[i] - p[j]) > 0
    return right / max(total, 1), total


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", type=Path, required=True, help="cv_band.py result (fold assignment, OOF predictions)")
    ap.add_argument("--models", type=Path, required=True, help="folder of fold<k>.json from cv_band.py --save-models")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/paths_recovery.json"))
    args = ap.parse_args()

    cv = read_result(args.cv)
    entries = load_barriers("train")
    em = np.array([e.em for e in entries])
    fold_of, oof = np.array(cv["fold_of"]), np.array(cv["oof"])
    models = {k: load_model(args.models / f"fold{k}.json") for k in set(fold_of.tolist()) if k >= 0}
    by_host = defaultdict(list)
    for i, g in enumerate(host_groups(entries)):
        by_host[g].append(i)
    hosts = [idx for idx in by_host.values() if len(idx) >= 2]

    t0 = time.time()
    rows, found, too_long, failed = [], 0, 0, []
    truth_groups, paths_groups, oof_groups = [], [], []
    for idx in hosts:
        group = [entries[i] for i in idx]
        parent = parent_structure(group)
        ion = group[0].ion
        hops = enumerate_hops(parent, ion, DEFAULT_MAX_HOP)
        classes = distinct_hops(parent, hops, ion)
        class_of = {h: c for c in classes for h in c.members}
        matched = [match(parent, hops, e.band.frac_images[0], e.band.frac_images[-1]) for e in group]
        needed = {class_of[h].index for h in matched if h is not None}
        try:
            bands = {c.index: hop_band(parent, ion, c.representative, "vacancy") for c in classes if c.index in needed}
        except HopnetInputError as err:  # `paths` would refuse this host too: count its paths as not found
            failed.append(f"{group[0].formula}: {err}")
            matched, bands = [None] * len(group), {}
        model = models[fold_of[idx[0]]]
        pred = dict(zip(bands, (p.em for p in model.predict_bands(list(bands.values()))))) if bands else {}
        path_pred = [pred[class_of[h].index] if h is not None else np.nan for h in matched]
        found += sum(h is not None for h in matched)
        too_long += sum(h is None and e.band.hop_length > DEFAULT_MAX_HOP for h, e in zip(matched, group))
        ok = [k for k, h in enumerate(matched) if h is not None]
        if len(ok) >= 2:
            truth_groups.append(em[idx][ok])
            paths_groups.append(np.array(path_pred)[ok])
            oof_groups.append(oof[idx][ok])
        rows.append({"host": group[0].formula, "ion": ion, "paths": len(idx), "found": len(ok),
                     "enumerated_hops": len(hops), "distinct_hops": len(classes),
                     "dft_em": em[idx].tolist(), "paths_em": path_pred, "oof_em": oof[idx].tolist()})

    def rho(groups_true, groups_pred):
        vals = [spearmanr(t, p).statistic for t, p in zip(groups_true, groups_pred) if len(t) >= 3]
        vals = [v for v in vals if np.isfinite(v)]
        return float(np.mean(vals)) if vals else None, len(vals)

    paths_rho, n_rho = rho(truth_groups, paths_groups)
    oof_rho, _ = rho(truth_groups, oof_groups)
    paths_acc, n_pairs = pair_order_accuracy(truth_groups, paths_groups)
    oof_acc, _ = pair_order_accuracy(truth_groups, oof_groups)
    total = sum(len(idx) for idx in hosts)
    result = {
        "hosts": len(hosts), "dft_paths": total, "found": found, "not_found_longer_than_cutoff": too_long,
        "recovery": found / total, "hosts_refused": failed, "spearman_mean_paths": paths_rho, "spearman_mean_oof_band": oof_rho,
        "spearman_hosts": n_rho, "pair_order_accuracy_paths": paths_acc, "pair_order_accuracy_oof_band": oof_acc,
        "pairs": n_pairs, "seconds": round(time.time() - t0, 1), "rows": rows, "cv_result": str(args.cv),
        "command": f"python benchmarks/paths_recovery.py --cv {args.cv} --models {args.models}",
        "split": "paper train (559), out-of-fold models", "machine": platform.machine(),
    }
    write_result(args.out, result)
    print(f"found {found}/{total} DFT paths ({too_long} longer than {DEFAULT_MAX_HOP} Å); within-host pair order "
          f"accuracy: paths {paths_acc:.2f}, dataset band {oof_acc:.2f} over {n_pairs} pairs; Spearman "
          f"(hosts with 3+ paths, n={n_rho}): paths {paths_rho}, band {oof_rho}")
