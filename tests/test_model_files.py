import json

import numpy as np
import pytest
from conftest import write_card_copy

from hopnet.errors import HopnetInputError
from hopnet.predictor import load_model


def test_loaded_ensemble_predicts_with_spread(tiny_model_card, test_entries):
    model = load_model(tiny_model_card)
    preds = model.predict_band([e.band for e in test_entries[:3]])
    assert len(model.members) == 2
    assert all(p.em_std is not None and p.em_std >= 0 for p in preds)
    again = load_model(tiny_model_card).predict_band([e.band for e in test_entries[:3]])
    assert [p.em for p in preds] == [p.em for p in again]  # bit-identical across loads


def test_card_calibration_factor_scales_the_spread_only(tiny_model_card, test_entries, tmp_path):
    bands = [e.band for e in test_entries[:3]]
    raw = load_model(tiny_model_card).predict_band(bands)
    card = json.loads(tiny_model_card.read_text())
    card["uncertainty"] = {"scale": 2.5}
    calibrated = load_model(write_card_copy(card, tiny_model_card, tmp_path / "calibrated.json")).predict_band(bands)
    assert [p.em for p in calibrated] == [p.em for p in raw]
    assert [p.em_std for p in calibrated] == pytest.approx([2.5 * p.em_std for p in raw])


def test_tampered_weights_are_refused(tiny_model_card, tmp_path):
    card = json.loads(tiny_model_card.read_text())
    for entry in card["members"]:
        (tmp_path / entry["file"]).write_bytes((tiny_model_card.parent / entry["file"]).read_bytes())
    (tmp_path / "m.json").write_text(json.dumps(card))
    weights = tmp_path / card["members"][0]["file"]
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(HopnetInputError, match="checksum mismatch"):
        load_model(tmp_path / "m.json")
    weights.write_bytes(bytes(data[:100]))
    with pytest.raises(HopnetInputError, match="checksum mismatch"):
        load_model(tmp_path / "m.json")


def test_not_a_card_is_refused(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]")
    with pytest.raises(HopnetInputError, match="not a hopnet-model"):
        load_model(tmp_path / "x.json")


def test_out_of_domain_inputs_are_flagged(tiny_model_card, test_entries):
    model = load_model(tiny_model_card)
    preds = model.predict_band([e.band for e in test_entries])
    flagged = [p for p in preds if p.domain_warnings]
    assert flagged, "the tiny model saw 40 paths; some test elements must be new to it"
    assert any("never seen" in w for p in flagged for w in p.domain_warnings)
    assert np.all(np.isfinite([p.em for p in preds]))


def test_weights_of_another_architecture_are_refused(tiny_model_card, tmp_path):
    card = json.loads(tiny_model_card.read_text())
    card["config"]["hidden"] = 24
    for entry in card["members"]:
        (tmp_path / entry["file"]).write_bytes((tiny_model_card.parent / entry["file"]).read_bytes())
    (tmp_path / "m.json").write_text(json.dumps(card))
    with pytest.raises(HopnetInputError, match="do not fit the card's architecture"):
        load_model(tmp_path / "m.json")
