import numpy as np

from hopnet_repro.cv import group_kfold, ion_folds


def test_group_kfold_never_splits_a_group():
    groups = np.repeat(np.arange(30), np.random.default_rng(0).integers(1, 5, 30))
    folds = group_kfold(groups, 5, seed=0)
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(groups)))
    owners = [{int(g) for g in groups[f]} for f in folds]
    assert all(not (a & b) for i, a in enumerate(owners) for b in owners[i + 1 :])
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 4


def test_ion_folds_hold_out_one_ion_each_and_train_on_rare_ions():
    ions = np.array(["Li", "Na", "Mg", "Ca", "K", "Li"])
    folds = ion_folds(ions)
    assert [sorted(set(ions[f])) for f in folds] == [["Li"], ["Na"], ["Mg"], ["Ca"]]
    assert 4 not in np.concatenate(folds)  # K, too rare to hold out, is always trained on
