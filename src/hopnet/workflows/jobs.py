"""hopnet as a jobflow job, so an atomate2 workflow can pre-screen hosts before its NEB makers.

    from jobflow import Flow, run_locally
    from hopnet.workflows.jobs import HopnetPathsMaker
    from hopnet.workflows.settings import HostSettings

    maker = HopnetPathsMaker(settings=HostSettings(ion="Li"))
    responses = run_locally(Flow([maker.make(s) for s in hosts]), create_folders=False)

Each job's output is a :class:`HopnetPathsDocument`: the host, the whole
report of ``hopnet paths`` (every hop with its barrier, spread, channel check and
flags, the networks as facts and the room-temperature answer), the settings
and the model that priced them (name and card hash), so a later job can pick
the hops worth a DFT-NEB (``doc.report.hops`` sorted by ``em``, ``valid`` ones
only). Optional: ``pip install 'hopnet[jobflow]'``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from jobflow import Maker, job
from pydantic import BaseModel
from pymatgen.core import Structure

from hopnet.workflows.report import PathwayReport
from hopnet.workflows.settings import HostSettings


class HopnetPathsDocument(BaseModel):
    """What `hopnet paths` answers about one host, as a jobflow output document."""

    formula: str
    structure: dict  # the host as given (pymatgen ``as_dict``)
    report: PathwayReport
    settings: HostSettings
    model: str  # <card name>@<card hash>
    hopnet_version: str


@dataclass
class HopnetPathsMaker(Maker):
    """Every distinct hop of ``settings.ion`` in a host: channel check, barrier, networks, answer.
    The settings are checked where the flow is built (a GPU is checked on the worker that runs the job)."""

    name: str = "hopnet paths"
    settings: HostSettings = field(default_factory=lambda: HostSettings(ion="Li"))

    @job
    def make(self, structure: Structure) -> HopnetPathsDocument:
        from hopnet import __version__
        from hopnet.predictor import cached_model
        from hopnet.workflows.host import analyse_host
        from hopnet.workflows.screening import model_identity

        s = self.settings
        report = analyse_host(structure, s, cached_model(s.model, s.threads, s.compiled, s.device),
                              source=structure.composition.reduced_formula)
        return HopnetPathsDocument(formula=report.formula, structure=structure.as_dict(), report=report, settings=s,
                                   model=model_identity(s.model), hopnet_version=__version__)
