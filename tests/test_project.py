"""The shape of the project: layering, light imports, set-up facts the README promises."""
import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import hopnet

SRC = Path(hopnet.__file__).parent

# Data flows one way: a module may import its own layer or lower ones, never higher.
LAYERS = [
    {"errors", "vocabulary", "metrics", "flags", "threads"},
    {"structures", "examples", "data.elements", "chemistry"},
    {"pathways"},
    {"data"},
    {"graphs"},
    {"models"},
    {"predictor"},
    {"training"},
    {"workflows"},
    {"plots"},
    {"cli"},
]


def _layer(module: str) -> int:
    parts = module.split(".")[1:]  # drop "hopnet"
    for depth in (2, 1):
        key = ".".join(parts[:depth])
        for rank, names in enumerate(LAYERS):
            if key in names:
                return rank
    raise AssertionError(f"{module} belongs to no layer; add it to LAYERS")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


CORE = sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_core_module_imports_upwards_or_the_reproduction(path):
    module = "hopnet." + ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    if module == "hopnet.__init__" or path.name == "__init__.py" and path.parent == SRC:
        return  # the package root re-exports lazily by name, importing nothing
    own = _layer(module)
    for name in _imports(path):
        assert not name.startswith("hopnet_repro"), f"{module} imports the paper reproduction ({name})"
        if name.startswith("hopnet.") and name != "hopnet":
            assert _layer(name) <= own, f"{module} (layer {own}) imports {name} (layer {_layer(name)})"


def test_the_layering_check_catches_an_upward_import():
    assert _layer("hopnet.predictor") > _layer("hopnet.models.card")
    assert _layer("hopnet.cli.main") > _layer("hopnet.workflows.host") > _layer("hopnet.predictor")


def _fresh_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow  # fresh interpreters
def test_import_hopnet_and_help_do_not_import_torch():
    assert _fresh_python("import sys, hopnet; hopnet.__version__; print('torch' in sys.modules)").strip() == "False"
    code = ("import sys\nfrom hopnet.cli.main import main\nmain(['--help'])\n"
            "print('torch' in sys.modules, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip() == "False"


def test_bvlain_is_a_baseline_not_a_dependency():
    """hopnet's BVSE engine reads bvlain's tables from its own data; bvlain runs in the reproduction package."""
    project = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("bvlain") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert all(any(d.startswith("bvlain") for d in extras[extra]) for extra in ("test", "bench"))
    assert [p.name for p in CORE if any(name.split(".")[0] == "bvlain" for name in _imports(p))] == []
    assert not [p.name for p in CORE if '"bvlain"' in p.read_text()]  # nor its package data


def test_python_requirement_matches_the_code():
    project = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["project"]
    assert project["requires-python"].startswith(">=3.11")  # tomllib, used by the training configs
    assert "version" in project["dynamic"]  # one version: hopnet.__version__


def test_readme_says_how_to_get_the_cpu_build_of_torch():
    readme = (SRC.parents[1] / "README.md").read_text()
    assert "--index-url https://download.pytorch.org/whl/cpu" in readme


def test_the_blocked_hop_ceiling_is_the_measured_one():
    import json

    from hopnet.pathways.landscape import BLOCKED_ABOVE, REAL_ELECTROLYTE_CEILINGS, TRAINING_CEILINGS

    result = json.loads((SRC.parents[1] / "benchmarks/results/bvse_hops_train.json").read_text())
    assert TRAINING_CEILINGS == result["blocked_above"]  # rerun benchmarks/bvse_hops.py, then copy it
    sweep = json.loads((SRC.parents[1] / "benchmarks/results/real_electrolytes/v0.5.0.json").read_text())
    picks = sweep["channel_ceiling"]["family_grouped_cv"]["chosen"]
    assert REAL_ELECTROLYTE_CEILINGS == {"Li": float(max(picks, key=picks.get))}  # the family-grouped CV's pick
    assert set(BLOCKED_ABOVE) >= {"Li", "Na", "Mg", "Ca", "other"} and BLOCKED_ABOVE["Li"] == 5.0


def test_the_bvse_scale_of_the_hop_price_is_the_measured_one():
    import json

    from hopnet.pathways.landscape import BVSE_TO_EM

    result = json.loads((SRC.parents[1] / "benchmarks/results/bvse_hops_train.json").read_text())
    measured = {ion: (v["intercept"], v["slope"], v["rms"]) for ion, v in result["bvse_to_em"].items()}
    assert BVSE_TO_EM == measured  # rerun benchmarks/bvse_hops.py, then copy its bvse_to_em


HOST_ANALYSIS = ["workflows/host.py", "workflows/report.py", "pathways/network.py", "pathways/landscape.py",
                 "pathways/disorder.py"]


@pytest.mark.parametrize("name", HOST_ANALYSIS)
def test_no_function_of_the_host_analysis_takes_more_than_five_parameters(name):
    """Domain objects (a network, its landscapes, a pricing, the settings) travel instead of argument clumps."""
    for node in ast.walk(ast.parse((SRC / name).read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.arg not in ("self", "cls")]
            assert len(names) <= 5, f"{name}: {node.name}({', '.join(names)})"


README = SRC.parents[1] / "README.md"


def _block(text: str, name: str) -> str:
    start, end = f"<!-- {name}:start -->\n", f"\n<!-- {name}:end -->"
    assert start in text and end in text, f"README.md lost its {name} block"
    return text.split(start, 1)[1].split(end, 1)[0]


def test_readme_is_a_page_a_user_reads_with_the_two_set_up_commands():
    """The full tables live in BENCHMARKS.md; the README keeps the set-up that .ci/run runs."""
    text = README.read_text()
    assert len(text.splitlines()) <= 250
    assert "pip install torch==2.13.0 -e . && hopnet paths --example" in text
    ci = (SRC.parents[1] / ".ci/run").read_text().strip().splitlines()[-1]
    assert ci == 'pip install torch==2.13.0 -e ".[test]" && python -m pytest' and ci in text


def test_readme_screen_columns_are_the_ones_screen_writes():
    """The table is rendered from COLUMNS by benchmarks/report.py: rerun it after a column changes."""
    from report import columns_table

    assert _block(README.read_text(), "columns") == columns_table()


def test_each_shipped_card_has_its_page_as_the_card_renders_it_now():
    """A refit card with a stale page fails here: rerun scripts/render_cards.py."""
    from hopnet.workflows.card_page import card_page, page_path, shipped_cards

    cards = shipped_cards()
    assert {c.stem for c in cards} >= {"hopnet-band", "hopnet-band-mpt", "hopnet-mpt-encoder", "conductor"}
    for card in cards:
        assert page_path(card).is_file(), f"{card.name} has no page: run python scripts/render_cards.py"
        assert page_path(card).read_text() == card_page(card), f"{page_path(card).name} is stale: run " \
                                                               "python scripts/render_cards.py"
