"""The real-electrolyte benchmark's scoring: fixed rules, tested on hand-made rows."""
import pytest

from real_electrolytes import DATA, auc, host_barrier, hosts, metrics, sigma


def test_a_conductivity_below_the_measurement_limit_counts_at_the_limit():
    assert sigma("<1E-10") == 1e-10 and sigma("3.2e-4") == pytest.approx(3.2e-4) and sigma("") is None


def test_the_host_barrier_is_the_widest_network_the_ion_has():
    assert host_barrier({"1D": 0.2, "2D": 0.3, "3D": 0.5}) == 0.5
    assert host_barrier({"1D": 0.2, "2D": None, "3D": None}) == 0.2 and host_barrier({}) is None


def test_auc_rewards_lower_barriers_for_fast_conductors_and_counts_ties_half():
    rows = [{"sigma": 1e-3, "score": 0.2, "ea": 0.25}, {"sigma": 1e-8, "score": 0.6, "ea": 0.6},
            {"sigma": 1e-5, "score": 0.1, "ea": None}]  # the middle conductor is neither fast nor slow
    assert auc(rows) == 1.0 and auc([{**r, "score": 0.3} for r in rows]) == 0.5
    m = metrics(rows, called_fast=[True, True, True])
    assert m["fast"] == 1 and m["slow"] == 1 and m["precision_fast"] == pytest.approx(1 / 3)
    assert m["mae_ea"] == pytest.approx((0.05 + 0.0) / 2)


def test_the_copied_set_holds_every_cif_it_lists():
    listed = hosts()
    assert len(listed) == 254 and all((DATA / h["cif"]).is_file() for h in listed)


def test_the_newest_fit_is_the_newest_release_not_another_runs_rows(tmp_path):
    """A fit on the student's rows (``conductor_fit-student4.json``) must not pass for the newest release's:
    the report's headline and the known classes read the newest one."""
    from hopnet_repro.results import newest_versioned

    for name in ("v0.9.3", "v0.10.0", "v0.9.12", "student4", "student"):
        (tmp_path / f"conductor_fit-{name}.json").write_text("{}")
    assert newest_versioned(tmp_path, "conductor_fit").name == "conductor_fit-v0.10.0.json"
