"""hopnet as a jobflow job: the Maker runs under jobflow's local runner and returns its document."""
import pytest
from pymatgen.core import Structure

from hopnet.examples import example_path

jobflow = pytest.importorskip("jobflow")


def test_paths_maker_runs_in_a_flow_and_returns_the_hops(tiny_model_card):
    from hopnet.workflows.jobs import HopnetPathsDocument, HopnetPathsMaker

    host = Structure.from_file(example_path("LiFePO4_host.cif"))
    maker = HopnetPathsMaker(ion="Li", model=str(tiny_model_card))
    jobs = [maker.make(host), maker.make(host)]
    responses = jobflow.run_locally(jobflow.Flow(jobs), create_folders=False, ensure_success=True, log=False)
    docs = [responses[j.uuid][1].output for j in jobs]
    assert all(isinstance(d, HopnetPathsDocument) for d in docs)
    doc = docs[0]
    assert doc.formula == "LiFePO4" and doc.ion == "Li" and doc.model.startswith("tiny@")
    assert doc.percolation["1D"] is not None and doc.verdict in {"good", "poor", "uncertain"}
    assert min(h["length"] for h in doc.hops) == pytest.approx(2.985, abs=0.01)
    assert Structure.from_dict(doc.structure) == host
    assert docs[1].hops == doc.hops  # same host, same answer


def test_paths_maker_refuses_a_gpu_the_worker_lacks(tiny_model_card):
    import torch

    from hopnet.workflows.jobs import HopnetPathsMaker

    if torch.cuda.is_available():
        pytest.skip("this worker has a GPU")
    from hopnet.errors import HopnetInputError

    host = Structure.from_file(example_path("LiFePO4_host.cif"))
    maker = HopnetPathsMaker(ion="Li", model=str(tiny_model_card), device="cuda")
    with pytest.raises(HopnetInputError, match="cuda asked for"):
        maker.make.original(maker, host)  # the job's body, as a worker runs it
    with pytest.raises(ValueError, match="device must be one of cpu, cuda"):
        HopnetPathsMaker(device="gpu")
