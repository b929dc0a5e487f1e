"""Does the distilled student answer as the teacher did? Hop by hop and host by host on the real electrolytes.

    python benchmarks/student_agreement.py --teacher v0.9.1 --student v0.10.0

Reads two runs of ``real_electrolytes.py``: one priced by the five-network
teacher, one by the student, every other setting the same. Each hop class the
two runs drew alike (same host, same hop, same members) is compared in every
ordering: the network's own Em (before the BVSE anchor), its calibrated spread,
and the price the product percolates; and whether the student says where it differs from the teacher, through
its own spread (``difference_within_the_students_spread``: the share of hop classes whose Em differs by at most
the student's 1 and 2 sigma, and the difference by quartile of that sigma). Hosts are compared by their conductor
class, each computed from the row's inputs under the shipped conductor card
(the runs may have been made while other cards shipped); every host whose class
changed is listed. No real-electrolyte file was
read in the student's training (``distil_bands.py`` reads pre-training hosts
only; a Materials Project host of the same framework may be among them).
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from real_electrolytes import measured_rows
from scipy.stats import spearmanr

from hopnet.workflows.conductor import ConductorInputs, conductor_answer, shipped_card
from hopnet_repro.results import RESULTS, write_result

LOW = 0.8  # eV: hops below it decide whether a host conducts (the blocked ceilings lie above it for Li)


def hop_pairs(teacher: dict, student: dict) -> list[tuple[dict, dict]]:
    pairs = []
    for host, t in teacher.items():
        s = student.get(host)
        if not (t.get("priced") and s and s.get("priced")):
            continue
        theirs = {h["hop"]: h for h in s["priced"]["hops"]}
        for h in t["priced"]["hops"]:
            other = theirs.get(h["hop"])
            if other and other["members"] == h["members"] and len(other["em"]) == len(h["em"]):
                pairs.append((h, other))
    return pairs


def tells(apart: np.ndarray, sigma: np.ndarray) -> dict:
    """How the student's stated sigma meets its distance from the teacher, hop class by hop class: a student that
    differs silently would differ as much where it claims to be sure as where it does not."""
    edges = np.quantile(sigma, [0.25, 0.5, 0.75])
    quartile = np.searchsorted(edges, sigma, side="right")
    far = apart > 0.1
    return {"hop_classes": len(apart), "within_1_sigma": float(np.mean(apart <= sigma)),
            "within_2_sigma": float(np.mean(apart <= 2 * sigma)),
            "spearman_difference_vs_sigma": float(spearmanr(apart, sigma)[0]),
            "median_sigma_where_apart_over_0.1_eV": float(np.median(sigma[far])) if far.any() else None,
            "median_sigma_elsewhere": float(np.median(sigma[~far])),
            "apart_over_0.1_eV": int(far.sum()),
            "by_sigma_quartile": [{"sigma_from": float(([0.0] + list(edges))[k]),
                                   "mean_difference": float(apart[quartile == k].mean()),
                                   "p90_difference": float(np.quantile(apart[quartile == k], 0.9))}
                                  for k in range(4)]}


def same_card(row: dict) -> str:
    """The host's class from its inputs under the shipped conductor card: the two runs may have been made while
    different cards were shipped, and a row's own class column is the card of its day."""
    return conductor_answer(ConductorInputs.model_validate(row["inputs"]), "Li").conductor


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teacher", required=True, help="rows priced by the teacher (a real_electrolytes --name)")
    ap.add_argument("--student", required=True, help="rows priced by the student")
    ap.add_argument("--out", default="student_agreement.json",
                    help="result file under benchmarks/results (a candidate student's beside the shipped one's)")
    args = ap.parse_args()
    teacher, student = measured_rows(args.teacher), measured_rows(args.student)
    pairs = hop_pairs(teacher, student)
    em_t = np.array([e for h, _ in pairs for e in h["em"]])
    em_s = np.array([e for _, h in pairs for e in h["em"]])
    price_t = np.array([e for h, _ in pairs for e in h["price"]])
    price_s = np.array([e for _, h in pairs for e in h["price"]])
    with_spread = [(h, o) for h, o in pairs if h["em_std"] and o["em_std"]]
    spread = np.array([(h["em_std"], o["em_std"]) for h, o in with_spread])
    # each hop class's mean difference over its orderings, beside the student's sigma of that class
    apart = np.array([np.mean(np.abs(np.subtract(o["em"], h["em"]))) for h, o in with_spread])
    both = [i for i in teacher if teacher[i].get("inputs") and student.get(i, {}).get("inputs")]
    classes = {i: (same_card(teacher[i]), same_card(student[i])) for i in both}
    changed = [{"id": i, "teacher": t, "student": s} for i, (t, s) in classes.items() if t != s]
    diff = em_s - em_t
    result = {
        "command": f"python benchmarks/student_agreement.py --teacher {args.teacher} --student {args.student}"
                   + (f" --out {args.out}" if args.out != "student_agreement.json" else ""),
        "split": "OBELiX train split CIFs (real electrolytes); none read in the student's training", "seed": None,
        "machine": "n/a: compares two result files",
        "hop_classes_compared": len(pairs), "hop_prices_compared": int(len(diff)),
        "hosts_in_teacher_rows": len(teacher),
        "network_em": {"mae": float(np.mean(np.abs(diff))), "median_abs": float(np.median(np.abs(diff))),
                       "p95_abs": float(np.percentile(np.abs(diff), 95)), "mean_signed": float(diff.mean()),
                       "pearson": float(np.corrcoef(em_t, em_s)[0, 1])},
        "network_em_where_the_teacher_is_below": {
            str(LOW): {"prices": int((em_t < LOW).sum()), "mae": float(np.mean(np.abs(diff[em_t < LOW])))},
            "the rest": {"prices": int((em_t >= LOW).sum()), "mae": float(np.mean(np.abs(diff[em_t >= LOW])))}},
        "anchored_price_mae": float(np.mean(np.abs(price_s - price_t))),
        "spread": {"compared": len(spread), "median_teacher": float(np.median(spread[:, 0])),
                   "median_student": float(np.median(spread[:, 1])),
                   "pearson_log": float(np.corrcoef(*np.log(spread.T))[0, 1])} if len(spread) else None,
        "difference_within_the_students_spread": tells(apart, spread[:, 1]) if len(spread) else None,
        "card": f"the shipped conductor card (rows {shipped_card().rows}), on each row's inputs",
        "hosts_answered_by_both": len(both), "same_class": len(both) - len(changed),
        "same_class_share": (len(both) - len(changed)) / len(both) if both else None, "changed_class": changed,
    }
    write_result(RESULTS / args.out, result)
    print(json.dumps({k: v for k, v in result.items() if k != "changed_class"}, indent=1))
    print(f"{len(changed)} hosts changed class: {', '.join(c['id'] for c in changed)}")


if __name__ == "__main__":
    main()
