import json

import numpy as np
import pytest
import torch

from hopnet.data.barriers import load_barriers, load_endpoints
from hopnet.graphs.builder import GraphConfig
from hopnet.models.config import ModelConfig
from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.models.io import Member, save_model
from hopnet.training.config import TrainConfig
from hopnet.training.datasets import band_graphs
from hopnet.training.trainer import fit

torch.set_num_threads(2)

TINY = ModelConfig(
    graph=GraphConfig(scope="local", local_radius=5.0, angle_neighbors=6),
    hidden=16, edge_rbf=16, angle_rbf=8, alignn_layers=1, gcn_layers=1,
)


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
def small_set(train_entries):
    """40 small training paths: enough to see learning, fast enough for CI."""
    entries = sorted(train_entries, key=lambda e: len(e.band.host))[:40]
    graphs = band_graphs(entries, TINY.graph)
    return entries, graphs, np.array([e.em for e in entries])


@pytest.fixture(scope="session")
def tiny_model_card(tmp_path_factory, small_set):
    """A tiny two-member ensemble written as a real model card."""
    entries, graphs, em = small_set
    members = []
    for seed in (0, 1):
        result = fit(graphs, em, TrainConfig(model=TINY, epochs=3, batch_size=8, seed=seed), progress=False)
        members.append(Member(result.model, result.scaler.mean, result.scaler.std))
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    domain = {"elements": sorted({str(el) for e in entries for el in e.band.to_structure().composition.elements}),
              "ions": sorted({e.ion for e in entries}), "hop_length": [1.0, 6.0]}
    domain["embedding"] = EmbeddingDomain.fit(embed(members[0].model, graphs)).save(path)
    save_model(path, members, {"name": "tiny", "domain": domain})
    return path


def write_card_copy(card: dict, source_card, path):
    """Write ``card`` to ``path`` with copies of the files it lists (weights, domain) from beside ``source_card``."""
    path.write_text(json.dumps(card))
    files = [m["file"] for m in card["members"]] + ([card["domain"]["embedding"]["file"]]
                                                    if "embedding" in card.get("domain", {}) else [])
    for name in files:
        (path.parent / name).write_bytes((source_card.parent / name).read_bytes())
    return path
