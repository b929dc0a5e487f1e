"""Mutated structure files either parse into a valid structure or fail with HopnetInputError."""
import warnings

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
    assert len(structure) > 0  # whatever parsed also passed validation
