"""The paper's other model variants: their inputs, their merging rules, transfer and training."""
import numpy as np
import pytest
import torch
from conftest import TINY

from hopnet.errors import HopnetInputError
from hopnet.graphs.batch import collate_inputs
from hopnet.graphs.inputs import band_local_graphs, endpoint_graphs, endpoints_from_band
from hopnet.models.alignn import ALIGNN, _attention
from hopnet.models.io import Member, save_model, transfer_encoder
from hopnet.models.variants import BandLocalALIGNN, EndpointALIGNN, build_model
from hopnet.predictor import BarrierModel
from hopnet.training.config import TrainConfig
from hopnet.training.trainer import fit, predict_scaled

ENDPOINTS = {c: TINY.model_copy(update={"input": "endpoints", "combine": c}) for c in ("add", "sub", "cc", "diff")}
MODEL4 = TINY.model_copy(update={"input": "band+local", "pooling": "attention",
                                 "graph": TINY.graph.model_copy(update={"scope": "full"})})


def _pairs(entries, cfg=TINY):
    return [endpoint_graphs(*endpoints_from_band(e.band), cfg.graph) for e in entries]


def test_endpoints_cut_from_a_band_hold_the_ion_at_its_end_images(test_entries):
    band = test_entries[0].band
    initial, final = endpoints_from_band(band)
    assert len(initial) == len(final) == len(band.host) + 1
    np.testing.assert_allclose(initial.frac_coords[0], band.frac_images[0])
    np.testing.assert_allclose(final.frac_coords[0], band.frac_images[-1])
    np.testing.assert_allclose(initial.frac_coords[1:], final.frac_coords[1:])


def test_endpoint_graphs_share_their_atoms_and_flag_only_the_ion(test_entries):
    ini, fin = _pairs(test_entries[:1])[0]
    np.testing.assert_array_equal(ini.z, fin.z)
    assert ini.path_flag.sum() == fin.path_flag.sum() == 1 and ini.path_flag[0] == 1
    # The ion moved, so its bonds differ between the two graphs.
    assert not np.array_equal(np.sort(ini.length), np.sort(fin.length))


def test_endpoint_graphs_refuse_structures_of_different_atoms(endpoints):
    ini, fin, _ = next(iter(endpoints.values()))
    fin = fin.copy()
    fin.remove_sites([len(fin) - 1])
    with pytest.raises(HopnetInputError, match="same atoms"):
        endpoint_graphs(ini, fin, TINY.graph, source="x.cif")


def test_band_local_graph_is_a_subset_of_the_whole_band(test_entries):
    whole, local = band_local_graphs(test_entries[0].band, MODEL4.graph)
    assert whole.num_atoms == len(test_entries[0].band.host) + 5
    assert 5 <= local.num_atoms < whole.num_atoms
    assert local.path_flag.sum() == whole.path_flag.sum() == 5


@torch.no_grad()
def test_merging_rules_behave_as_named_when_initial_and_final_swap(test_entries):
    torch.manual_seed(0)
    pairs = _pairs(test_entries[:3])
    swapped = [(f, i) for i, f in pairs]
    pooled = {}
    for combine in ("add", "sub", "cc"):
        model = EndpointALIGNN(ENDPOINTS[combine]).eval()
        pooled[combine] = model.encode(collate_inputs(pairs)), model.encode(collate_inputs(swapped))
    np.testing.assert_allclose(pooled["add"][0], pooled["add"][1], atol=1e-5)
    np.testing.assert_allclose(pooled["sub"][0], -pooled["sub"][1], atol=1e-5)
    half = pooled["cc"][0].shape[1] // 2
    np.testing.assert_allclose(pooled["cc"][0][:, :half], pooled["cc"][1][:, half:], atol=1e-5)
    assert not torch.allclose(pooled["sub"][0], torch.zeros_like(pooled["sub"][0]))


@torch.no_grad()
def test_difference_branch_sees_the_move(test_entries):
    torch.manual_seed(0)
    model = EndpointALIGNN(ENDPOINTS["diff"]).eval()
    pairs = _pairs(test_entries[:2])
    standing_still = [(i, i) for i, _ in pairs]
    moved = model.encode(collate_inputs(pairs))
    still = model.encode(collate_inputs(standing_still))
    half = moved.shape[1] // 2
    np.testing.assert_allclose(moved[:, :half], still[:, :half], atol=1e-5)  # the initial-structure half
    assert not torch.allclose(moved[:, half:], still[:, half:], atol=1e-4)


@pytest.mark.parametrize("cfg", [*ENDPOINTS.values(), MODEL4], ids=[*ENDPOINTS, "model4"])
def test_every_variant_trains_every_parameter_and_batches_consistently(cfg, test_entries):
    torch.manual_seed(0)
    model = build_model(cfg)
    entries = test_entries[:3]
    inputs = _pairs(entries, cfg) if cfg.input == "endpoints" else [band_local_graphs(e.band, cfg.graph) for e in entries]
    model(collate_inputs(inputs)).sum().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None or not torch.any(p.grad != 0)]
    model.eval()
    with torch.no_grad():
        together = model(collate_inputs(inputs)).numpy()
        alone = np.array([model(collate_inputs([x])).item() for x in inputs])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-5)


def test_attention_pooling_is_a_weighted_mean_per_graph():
    torch.manual_seed(0)
    x = torch.randn(7, 3)
    index = torch.tensor([0, 0, 0, 1, 1, 1, 1])
    constant = _attention(torch.ones(7, 3), torch.randn(7), index, 2)
    np.testing.assert_allclose(constant, torch.ones(2, 3), atol=1e-6)
    equal_logits = _attention(x, torch.zeros(7), index, 2)
    np.testing.assert_allclose(equal_logits, torch.stack([x[:3].mean(0), x[3:].mean(0)]), atol=1e-6)


def test_a_band_encoder_transfers_into_every_variant_and_leaves_new_parts_fresh(tmp_path):
    torch.manual_seed(0)
    encoder = ALIGNN(TINY)
    card = tmp_path / "enc.json"
    save_model(card, [Member(encoder, 0.0, 1.0)], {"name": "enc"})
    for cfg in (ENDPOINTS["diff"], MODEL4):
        model = build_model(cfg)
        fresh_head = model.head[-1].weight.clone()
        assert transfer_encoder(model, card) == len(encoder.encoder_state())
        torch.testing.assert_close(model.atom_embed[0].weight, encoder.atom_embed[0].weight)
        torch.testing.assert_close(model.head[-1].weight, fresh_head)
    assert isinstance(build_model(MODEL4), BandLocalALIGNN)


def test_an_endpoint_model_fits_and_the_predictor_refuses_it(tmp_path, train_entries):
    entries = train_entries[:24]
    cfg = TrainConfig(model=ENDPOINTS["cc"], epochs=2, batch_size=8, val_fraction=0.0, threads=2)
    inputs = _pairs(entries)
    result = fit(inputs, np.array([e.em for e in entries]), cfg, progress=False)
    assert np.all(np.isfinite(predict_scaled(result.model, inputs)))
    card = tmp_path / "cc.json"
    save_model(card, [Member(result.model, result.scaler.mean, result.scaler.std)], {"name": "cc"})
    with pytest.raises(HopnetInputError, match="endpoints"):
        BarrierModel.from_file(card)
