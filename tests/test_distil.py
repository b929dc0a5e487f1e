import numpy as np
import pytest
import torch

from hopnet.flags import FlagKind
from hopnet.models.card import Distillation, Member, ModelCard, read_card, save_model, write_card
from hopnet.predictor import BarrierModel
from hopnet.training.distil import DistilConfig, fit_student
from hopnet.training.trainer import predict_scaled

TEACHER = Distillation(teacher="tiny", teacher_sha256="0" * 64, bands=40)


@pytest.fixture(scope="module")
def teacher_answers(small_set):
    """A made-up teacher: its mean is the DFT label, its spread grows with it (so there is something to learn)."""
    entries, graphs, em = small_set
    return graphs, em, 0.02 + 0.1 * np.abs(em)


@pytest.fixture(scope="module")
def student(teacher_answers, tiny):
    graphs, em, spread = teacher_answers
    cfg = DistilConfig(model=tiny.model_copy(update={"outputs": 2}), epochs=25, batch_size=8, lr=5e-3,
                       val_fraction=0.0, seed=0, threads=1)
    return fit_student(graphs, em, spread, cfg, progress=False)


def test_a_student_learns_the_teachers_mean_and_spread(student, teacher_answers):
    graphs, em, spread = teacher_answers
    out = predict_scaled(student.model, graphs)
    em_student, spread_student = student.scaler.unscale(out[:, 0]), np.exp(out[:, 1])
    # better than the constant that knows the teacher's answers' means, on both outputs
    assert np.mean(np.abs(em_student - em)) < 0.6 * np.mean(np.abs(em - em.mean()))
    assert np.mean(np.abs(np.log(spread_student / spread))) < \
        0.6 * np.mean(np.abs(np.log(spread) - np.log(spread).mean()))
    assert [h["train_l1"] for h in student.history][-1] < student.history[0]["train_l1"]


def test_a_student_needs_an_output_per_target(teacher_answers, tiny):
    graphs, em, spread = teacher_answers
    with pytest.raises(ValueError, match="has 2 outputs"):
        fit_student(graphs, em, spread, DistilConfig(model=tiny, epochs=1, threads=1), progress=False)
    with pytest.raises(ValueError, match="has 3 outputs"):
        fit_student(graphs, em, spread, DistilConfig(model=tiny.model_copy(update={"outputs": 2}), epochs=1,
                                                     threads=1), progress=False, distance=np.ones_like(em))


def test_members_that_agree_exactly_do_not_make_the_loss_infinite(teacher_answers, tiny):
    """A zero spread is learned at the log of ``SPREAD_FLOOR``, not at -inf."""
    graphs, em, _ = teacher_answers
    cfg = DistilConfig(model=tiny.model_copy(update={"outputs": 2}), epochs=1, batch_size=8, val_fraction=0.0,
                       threads=1)
    result = fit_student(graphs, em, np.zeros_like(em), cfg, progress=False)
    assert np.isfinite(result.history[0]["train_l1"])


def test_a_loaded_student_answers_the_mean_and_the_calibrated_spread(student, teacher_answers, tmp_path, small_set):
    entries, graphs, _ = small_set
    path = tmp_path / "student.json"
    card = save_model(path, [Member(student.model, student.scaler.mean, student.scaler.std)], student=TEACHER)
    write_card(path, card.updated(uncertainty={"scale": 2.0}))
    model = BarrierModel.from_file(path, threads=1)
    assert model.is_student and read_card(path).student == TEACHER
    bands = [e.band for e in entries[:6]]
    answers = model.predict_bands(bands)
    with torch.no_grad():
        out = predict_scaled(student.model, graphs[:6])
    np.testing.assert_allclose([a.em for a in answers], student.scaler.unscale(out[:, 0]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose([a.em_std for a in answers], 2.0 * np.exp(out[:, 1]), rtol=1e-5)


def test_a_card_calling_itself_a_student_must_be_one_network_of_its_outputs(tiny_model_card):
    card = read_card(tiny_model_card)  # two members of one output each
    with pytest.raises(ValueError, match="one network with 2 outputs"):
        ModelCard.model_validate({**card.model_dump(), "student": TEACHER.model_dump()})
    one = {**card.model_dump(), "members": card.model_dump()["members"][:1],
           "config": {**card.config.model_dump(), "outputs": 2}}
    ModelCard.model_validate({**one, "student": TEACHER.model_dump()})
    with pytest.raises(ValueError, match="one network with 3 outputs"):
        ModelCard.model_validate({**one, "student": {**TEACHER.model_dump(), "teacher_distance": {"threshold": 1.0}}})


def test_a_student_of_the_teachers_distance_flags_what_it_estimates_beyond_the_teachers_limit(
        teacher_answers, tiny, small_set, tmp_path):
    """The third output is the log of the teacher's embedding distance; the card's limit is the teacher's, and
    no embedding of the student's own is read."""
    entries, graphs, _ = small_set
    _, em, spread = teacher_answers
    distance = 3.0 + 4.0 * np.abs(em)  # a made-up teacher distance with something to learn
    cfg = DistilConfig(model=tiny.model_copy(update={"outputs": 3}), epochs=25, batch_size=8, lr=5e-3,
                       val_fraction=0.0, seed=0, threads=1)
    fitted = fit_student(graphs, em, spread, cfg, progress=False, distance=distance)
    out = predict_scaled(fitted.model, graphs)
    assert np.mean(np.abs(out[:, 2] - np.log(distance))) < \
        0.6 * np.mean(np.abs(np.log(distance) - np.log(distance).mean()))

    estimated = np.exp(out[:, 2])
    limit = float(np.median(estimated))
    path = tmp_path / "student.json"
    taught = Distillation(**{**TEACHER.model_dump(), "teacher_distance": {"threshold": limit, "quantile": 0.9}})
    save_model(path, [Member(fitted.model, fitted.scaler.mean, fitted.scaler.std)], student=taught)
    model = BarrierModel.from_file(path, threads=1)
    assert model.embedding_domain is None and model.distance_limit == taught.teacher_distance
    answers = model.predict_bands([e.band for e in entries])
    flagged = [next((f.value for f in a.flags if f.kind == FlagKind.EMBEDDING), None) for a in answers]
    assert [v is not None for v in flagged] == list(estimated > limit)
    np.testing.assert_allclose([v for v in flagged if v is not None], estimated[estimated > limit], rtol=1e-3)

