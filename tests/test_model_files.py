import json

import numpy as np
import pytest

from hopnet.errors import HopnetInputError
from hopnet.flags import FlagKind
from hopnet.models.card import read_card, write_card
from hopnet.predictor import load_model


def test_loaded_ensemble_predicts_with_spread(tiny_model_card, test_entries):
    model = load_model(tiny_model_card)
    preds = model.predict_bands([e.band for e in test_entries[:3]])
    assert len(model.members) == 2
    assert all(p.em_std is not None and p.em_std >= 0 for p in preds)
    again = load_model(tiny_model_card).predict_bands([e.band for e in test_entries[:3]])
    assert [p.em for p in preds] == [p.em for p in again]  # bit-identical across loads


def test_card_calibration_factor_scales_the_spread_only(tiny_model_card, test_entries, card_copy):
    bands = [e.band for e in test_entries[:3]]
    raw = load_model(tiny_model_card).predict_bands(bands)
    calibrated = load_model(card_copy(lambda card: card.update(uncertainty={"scale": 2.5}))).predict_bands(bands)
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
    with pytest.raises(HopnetInputError, match="not a hopnet model card"):
        load_model(tmp_path / "x.json")


def test_out_of_domain_inputs_are_flagged(tiny_model_card, test_entries):
    model = load_model(tiny_model_card)
    preds = model.predict_bands([e.band for e in test_entries])
    flagged = [p for p in preds if p.flags]
    assert flagged, "the tiny model saw 40 paths; some test elements must be new to it"
    assert any(f.kind is FlagKind.UNSEEN_ELEMENT for p in flagged for f in p.flags)
    assert np.all(np.isfinite([p.em for p in preds]))


def test_weights_of_another_architecture_are_refused(card_copy):
    wider = card_copy(lambda card: card["config"].update(hidden=24))
    with pytest.raises(HopnetInputError, match="do not fit the card's architecture"):
        load_model(wider)


@pytest.mark.parametrize("edit, problem", [
    (lambda card: card.update(architecture="hopnet-alignn/2"), "the card's network is hopnet-alignn/2"),
    (lambda card: card.update(graph_version=1), "on graph recipe 1"),
])
def test_a_card_of_another_network_or_graph_recipe_is_refused_on_load(card_copy, edit, problem):
    with pytest.raises(HopnetInputError, match=problem) as err:
        load_model(card_copy(edit))
    assert "\n" not in str(err.value)


def test_every_shipped_card_names_its_network_and_graph_recipe(repo):
    from hopnet.graphs.builder import GRAPH_VERSION
    from hopnet.models.alignn import ARCHITECTURE

    from hopnet.workflows.conductor import CARD

    for path in (repo / "src/hopnet/weights").glob("*.json"):
        if path.name == CARD:  # the conductor card is a fitted line, not a network (tests/test_conductor.py)
            continue
        card = json.loads(path.read_text())
        assert (card["architecture"], card["graph_version"]) == (ARCHITECTURE, GRAPH_VERSION), path.name


def test_card_format_version_is_checked_on_load(card_copy):
    future = card_copy(lambda card: card.update(format="hopnet-model/9"))
    with pytest.raises(HopnetInputError, match="format 'hopnet-model/9' is not one this hopnet reads"):
        load_model(future)


@pytest.mark.parametrize("edit, problem", [
    (lambda card: card.update(uncertainty={"scale": -1.0}), "uncertainty.scale"),
    (lambda card: card["members"][0].pop("sha256"), "members.0.sha256"),
    (lambda card: card.update(colour="blue"), "colour"),
    (lambda card: card["config"].update(input="endpoints"), "config.input"),  # a paper variant's card
])
def test_a_card_that_breaks_the_schema_is_one_line_naming_the_field(card_copy, edit, problem):
    with pytest.raises(HopnetInputError, match=problem) as err:
        load_model(card_copy(edit))
    assert "\n" not in str(err.value)


def test_the_card_writer_round_trips_and_refuses_invalid_values(tiny_model_card, tmp_path):
    card = read_card(tiny_model_card)
    write_card(tmp_path / "again.json", card)
    assert read_card(tmp_path / "again.json") == card
    assert card.updated(uncertainty={"scale": 2.0}).uncertainty.scale == 2.0
    with pytest.raises(ValueError):
        card.updated(uncertainty={"scale": 0.0})


def test_a_dilute_dopant_away_from_the_hop_is_a_note_not_out_of_domain(tiny_model_card, monkeypatch):
    """One unseen atom in a band of 200: beyond 3 Å of every image of the ion it is a dilute dopant (a note);
    on the hop's own cage it takes the band out of the domain."""
    from pymatgen.core import Lattice, Structure

    from hopnet.pathways.hops import enumerate_hops, hop_band

    model = load_model(tiny_model_card)
    monkeypatch.setattr(model, "_elements", {"Li", "F"})  # the model may be shared: restored after the test
    rocksalt = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    band = hop_band(rocksalt, "Li", enumerate_hops(rocksalt, "Li", 3.0)[0], "vacancy")
    fluorine = [i for i, site in enumerate(band.host) if site.specie.symbol == "F"]
    distance = band.host.lattice.get_all_distances(band.frac_images, band.host.frac_coords[fluorine]).min(axis=0)
    kinds = {}
    for name, i in (("far", fluorine[int(np.argmax(distance))]), ("near", fluorine[int(np.argmin(distance))])):
        doped = band.host.copy()
        doped.replace(i, "Cl")
        kinds[name] = {f.kind for f in model.domain_flags(type(band)(doped, "Li", band.frac_images))}
    assert kinds["far"] == {FlagKind.DILUTE_UNSEEN_ELEMENT}
    assert FlagKind.UNSEEN_ELEMENT in kinds["near"] and FlagKind.DILUTE_UNSEEN_ELEMENT not in kinds["near"]
