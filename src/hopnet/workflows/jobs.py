"""hopnet as a jobflow job, so an atomate2 workflow can pre-screen hosts before its NEB makers.

    from jobflow import Flow, run_locally
    from hopnet.workflows.jobs import HopnetPathsMaker

    jobs = [HopnetPathsMaker(ion="Li").make(structure) for structure in hosts]
    responses = run_locally(Flow(jobs), create_folders=False)

Each job's output is a :class:`HopnetPathsDocument`: the host, every hop with its
barrier, spread and channel check, the percolation thresholds, the verdict and
the model that priced them (name and card hash), so a later job can pick the
hops worth a DFT-NEB (``doc.hops`` sorted by ``em``, ``valid`` ones only).
Optional: ``pip install 'hopnet[jobflow]'``.
"""
from __future__ import annotations

from dataclasses import dataclass

from jobflow import Maker, job
from pydantic import BaseModel
from pymatgen.core import Structure

from hopnet.vocabulary import DEFAULT_MAX_HOP, DEVICES


class HopnetPathsDocument(BaseModel):
    """What `hopnet paths` answers about one host, as a jobflow output document."""

    formula: str
    ion: str
    structure: dict  # the host as given (pymatgen ``as_dict``)
    hops: list[dict]  # as in `hopnet paths --json`
    mechanism: str
    percolation: dict[str, float | None]  # "1D"/"2D"/"3D" -> eV
    percolation_range: dict[str, list[float] | None]  # min, max over orderings of a disordered host
    bottleneck: dict[str, int | None]
    verdict: str
    notes: list[str]
    orderings: int
    ordering_seed: int | None
    model: str  # <card name>@<card hash>
    hopnet_version: str


@dataclass
class HopnetPathsMaker(Maker):
    """Every distinct hop of ``ion`` in a host: channel check, barrier, percolation, verdict."""

    name: str = "hopnet paths"
    ion: str = "Li"
    max_hop: float = DEFAULT_MAX_HOP
    model: str | None = None  # card path or shipped name; None: the shipped default
    mechanism: str | None = None  # vacancy (default) or interstitial
    channels: bool = True
    threads: int = 1
    device: str = "cpu"  # cuda on a GPU worker; a worker without one fails the job (no silent CPU run)

    def __post_init__(self):
        if self.device not in DEVICES:  # caught where the flow is built, not on a worker hours later
            raise ValueError(f"HopnetPathsMaker: device must be one of {', '.join(DEVICES)}, not {self.device!r}")

    @job
    def make(self, structure: Structure) -> HopnetPathsDocument:
        from hopnet import __version__
        from hopnet.workflows.host import analyse_host
        from hopnet.workflows.screening import model_identity, worker_model

        model = worker_model(self.model, self.threads, device=self.device)
        report = analyse_host(structure, self.ion, model, self.max_hop, mechanism=self.mechanism,
                              source=structure.composition.reduced_formula, channels=self.channels)
        return HopnetPathsDocument(
            formula=report.formula, ion=report.ion, structure=structure.as_dict(),
            hops=report.as_dict()["hops"], mechanism=report.mechanism, percolation=report.percolation,
            percolation_range=report.percolation_range, bottleneck=report.bottleneck, verdict=report.verdict,
            notes=report.notes, orderings=report.orderings, ordering_seed=report.ordering_seed,
            model=model_identity(self.model), hopnet_version=__version__)
