"""hopnet as a jobflow job: the Maker runs under jobflow's local runner and returns its document."""
import pytest
from pymatgen.core import Structure

from hopnet.examples import example_path
from hopnet.workflows.settings import HostSettings

jobflow = pytest.importorskip("jobflow")


def test_paths_maker_runs_in_a_flow_and_returns_the_hops(tiny_model_card):
    from hopnet.workflows.jobs import HopnetPathsDocument, HopnetPathsMaker

    host = Structure.from_file(example_path("LiFePO4_host.cif"))
    maker = HopnetPathsMaker(settings=HostSettings(ion="Li", model=str(tiny_model_card)))
    jobs = [maker.make(host), maker.make(host)]
    responses = jobflow.run_locally(jobflow.Flow(jobs), create_folders=False, ensure_success=True, log=False)
    docs = [responses[j.uuid][1].output for j in jobs]
    assert all(isinstance(d, HopnetPathsDocument) for d in docs)
    doc = docs[0]
    assert doc.formula == "LiFePO4" and doc.report.ion == "Li" and doc.model.startswith("tiny@")
    assert doc.report.percolation["1D"] is not None and doc.report.conductor.conductor in {"fast", "slow", "uncertain"}
    assert min(h.length for h in doc.report.hops) == pytest.approx(2.985, abs=0.01)
    assert doc.report.hops[0].start_label == "Li1" and doc.report.hops[0].start_wyckoff == "4a"
    assert Structure.from_dict(doc.structure) == host and doc.settings == maker.settings
    assert docs[1].report == doc.report  # same host, same answer


def test_the_maker_serialises_with_its_settings(tiny_model_card):
    from monty.json import MontyDecoder, jsanitize

    from hopnet.workflows.jobs import HopnetPathsMaker

    maker = HopnetPathsMaker(settings=HostSettings(ion="Na", orderings=5, seed=2, model=str(tiny_model_card)))
    again = MontyDecoder().process_decoded(jsanitize(maker, strict=True, enum_values=True))
    assert isinstance(again, HopnetPathsMaker) and again.settings == maker.settings


def test_paths_maker_refuses_a_gpu_the_worker_lacks(tiny_model_card):
    import torch

    from hopnet.workflows.jobs import HopnetPathsMaker

    if torch.cuda.is_available():
        pytest.skip("this worker has a GPU")
    from hopnet.errors import HopnetInputError

    host = Structure.from_file(example_path("LiFePO4_host.cif"))
    maker = HopnetPathsMaker(settings=HostSettings(ion="Li", model=str(tiny_model_card), device="cuda"))
    with pytest.raises(HopnetInputError, match="cuda asked for"):
        maker.make.original(maker, host)  # the job's body, as a worker runs it
    with pytest.raises(HopnetInputError, match="--device: Input should be 'cpu' or 'cuda'"):
        HostSettings(ion="Li", device="gpu")  # where the flow is built
