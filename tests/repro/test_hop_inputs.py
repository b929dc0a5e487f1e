import numpy as np
import pytest
import torch

from hopnet.graphs.builder import graph_from_band
from hopnet.training.config import TrainConfig
from hopnet.training.trainer import fit, predict_scaled
from hopnet_repro.hop_inputs import HopInputALIGNN, bvse_inputs, collate_hop_inputs


def test_bvse_inputs_are_scaled_on_the_training_paths_and_flag_a_missing_barrier():
    bvse = np.array([0.0, np.e - 1, np.nan, 100.0])
    x = bvse_inputs(bvse, train_idx=np.array([0, 1]))
    np.testing.assert_allclose(x[:2, 0], [-1.0, 1.0])  # log1p: 0 and 1, standardised on those two alone
    assert x[2].tolist() == [0.0, 1.0] and x[3, 1] == 0.0 and x[3, 0] > 1  # the test path is not clipped
    with pytest.raises(ValueError, match="two different"):
        bvse_inputs(bvse, train_idx=np.array([2, 3]))


def test_the_head_reads_the_hop_numbers(test_entries, tiny):
    torch.manual_seed(0)
    graphs = [graph_from_band(e.band, tiny.graph) for e in test_entries[:3]]
    model = HopInputALIGNN(tiny, 2).eval()
    torch.nn.init.zeros_(model.hop_linear.weight)  # the head alone must carry the numbers through
    low = model(collate_hop_inputs([(g, np.array([-1.0, 0.0])) for g in graphs]))
    high = model(collate_hop_inputs([(g, np.array([2.0, 0.0])) for g in graphs]))
    assert low.shape == (3,) and torch.all(low != high)


def test_a_network_with_the_barrier_as_input_learns_from_it(test_entries, tiny):
    """Four bands, each at twelve barrier values, the target a line in the barrier: the network must follow the
    input to barrier values it never trained on (the graph alone cannot tell them apart)."""
    graphs = [graph_from_band(e.band, tiny.graph) for e in test_entries[:4]]
    levels = bvse_inputs(np.linspace(0.1, 3.0, 12), np.arange(12))
    items = [(g, h) for h in levels for g in graphs]
    y = np.array([0.3 + 0.2 * h[0] for _, h in items])
    train = np.array([i for i in range(len(items)) if (i // len(graphs)) % 2 == 0])
    test = np.setdiff1d(np.arange(len(items)), train)
    cfg = TrainConfig(model=tiny, epochs=30, batch_size=8, val_fraction=0.0, seed=0)
    result = fit([items[i] for i in train], y[train], cfg, progress=False, build=lambda c: HopInputALIGNN(c, 2),
                 collate_fn=collate_hop_inputs)
    pred = result.scaler.unscale(predict_scaled(result.model, [items[i] for i in test], collate_fn=collate_hop_inputs))
    assert np.corrcoef(pred, y[test])[0, 1] > 0.9
