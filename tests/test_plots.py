"""The pictures of `hopnet paths`: blocked hops, the Em colour scale, a big cell's network, the page's plotly.js."""
import numpy as np
import pytest
from matplotlib import colormaps, colors

from hopnet.cli.main import build_parser
from hopnet.plots import (
    BLOCKED_STYLE,
    CHEAPEST_CLASSES,
    network_figure,
    network_html,
    network_page,
    pathway_figure,
)
from hopnet.workflows.report import PathwayReport

CELL = 12.0  # Å, cubic


@pytest.fixture
def host(hop_result):
    """A report of a cubic cell: open hop classes of the given Em, ``lines`` hops each, then one blocked class."""

    def make(ems, lines=4, blocked=True):
        rng = np.random.default_rng(0)

        def segments():
            start = rng.uniform(0, CELL, (lines, 3))
            return np.stack([start, start + rng.normal(0, 1.5, (lines, 3))], axis=1).round(3).tolist()

        hops = [hop_result(em, 0.1, hop=i, multiplicity=lines, segments=segments()) for i, em in enumerate(ems)]
        if blocked:
            hops.append(hop_result(0.8, 0.3, hop=len(ems), multiplicity=lines, segments=segments(), valid=False,
                                   good_conductor=False, bvse_barrier=12.5))
        framework = [(el, *rng.uniform(0, CELL, 3).round(3)) for el in ("La", "Zr", "O", "O")]
        return PathwayReport(source="x.cif", formula="LiX", ion="Li", mechanism="vacancy", hops=hops,
                             percolation={"1D": min(ems), "2D": None, "3D": None},
                             lattice=(np.eye(3) * CELL).tolist(), framework=framework)

    return make


def _hop_traces(page):
    return [t for t in page.data if t.mode == "lines" and t.showlegend is not False]


def test_a_blocked_hop_is_dashed_grey_with_its_own_legend_entry_in_every_picture(host):
    report = host([0.2, 0.5])
    report.hops.reverse()  # the blocked class first: its style must not depend on where it is listed
    label = "blocked (BVSE > 5 eV ceiling)"
    bars = pathway_figure(report).axes[0]
    blocked_bar = bars.patches[-1]  # blocked hops at the bottom
    assert blocked_bar.get_hatch() == BLOCKED_STYLE["hatch"] and blocked_bar.get_linestyle() == "--"
    assert label in [t.get_text() for t in bars.get_legend().get_texts()]

    fig = network_figure(report)
    ax = fig.axes[0]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata())]
    assert len(dashed) == 4 and {colors.to_hex(line.get_color()) for line in dashed} == {BLOCKED_STYLE["colour"]}
    entry = {t.get_text(): h for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}
    assert entry[f"{label}: hop 2"].get_linestyle() == "--"
    assert colors.to_hex(entry[f"{label}: hop 2"].get_color()) == BLOCKED_STYLE["colour"]

    page = _hop_traces(network_page(report))
    blocked = [t for t in page if t.legendgroup == "blocked"]
    assert len(blocked) == 1 and blocked[0].visible is True
    assert blocked[0].line.dash == "dash" and blocked[0].line.color == BLOCKED_STYLE["colour"]
    assert blocked[0].legendgrouptitle.text == label and "blocked: no open channel" in blocked[0].hovertext
    assert all(t.line.dash == "solid" for t in page if t.legendgroup == "open")


def test_em_is_coloured_on_viridis_everywhere_with_the_threshold_marked(host):
    report = host([0.2, 0.5, 1.1])
    cmap, norm = colormaps["viridis"], colors.Normalize(0.0, 1.1)  # 0 eV to the dearest open hop
    bars = pathway_figure(report).axes[0]
    assert [colors.to_hex(b.get_facecolor()) for b in bars.patches[:3]] == \
        [colors.to_hex(cmap(norm(em))) for em in (0.2, 0.5, 1.1)]
    assert any(list(line.get_xdata()) == [0.65, 0.65] for line in bars.get_lines())  # the threshold on the chart

    fig = network_figure(report)
    colourbar = fig.axes[-1]
    assert colourbar.get_ylabel() == "predicted Em (eV)"
    assert {c.cmap.name for c in colourbar.collections if getattr(c, "cmap", None)} == {"viridis"}
    assert "0.65 (good below)" in [t.get_text() for t in colourbar.get_yticklabels()]
    hop_colours = {colors.to_hex(line.get_color()) for line in fig.axes[0].get_lines()
                   if len(line.get_xdata()) and line.get_linestyle() == "-" and line.get_linewidth() == 2.4}
    assert hop_colours == {colors.to_hex(cmap(norm(em))) for em in (0.2, 0.5, 1.1)}

    page = network_page(report)
    scale = next(t for t in page.data if t.marker and t.marker.showscale)
    assert scale.marker.colorscale[0][1] == colors.to_hex(cmap(0.0))
    assert scale.marker.colorscale[-1][1] == colors.to_hex(cmap(1.0))
    assert (scale.marker.cmin, scale.marker.cmax) == (0.0, 1.1) and 0.65 in scale.marker.colorbar.tickvals
    assert [t.line.color for t in _hop_traces(page) if t.legendgroup == "open"] == \
        [colors.to_hex(cmap(norm(em))) for em in (0.2, 0.5, 1.1)]


def test_a_big_cell_shows_the_cheapest_classes_and_toggles_each_from_its_own_legend_entry(host):
    ems = [0.9, 0.3, 0.5, 0.2, 0.7, 0.4]
    report = host(ems, lines=32)
    page = network_page(report)
    classes = _hop_traces(page)
    assert len(classes) == len(report.hops) == len({t.name for t in classes})  # one entry per hop class
    assert page.layout.legend.groupclick == "toggleitem"
    shown = [t.name.split(":")[0] for t in classes if t.visible is True]
    assert shown == ["hop 3", "hop 1", "hop 5", "hop 6"]  # the cheapest three, then the blocked one
    assert all(t.visible == "legendonly" for t in classes if t.name.split(":")[0] not in shown)
    names = {t.name for t in page.data if t.mode == "markers"}
    assert {"La", "Zr", "O", "Li sites"} <= names  # every framework element has its entry

    fig = network_figure(report)
    ax = fig.axes[0]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata())][12:]  # after the cell's 12 edges
    assert len(drawn) == 32 * (CHEAPEST_CLASSES + 1)
    assert f"the cheapest {CHEAPEST_CLASSES} of 6 open hop classes" in ax.get_title()
    assert {"La", "Zr", "O", "Li sites"} <= {t.get_text() for t in fig.legends[0].get_texts()}

    small = host([0.2, 0.5])
    assert all(t.visible is True for t in _hop_traces(network_page(small)))
    assert "every hop class drawn" in network_figure(small).axes[0].get_title()


def test_a_standalone_page_carries_plotly_and_the_default_shares_it(host, tmp_path):
    report = host([0.2])
    (tmp_path / "alone").mkdir()
    network_html(report, tmp_path / "alone" / "page.html", standalone=True)
    page = (tmp_path / "alone" / "page.html").read_text()
    assert "plotly.min.js" not in page and "Plotly" in page and len(page) > 3_000_000
    assert not (tmp_path / "alone" / "plotly.min.js").exists()
    network_html(report, tmp_path / "page.html")
    assert 'src="plotly.min.js"' in (tmp_path / "page.html").read_text()
    assert (tmp_path / "plotly.min.js").stat().st_size > 1_000_000

    parse = build_parser().parse_args
    assert parse(["paths", "x.cif", "--ion", "Li", "--html-standalone"]).html_standalone
    assert not parse(["paths", "x.cif", "--ion", "Li"]).html_standalone
