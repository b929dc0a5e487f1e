"""``hopnet`` command line: predict, evaluate, paths, screen, train, pretrain.

Bad input ends with one line on stderr and exit code 2, never a traceback.
Everything the user named (inputs, output folders and suffixes, settings) is
checked before any work starts, so a typo never costs a finished computation.
Heavy modules are imported inside the commands: ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from hopnet import __version__
from hopnet.errors import HopnetInputError, read_json
from hopnet.examples import example_path
from hopnet.vocabulary import (
    DEFAULT_MAX_HOP,
    DEFAULT_ORDERINGS,
    DEVICES,
    DIMENSIONS,
    GOOD_CONDUCTOR_EM,
    ROOM_TEMPERATURE,
    parse_ion,
)

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
TABLE_SUFFIXES = (".csv", ".json")
THREADS_HELP = "torch and BLAS threads (default 1: beside a busy process 2 threads ran slower than 1; BENCHMARKS.md, Speed)"


def _parse_sites(values: list[str] | None, source: str):
    """``--site 0.5,0.5,0`` (fractional), repeatable."""
    import numpy as np

    if not values:
        return None
    try:
        sites = np.array([[float(x) for x in v.replace(" ", ",").split(",") if x] for v in values])
    except ValueError:
        sites = np.zeros((0, 0))
    if sites.ndim != 2 or sites.shape[1] != 3 or not np.all(np.isfinite(sites)):
        raise HopnetInputError(source, "--site takes three fractional coordinates, e.g. --site 0.5,0.5,0")
    return sites


def _plot_suffixes() -> tuple[str, ...]:
    from matplotlib.backend_bases import FigureCanvasBase

    return tuple(f".{ext}" for ext in FigureCanvasBase.get_supported_filetypes())


def check_output(path: str | Path | None, suffixes: tuple[str, ...], what: str = "output",
                 run_folder: bool = False) -> None:
    """Refuse, before any work, an output whose folder is missing or whose suffix we cannot write.

    A training run's card goes into a run folder with its checkpoints: that folder is made.
    """
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise HopnetInputError(path, f"{what} is a folder; give a file name ({', '.join(suffixes)})")
    if path.suffix.lower() not in suffixes:
        raise HopnetInputError(path, f"cannot write {what} as '{path.suffix or 'no suffix'}'; "
                                     f"use one of {', '.join(suffixes)}")
    if run_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise HopnetInputError(path, f"folder {path.parent} does not exist")


def _read_dataset(path: Path):
    """Entries of a JSON (or .json.gz) file in the barrier set's band format."""
    from hopnet.data.barriers import read_band_records

    records = read_json(path)
    if not isinstance(records, list) or not all(isinstance(r, dict) and "atoms" in r for r in records):
        raise HopnetInputError(path, "expected a JSON list of entries with an 'atoms' structure")
    try:
        return read_band_records(records, source=str(path))
    except HopnetInputError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise HopnetInputError(path, f"malformed entry ({type(exc).__name__}: {exc})") from None


def _print_prediction(pred) -> None:
    # the paper's class is a hop's, not a host's: whether a crystal conducts is `hopnet paths`'s answer
    side = "below" if pred.good_conductor else "at or above"
    spread = f" ± {pred.em_std:.3f}" if pred.em_std is not None else ""
    print(f"{pred.label or 'path'}: {pred.ion} hop of {pred.hop_length:.2f} Å  Em = {pred.em:.3f}{spread} eV  "
          f"({'good' if pred.good_conductor else 'poor'} hop: {side} the paper's {GOOD_CONDUCTOR_EM} eV; "
          "whether the host conducts: hopnet paths)")
    for flag in pred.flags:
        print(f"  warning: outside the training domain: {flag}" if flag.out_of_domain else f"  note: {flag}")


def cmd_predict(args) -> None:
    from hopnet.flags import flag_columns
    from hopnet.pathways.band import band_from_endpoints
    from hopnet.predictor import load_model
    from hopnet.structures import read_structure

    check_output(args.output, TABLE_SUFFIXES)
    if args.example:
        args.initial, args.final = example_path("LiFePO4_initial.cif"), example_path("LiFePO4_final.cif")
        args.ion = args.ion or "Li"
    if args.data:
        if args.initial or args.final:
            raise HopnetInputError(args.data, "give either DATA.json or --initial/--final, not both")
        entries = _read_dataset(Path(args.data))
        model = load_model(args.model, threads=args.threads, compiled=args.compile, device=args.device)
        preds = model.predict_bands([e.band for e in entries], progress=True)
        rows = [{"jid": e.jid, "sys_name": e.sys_name, "ion": p.ion, "em_pred": round(p.em, 4),
                 **({"em_std": round(p.em_std, 4)} if p.em_std is not None else {}),
                 **({"em_true": e.em} if e.em is not None else {}),
                 **flag_columns(p.flags)} for e, p in zip(entries, preds)]
        _write_rows(rows, args.output)
        return
    if not (args.initial and args.final):
        raise HopnetInputError("hopnet predict", "give DATA.json, or both --initial and --final, or --example")
    initial, final = read_structure(args.initial), read_structure(args.final)
    band = band_from_endpoints(initial, final, ion=args.ion, label=f"{Path(args.initial).name} -> {Path(args.final).name}")
    pred = load_model(args.model, threads=args.threads, compiled=args.compile, device=args.device).predict_band(band)
    if args.json:
        print(json.dumps(pred.as_dict()))
    else:
        _print_prediction(pred)
    if args.output:
        row = {k: v for k, v in pred.as_dict().items() if k != "flags"} | flag_columns(pred.flags)
        _write_rows([row], args.output)


def _write_rows(rows: list[dict], output: str | None) -> None:
    fields = list(dict.fromkeys(k for r in rows for k in r))
    if output and output.lower().endswith(".json"):
        Path(output).write_text(json.dumps(rows, indent=1))
        return
    fh = open(output, "w", newline="") if output else sys.stdout
    writer = csv.DictWriter(fh, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    if output:
        fh.close()
        print(f"wrote {len(rows)} rows to {output}", file=sys.stderr)


def cmd_evaluate(args) -> None:
    from hopnet.metrics import all_metrics
    from hopnet.plots import parity_plot
    from hopnet.predictor import load_model

    data = Path(args.data)
    stem = data.name.removesuffix(".gz").removesuffix(".json")
    plot = args.plot or str(data.with_name(f"{stem}-parity.png"))
    check_output(plot, _plot_suffixes(), "plot")
    entries = _read_dataset(data)
    if any(e.em is None for e in entries):
        raise HopnetInputError(args.data, "every entry needs a 'target' (DFT Em) to evaluate")
    model = load_model(args.model, threads=args.threads, compiled=args.compile, device=args.device)
    preds = model.predict_bands([e.band for e in entries], progress=True)
    y, p = [e.em for e in entries], [x.em for x in preds]
    metrics = all_metrics(y, p)
    for key in ("n", "r2", "mae", "rmse", "accuracy", "precision", "recall", "f1"):
        print(f"{key:>10}: {metrics[key]:.3f}" if key != "n" else f"{key:>10}: {metrics[key]}")
    parity_plot(y, p, plot, title=f"hopnet on {data.name}")
    print(f"parity plot: {plot}")


def cmd_train(args) -> None:
    from hopnet.training.config import TrainConfig
    from hopnet.training.run import train_band_model

    cfg = TrainConfig.from_toml(args.config)
    if getattr(args, "encoder", None):
        cfg = cfg.updated("--encoder", init=args.encoder)
    if args.threads is not None:
        cfg = cfg.updated("--threads", threads=args.threads)
    check_output(args.out, (".json",), "model card", run_folder=True)
    card = train_band_model(cfg, Path(args.out), seeds=args.seeds)
    print(f"model card: {card}")


def _conductivity(report, temperature: float) -> dict:
    """The estimated conductivity at ``temperature`` for the JSON ({} where the host has no estimate)."""
    at = None if report.conductor is None else report.conductor.log10_sigma_at(temperature)
    return {} if at is None else {"conductivity": dict(zip(("temperature_K", "log10_sigma", "log10_sigma_low",
                                                            "log10_sigma_high"), (temperature, *at)))}


def _print_report(report, temperature: float = ROOM_TEMPERATURE) -> None:
    print(f"{report.source}: {report.formula}, {report.ion} hops ({report.mechanism} mechanism)")
    print(f"{'hop':>4} {'sites':<26} {'length/Å':>9} {'mult':>5} {'BVSE/eV':>8} {'network/eV':>11} {'Em/eV':>13}  "
          f"hop class (< {GOOD_CONDUCTOR_EM} eV good)")
    for h in sorted(report.hops, key=lambda h: (not h.valid, h.em)):
        spread = f" ± {h.em_std:.2f}" if h.em_std is not None else ""
        bvse = f"{h.bvse_barrier:.2f}" if h.bvse_barrier is not None else "-"
        network = f"{h.em_network:.2f}" if h.em_network is not None else "-"
        print(f"{h.hop:>4} {h.sites():<26} {h.length:>9.2f} {h.multiplicity:>5} {bvse:>8} {network:>11} "
              f"{h.em:>6.2f}{spread:<7}  {h.verdict}{'  (out of domain)' if h.out_of_domain else ''}"
              f"{'  (via an empty site)' if h.via_empty_site else ''}")
    if any(h.bvse_barrier is not None for h in report.hops):  # without a landscape Em is the network's price
        print("     Em: the network's price and the BVSE barrier on the DFT scale, weighted by their uncertainties "
              "(the BVSE alone outside the training domain)")
    formed = {n.dimension: n for n in report.networks}
    for dim in DIMENSIONS:
        n, span = formed.get(dim), report.percolation_range.get(dim)
        over = (f"; {span[0]:.2f}-{span[1]:.2f} eV over the orderings" if span else
                "; not formed in every ordering" if report.orderings else "")
        bvse = "" if n is None else f", BVSE {n.bvse:.2f} eV" if n.bvse is not None else ", no BVSE network"
        print(f"{dim} network: " + (f"{n.direction + ' ' if n.direction else ''}at {n.em:.2f} eV "
                                    f"(hop {n.bottleneck} completes it{over}){bvse}" if n is not None
                                    else "not formed by the open hops"))
    if report.carriers is not None:
        print(f"carriers: {report.carriers.text}")
    print(f"answer: {report.headline}")
    if report.conductor is not None:
        print(f"  because: {report.conductor.reason}")
        at = report.conductor.log10_sigma_at(temperature)
        if at is not None:
            print(f"conductivity: ~{10 ** at[0]:.0e} S/cm at {temperature:g} K (log10 {at[0]:.1f}, interval "
                  f"{at[1]:.1f} to {at[2]:.1f})")
    for note in report.notes:
        print(f"  note: {note}")
    outside = [f for h in report.hops if h.valid for f in h.out_of_domain]
    for kind in dict.fromkeys(f.kind for f in outside):
        examples = [f for f in outside if f.kind is kind]
        more = f" (and {len(examples) - 1} more hops like it)" if len(examples) > 1 else ""
        print(f"  warning: outside the training domain: {examples[0]}{more}")
    if report.orderings:
        print(f"  disordered host: {report.orderings} sampled orderings (seed {report.ordering_seed}); each network's "
              "energy is its median ordering's")


def cmd_paths(args) -> None:
    from hopnet.plots import arrhenius_plot, network_html, network_plot, pathway_plot
    from hopnet.predictor import load_model
    from hopnet.structures import read_structure
    from hopnet.workflows.host import analyse_host

    if args.example:
        args.host, args.ion = str(example_path("LiFePO4_host.cif")), args.ion or "Li"
    if not args.host or not args.ion:
        raise HopnetInputError("hopnet paths", "give a host structure and --ion (or --example)")
    if Path(args.host).is_dir():
        raise HopnetInputError(args.host, "is a folder; `hopnet paths` reads one host, "
                                          f"`hopnet screen {args.host} --ion {args.ion} -o results.csv` screens them all")
    structure = read_structure(args.host)
    parse_ion(args.ion, structure, args.host, must_be_present=False)  # a typo named beside the species present
    settings = _host_settings(args, sites=_parse_sites(args.site, args.host), empty_sites=args.empty_sites)
    check_output(args.output, TABLE_SUFFIXES)
    check_output(args.plot, _plot_suffixes(), "plot")
    model = load_model(settings.model, threads=settings.threads, compiled=settings.compiled, device=settings.device)
    report = analyse_host(structure, settings, model, source=Path(args.host).name, progress=True)
    if args.json:
        print(json.dumps(report.as_dict() | _conductivity(report, settings.temperature)))
    else:
        _print_report(report, settings.temperature)
    if args.output:
        if args.output.lower().endswith(".json"):
            Path(args.output).write_text(json.dumps(report.as_dict() | _conductivity(report, settings.temperature),
                                                    indent=1))
        else:
            _write_rows(report.rows(), args.output)
    if args.plot:
        plot = Path(args.plot)
        network = plot.with_name(f"{plot.stem}-network")
        pathway_plot(report, plot)
        network_plot(report, network.with_suffix(plot.suffix))
        network_html(report, network.with_suffix(".html"), standalone=args.html_standalone)
        arrhenius = plot.with_name(f"{plot.stem}-arrhenius{plot.suffix}")
        drawn = arrhenius_plot(report, arrhenius, settings.temperature)
        print(f"plots: {plot} (barriers), {network.with_suffix(plot.suffix)} and {network.with_suffix('.html')} "
              "(the hop network, static and interactive)" + (f", {arrhenius} (conductivity against 1/T)" if drawn
                                                            else ""), file=sys.stderr)


def _host_settings(args, **extra):
    """The settings object of ``paths`` and ``screen`` from their shared flags (a bad value is one line)."""
    from hopnet.workflows.settings import HostSettings

    return HostSettings(ion=args.ion, max_hop=args.max_hop, mechanism=args.mechanism, channels=not args.no_channels,
                        orderings=args.orderings, seed=args.seed, temperature=args.temperature, model=args.model,
                        threads=args.threads, device=args.device, compiled=args.compile, **extra)


def _inference_flags(p, compile_by_default: bool = False) -> None:
    p.add_argument("--compile", action=argparse.BooleanOptionalAction, default=compile_by_default,
                   help="compile the networks (torch.compile; falls back to uncompiled where no C++ compiler is "
                        "found): a one-off compilation per process, then ~3x faster per hop (BENCHMARKS.md, Speed); worth "
                        f"it for many hosts, not one (default: {'on' if compile_by_default else 'off'})")
    p.add_argument("--device", choices=DEVICES, default="cpu",
                   help="where the networks run (default cpu; cuda needs a CUDA build of torch and a GPU)")


def _host_flags(p, threads_help: str = THREADS_HELP, compile_by_default: bool = False) -> None:
    """The flags `paths` and `screen` share: the fields of ``HostSettings``."""
    p.add_argument("--max-hop", type=float, default=DEFAULT_MAX_HOP,
                   help=f"longest hop considered (Å, default {DEFAULT_MAX_HOP:g})")
    p.add_argument("--mechanism", choices=("vacancy", "interstitial"),
                   help="other ion sites filled (vacancy, default) or empty (interstitial, default with --site)")
    p.add_argument("--no-channels", action="store_true",
                   help="skip the bond-valence check of each hop's channel (every hop then counts as open)")
    p.add_argument("--empty-sites", choices=("auto", "always", "never"), default="auto",
                   help="add empty sites (bond-valence minima) to the hop network: when the ion's own sites form "
                        "no network (auto, default), always, or never")
    p.add_argument("--orderings", type=_positive_int, default=DEFAULT_ORDERINGS,
                   help=f"sampled orderings of a host with partial occupancies (default {DEFAULT_ORDERINGS})")
    p.add_argument("--seed", type=_non_negative_int, default=0, help="seed of those orderings (default 0)")
    p.add_argument("--temperature", type=float, default=ROOM_TEMPERATURE,
                   help=f"K: the temperature the conductivity is given at (default {ROOM_TEMPERATURE:g})")
    p.add_argument("--model", help="model card or shipped model name (default: the shipped model)")
    p.add_argument("--threads", type=_positive_int, default=1, help=threads_help)
    _inference_flags(p, compile_by_default)


def cmd_screen(args) -> None:
    from hopnet.workflows.screening import screen

    check_output(args.output, (".csv",), "results")
    settings = _host_settings(args, empty_sites=args.empty_sites)
    counts = screen(args.inputs, Path(args.output), settings, workers=args.workers, backend=args.backend,
                    address=args.address)
    print(f"{counts['ok']} screened, {counts['error']} failed (reasons in the 'error' column), "
          f"{counts['skipped']} already in {args.output}", file=sys.stderr)


def cmd_pretrain(args) -> None:
    from hopnet.data.pretraining import PROPERTIES
    from hopnet.training.pretrain import PretrainConfig, pretrain

    properties = tuple(args.properties or PROPERTIES)
    unknown = set(properties) - set(PROPERTIES)
    if unknown:
        raise HopnetInputError("hopnet pretrain", f"unknown properties {sorted(unknown)}; choose from {list(PROPERTIES)}")
    cfg = PretrainConfig.from_toml(args.config)
    check_output(args.out, (".json",), "encoder card", run_folder=True)
    card = pretrain(cfg, Path(args.out), properties=properties)
    print(f"encoder card: {card}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2 like every other bad input."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {text!r}")
    return int(text)


def _positive_int(text: str) -> int:
    value = int(text) if text.lstrip("-").isdigit() else None
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="hopnet", description="Ionic migration barriers from hop paths.")
    ap.add_argument("--version", action="version", version=f"hopnet {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("predict", help="predict Em for initial/final structures or a band-format JSON file")
    p.add_argument("data", nargs="?", help="JSON list in the barrier set's band format")
    p.add_argument("--initial", help="CIF/POSCAR with the ion at its start site")
    p.add_argument("--final", help="CIF/POSCAR with the ion at its end site (same atoms, same cell)")
    p.add_argument("--ion", help="mobile ion species (default: the one atom that moves)")
    p.add_argument("--example", action="store_true", help="run on the bundled LiFePO4 example")
    p.add_argument("--model", help="model card (default: the shipped model)")
    p.add_argument("-o", "--output", help="write predictions to CSV (or .json)")
    p.add_argument("--json", action="store_true", help="print the prediction as JSON")
    p.add_argument("--threads", type=_positive_int, default=1, help=THREADS_HELP)
    _inference_flags(p)
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("evaluate", help="metrics and a parity plot on a labelled band-format JSON file")
    p.add_argument("data")
    p.add_argument("--model")
    p.add_argument("--plot", help="parity plot PNG (default: next to DATA)")
    p.add_argument("--threads", type=_positive_int, default=1, help=THREADS_HELP)
    _inference_flags(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="train a band model on the shipped training split")
    p.add_argument("config", help="TOML training config")
    p.add_argument("--out", default="hopnet-model/hopnet-band.json", help="model card to write")
    p.add_argument("--seeds", type=int, nargs="+", default=None, help="one network per seed (ensemble)")
    p.add_argument("--threads", type=int, help="torch threads (overrides the config; at least 1)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("finetune", help="train a band model starting from a pre-trained encoder (MODEL-3)")
    p.add_argument("config", help="TOML training config (configs/mpt-finetune.toml)")
    p.add_argument("--encoder", default="hopnet-mpt-encoder", help="encoder card or shipped name")
    p.add_argument("--out", default="hopnet-model/hopnet-band-mpt.json", help="model card to write")
    p.add_argument("--seeds", type=int, nargs="+", default=None, help="one network per seed (ensemble)")
    p.add_argument("--threads", type=int, help="torch threads (overrides the config; at least 1)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("paths", help="find every distinct hop of an ion in a host, predict each, percolate")
    p.add_argument("host", nargs="?", help="CIF/POSCAR of the host with its ion sites filled")
    p.add_argument("--ion", help="mobile ion species, e.g. Li")
    p.add_argument("--site", action="append",
                   help="insert the ion at x,y,z (fractional) and at every site the space group makes of it; "
                        "repeatable")
    p.add_argument("--example", action="store_true", help="run on the bundled LiFePO4 host")
    p.add_argument("-o", "--output", help="write the hops to CSV (or the whole report to .json)")
    p.add_argument("--plot", help="PNG (or PDF, SVG) of the hop barriers and percolation thresholds; "
                                  "beside it <name>-network.png/.html draw the hop network in the cell and "
                                  "<name>-arrhenius.png the estimated conductivity against 1000/T")
    p.add_argument("--html-standalone", action="store_true",
                   help="put plotly.js inside the network page (+4.8 MB), so it opens wherever it is moved; "
                        "by default the page loads plotly.min.js written beside it")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _host_flags(p)
    p.set_defaults(func=cmd_paths)

    p = sub.add_parser("screen", help="run `paths` on many hosts: one CSV row each, resumable, parallel")
    p.add_argument("inputs", nargs="+", help="structure files, folders, quoted globs or ASE databases (.db)")
    p.add_argument("--ion", required=True, help="mobile ion species")
    p.add_argument("-o", "--output", required=True, help="results CSV; re-running skips sources already in it")
    p.add_argument("--workers", type=_positive_int, default=min(2, os.cpu_count() or 1),
                   help="processes (default: 2)")
    p.add_argument("--backend", choices=("local", "dask"), default="local",
                   help="local processes, or a Dask cluster (pip install 'hopnet[dask]')")
    p.add_argument("--address", help="with --backend dask: scheduler address (default: a local cluster)")
    _host_flags(p, threads_help="torch and BLAS threads per worker (default 1: parallelism comes from --workers)",
                compile_by_default=True)
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("pretrain", help="multi-property pre-training of the encoder on the seven bulk properties")
    p.add_argument("config", help="TOML pre-training config (configs/mpt.toml)")
    p.add_argument("--out", default="hopnet-model/hopnet-mpt-encoder.json", help="encoder card to write")
    p.add_argument("--properties", nargs="+", help="train on these labels only (default: all seven)")
    p.set_defaults(func=cmd_pretrain)
    return ap


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed on one line
        return int(done.code or 0)
    try:
        args.func(args)
    except HopnetInputError as err:
        print(f"hopnet: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        kept = "; the rows written so far are kept: run the same command again to resume" \
            if args.command == "screen" else ""
        print(f"\nhopnet: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
