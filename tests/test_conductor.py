"""The room-temperature answer: inputs, the card, the class and its reason, and the conductivity."""
import math

import pytest

from hopnet.flags import Flag, FlagKind
from hopnet.vocabulary import ROOM_TEMPERATURE
from hopnet.workflows.conductor import (
    ConductorCard,
    ConductorInputs,
    IntervalCard,
    SigmaCard,
    arrhenius_slope,
    conductor_answer,
    reads_dimension,
    shipped_card,
)


def card(**changes) -> ConductorCard:
    """A card whose P(fast) falls with the barrier and with a full sublattice, and whose Ea rises with both."""
    fields = dict(name="test", version="0", source="test", ion="Li", features=["em", "bvse", "full", "full_gap"],
                  mean=[0.4, 1.0, 0.5, 0.2], std=[0.2, 0.5, 0.5, 0.3], ea_intercept=0.4,
                  ea_coef=[0.1, 0.0, 0.1, 0.05], interval=interval(), fast_intercept=0.0,
                  fast_coef=[-2.0, -0.5, -2.0, -0.5], fast_above=2 / 3, slow_below=1 / 3, fast_sigma=1e-4,
                  slow_sigma=1e-6, cv={})
    return ConductorCard(**{**fields, **changes})


def interval(**changes) -> IntervalCard:
    """Half-width 0.1 eV for an in-domain hop without spread."""
    return IntervalCard(**{**dict(coverage=0.8, quantile=1.0, base=0.1, spread_weight=1.0, out_of_domain_factor=2.0,
                                  coverage_nested={}), **changes})


def inputs(em=0.2, bvse=0.5, full=False, gap=None, **more) -> ConductorInputs:
    return ConductorInputs(dimension=None if em is None else "3D", em=em, bvse=bvse, full=full, gap=gap, **more)


def test_the_answer_reads_the_widest_network():
    assert reads_dimension({"1D": 0.2, "2D": 0.3, "3D": 0.5}) == "3D"
    assert reads_dimension({"1D": 0.2, "2D": 0.3, "3D": None}) == "2D"
    assert reads_dimension({"1D": None, "2D": None, "3D": None}) is None


def test_a_low_barrier_with_carriers_is_fast_and_the_same_barrier_full_is_not():
    partial = conductor_answer(inputs(em=0.2, bvse=0.5, full=False, gap=None), "Li", card())
    full = conductor_answer(inputs(em=0.2, bvse=0.5, full=True, gap=0.8), "Li", card())
    assert partial.conductor == "fast" and "partially occupied" in partial.reason and "1e-04 S/cm" in partial.reason
    assert full.conductor != "fast" and full.p_fast < partial.p_fast and full.ea > partial.ea
    assert "carriers must be made" in full.reason
    low, high = partial.ea_interval
    assert high - low == pytest.approx(0.2) and low < partial.ea < high


def test_a_high_barrier_is_slow_and_no_network_is_slow_with_that_reason():
    assert conductor_answer(inputs(em=1.2, bvse=3.0, full=True, gap=1.0), "Li", card()).conductor == "slow"
    none = conductor_answer(inputs(em=None, bvse=None, full=True, gap=None), "Li", card())
    assert none.conductor == "slow" and none.reason == "the open hops form no network" and none.ea is None


def test_a_missing_input_takes_the_cards_mean():
    given = inputs(em=0.3, bvse=None, full=True, gap=None)
    assert given.vector(card()) == [0.3, 1.0, 1.0, 0.2]
    assert inputs(em=0.3, bvse=None, full=False, gap=None).vector(card())[3] == 0.0  # no carrier to make


def test_disordered_positions_and_a_soft_anion_framework_raise_p_fast_and_are_named():
    fitted = card(features=["em", "occupancy", "anion_x"], mean=[0.4, 0.8, 3.2], std=[0.2, 0.2, 0.3],
                  ea_coef=[0.1, 0.05, 0.05], fast_coef=[-2.0, -1.0, -1.0])
    sulfide = conductor_answer(inputs(em=0.3, bvse=None, full=False, gap=None, occupancy=0.5,
                                               anion_x=2.6), "Li", fitted)
    oxide = conductor_answer(inputs(em=0.3, bvse=None, full=True, gap=None, occupancy=1.0,
                                             anion_x=3.44), "Li", fitted)
    assert sulfide.p_fast > oxide.p_fast and sulfide.ea < oxide.ea
    assert "ion positions 0.50 occupied" in sulfide.reason and "anion electronegativity 2.60" in sulfide.reason
    assert "every ion position full: carriers must be made" in oxide.reason
    alloy = conductor_answer(inputs(em=0.3, bvse=None, full=False, gap=None), "Li", fitted)
    assert "ion positions unknown" in alloy.reason and "no anion" in alloy.reason


def test_another_ion_than_the_cards_is_uncertain_and_says_why():
    answer = conductor_answer(inputs(em=0.2, bvse=0.5, full=False, gap=None), "Na", card())
    assert answer.conductor == "uncertain" and answer.ea is not None
    assert answer.flags[0].kind is FlagKind.UNSEEN_ION and "fitted on Li electrolytes" in answer.reason


def test_the_shipped_card_was_fitted_by_family_grouped_cv():
    shipped = shipped_card()
    assert shipped.ion == "Li" and shipped.rows and f"conductor_fit.py --rows {shipped.rows}" in shipped.source
    assert {"auc_fast_vs_slow", "spearman_ea", "mae_ea"} <= set(shipped.cv)
    assert len(shipped.features) == len(shipped.mean) == len(shipped.std) == len(shipped.ea_coef) == \
        len(shipped.fast_coef)


def test_the_reason_names_only_the_inputs_the_card_reads():
    barrier_only = card(features=["em"], mean=[0.4], std=[0.2], ea_coef=[0.1], fast_coef=[-2.0])
    answer = conductor_answer(inputs(em=0.2, bvse=0.5, full=True, gap=0.3), "Li", barrier_only)
    assert answer.conductor == "fast" and "the 3D network at 0.20 eV" in answer.reason
    assert "BVSE" not in answer.reason and "carriers" not in answer.reason
    unknown = conductor_answer(inputs(em=0.2, bvse=0.5, full=None, gap=None), "Li", barrier_only)
    assert unknown.conductor == "uncertain" and "its carriers are unknown" in unknown.reason  # fitted on files with Li


def test_another_ions_bvse_scale_is_not_read():
    """Na's BVSE barriers run to tens of eV: read on Li's scale they would make every Na host slow."""
    low, high = (conductor_answer(inputs(em=0.2, bvse=b, full=False, gap=None), "Na", card())
                 for b in (0.5, 20.0))
    assert low.p_fast == high.p_fast and low.ea == high.ea
    assert "BVSE" not in low.reason.split(";")[0] and "its BVSE barriers, on another scale, are not read" in low.reason


def test_no_network_for_another_ion_is_uncertain_not_slow():
    answer = conductor_answer(inputs(em=None, bvse=None, full=True, gap=None), "Na", card())
    assert answer.conductor == "uncertain" and "fitted on Li electrolytes" in answer.reason


def test_the_interval_widens_with_the_deciding_hops_spread_and_out_of_domain_and_never_goes_below_zero():
    plain = conductor_answer(inputs(), "Li", card())
    spread = conductor_answer(inputs(em_std=0.3), "Li", card())
    above = lambda a: a.ea_interval[1] - a.ea  # noqa: E731 - the half-width, unclipped above the estimate
    assert above(plain) == pytest.approx(0.1, abs=1e-4)
    assert above(spread) == pytest.approx((0.1 ** 2 + 0.3 ** 2) ** 0.5, abs=1e-4)
    low = conductor_answer(inputs(), "Li", card(ea_intercept=0.0, interval=interval(base=0.5)))
    assert low.ea_interval[0] == 0.0 < low.ea_interval[1]


def test_a_host_decided_by_an_out_of_domain_hop_is_uncertain_with_the_reason_and_a_wider_interval():
    flag = Flag(kind=FlagKind.UNSEEN_ELEMENT, text="elements never seen in training: Er")
    inside, outside = (conductor_answer(inputs(out_of_domain=ood), "Li", card()) for ood in ([], [flag]))
    assert inside.conductor == "fast" and outside.conductor == "uncertain"
    assert "outside the training domain (elements never seen in training: Er)" in outside.reason
    assert outside.ea_interval[1] - outside.ea == pytest.approx(0.2, abs=1e-4)


def sigma_card(**changes) -> SigmaCard:
    """log10 sigma = -1 + log10(ions per nm3) - 10 x Ea, +- 1.5 decades."""
    return SigmaCard(**{**dict(candidate="arrhenius", features=["log_density"], mean=[1.0], intercept=-1.0, coef=[1.0],
                               ea_weight=-10.0, quantile=1.5, coverage=0.8, coverage_nested=0.8), **changes})


def test_the_conductivity_follows_the_card_and_moves_along_arrhenius_with_temperature():
    answer = conductor_answer(inputs(em=0.2, density=100.0), "Li", card(sigma=sigma_card()))
    assert answer.log10_sigma == pytest.approx(-1 + 2 - 10 * answer.ea, abs=1e-3)
    assert answer.log10_sigma_interval == pytest.approx((answer.log10_sigma - 1.5, answer.log10_sigma + 1.5))
    room = answer.log10_sigma_at(ROOM_TEMPERATURE)
    assert room == pytest.approx((answer.log10_sigma, *answer.log10_sigma_interval), abs=1e-3)
    hot = answer.log10_sigma_at(400.0)
    expected = answer.log10_sigma - math.log10(400 / ROOM_TEMPERATURE) - answer.ea * (
        arrhenius_slope(400.0) - arrhenius_slope(ROOM_TEMPERATURE))
    assert hot[0] == pytest.approx(expected, abs=1e-3) and hot[0] > room[0]  # Ea > 0: faster when hot
    assert hot[2] - hot[1] > room[2] - room[1]  # the Ea interval's share widens it away from room temperature
    unknown = conductor_answer(inputs(em=0.2, density=None), "Li", card(sigma=sigma_card()))
    assert unknown.log10_sigma == pytest.approx(-1 + 1 - 10 * unknown.ea, abs=1e-3)  # the training mean
    assert conductor_answer(inputs(em=0.2), "Li", card()).log10_sigma_at(400.0) is None  # a card without sigma


def test_the_shipped_card_is_the_fit_of_its_rows_and_their_version():
    """One writer (scripts/ship_conductor_card.py) joins the two fits of one set of benchmark rows; the card's
    version is the hopnet that computed those rows' inputs, and that is this version."""
    import importlib.util
    import json
    from pathlib import Path

    from hopnet import __version__

    root = Path(__file__).parents[1]
    spec = importlib.util.spec_from_file_location("ship", root / "scripts" / "ship_conductor_card.py")
    ship = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship)
    shipped = shipped_card()
    assert shipped == ship.fitted_card(shipped.rows)  # rerun the two fits and the script after new rows
    made = json.loads((root / f"benchmarks/results/real_electrolytes/{shipped.rows}.json").read_text())
    assert shipped.version == made["hopnet_version"] == __version__ and shipped.sigma is not None
