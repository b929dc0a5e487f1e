"""Mutated structure files either parse into a valid structure or fail with HopnetInputError."""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymatgen.core import Lattice, Structure

from hopnet.errors import HopnetInputError
from hopnet.structures import read_structure

_ROCKSALT = Structure(Lattice.cubic(5.6), ["Na"] * 4 + ["Cl"] * 4,
                      [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5],
                       [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]])
SEEDS = {"rocksalt.cif": _ROCKSALT.to(fmt="cif"), "POSCAR": _ROCKSALT.to(fmt="poscar")}


def _mutate(text: str, cut: float, edits: list[tuple[float, str]]) -> str:
    chars = list(text[: max(0, int(len(text) * cut))])
    for where, new in edits:
        if chars:
            chars[int(where * (len(chars) - 1))] = new
    return "".join(chars)


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0),
       edits=st.lists(st.tuples(st.floats(0.0, 1.0), st.sampled_from(list("0123456789.-eE \nXx_#'nan"))), max_size=6))
def test_mutated_files_never_escape_as_other_errors(tmp_path, name, cut, edits):
    path = tmp_path / name
    path.write_text(_mutate(SEEDS[name], cut, edits))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            structure = read_structure(path)
        except HopnetInputError as err:
            assert str(err).startswith(str(path)) and "\n" not in str(err)
            return
    # Whatever parsed was accepted: it must be a crystal, checked here independently of the validator.
    matrix = structure.lattice.matrix
    assert len(structure) >= 1 and np.all(np.isfinite(matrix)) and np.all(np.isfinite(structure.frac_coords))
    assert abs(np.linalg.det(matrix)) / len(structure) >= 1.0
    if len(structure) > 1:
        assert np.min(structure.distance_matrix + 1e9 * np.eye(len(structure))) >= 0.5
