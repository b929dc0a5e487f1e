"""The paper's other model variants: their inputs, their merging rules, transfer and training."""
import numpy as np
import pytest
import torch

from hopnet.errors import HopnetInputError
from hopnet.models.alignn import ALIGNN
from hopnet.models.card import Member, save_model, transfer_encoder
from hopnet.training.trainer import fit, predict_scaled
from hopnet_repro.inputs import band_local_graphs, collate_inputs, endpoint_graphs, endpoints_from_band
from hopnet_repro.variants import (
    BandLocalALIGNN,
    EndpointALIGNN,
    VariantConfig,
    VariantTrainConfig,
    attention_pool,
    build_variant,
)

VARIANTS = ("add", "sub", "cc", "diff", "model4")


@pytest.fixture(scope="module")
def variant(tiny):
    """``variant(name)``: the tiny architecture as MODEL-1 (add/sub/cc), MODEL-2 (diff) or MODEL-4."""
    base = tiny.model_dump()

    def make(name: str) -> VariantConfig:
        if name == "model4":
            return VariantConfig.model_validate({**base, "input": "band+local", "pooling": "attention",
                                                 "graph": {**base["graph"], "scope": "full"}})
        return VariantConfig.model_validate({**base, "input": "endpoints", "combine": name})

    return make


def _pairs(entries, cfg):
    return [endpoint_graphs(*endpoints_from_band(e.band), cfg.graph) for e in entries]


def test_endpoints_cut_from_a_band_hold_the_ion_at_its_end_images(test_entries):
    band = test_entries[0].band
    initial, final = endpoints_from_band(band)
    assert len(initial) == len(final) == len(band.host) + 1
    np.testing.assert_allclose(initial.frac_coords[0], band.frac_images[0])
    np.testing.assert_allclose(final.frac_coords[0], band.frac_images[-1])
    np.testing.assert_allclose(initial.frac_coords[1:], final.frac_coords[1:])


def test_endpoint_graphs_share_their_atoms_and_flag_only_the_ion(test_entries, tiny):
    ini, fin = _pairs(test_entries[:1], tiny)[0]
    np.testing.assert_array_equal(ini.z, fin.z)
    assert ini.path_flag.sum() == fin.path_flag.sum() == 1 and ini.path_flag[0] == 1
    # The ion moved, so its bonds differ between the two graphs.
    assert not np.array_equal(np.sort(ini.length), np.sort(fin.length))


def test_endpoint_graphs_refuse_structures_of_different_atoms(endpoints, tiny):
    ini, fin, _ = next(iter(endpoints.values()))
    fin = fin.copy()
    fin.remove_sites([len(fin) - 1])
    with pytest.raises(HopnetInputError, match="same atoms"):
        endpoint_graphs(ini, fin, tiny.graph, source="x.cif")


def test_band_local_graph_is_a_subset_of_the_whole_band(test_entries, variant):
    whole, local = band_local_graphs(test_entries[0].band, variant("model4").graph)
    assert whole.num_atoms == len(test_entries[0].band.host) + 5
    assert 5 <= local.num_atoms < whole.num_atoms
    assert local.path_flag.sum() == whole.path_flag.sum() == 5


@torch.no_grad()
def test_merging_rules_behave_as_named_when_initial_and_final_swap(test_entries, variant, tiny):
    torch.manual_seed(0)
    pairs = _pairs(test_entries[:3], tiny)
    swapped = [(f, i) for i, f in pairs]
    pooled = {}
    for combine in ("add", "sub", "cc"):
        model = EndpointALIGNN(variant(combine)).eval()
        pooled[combine] = model.encode(collate_inputs(pairs)), model.encode(collate_inputs(swapped))
    np.testing.assert_allclose(pooled["add"][0], pooled["add"][1], atol=1e-5)
    np.testing.assert_allclose(pooled["sub"][0], -pooled["sub"][1], atol=1e-5)
    half = pooled["cc"][0].shape[1] // 2
    np.testing.assert_allclose(pooled["cc"][0][:, :half], pooled["cc"][1][:, half:], atol=1e-5)
    assert not torch.allclose(pooled["sub"][0], torch.zeros_like(pooled["sub"][0]))


@torch.no_grad()
def test_difference_branch_sees_the_move(test_entries, variant, tiny):
    torch.manual_seed(0)
    model = EndpointALIGNN(variant("diff")).eval()
    pairs = _pairs(test_entries[:2], tiny)
    standing_still = [(i, i) for i, _ in pairs]
    moved = model.encode(collate_inputs(pairs))
    still = model.encode(collate_inputs(standing_still))
    half = moved.shape[1] // 2
    np.testing.assert_allclose(moved[:, :half], still[:, :half], atol=1e-5)  # the initial-structure half
    assert not torch.allclose(moved[:, half:], still[:, half:], atol=1e-4)


@pytest.mark.parametrize("name", VARIANTS)
def test_every_variant_trains_every_parameter_and_batches_consistently(name, variant, test_entries):
    torch.manual_seed(0)
    cfg = variant(name)
    model = build_variant(cfg)
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
    constant = attention_pool(torch.ones(7, 3), torch.randn(7), index, 2)
    np.testing.assert_allclose(constant, torch.ones(2, 3), atol=1e-6)
    equal_logits = attention_pool(x, torch.zeros(7), index, 2)
    np.testing.assert_allclose(equal_logits, torch.stack([x[:3].mean(0), x[3:].mean(0)]), atol=1e-6)


def test_a_band_encoder_transfers_into_every_variant_and_leaves_new_parts_fresh(tmp_path, tiny, variant):
    torch.manual_seed(0)
    encoder = ALIGNN(tiny)
    card = tmp_path / "enc.json"
    save_model(card, [Member(encoder, 0.0, 1.0)], name="enc")
    for cfg in (variant("diff"), variant("model4")):
        model = build_variant(cfg)
        fresh_head = model.head[-1].weight.clone()
        assert transfer_encoder(model, card) == len(encoder.encoder_state())
        torch.testing.assert_close(model.atom_embed[0].weight, encoder.atom_embed[0].weight)
        torch.testing.assert_close(model.head[-1].weight, fresh_head)
    assert isinstance(build_variant(variant("model4")), BandLocalALIGNN)


def test_an_endpoint_model_fits_with_the_core_trainer(train_entries, variant):
    entries = train_entries[:24]
    cfg = VariantTrainConfig(model=variant("cc"), epochs=2, batch_size=8, val_fraction=0.0, threads=1)
    inputs = _pairs(entries, cfg.model)
    result = fit(inputs, np.array([e.em for e in entries]), cfg, progress=False, build=build_variant,
                 collate_fn=collate_inputs)
    assert np.all(np.isfinite(predict_scaled(result.model, inputs, collate_fn=collate_inputs)))
    assert [h["epoch"] for h in result.history] == [0, 1]


def test_a_variant_is_never_written_as_a_product_model_card(tmp_path, variant):
    with pytest.raises(TypeError, match="band ALIGNN, not EndpointALIGNN"):
        save_model(tmp_path / "cc.json", [Member(build_variant(variant("cc")), 0.0, 1.0)], name="cc")
    assert not (tmp_path / "cc.json").exists()
