"""Shared fixtures: the shipped data, a tiny model config and a tiny trained ensemble written as a real card.

Helpers are fixtures (not imports from this file), so every test module is
importable on its own, from any working directory.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from hopnet.data.barriers import load_barriers, load_endpoints
from hopnet.graphs.builder import GraphConfig
from hopnet.models.card import Member, save_model
from hopnet.models.config import ModelConfig
from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.threads import use_threads
from hopnet.training.config import TrainConfig
from hopnet.training.datasets import band_graphs
from hopnet.training.run import training_domain
from hopnet.training.trainer import fit

use_threads(1)  # one thread per process (two measured 3-20x slower under load)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root, so no test depends on the working directory."""
    return REPO


@pytest.fixture(scope="session")
def tiny() -> ModelConfig:
    """A small ALIGNN: fast enough to train in a test, same code paths as the shipped model."""
    return ModelConfig(graph=GraphConfig(scope="local", local_radius=5.0, angle_neighbors=6),
                       hidden=16, edge_rbf=16, angle_rbf=8, alignn_layers=1, gcn_layers=1)


@pytest.fixture(scope="session")
def train_entries():
    return load_barriers("train")


@pytest.fixture(scope="session")
def test_entries():
    return load_barriers("test")


@pytest.fixture(scope="session")
def endpoints():
    return {name: (ini, fin, em) for name, ini, fin, em in load_endpoints()}


@pytest.fixture(scope="session")
def small_set(train_entries, tiny):
    """40 small training paths: enough to see learning, fast enough for CI."""
    entries = sorted(train_entries, key=lambda e: len(e.band.host))[:40]
    graphs = band_graphs(entries, tiny.graph)
    return entries, graphs, np.array([e.em for e in entries])


@pytest.fixture(scope="session")
def tiny_model_card(tmp_path_factory, small_set, tiny):
    """A tiny two-member ensemble written as a real model card."""
    entries, graphs, em = small_set
    members = []
    for seed in (0, 1):
        result = fit(graphs, em, TrainConfig(model=tiny, epochs=3, batch_size=8, seed=seed, threads=1),
                     progress=False)
        members.append(Member(result.model, result.scaler.mean, result.scaler.std))
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    embedding = EmbeddingDomain.fit(embed(members[0].model, graphs)).save(path)
    domain = training_domain(entries, embedding).model_copy(update={"hop_length": (1.0, 6.0)})
    save_model(path, members, name="tiny", domain=domain)
    return path


@pytest.fixture()
def card_copy(tiny_model_card, tmp_path):
    """``card_copy(edit)``: the tiny card with ``edit(card_dict)`` applied, written beside copies of its files."""

    def make(edit, name: str = "edited.json") -> Path:
        card = json.loads(tiny_model_card.read_text())
        edit(card)
        path = tmp_path / name
        path.write_text(json.dumps(card))
        files = [m["file"] for m in card["members"]] + [card["domain"]["embedding"]["file"]]
        for file in files:
            (tmp_path / file).write_bytes((tiny_model_card.parent / file).read_bytes())
        return path

    return make


@pytest.fixture()
def interrupt_after(monkeypatch):
    """``Stop = interrupt_after(epoch)``: the next training run dies right after writing the
    checkpoint of ``epoch``, as a kill would; it raises ``Stop``, and later runs go on normally."""
    import hopnet.training.loop as loop

    original = loop.save_checkpoint

    class Stop(Exception):
        pass

    def arm(epoch: int) -> type[Exception]:
        def save_then_stop(directory, model, best, optimizer, meta):
            original(directory, model, best, optimizer, meta)
            if meta["epoch"] == epoch:
                monkeypatch.setattr(loop, "save_checkpoint", original)
                raise Stop

        monkeypatch.setattr(loop, "save_checkpoint", save_then_stop)
        return Stop

    return arm


@pytest.fixture(scope="session")
def hop_result():
    """A factory of one priced hop (``HopResult``): Em and spread given, the rest a plain 3 Å Li1-Li1 hop."""
    from hopnet.workflows.report import HopResult

    def make(em: float, std: float | None, **fields):
        values = dict(hop=0, start_site=0, end_site=1, start_label="Li1", end_label="Li1", start_wyckoff="4a",
                      end_wyckoff="4a", image=(0, 0, 0), length=3.0, multiplicity=2, supercell_atoms=80, em=em,
                      em_std=std, good_conductor=em < 0.65, bvse_barrier=1.0)
        return HopResult(**{**values, **fields})

    return make
