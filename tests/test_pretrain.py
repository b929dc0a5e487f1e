import lzma

import numpy as np
import pytest
import torch

import hopnet.data.pretraining as pretraining_data
from hopnet.data.pretraining import PROPERTIES, load_pretraining
from hopnet.errors import HopnetInputError
from hopnet.models.alignn import ALIGNN
from hopnet.models.card import load_model_files, read_card, transfer_encoder
from hopnet.training.pretrain import PretrainConfig, epoch_draws, masked_l1, pretrain


@pytest.fixture(scope="module")
def cfg(tiny):
    """The tiny architecture over whole cells, seven outputs, on the first 120 structures."""
    model = tiny.model_copy(update={"graph": tiny.graph.model_copy(update={"scope": "full"}),
                                    "readout": "mean", "outputs": len(PROPERTIES)})
    return PretrainConfig(model=model, epochs=3, batch_size=16, threads=1, limit=120)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("HOPNET_CACHE", str(tmp_path_factory.getbasetemp() / "graph-cache"))


@pytest.mark.slow  # parses all 27,610 structures
def test_shipped_pretraining_set_has_every_property_and_a_fixed_split():
    entries = load_pretraining()
    labels = np.stack([e.targets for e in entries])
    counts = dict(zip(PROPERTIES, (~np.isnan(labels)).sum(axis=0)))
    assert sum(counts.values()) == 30_530 and counts["bg"] == 9_395 and counts["pz"] == 940
    assert np.nanmin(labels) >= -1 and np.nanmax(labels) <= 1
    val = np.array([e.is_val for e in entries])
    assert 0.08 < val.mean() < 0.12
    assert [e.is_val for e in load_pretraining(limit=50)] == val[:50].tolist()


def test_a_few_rows_decompress_a_small_part_of_the_archive(monkeypatch):
    read = []
    opened = lzma.open

    def counting_open(*args, **kwargs):
        fh = opened(*args, **kwargs)
        original = fh.read
        fh.read = lambda size=-1: read.append(len(chunk := original(size))) or chunk
        return fh

    monkeypatch.setattr(pretraining_data.lzma, "open", counting_open)
    entries = load_pretraining(limit=120)
    assert len(entries) == 120 and len({e.structure.composition.formula for e in entries}) > 50
    assert sum(read) < 3_000_000  # of 27 MB of JSON text in the whole archive


def test_masked_l1_ignores_missing_labels():
    pred = torch.tensor([[1.0, 5.0], [0.0, 2.0]])
    target = torch.tensor([[0.0, float("nan")], [float("nan"), 1.0]])
    assert masked_l1(pred, target).item() == pytest.approx(1.0)


def test_epoch_draws_balance_properties():
    labelled = np.zeros((1100, 2), bool)
    labelled[:1000, 0] = True  # big property
    labelled[1000:, 1] = True  # small property: 10x fewer labels
    draws = epoch_draws(labelled, power=0.5, rng=np.random.default_rng(0))
    assert len(draws) == 1100
    small_share = np.mean(draws >= 1000)
    assert small_share == pytest.approx(np.sqrt(100) / (np.sqrt(100) + np.sqrt(1000)), abs=0.01)


def test_pretraining_learns_writes_a_card_and_resumes_exactly(tmp_path, cfg, tiny, interrupt_after):
    reference = pretrain(cfg, tmp_path / "ref" / "enc.json", progress=False)
    training = read_card(reference).training
    assert training.history[-1]["train_l1"] < training.history[0]["train_l1"]
    assert set(training.val_mae) <= set(PROPERTIES) and training.val_mae

    with pytest.raises(interrupt_after(0)):
        pretrain(cfg, tmp_path / "run" / "enc.json", progress=False)
    resumed = pretrain(cfg, tmp_path / "run" / "enc.json", progress=False)
    a, _ = load_model_files(reference)
    b, _ = load_model_files(resumed)
    for (k, v), w in zip(a[0].model.state_dict().items(), b[0].model.state_dict().values()):
        torch.testing.assert_close(v, w, rtol=0, atol=1e-6, msg=k)

    # Transfer: the band model starts from the encoder, with a fresh head.
    band = ALIGNN(tiny)
    head_before = band.head[1].weight.clone()
    transfer_encoder(band, reference)
    torch.testing.assert_close(band.atom_embed[0].weight, a[0].model.atom_embed[0].weight)
    torch.testing.assert_close(band.head[1].weight, head_before)
    with pytest.raises(HopnetInputError, match="width or depth"):
        transfer_encoder(ALIGNN(tiny.model_copy(update={"hidden": 24})), reference)
    # Another scope (the whole cell vs the atoms near the path) is fine; another cut-off is not.
    wider = tiny.graph.model_copy(update={"cutoff": tiny.graph.cutoff + 1.0})
    with pytest.raises(HopnetInputError, match="the encoder read graphs with cutoff"):
        transfer_encoder(ALIGNN(tiny.model_copy(update={"graph": wider})), reference)


@pytest.mark.slow  # three subprocesses
def test_pretraining_killed_with_sigkill_resumes_to_the_same_encoder(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    config = tmp_path / "tiny.toml"
    config.write_text(
        "epochs = 4\nbatch_size = 16\nthreads = 1\nlimit = 120\n"
        "[model]\nhidden = 16\nedge_rbf = 16\nangle_rbf = 8\nalignn_layers = 1\ngcn_layers = 1\n"
        'readout = "mean"\noutputs = 7\n[model.graph]\nscope = "full"\nangle_neighbors = 6\n'
    )
    env = {**os.environ, "HOPNET_CACHE": str(tmp_path / "cache")}

    def run(out):
        return [sys.executable, "-m", "hopnet.cli.main", "pretrain", str(config), "--out", str(out)]

    assert subprocess.run(run(tmp_path / "ref" / "enc.json"), env=env, capture_output=True).returncode == 0
    killed = tmp_path / "killed" / "enc.json"
    proc = subprocess.Popen(run(killed), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = killed.parent / "checkpoints" / "enc" / "checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline and not marker.exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert marker.exists() and not killed.exists(), "the kill should land after a checkpoint, before the end"
    assert subprocess.run(run(killed), env=env, capture_output=True).returncode == 0
    a, _ = load_model_files(tmp_path / "ref" / "enc.json")
    b, _ = load_model_files(killed)
    for (k, v), w in zip(a[0].model.state_dict().items(), b[0].model.state_dict().values()):
        torch.testing.assert_close(v, w, rtol=0, atol=1e-6, msg=k)
