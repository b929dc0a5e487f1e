"""``hopnet screen``: many host structures -> one CSV row each, streamed, parallel, resumable.

Crash safety comes from the output file itself: a row is appended and flushed
only when its structure is finished, and a row cut short by a kill (no
trailing newline) is dropped before appending resumes. A row is keyed on its
source *and* every setting that changes its numbers (ion, mechanism, max hop,
model identity), so a re-run skips exactly the work already done with these
settings; rows that failed with these settings are retried. One bad structure
becomes a row with ``status=error`` and its reason; it never stops the batch.
"""
from __future__ import annotations

import csv
import glob
import hashlib
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from hopnet.errors import HopnetInputError
from hopnet.flags import texts
from hopnet.workflows.settings import HostSettings

if TYPE_CHECKING:
    from hopnet.workflows.host import PricedHost

# What a row's numbers depend on; "hopnet" (the version) stands for the rules that live in code (channel
# ceilings, grid, orderings), so an upgrade recomputes rather than trusting rows of another version.
KEY_FIELDS = ("source", "ion", "mechanism", "max_hop", "channels", "empty_sites", "orderings", "seed", "temperature",
              "model", "hopnet")
# Every column of a screen row and what it means: the one place the README's column table is rendered from.
COLUMNS = {
    "source": "the structure file (an ASE database row: <file>.db@<row id>)",
    "ion": "the mobile ion", "mechanism": "vacancy or interstitial", "max_hop": "longest hop considered (Å)",
    "channels": "bvse: channels checked in the bond-valence landscape; off: not checked",
    "empty_sites": "auto / always / never: bond-valence minima added as sites",
    "orderings": "sampled orderings of a disordered host", "seed": "their seed",
    "temperature": "K: the temperature of log10_sigma",
    "model": "the barrier model: card name @ hash of the card", "hopnet": "the hopnet version that made the row",
    "status": "ok, or error (the reason in error)",
    "conductor": "the room-temperature answer: fast (sigma >= 1e-4 S/cm), slow (< 1e-6) or uncertain",
    "p_fast": "the card's probability of a fast conductor",
    "ea": "estimated activation energy (eV)", "ea_low": "its interval's lower end (eV, never below 0)",
    "ea_high": "its interval's upper end (eV)",
    "log10_sigma": "estimated ionic conductivity at the row's temperature (log10 S/cm)",
    "log10_sigma_low": "its interval's lower end (log10 S/cm)", "log10_sigma_high": "its upper end",
    "conductor_reason": "why: the network read, the inputs, and what made it uncertain",
    "dimension": "the network the answer reads: the widest the open hops form (1D, 2D, 3D; empty: none)",
    "networks": "every network as a fact: dimension, direction in the cell's axes, barrier",
    "formula": "reduced formula", "n_sites": "sites in the file's cell",
    "distinct_hops": "symmetry-distinct hops priced", "blocked_hops": "of those, with no open channel",
    "min_em": "lowest Em of an open hop (eV)",
    "em_1d": "barrier at which the open hops connect in 1D (eV)", "em_2d": "... in 2D (eV)", "em_3d": "... in 3D (eV)",
    "direction_1d": "which way the 1D network runs (along a, along [1 1 0])",
    "direction_2d": "which plane the 2D network spans (in the ab plane, in the (1 1 0) plane)",
    "bvse_1d": "the same open hops percolated by their BVSE barriers, 1D (eV, bond-valence scale)",
    "bvse_2d": "... 2D", "bvse_3d": "... 3D",
    "ion_occupancy": "share of the ion's merged sites holding an atom",
    "carrier_gap": "lowest empty minimum above the occupied sites (eV, bond-valence scale)",
    "position_occupancy": "the ion's amount over its positions as the file draws them",
    "anion_x": "the anions' Pauling electronegativity, amount-weighted",
    "max_em_std": "largest spread of an open hop's Em (eV)",
    "out_of_domain": "out-of-domain flags of the open hops", "notes": "host-level notes",
    "error": "one line: what was wrong with the input",
}
FIELDS = tuple(COLUMNS)
STRUCTURE_PATTERNS = ("*.cif", "*.vasp", "POSCAR*", "CONTCAR*")
ASE_DB_SUFFIX = ".db"  # an ASE database; each row becomes the source "<file>.db@<row id>"


def model_identity(model: str | None) -> str:
    """``<card name>@<hash of the card>``: the card checksums every weights file, so a retrained
    model under the same name is a different identity."""
    from hopnet.models.card import resolve_weights
    from hopnet.predictor import DEFAULT_MODEL

    path = resolve_weights(model or DEFAULT_MODEL)
    if not path.is_file():
        raise HopnetInputError(path, "model card not found")
    return f"{path.stem}@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def check_inputs(inputs: Iterable[str]) -> None:
    """Every input names something that exists, before any work starts."""
    for item in inputs:
        db, sep, row_id = item.rpartition("@")
        if sep and db.endswith(ASE_DB_SUFFIX) and row_id.isdigit():
            item = db
        path = Path(item)
        if any(ch in item for ch in "*?[") and not path.exists():
            if not glob.glob(item):
                raise HopnetInputError(item, "pattern matches no file")
        elif not path.exists():
            raise HopnetInputError(item, "file not found")
        elif path.is_dir() and not any(p.is_file() for pat in STRUCTURE_PATTERNS for p in path.glob(pat)):
            raise HopnetInputError(item, f"folder holds no structure files ({', '.join(STRUCTURE_PATTERNS)})")


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files, folders (their structure files, sorted), globs and ASE databases (row by row), lazily, each once."""
    seen: set[str] = set()
    for item in inputs:
        path = Path(item)
        if path.suffix == ASE_DB_SUFFIX and path.is_file():
            from ase.db import connect

            candidates = (f"{item}@{row.id}" for row in connect(item).select())
        elif path.is_dir():
            candidates = sorted({str(p) for pat in STRUCTURE_PATTERNS for p in path.glob(pat) if p.is_file()})
        elif any(ch in item for ch in "*?["):
            candidates = sorted(glob.glob(item))
        else:
            candidates = [item]
        for c in candidates:
            if c not in seen:
                seen.add(c)
                yield c


def row_key(row: dict) -> tuple[str, ...]:
    return tuple(str(row[f]) for f in KEY_FIELDS)


def finished_keys(output: Path, key_columns: dict[str, str]) -> set[tuple[str, ...]]:
    """Keys of the rows already in ``output``, after two repairs: a partial last line left by a
    kill is cut off, and rows that failed with these settings are removed (they are retried)."""
    if not output.exists():
        return set()
    with open(output, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)
            data = data[: data.rfind(b"\n") + 1]
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise HopnetInputError(output, "exists but is not a hopnet screen result (not text); choose another -o") \
            from None
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    if reader.fieldnames and tuple(reader.fieldnames) != FIELDS:
        raise HopnetInputError(output, "exists but is not a hopnet screen result of this version (different "
                                       "columns); choose another -o")
    ours = tuple(key_columns[f] for f in KEY_FIELDS[1:])

    def failed_here(row: dict) -> bool:
        return row["status"] == "error" and row_key(row)[1:] == ours

    if any(failed_here(r) for r in rows):
        rows = [r for r in rows if not failed_here(r)]
        tmp = output.with_name(output.name + ".tmp")
        with open(tmp, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, output)  # atomic: a kill here leaves the old file or the new one
    return {row_key(r) for r in rows}


def read_source(source: str):
    """A structure file, or one row of an ASE database (``file.db@id``), validated like any input."""
    from hopnet.structures import read_structure, validate_structure

    db, sep, row_id = source.rpartition("@")
    if not (sep and db.endswith(ASE_DB_SUFFIX) and row_id.isdigit()):
        return read_structure(source)
    from ase.db import connect
    from pymatgen.io.ase import AseAtomsAdaptor

    try:
        atoms = connect(db).get(id=int(row_id)).toatoms()
    except KeyError:
        raise HopnetInputError(source, "no such row in the ASE database") from None
    structure = AseAtomsAdaptor.get_structure(atoms)
    validate_structure(structure, source)
    return structure


def key_columns(settings: HostSettings) -> dict[str, str]:
    """The settings part of a row's key, as written in the CSV: what the numbers depend on."""
    from hopnet import __version__

    return {**settings.answer_fields(), "model": model_identity(settings.model), "hopnet": __version__}


def screen_one(source: str, settings: HostSettings) -> dict:
    """One structure to one row; every failure is caught and recorded as the row's reason."""
    return screen_priced(source, settings)[0]


def screen_priced(source: str, settings: HostSettings) -> tuple[dict, "PricedHost | None"]:
    """One structure to one row and the priced host it was made from (None where the structure failed)."""
    from hopnet.predictor import cached_model
    from hopnet.workflows.host import price_host
    from hopnet.workflows.report import network_facts

    row = dict.fromkeys(FIELDS, "")
    row.update(source=source)
    try:
        structure = read_source(source)
        model = cached_model(settings.model, settings.threads, settings.compiled, settings.device)
        priced = price_host(structure, settings, model, source=Path(source).name)
        report = priced.report
        open_hops, answer = [h for h in report.hops if h.valid], report.conductor
        ems = [h.em for h in open_hops]
        stds = [h.em_std for h in open_hops if h.em_std is not None]
        directions = {n.dimension: n.direction for n in report.networks}
        row.update(status="ok", formula=report.formula, n_sites=len(structure), distinct_hops=len(report.hops),
                   blocked_hops=len(report.hops) - len(open_hops),
                   min_em=round(min(ems), 4) if ems else "", max_em_std=round(max(stds), 4) if stds else "",
                   out_of_domain="; ".join(sorted({f.text for h in open_hops for f in h.out_of_domain})),
                   notes=texts(report.notes),
                   conductor=answer.conductor, conductor_reason=answer.reason,
                   dimension=answer.inputs.dimension or "", networks=network_facts(report.networks),
                   direction_1d=directions.get("1D", ""), direction_2d=directions.get("2D", ""),
                   p_fast="" if answer.p_fast is None else answer.p_fast, ea="" if answer.ea is None else answer.ea,
                   ea_low="" if answer.ea_interval is None else answer.ea_interval[0],
                   ea_high="" if answer.ea_interval is None else answer.ea_interval[1],
                   **dict(zip(("log10_sigma", "log10_sigma_low", "log10_sigma_high"),
                              answer.log10_sigma_at(settings.temperature) or ("", "", ""))),
                   ion_occupancy=report.carriers.occupancy,
                   carrier_gap="" if report.carriers.gap is None else report.carriers.gap,
                   position_occupancy="" if report.carriers.position_occupancy is None else
                   report.carriers.position_occupancy,
                   anion_x="" if report.anion_electronegativity is None else report.anion_electronegativity,
                   **{f"em_{k.lower()}": "" if v is None else round(v, 4) for k, v in report.percolation.items()},
                   **{f"bvse_{k.lower()}": "" if v is None else v for k, v in report.bvse_percolation.items()})
    except HopnetInputError as err:
        row.update(status="error", error=str(err))
        priced = None
    except Exception as exc:  # noqa: BLE001 - a screening batch must survive any one structure
        row.update(status="error", error=f"{source}: {type(exc).__name__}: {exc}".splitlines()[0])
        priced = None
    return row, priced


def _screen_star(args: tuple[str, HostSettings]) -> dict:
    return screen_one(*args)


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool at once and says so in one line (no worker
    tracebacks); the rows already written stay, and a re-run resumes after them."""
    import signal
    import threading

    from tqdm import tqdm

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # torch.compile draws tqdm bars inside the worker, and tqdm's default lock is a multiprocessing semaphore: a
    # worker stopped mid-compilation would leave it behind, and Python's resource tracker would say so on stderr
    # after the one line. A worker's bars are never shown, so a thread lock serves.
    tqdm.set_lock(threading.RLock())


def _local_results(sources: Iterator[str], settings: HostSettings, workers: int) -> Iterator[dict]:
    if workers == 1:
        yield from (screen_one(s, settings) for s in sources)
        return
    import multiprocessing as mp

    pool = mp.get_context("spawn").Pool(workers, initializer=_worker_signals)
    try:
        yield from pool.imap_unordered(_screen_star, ((s, settings) for s in sources), chunksize=4)
        pool.close()
    except BaseException:  # Ctrl-C, or the consumer stopping early: stop the workers now
        pool.terminate()
        raise
    finally:
        pool.join()  # every worker gone before we return: nothing leaks past the run


def _dask_results(sources: Iterator[str], settings: HostSettings, workers: int,
                  address: str | None) -> Iterator[dict]:
    """On a Dask cluster (``address``) or a local one; a bounded window of tasks keeps memory flat."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise HopnetInputError("hopnet screen", "the Dask backend needs: pip install 'hopnet[dask]'") from None
    cluster = None if address else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            window = 4 * max(workers, len(client.scheduler_info()["workers"]))
            running = as_completed()
            for source in sources:
                running.add(client.submit(screen_one, source, settings, pure=False))
                if running.count() >= window:
                    yield next(running).result()
            for future in running:
                yield future.result()
    finally:
        if cluster is not None:
            cluster.close()


def screen(inputs: Iterable[str], output: Path, settings: HostSettings, workers: int = 1,
           progress: bool = True, backend: str = "local", address: str | None = None) -> dict:
    """Screen every input not yet in ``output``; return counts of this run.

    ``backend="dask"`` spreads the work over a Dask cluster (``address``, or a
    local cluster of ``workers`` processes); the output file, and so resuming,
    is the same either way.
    """
    from tqdm.auto import tqdm

    from hopnet.predictor import inference_device

    inference_device(settings.device)  # here, once, rather than as an error row for every host
    inputs = list(inputs)
    check_inputs(inputs)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    columns = key_columns(settings)
    done = finished_keys(output, columns)
    sources = list(expand_inputs(inputs))  # listed up front so the progress bar knows its total
    todo = [s for s in sources if row_key({"source": s, **columns}) not in done]
    counts = {"skipped": len(sources) - len(todo), "ok": 0, "error": 0}
    new_file = not output.exists() or output.stat().st_size == 0
    results = (_dask_results(iter(todo), settings, workers, address) if backend == "dask"
               else _local_results(iter(todo), settings, workers))
    with open(output, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new_file:
            writer.writeheader()
        # The bar closes as the loop ends, however it ends: an interrupted run's last line is then its own message.
        with tqdm(results, desc="screen", unit="host", total=len(todo), disable=not progress) as rows:
            for row in rows:
                writer.writerow({**row, **columns})
                fh.flush()
                os.fsync(fh.fileno())
                counts[row["status"]] += 1
    return counts
