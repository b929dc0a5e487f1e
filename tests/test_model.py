import numpy as np
import pytest
import torch

from hopnet.graphs.batch import collate
from hopnet.graphs.builder import graph_from_band
from hopnet.models.alignn import ALIGNN
from hopnet.models.config import ModelConfig
from hopnet.pathways.band import Band


def _predict(model, bands):
    with torch.no_grad():
        return model(collate([graph_from_band(b, model.cfg.graph) for b in bands])).numpy()


def test_batched_equals_one_by_one(test_entries, tiny):
    torch.manual_seed(0)
    model = ALIGNN(tiny).eval()
    bands = [e.band for e in test_entries[:4]]
    together = _predict(model, bands)
    alone = np.array([_predict(model, [b])[0] for b in bands])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)


def test_prediction_is_invariant_to_host_atom_order(test_entries, tiny):
    torch.manual_seed(0)
    model = ALIGNN(tiny).eval()
    band = test_entries[0].band
    perm = np.random.default_rng(1).permutation(len(band.host))
    shuffled = Band(band.host.copy().__class__.from_sites([band.host[i] for i in perm]), band.ion, band.frac_images)
    assert abs(_predict(model, [band])[0] - _predict(model, [shuffled])[0]) < 1e-5


def test_path_flag_and_readout_change_the_input():
    assert ALIGNN(ModelConfig(path_flag=True)).atom_embed[0].in_features == \
        ALIGNN(ModelConfig(path_flag=False)).atom_embed[0].in_features + 1
    assert ALIGNN(ModelConfig(readout="mean+path")).head[0][0].in_features == 2 * ModelConfig().hidden


def test_ionic_inputs_widen_the_atoms_and_order_the_ions_physically():
    from hopnet.data.elements import build_ionic_table, ionic_table

    assert ALIGNN(ModelConfig(ionic_inputs=True)).atom_embed[0].in_features == \
        ALIGNN(ModelConfig()).atom_embed[0].in_features + ionic_table().shape[1]
    names, built = build_ionic_table()
    np.testing.assert_allclose(ionic_table(), built, atol=1e-4)  # the shipped file is what the builder makes
    col = dict(zip(names, ionic_table().T))
    li, na, k, mg, ca, zn = 3, 11, 19, 12, 20, 30
    assert col["crystal_radius"][li] < col["crystal_radius"][na] < col["crystal_radius"][k]
    assert col["charge"][mg] == col["charge"][ca] == col["charge"][zn] > col["charge"][li] == col["charge"][k]
    assert col["bv_r_min_O"][li] < col["bv_r_min_O"][na] < col["bv_r_min_O"][k]  # bigger ions bind oxygen further out


def test_framework_elements_get_the_charge_they_carry_in_a_host():
    from pymatgen.core.periodic_table import Element

    from hopnet.chemistry.charges import crystal_radius, host_charge

    charges = {s: host_charge(Element(s)) for s in ("S", "Se", "Cl", "N", "O", "P", "Si", "Mn", "Co", "Ni", "Li", "Zn")}
    assert charges == {"S": -2, "Se": -2, "Cl": -1, "N": -3, "O": -2, "P": 5, "Si": 4, "Mn": 4, "Co": 3, "Ni": 2,
                       "Li": 1, "Zn": 2}
    assert all(crystal_radius(Element(s), q) for s, q in charges.items())  # every one has a Shannon size
    assert crystal_radius(Element("H"), 1) is None


def test_the_anion_electronegativity_weighs_the_anions_by_amount_and_skips_polyanion_centres():
    from pymatgen.core import Composition

    from hopnet.chemistry.charges import anion_electronegativity

    assert anion_electronegativity(Composition("Li3PO4")) == pytest.approx(3.44)  # P is a cation here
    assert anion_electronegativity(Composition("Li2SO4")) == pytest.approx(3.44)  # and so is S here
    assert anion_electronegativity(Composition("Li6PS5Cl")) == pytest.approx((5 * 2.58 + 3.16) / 6)
    assert anion_electronegativity(Composition("LiBH4")) == pytest.approx(2.20)  # H-
    assert anion_electronegativity(Composition("LiAl")) is None


def test_gradients_reach_every_parameter(test_entries, tiny):
    model = ALIGNN(tiny)
    out = model(collate([graph_from_band(e.band, tiny.graph) for e in test_entries[:2]]))
    out.sum().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not torch.any(p.grad != 0)]
    assert not missing


@pytest.mark.slow  # compiling takes tens of seconds
def test_a_compiled_model_predicts_what_the_eager_one_does(test_entries, tiny_model_card):
    from hopnet.predictor import load_model

    bands = [e.band for e in test_entries[:40]]
    eager = load_model(tiny_model_card).predict_bands(bands, batch_size=16)
    compiled = load_model(tiny_model_card, compiled=True).predict_bands(bands, batch_size=16)  # 3 batch shapes
    assert max(abs(a.em - b.em) for a, b in zip(eager, compiled)) <= 1e-5


def test_a_compilation_that_fails_falls_back_to_the_uncompiled_networks_and_says_so(test_entries, tiny_model_card,
                                                                                      monkeypatch, capsys):
    """A laptop without a C++ compiler: torch.compile fails on the first batch; the screen goes on uncompiled."""
    from hopnet.predictor import load_model

    def no_compiler(fn, **_):
        def fails(*args, **kwargs):
            raise RuntimeError("InvalidCxxCompiler: No working C++ compiler found\nmore detail")
        return fails

    monkeypatch.setattr(torch, "compile", no_compiler)
    bands = [e.band for e in test_entries[:5]]
    model = load_model(tiny_model_card, compiled=True)
    got = model.predict_bands(bands)
    assert [p.em for p in got] == [p.em for p in load_model(tiny_model_card).predict_bands(bands)]
    assert not model.compiled
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "torch.compile failed (InvalidCxxCompiler: No working C++ compiler found)" in err


def test_the_device_is_where_the_networks_run(test_entries, tiny_model_card):
    from hopnet.errors import HopnetInputError
    from hopnet.predictor import load_model

    bands = [e.band for e in test_entries[:3]]
    cpu = load_model(tiny_model_card, device="cpu")
    assert all(p.device.type == "cpu" for m in cpu.members for p in m.model.parameters())
    assert [p.em for p in cpu.predict_bands(bands)] == [p.em for p in load_model(tiny_model_card).predict_bands(bands)]
    if not torch.cuda.is_available():  # no silent fall-back: the user asked for a GPU
        with pytest.raises(HopnetInputError, match="no CUDA GPU"):
            load_model(tiny_model_card, device="cuda")
    else:
        gpu = load_model(tiny_model_card, device="cuda").predict_bands(bands)
        assert max(abs(a.em - b.em) for a, b in zip(gpu, cpu.predict_bands(bands))) <= 1e-4


def test_one_network_of_em_alone_gives_no_spread(tiny_model_card, test_entries):
    """A one-network model has no members to disagree: its em_std is None, not a made-up number."""
    from hopnet.models.card import load_model_files
    from hopnet.predictor import BarrierModel

    members, card = load_model_files(tiny_model_card)
    single = BarrierModel(members[:1], card)
    answers = single.predict_bands([e.band for e in test_entries[:3]])
    assert all(a.em_std is None and np.isfinite(a.em) for a in answers)
