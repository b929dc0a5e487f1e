"""A reader's page for each shipped model card: what the model is, what it reads, what it was trained on and under
which licence, its version, the figures measured on it, and what it is for and not for.

One renderer for both kinds of card in ``weights/``: the barrier networks' and the encoder's ``ModelCard``
(``models.card``) and the room-temperature ``ConductorCard`` (``workflows.conductor``). Every number on a page is
read from its card, never typed, so a refit card makes its page stale, and a test catches that;
``python scripts/render_cards.py`` writes the pages again. Fields the renderer does not know (a card refit with a
new field) are listed at the end of the page rather than dropped, so the page never hides what the card says.
"""
from __future__ import annotations

import json
from pathlib import Path

from hopnet.models.card import ModelCard, read_card, shipped_weights_dir
from hopnet.vocabulary import GOOD_CONDUCTOR_EM
from hopnet.workflows.conductor import ConductorCard, Feature

RENDERER = "python scripts/render_cards.py"

# Why each conductor input is read: the physics, in a line (the module text of workflows.conductor says more).
FEATURE_MEANING = {
    Feature.EM: "the network's percolation barrier of the host's widest network (eV): the migration a carrier pays",
    Feature.BVSE: "the same open hops percolated by their bond-valence barriers (eV, bond-valence scale): the "
                  "landscape's view of the channel, whose errors are not the network's",
    Feature.OCCUPANCY: "the occupancy of the ion's positions as the file gives them: below 1 the sublattice carries "
                       "its own carriers; at 1 every carrier must be made",
    Feature.ANION_X: "the anions' Pauling electronegativity: a soft, polarisable framework (sulfides, iodides) "
                     "lowers the measured activation energy below the DFT barriers of oxides",
    Feature.FULL: "whether every merged ion site is held (1) or not (0)",
    Feature.FULL_GAP: "the carrier gap of a host whose ion sites are all held (eV, bond-valence scale)",
    Feature.LOG_DENSITY: "log10 of the ions per nm³ (the composition's, rounded to whole atoms in the cell): the "
                         "carrier density of Nernst-Einstein at most, whatever positions the file draws",
}

# Labels of the figures the cards hold; a figure without a label is shown under its own name.
METRIC_LABELS = {
    "n": "paths", "r2": "R²", "mae": "MAE (eV)", "rmse": "RMSE (eV)",
    "accuracy": f"accuracy of good/poor at {GOOD_CONDUCTOR_EM} eV", "precision": "precision of good",
    "recall": "recall of good", "f1": "F1 of good", "folds": "folds", "grouped_by": "folds grouped by",
    "hosts": "hosts", "fast": "fast hosts (measured)", "slow": "slow hosts (measured)",
    "auc_fast_vs_slow": "AUC of P(fast), fast vs slow",
    "with_ea": "hosts with a measured Ea", "spearman_ea": "Spearman of the estimated Ea with the measured Ea",
    "mae_ea": "MAE of the estimated Ea (eV)", "called_fast": "hosts called fast",
    "precision_fast": "precision of fast", "recall_fast": "recall of fast", "called_slow": "hosts called slow",
    "precision_slow": "precision of slow", "recall_slow": "recall of slow", "uncertain": "hosts called uncertain",
    "within_1sigma": "share of errors within ±1σ, raw spread", "within_2sigma": "share within ±2σ, raw spread",
    "calibration_factor": "calibration factor",
    "within_1sigma_calibrated": "share within ±1σ, calibrated",
    "within_2sigma_calibrated": "share within ±2σ, calibrated",
}
NESTED_LABELS = {"hosts": "hosts with a measured Ea", "all": "share covered, all hosts",
                 "in_domain_hosts": "hosts whose deciding hop is in the training domain", "in_domain": "share covered",
                 "out_of_domain_hosts": "hosts whose deciding hop is outside it", "out_of_domain": "share covered"}
# The conductor fit scores -P(fast), lower meaning faster, as every answer of the benchmark is scored.
CONDUCTOR_LABELS = {**METRIC_LABELS, "spearman_log_sigma": "Spearman of −P(fast) with log10 σ (negative: right way)"}


def page_path(card: Path) -> Path:
    """Where a card's page lives: beside it, ``<name>.md``."""
    return Path(card).with_suffix(".md")


def shipped_cards() -> list[Path]:
    """Every card shipped in ``weights/``."""
    return sorted(shipped_weights_dir().glob("*.json"))


def card_page(card: Path) -> str:
    """The page of the card at ``card`` (a model card or a conductor card), as Markdown."""
    card = Path(card)
    raw = json.loads(card.read_text())
    if "format" in raw:  # model cards carry their format; the conductor card is a fit, not a network
        lines = _model_page(read_card(card), raw)
    else:
        lines = _conductor_page(ConductorCard.model_validate(raw), raw)
    head = [f"<!-- Rendered from {card.name} by `{RENDERER}`; do not edit by hand. -->", ""]
    return "\n".join(head + lines).rstrip() + "\n"


def _num(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "–"}[value]
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def _flat(mapping: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested settings as ``a.b`` = value rows."""
    rows = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            rows += _flat(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def _table(rows: list[tuple[str, object]], head: tuple[str, str]) -> list[str]:
    return [f"| {head[0]} | {head[1]} |", "|---|---|",
            *(f"| {name} | {_num(value) if not isinstance(value, list) else ', '.join(map(_num, value))} |"
              for name, value in rows)]


def _metrics(figures: dict, labels: dict = METRIC_LABELS) -> list[str]:
    return _table([(labels.get(k, k), v) for k, v in figures.items()], ("figure", "value"))


def _sigma(value: float) -> str:
    return f"{value:.0e}".replace("e-0", "e-")


def _others(raw: dict, known: set[str]) -> list[str]:
    extra = [(k, json.dumps(v)) for k, v in raw.items() if k not in known]
    return ["## Other fields of the card", "", *_table(extra, ("field", "value")), ""] if extra else []


MODEL_FIELDS = set(ModelCard.model_fields)  # what the page shows in its own sections; anything else is listed apart


def _model_page(card: ModelCard, raw: dict) -> list[str]:
    encoder = card.properties is not None
    training = card.training.model_dump()
    config_key = next((k for k in ("train_config", "pretrain_config") if k in training), None)
    settings = training.get(config_key) or {}
    init = settings.get("init")
    what = ("a pre-trained encoder (fine-tuned into a barrier model, never used alone)" if encoder else
            f"one network distilled from `{card.student.teacher}` (its page: [{card.student.teacher}.md]"
            f"({card.student.teacher}.md)): Em is its estimate of the teacher's mean, ± its estimate of the "
            "teacher's spread" if card.student else
            f"an ensemble of {len(card.members)} networks: Em is their mean, ± their spread")
    use = (f"`hopnet finetune CONFIG --encoder {card.name}`" if encoder else
           f"`hopnet predict --model {card.name}`, `hopnet paths --model {card.name}`, "
           f"`hopnet.load_model({card.name!r})`")
    lines = [f"# {card.name}", "",
             f"{card.task[:1].upper()}{card.task[1:]}." if card.task else "", "",
             "| | |", "|---|---|",
             f"| what | {what} |",
             f"| network | {card.architecture} on graph recipe {card.graph_version} |",
             f"| written by | hopnet {card.hopnet_version} |",
             *([f"| initialised from | `{init}` (its page: [{init}.md]({init}.md)) |"] if init else []),
             f"| use | {use} |",
             ""]
    lines += ["## Inputs", ""]
    if encoder:
        lines += ["A whole crystal as a graph; it predicts, scaled to [-1, 1]:", "",
                  *_table(list(card.properties.items()), ("output", "property")), ""]
    else:
        lines += ["One hop as a *band*: the host frozen at the initial geometry, with the mobile ion at each image of "
                  "its straight path, read as one graph (atoms within the cut-off of each other, and the angles "
                  "between bonds).", ""]
    lines += ["Graph and network settings:", "", *_table(_flat(card.config.model_dump()), ("setting", "value")), ""]
    lines += ["## Training data and licence", "",
              f"- data: {card.training.data or 'not recorded'}",
              *([f"- data checksum (SHA-256): `{card.training.data_sha256}`"] if card.training.data_sha256 else []),
              *([f"- machine: {card.training.machine}"] if card.training.machine else []),
              *([f"- wall time: {card.training.wall_seconds / 60:.0f} min"] if card.training.wall_seconds else []),
              *([f"- structures: {training['n_train_structures']} trained on, {training['n_val_structures']} "
                 f"held out"] if "n_train_structures" in training else []),
              *([f"- best epoch: {training['best_epoch']}"] if "best_epoch" in training else []),
              "- hopnet itself: MIT licence", ""]
    if settings:
        lines += ["Training settings:", "", *_table(_flat({k: v for k, v in settings.items() if k != "model"}),
                                                   ("setting", "value")), ""]
    if card.student:
        lines += [f"The student learned the answers of `{card.student.teacher}` (card SHA-256 "
                  f"`{card.student.teacher_sha256[:12]}…`), not the DFT labels: {card.student.bands} bands "
                  f"({card.student.data}).", ""]
    if training.get("runs"):
        scored = "validation MAE to the teacher's Em (eV)" if card.student else "validation MAE (eV)"
        lines += [f"| seed | best epoch | {scored} | minutes |", "|---|---|---|---|",
                  *(f"| {r.get('seed')} | {r.get('best_epoch')} | {_num(r.get('best_val_mae'))} | "
                    f"{_num(r['seconds'] / 60) if r.get('seconds') else '–'} |" for r in training["runs"]), ""]
    lines += ["## Measured figures", ""]
    measured = False
    if "val_mae" in training:
        measured = True
        lines += ["Held-out MAE per property (scaled units):", "",
                  *_table([(f"{k} ({(card.properties or {}).get(k, k)})", v) for k, v in training["val_mae"].items()],
                          ("property", "MAE")), ""]
    if card.metrics.test:
        measured = True
        lines += ["The paper's test split, measured once:", "", *_metrics(card.metrics.test), "",
                  *([f"Command: `{card.metrics.test_command}`.", ""] if card.metrics.test_command else [])]
    if card.metrics.cv:
        measured = True
        cv = dict(card.metrics.cv)
        command = cv.pop("command", None)
        lines += ["Cross-validation of the same recipe on the training split:", "", *_metrics(cv), "",
                  *([f"Command: `{command}`.", ""] if command else [])]
    if not measured:
        lines += ["None recorded in the card.", ""]
    unc = card.uncertainty
    if not encoder:
        lines += ["## The ± (em_std)", ""]
        if card.student:
            lines += [f"The student's estimate of its teacher's spread times {_num(unc.scale)}, the teacher's factor "
                      "(fitted so that ±1σ covers the share of the teacher's out-of-fold errors a Gaussian would; "
                      "not refitted for the student).", ""]
        elif unc.coverage_cv:
            lines += [f"The ensemble spread times {_num(unc.scale)}, a factor fitted so that ±1σ covers the share "
                      "of out-of-fold errors a Gaussian would:", "", *_metrics(unc.coverage_cv), "",
                      *([f"Command: `{unc.command}`.", ""] if unc.command else [])]
        else:
            lines += [f"The ensemble spread times {_num(unc.scale)}: no calibration was fitted for this model, so "
                      "the ± is the raw spread of its networks, not fitted to its errors: read it as a relative "
                      "warning, not as an error bar.", ""]
    lines += ["## Intended use", ""]
    if encoder:
        lines += ["The starting point of a barrier model (MODEL-3 of Devi, Butler, Sai Gautam, arXiv 2508.06436): "
                  "`hopnet finetune` copies every weight but the head.", ""]
    else:
        lines += ["The migration barrier Em of one hop of a mobile ion between two sites of a crystal, as a "
                  "DFT-NEB calculation of the training set's kind would give it; the barriers `hopnet paths` and "
                  "`hopnet screen` percolate into networks. Screening and ranking, before a DFT-NEB check of the "
                  "hops that matter.", ""]
    lines += ["## Limits", ""]
    if card.domain:
        d = card.domain
        lines += [f"- Mobile ions seen in training: {', '.join(d.ions)}. Another ion is flagged out of domain.",
                  f"- Elements seen in training: {', '.join(d.elements)}. Another element is flagged (a dilute "
                  "dopant far from the hop is a note instead).",
                  f"- Hop lengths seen in training: {d.hop_length[0]:.2f} to {d.hop_length[1]:.2f} Å; a hop outside "
                  "them is flagged."]
        if card.student and card.student.teacher_distance:  # the predictor's order: the teacher's check first
            limit = card.student.teacher_distance
            lines.append(f"- A band that the student places farther from the training bands, in `{card.student.teacher}`'s "
                         f"embedding, than {limit.quantile:.0%} of the training bands are from theirs is flagged: "
                         "the student estimates the teacher's distance (its third output) and flags what the "
                         "teacher would.")
        elif d.embedding:
            lines.append(f"- A band farther from its {d.embedding.k} nearest training bands (in the network's own "
                         f"embedding) than {d.embedding.quantile:.0%} of the training bands are from theirs is "
                         "flagged: the network has seen nothing like it.")
    if not encoder:
        lines += ["- Em is a barrier of the training set's kind (DFT-NEB from the literature, one ion hopping in a "
                  "fixed host), not a measured activation energy: concerted motion, defects and grain boundaries "
                  "are not in it.",
                  "- The test split is small (see the paths above): its figures carry a wide margin; the "
                  "cross-validation grouped by host is the better guide to a new host. New ions and new structural "
                  "families are harder: see BENCHMARKS.md, *Unseen hosts, families and ions*.", ""]
    else:
        lines += ["- Its outputs were a pre-training task, measured only as above: it is not a property model, and "
                  "it predicts no barrier by itself.", ""]
    lines += ["## Files", "", "| weights | SHA-256 |", "|---|---|",
              *(f"| `{m.file}` | `{m.sha256}` |" for m in card.members),
              *([f"| `{card.domain.embedding.file}` (the domain check's training bands) | "
                 f"`{card.domain.embedding.sha256}` |"] if card.domain and card.domain.embedding else []),
              "", "Loading checks every checksum; nothing is unpickled.", ""]
    return lines + _others(raw, MODEL_FIELDS)


CONDUCTOR_FIELDS = set(ConductorCard.model_fields)


def _sigma_section(card: ConductorCard) -> list[str]:
    from hopnet.vocabulary import ROOM_TEMPERATURE
    from hopnet.workflows.conductor import arrhenius_slope

    sigma = card.sigma
    terms = [(c, f"`{f.value}`") for f, c in zip(sigma.features, sigma.coef)]
    if sigma.ea_weight:
        terms.append((sigma.ea_weight, "Ea (the estimate above, eV)"))
    line = _num(sigma.intercept) + "".join(f" {'−' if c < 0 else '+'} {_num(abs(c))} × {name}" for c, name in terms)
    slope = (f" (Arrhenius at 298 K alone would be −{arrhenius_slope(ROOM_TEMPERATURE):.1f} × Ea: the fit weighs "
             "the estimated Ea less, as it errs)") if sigma.ea_weight else ""
    return ["## Conductivity", "",
            f"log10 σ (S/cm, 298 K) = {line}{slope}: the form `{sigma.candidate}`, chosen among candidates declared beforehand by nested family-grouped "
            f"cross-validation (`benchmarks/conductivity.py`); a missing input at its training mean "
            f"({', '.join(f'{f.value} {_num(m)}' for f, m in zip(sigma.features, sigma.mean))}).", "",
            f"Interval: ± {_num(sigma.quantile)} decades, fitted to cover {sigma.coverage:.0%} of the out-of-fold "
            "errors" + (f"; on families left out of that fit it covered {sigma.coverage_nested:.1%}"
                        if sigma.coverage_nested is not None else "") + ". At another "
            "temperature σ moves along σT ∝ exp(−Ea/kT) with the estimated Ea, and the interval widens by the Ea "
            "interval's share (not calibrated away from room temperature)."]


def _conductor_page(card: ConductorCard, raw: dict) -> list[str]:
    interval = card.interval
    lines = [f"# {card.name}", "",
             "The room-temperature answer for a host: does it conduct its ion fast? From a few physical inputs of "
             "the host's analysis (`hopnet paths`, `hopnet screen`), a linear estimate of the activation energy Ea "
             "with an interval, and a logistic probability P(fast) that gives the class.", "",
             "| | |", "|---|---|",
             f"| what | standardised linear Ea and logistic P(fast) over {len(card.features)} inputs |",
             f"| inputs computed by | hopnet {card.version} (benchmark rows `{card.rows}`) |",
             f"| ion | {card.ion} (the electrolytes it was fitted on) |",
             f"| fast | σ ≥ {_sigma(card.fast_sigma)} S/cm at room temperature; called where P(fast) ≥ "
             f"{card.fast_above:.2f} |",
             f"| slow | σ < {_sigma(card.slow_sigma)} S/cm; called where P(fast) ≤ {card.slow_below:.2f} |",
             "| uncertain | between; or the hop that completes the network read is outside the network's training "
             "domain; or the file places no ion; or another ion (the reason names it) |",
             "| use | read by `hopnet paths` and `hopnet screen` (`conductor`, `p_fast`, `ea`, `ea_low`, `ea_high`, "
             "`conductor_reason`, `log10_sigma`, `log10_sigma_low`, `log10_sigma_high`) |", "",
             "## Training data and licence", "", f"{card.source}.", "", "hopnet itself: MIT licence.", "",
             "## Inputs", "",
             "A missing input is read at its training mean. Coefficients are per standard deviation of the input.", "",
             "| input | what it measures | training mean | standard deviation | Ea coefficient (eV) | P(fast) "
             "coefficient (log-odds) |", "|---|---|---|---|---|---|"]
    for f, mean, std, ea, fast in zip(card.features, card.mean, card.std, card.ea_coef, card.fast_coef):
        lines.append(f"| `{f.value}` | {FEATURE_MEANING.get(f, f.value)} | {_num(mean)} | {_num(std)} | {_num(ea)} | "
                     f"{_num(fast)} |")
    lines += ["", f"Intercepts: Ea {_num(card.ea_intercept)} eV, P(fast) {_num(card.fast_intercept)} (log-odds).", "",
              "## The Ea interval", "",
              f"Ea ± a half-width, the lower end never below 0 eV; half-width = {_num(interval.quantile)} × "
              f"√(({_num(interval.base)} eV)² + ({_num(interval.spread_weight)} × the spread of the hop that completes "
              f"the network read)²), × {_num(interval.out_of_domain_factor)} where that hop is outside the training "
              f"domain. Fitted to cover {interval.coverage:.0%} of the out-of-fold errors "
              "of family-grouped cross-validation."]
    if interval.coverage_nested:
        lines += ["", "What the same rule covered on families left out of its fit (nested):", "",
                  *_metrics(interval.coverage_nested, NESTED_LABELS)]
    if card.sigma is not None:
        lines += ["", *_sigma_section(card)]
    lines += ["", "## Measured figures", "",
              "Family-grouped cross-validation on the data above (every figure out of fold, one family group left "
              "out at a time):", "", *_metrics(card.cv, CONDUCTOR_LABELS), "",
              "How the inputs were chosen, the other inputs tried, and the figures per family: BENCHMARKS.md, "
              "*Room-temperature conductor answer*.", "",
              "## Intended use", "",
              f"Ranking and triage of candidate {card.ion} conductors from their crystal structure, before "
              "measuring them: which hosts to make first, which to drop. The class and Ea come with the reason "
              "(`conductor_reason`) naming the network read and each input.", "",
              "## Limits", "",
              f"- Fitted on {card.ion} electrolytes only: for another ion the class is *uncertain* and says so"
              + (", and its bond-valence input is not read (its scale grows with the ion's size and charge)"
                 if Feature.BVSE in card.features else "") + "; Ea is still estimated with these weights.",
              "- The data are measured conductivities of real, often doped and disordered, samples: grain "
              "boundaries, density and synthesis are in σ and Ea but not in the inputs.",
              "- The cross-validated figures above are those of the recipe fitted here; where its inputs were chosen "
              "after looking at such figures (BENCHMARKS.md says so), they are that much optimistic.",
              "- A host whose open hops form no network is called slow without this card.", ""]
    return lines + _others(raw, CONDUCTOR_FIELDS)
