
import numpy as np
import pytest

from hopnet.errors import HopnetInputError
from hopnet.flags import FlagKind
from hopnet.models.domain import EmbeddingDomain
from hopnet.predictor import load_model


def test_threshold_flags_about_the_chosen_share_and_far_points():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(400, 8))
    domain = EmbeddingDomain.fit(reference, k=5, quantile=0.95)
    fresh = rng.normal(size=(400, 8))  # new draws from the same distribution
    share = np.mean(domain.distance(fresh) > domain.threshold)
    assert 0.01 < share < 0.12
    assert np.all(domain.distance(fresh[:5] + 20.0) > domain.threshold)


def test_domain_file_round_trips_and_tampering_is_refused(tmp_path):
    card = tmp_path / "m.json"
    domain = EmbeddingDomain.fit(np.random.default_rng(1).normal(size=(50, 4)))
    entry = domain.save(card)
    again = EmbeddingDomain.load(card, entry)
    assert again.threshold == domain.threshold and np.array_equal(again.reference, domain.reference)
    path = tmp_path / entry.file
    path.write_bytes(path.read_bytes()[:-4] + b"\0\0\0\0")
    with pytest.raises(HopnetInputError, match="domain file"):
        EmbeddingDomain.load(card, entry)


def test_bands_beyond_the_threshold_are_flagged(tiny_model_card, test_entries, card_copy):
    bands = [e.band for e in test_entries[:4]]
    model = load_model(tiny_model_card)
    assert model.embedding_domain is not None
    strict = card_copy(lambda card: card["domain"]["embedding"].update(threshold=0.0))  # everything is now "far"
    flagged = load_model(strict).predict_bands(bands)
    assert all(any(f.kind is FlagKind.EMBEDDING for f in p.flags) for p in flagged)
    assert [p.em for p in flagged] == [p.em for p in model.predict_bands(bands)]  # the check never moves Em
