import numpy as np
import pytest

from hopnet_repro.protocol import MIN_ION_PATHS, mean_spearman, pair_order, scheme_folds, score


@pytest.fixture
def toy():
    rng = np.random.default_rng(1)
    hosts = np.repeat(np.arange(40), rng.integers(1, 4, 40))
    n = len(hosts)
    families = np.array([f"fam{h % 7}" for h in hosts])
    ions = np.where(np.arange(n) % 5 == 0, "K", "Li")
    ions[: MIN_ION_PATHS - 1] = "Na"  # one short of being held out
    y = rng.uniform(0.1, 1.5, n)
    return hosts, families, ions, y


def test_folds_keep_every_group_whole_and_rare_ions_in_training(toy):
    hosts, families, ions, _ = toy
    for scheme, groups in (("host", hosts), ("family", families)):
        folds = scheme_folds(scheme, hosts, families, ions)
        assert sorted(np.concatenate(folds).tolist()) == list(range(len(hosts)))
        owners = [set(groups[f]) for f in folds]
        assert all(not (a & b) for i, a in enumerate(owners) for b in owners[i + 1:])
    ion_held = [set(ions[f]) for f in scheme_folds("ion", hosts, families, ions)]
    assert {"Na"} not in ion_held and {"Li"} in ion_held
    assert scheme_folds("host", hosts, families, ions)[0].tolist() == \
        scheme_folds("host", hosts, families, ions)[0].tolist()  # fixed folds, whatever the model


def test_pair_order_and_spearman_count_only_pairs_within_a_host():
    y = np.array([0.1, 0.5, 0.9, 0.3, 0.3])
    hosts = np.array([0, 0, 0, 1, 1])
    assert pair_order(y, y, hosts) == (1.0, 3)  # host 1's two paths tie in DFT: not a pair
    assert pair_order(y, -y, hosts) == (0.0, 3)
    assert pair_order(y, np.zeros(5), hosts) == (0.5, 3)  # a constant guess: a coin
    assert mean_spearman(y, y, hosts) == (1.0, 1)


def test_score_intervals_bracket_the_point_value_and_skip_paths_never_held_out(toy):
    hosts, _, ions, y = toy
    pred = y + np.random.default_rng(2).normal(0, 0.2, len(y))
    pred[:3] = np.nan
    out = score("host", y, pred, hosts, ions)
    assert out["n"] == len(y) - 3
    mae = out["overall"]["mae"]
    assert mae["ci95"][0] <= mae["value"] <= mae["ci95"][1] and mae["ci95"][1] - mae["ci95"][0] > 0.01
    assert abs(mae["value"] - np.mean(np.abs(pred[3:] - y[3:]))) < 1e-12
    assert 0.5 < out["within_host"]["pair_order"]["value"] <= 1.0
    by_ion = score("ion", y, pred, hosts, ions)["per_ion"]
    assert set(by_ion) == set(ions[3:]) and sum(v["n"] for v in by_ion.values()) == len(y) - 3


def test_the_delta_baseline_line_is_fitted_on_training_folds_only():
    from protocol import linear_model

    x = np.array([0.0, 1.0, 2.0, np.nan, 3.0, 10.0])
    y = np.array([0.1, 0.3, 0.5, 0.9, 0.7, 99.0])  # the last path is held out: its outlier must not bend the line
    pred = linear_model(y, x)(np.arange(5), np.array([3, 5]))
    assert pred[0] == pytest.approx(np.median(y[:5]))  # no physics label: the training folds' median
    assert pred[1] == pytest.approx(0.1 + 0.2 * 10.0)


def test_delta_learning_trains_on_the_residual_and_adds_the_line_back():
    from protocol import linear_model, on_residual

    x = np.arange(6, dtype=float)
    y = 0.2 + 0.1 * x + np.array([0.0, 0.05, -0.05, 0.0, 0.3, -0.3])
    seen = {}

    def mean_learner(train_idx, target, test_idx, tag):  # predicts the mean residual it was trained on
        seen["target"] = target
        return np.full(len(test_idx), target.mean())

    train, test = np.arange(4), np.array([4, 5])
    pred = on_residual(linear_model(y, x), y, mean_learner)(train, test, "fold")
    line = linear_model(y, x)(train, test)
    assert np.allclose(seen["target"], y[train] - linear_model(y, x)(train, train))  # residuals of training paths
    assert abs(seen["target"].mean()) < 1e-9 and np.allclose(pred, line)  # a zero correction leaves the line
