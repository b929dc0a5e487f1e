"""Parity, confusion and pathway plots (matplotlib, headless)."""
from __future__ import annotations

import numpy as np

from hopnet.metrics import all_metrics
from hopnet.vocabulary import GOOD_CONDUCTOR_EM


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def parity_plot(y_true, y_pred, path, title: str = "") -> None:
    plt = _pyplot()
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    m = all_metrics(y_true, y_pred)
    hi = max(y_true.max(), y_pred.max()) * 1.05
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.plot([0, hi], [0, hi], color="grey", lw=1)
    ax.axvline(GOOD_CONDUCTOR_EM, color="grey", ls=":", lw=1)
    ax.axhline(GOOD_CONDUCTOR_EM, color="grey", ls=":", lw=1)
    ax.scatter(y_true, y_pred, s=14, alpha=0.8)
    ax.set(xlim=(0, hi), ylim=(0, hi), xlabel="DFT-NEB Em (eV)", ylabel="predicted Em (eV)", title=title)
    ax.text(0.04, 0.96, f"n={m['n']}  R²={m['r2']:.3f}\nMAE={m['mae']:.3f} eV\naccuracy={m['accuracy']:.2f}",
            transform=ax.transAxes, va="top", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def confusion_plot(y_true, y_pred, path, title: str = "", threshold: float = GOOD_CONDUCTOR_EM) -> None:
    """2x2 good/poor-conductor confusion matrix at ``threshold``."""
    plt = _pyplot()
    t, p = np.asarray(y_true) < threshold, np.asarray(y_pred) < threshold
    counts = np.array([[np.sum(t & p), np.sum(t & ~p)], [np.sum(~t & p), np.sum(~t & ~p)]])
    labels = [f"good (<{threshold} eV)", "poor"]
    fig, ax = plt.subplots(figsize=(3.8, 3.4), dpi=120)
    ax.imshow(counts, cmap="Blues")
    for (i, j), c in np.ndenumerate(counts):
        ax.text(j, i, str(c), ha="center", va="center", color="white" if c > counts.max() / 2 else "black")
    ax.set(xticks=[0, 1], yticks=[0, 1], xticklabels=labels, yticklabels=labels,
           xlabel="predicted", ylabel="DFT-NEB", title=title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def error_vs_sigma_plot(err, sigma, path, scale: float = 1.0, title: str = "") -> None:
    """|error| against the predicted spread, with the lines |error| = k sigma for k = 1, 2 (after ``scale``)."""
    plt = _pyplot()
    err, sigma = np.abs(np.asarray(err)), np.asarray(sigma) * scale
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.scatter(sigma, err, s=10, alpha=0.6)
    hi = max(sigma.max(), 1e-3) * 1.05
    for k, style in ((1, "-"), (2, "--")):
        ax.plot([0, hi], [0, k * hi], color="grey", ls=style, lw=1, label=f"|error| = {k}σ")
    ax.set(xlim=(0, hi), ylim=(0, None), xlabel=f"predicted σ (eV){' × %.2f' % scale if scale != 1 else ''}",
           ylabel="|error| (eV)", title=title)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def pathway_plot(report, path) -> None:
    """Write :func:`pathway_figure` of ``report`` to ``path`` (any format matplotlib writes)."""
    plt = _pyplot()
    fig = pathway_figure(report)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# How a hop that is not a plain open one is drawn, in the bar chart (hatch) and in the network (line style).
# Dashed grey is the blocked hops' alone: the Em scale holds no grey.
BLOCKED_STYLE = {"label": "blocked (BVSE > {ceiling:g} eV ceiling)", "hatch": "xxx", "colour": "#666666"}
EMPTY_SITE_STYLE = {"label": "via an empty site (a bond-valence minimum)", "hatch": "..."}
OUT_OF_DOMAIN_STYLE = {"label": "outside the training domain", "hatch": "///"}
# Perceptually uniform and readable with any colour vision; its dark end is the cheap one, so the hops that
# carry the current stand out most on a white page.
EM_CMAP = "viridis"
NETWORK_COLOUR = "#D55E00"  # the percolation thresholds on the bar chart: apart from the black error bars
# A big cell's every hop line is a tangle: beyond this many lines a network picture draws the cheapest few
# classes (and the blocked ones); the page keeps the rest one legend click away.
MAX_SEGMENTS = 100
CHEAPEST_CLASSES = 3


def _blocked_label(report) -> str:
    from hopnet.pathways.landscape import blocked_above

    return BLOCKED_STYLE["label"].format(ceiling=blocked_above(report.ion))


def _em_scale(report):
    """Colour map and norm of Em, one for every picture of a report so the bar chart is the network's key.

    From 0 eV to the dearest open hop, and past the good-conductor threshold
    whatever the hops: the threshold is a colour inside the bar, never its end.
    """
    from matplotlib import colors

    ems = [h.em for h in report.hops if h.valid]
    return _pyplot().get_cmap(EM_CMAP), colors.Normalize(0.0, max([*ems, 1.25 * GOOD_CONDUCTOR_EM]))


def _is_dark(colour) -> bool:
    from matplotlib import colors

    r, g, b = colors.to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _bar_style(h, cmap, norm) -> tuple:
    """Face colour, hatch and edge colour of one hop's bar."""
    if not h.valid:
        return "white", BLOCKED_STYLE["hatch"], BLOCKED_STYLE["colour"]
    face = cmap(norm(h.em))
    hatch = EMPTY_SITE_STYLE["hatch"] if h.via_empty_site else OUT_OF_DOMAIN_STYLE["hatch"] if h.out_of_domain else ""
    # A hatch takes the edge's colour: white shows on the dark (cheap) end of the scale, black on the light end.
    return face, hatch, ("white" if _is_dark(face) else "black") if hatch else face


def pathway_figure(report):
    """Barrier of every distinct hop, with the thresholds at which the network percolates in 1/2/3D.

    Each bar is named by its sites (the CIF's labels and Wyckoff letters) and
    coloured on the network picture's Em scale. Blocked hops are white,
    crossed and dashed grey, hops via an empty site dotted, hops outside the
    training domain striped, so none passes for an ordinary barrier. The
    legend sits outside the axes (it never hides a bar), error bars stop at
    0 eV (a barrier is not negative), and the good-conductor threshold is a
    labelled grey band.
    """
    plt = _pyplot()
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    cmap, norm = _em_scale(report)
    hops = sorted(report.hops, key=lambda h: (not h.valid, h.em))
    fig, ax = plt.subplots(figsize=(7.5, 1.6 + 0.3 * len(hops)), dpi=120)
    y = np.arange(len(hops))
    em = np.array([h.em for h in hops])
    sigma = np.array([h.em_std or 0.0 for h in hops])
    below = np.minimum(sigma, np.maximum(em, 0.0))  # the lower whisker ends at 0 eV
    faces, hatches, edges = zip(*(_bar_style(h, cmap, norm) for h in hops))
    bars = ax.barh(y, em, xerr=np.vstack([below, sigma]), capsize=2, color=faces, hatch=hatches,
                   edgecolor=edges, linewidth=0.8)
    for bar, h in zip(bars, hops):
        if not h.valid:
            bar.set_linestyle("--")
    ax.set_yticks(y, [f"hop {h.hop}: {h.sites()}, {h.length:.2f} Å ×{h.multiplicity}" for h in hops], fontsize=7)
    ax.invert_yaxis()  # lowest barrier on top, blocked hops at the bottom
    styles = dict(zip(("1D", "2D", "3D"), (":", "--", "-")))
    for network in report.networks:  # each with its direction: "1D network along b at 0.30 eV"
        ax.axvline(network.em, color=NETWORK_COLOUR, ls=styles[network.dimension], lw=1.2,
                   label=f"{network.dimension} network {network.direction + ' ' if network.direction else ''}"
                         f"at {network.em:.2f} eV")
    ax.axvline(GOOD_CONDUCTOR_EM, color="0.3", lw=4, alpha=0.35,
               label=f"good hop (the paper's class) below {GOOD_CONDUCTOR_EM} eV")
    ax.text(GOOD_CONDUCTOR_EM, 1.0, f"{GOOD_CONDUCTOR_EM} eV", transform=blended_transform_factory(ax.transData,
            ax.transAxes), ha="center", va="bottom", fontsize=7, color="0.3")
    kinds = [(_blocked_label(report), BLOCKED_STYLE, any(not h.valid for h in hops)),
             (EMPTY_SITE_STYLE["label"], EMPTY_SITE_STYLE, any(h.valid and h.via_empty_site for h in hops)),
             (OUT_OF_DOMAIN_STYLE["label"], OUT_OF_DOMAIN_STYLE,
              any(h.valid and not h.via_empty_site and h.out_of_domain for h in hops))]
    handles, labels = ax.get_legend_handles_labels()
    for label, style, present in kinds:
        if present:
            handles.append(Patch(facecolor="white", edgecolor=BLOCKED_STYLE["colour"], hatch=style["hatch"],
                                 linestyle="--" if style is BLOCKED_STYLE else "-"))
            labels.append(label)
    ax.set_xlim(left=0)
    ax.set_xlabel("predicted Em (eV); bars coloured as in the network picture")
    ax.set_title(f"{report.formula}: {report.ion} hops", pad=12)
    ax.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    return fig


def _cell_edges(lattice: np.ndarray) -> list[np.ndarray]:
    """The 12 edges of the unit cell, as pairs of Cartesian points."""
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if np.sum(np.abs(corners[a] - corners[b])) == 1]
    return [corners[[a, b]] @ lattice for a, b in edges]


def _drawn_hops(report) -> tuple[list, str]:
    """The hop classes a network picture draws (and the page shows before a click), and what they are ("" for
    all). A small cell draws every class; a big one the cheapest few open ones, at least the cheapest, and the
    blocked ones, so a reader sees the easy paths and the walls rather than a tangle."""
    if sum(len(h.segments) for h in report.hops) <= MAX_SEGMENTS:
        return list(report.hops), ""
    cheapest, lines = [], 0
    for h in sorted((h for h in report.hops if h.valid), key=lambda h: h.em)[:CHEAPEST_CLASSES]:
        if cheapest and lines + len(h.segments) > MAX_SEGMENTS:
            break
        cheapest.append(h)
        lines += len(h.segments)
    blocked = [h for h in report.hops if not h.valid]
    what = (f"the cheapest {len(cheapest)} of {sum(h.valid for h in report.hops)} open hop classes "
            f"(Em ≤ {cheapest[-1].em:.2f} eV)" if cheapest else "no open hop class")
    return cheapest + blocked, what + (" and the blocked ones" if blocked else "")


def _site_points(report, drawn) -> tuple[np.ndarray, np.ndarray]:
    """The ion sites and the empty sites to mark: every one inside the cell, and the drawn hops' ends outside it."""
    lattice = np.array(report.lattice)
    every = np.array([p for h in report.hops for seg in h.segments for p in seg]).reshape(-1, 3)
    shown = np.array([p for h in drawn for seg in h.segments for p in seg]).reshape(-1, 3)
    if not len(every):
        return np.zeros((0, 3)), np.zeros((0, 3))
    frac = np.round(np.linalg.solve(lattice.T, every.T).T, 3)
    inside = np.all((frac >= 0) & (frac < 1), axis=1)
    ends = np.unique(np.round(np.vstack([every[inside], shown]), 2), axis=0)
    is_empty = np.zeros(len(ends), bool)
    if report.empty_sites:
        frac = np.linalg.solve(lattice.T, ends.T).T
        delta = (frac[:, None, :] - np.array(report.empty_sites)[None] + 0.5) % 1.0 - 0.5
        is_empty = np.linalg.norm(delta @ lattice, axis=-1).min(axis=1) < 0.05
    return ends[~is_empty], ends[is_empty]


def _framework_by_element(report) -> dict[str, np.ndarray]:
    """The framework atoms of the report's cell, grouped by element (most electronegative last, drawn on top)."""
    from pymatgen.core import Element

    groups: dict[str, list] = {}
    for element, *xyz in report.framework:
        groups.setdefault(element, []).append(xyz)
    return {el: np.array(groups[el]) for el in sorted(groups, key=lambda el: Element(el).X)}


# Okabe-Ito colours, clear of the Em scale (viridis), of the blocked grey, of the ion's blue and of one another
# (the anion, most electronegative, vermilion; the cations from the other end of the set).
FRAMEWORK_COLOURS = ("#CC79A7", "#8C510A", "#E69F00", "#000000", "#F0E442")
ANION_COLOUR = "#D55E00"
ION_COLOUR = "#0072B2"


def _framework_colours(report) -> list[tuple[str, np.ndarray, str]]:
    groups = list(_framework_by_element(report).items())
    return [(el, xyz, ANION_COLOUR if k == len(groups) - 1 else FRAMEWORK_COLOURS[k % len(FRAMEWORK_COLOURS)])
            for k, (el, xyz) in enumerate(groups)]


def _class_name(h) -> str:
    return f"hop {h.hop}: {h.sites()}, {h.length:.2f} Å"


def _line_style(h, cmap, norm) -> dict:
    if not h.valid:
        return {"color": BLOCKED_STYLE["colour"], "ls": "--", "lw": 1.6}
    return {"color": cmap(norm(h.em)), "ls": ":" if h.via_empty_site else "-", "lw": 2.4}


def network_figure(report):
    """The cell, its framework atoms, the ion sites and the hops: open hops coloured by Em (viridis, the bar
    chart's scale), blocked ones dashed grey, hops via an empty site dotted; in a big cell only the cheapest few
    classes and the blocked ones (the title says which).

    A picture of where the ion goes, between which framework atoms, and which
    hop limits it; each drawn class has its legend entry.
    """
    plt = _pyplot()
    from matplotlib import cm

    cmap, norm = _em_scale(report)
    drawn, what = _drawn_hops(report)
    sites, empty = _site_points(report, drawn)
    lattice = np.array(report.lattice)
    fig = plt.figure(figsize=(7.4, 5.8), dpi=120)
    ax = fig.add_subplot(projection="3d")
    for edge in _cell_edges(lattice):
        ax.plot(*edge.T, color="black", lw=0.6, alpha=0.5)
    for element, xyz, colour in _framework_colours(report):
        ax.scatter(*xyz.T, s=12, color=colour, alpha=0.6, depthshade=False, label=element)
    if len(sites):
        ax.scatter(*sites.T, s=22, color=ION_COLOUR, depthshade=False, label=f"{report.ion} sites")
    if len(empty):
        ax.scatter(*empty.T, s=22, facecolors="none", edgecolors=ION_COLOUR, depthshade=False,
                   label="empty sites (bond-valence minima)")
    for h in sorted(drawn, key=lambda h: (h.valid, -h.em)):  # blocked beneath, the lowest barriers on top
        for seg in h.segments:
            ax.plot(*np.array(seg).T, **_line_style(h, cmap, norm))
    for h in sorted((h for h in drawn if h.valid), key=lambda h: h.em):
        ax.plot([], [], **_line_style(h, cmap, norm), label=f"{_class_name(h)}, {h.em:.2f} eV"
                                                            + (" (via an empty site)" if h.via_empty_site else ""))
    blocked = [h for h in drawn if not h.valid]
    if blocked:
        ax.plot([], [], **_line_style(blocked[0], cmap, norm),
                label=f"{_blocked_label(report)}: hop{'s' if len(blocked) > 1 else ''} "
                      + ", ".join(str(h.hop) for h in blocked))
    bar = fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.55, pad=0.1,
                       label="predicted Em (eV)")
    ticks, labels = _colourbar_ticks(norm)
    bar.set_ticks(ticks, labels=labels)
    bar.ax.axhline(GOOD_CONDUCTOR_EM, color="black", lw=2)
    ax.set_xlabel("x (Å)")
    ax.set_ylabel("y (Å)")
    ax.set_zlabel("z (Å)", labelpad=2)
    shown = np.vstack([*_cell_edges(lattice), *(np.array(seg) for h in drawn for seg in h.segments)])
    ax.set_box_aspect(np.maximum(np.ptp(shown, axis=0), 1.0))  # Å look like Å along every axis
    ax.tick_params(labelsize=7)
    ax.set_title(f"{report.formula}: {report.ion} hop network\n"
                 + (f"drawn: {what}; the rest in the bar chart" if what else "every hop class drawn"), fontsize=10)
    fig.legend(*ax.get_legend_handles_labels(), fontsize=7, loc="upper center", bbox_to_anchor=(0.45, 0.04),
               ncol=2)
    return fig


def network_plot(report, path) -> None:
    plt = _pyplot()
    fig = network_figure(report)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _colourbar_ticks(norm) -> tuple[list[float], list[str]]:
    """Round ticks along the Em bar, with the good-conductor threshold among them (a neighbour too close to it
    dropped, so the labels stay apart)."""
    from matplotlib.ticker import MaxNLocator

    ticks = [t for t in MaxNLocator(5).tick_values(norm.vmin, norm.vmax) if norm.vmin <= t <= norm.vmax
             and abs(t - GOOD_CONDUCTOR_EM) > 0.08 * (norm.vmax - norm.vmin)]
    ticks = sorted([*ticks, GOOD_CONDUCTOR_EM])
    return ticks, [f"{GOOD_CONDUCTOR_EM} (good below)" if t == GOOD_CONDUCTOR_EM else f"{t:g}" for t in ticks]


def network_page(report):
    """The network as a plotly figure: one legend entry per hop class, the classes the static picture draws
    shown and the rest a click away (a double click shows one class alone)."""
    import plotly.graph_objects as go
    from matplotlib import colors

    cmap, norm = _em_scale(report)
    drawn, what = _drawn_hops(report)
    shown = {h.hop for h in drawn}
    sites, empty = _site_points(report, drawn)
    traces = [go.Scatter3d(x=e[:, 0], y=e[:, 1], z=e[:, 2], mode="lines", line={"color": "black", "width": 1},
                           hoverinfo="skip", showlegend=False) for e in _cell_edges(np.array(report.lattice))]
    for element, xyz, colour in _framework_colours(report):
        traces.append(go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers", name=element,
                                   legendgroup="framework", legendgrouptitle={"text": "framework"},
                                   marker={"size": 3, "opacity": 0.6, "color": colour}, hoverinfo="name"))
    if len(sites):
        traces.append(go.Scatter3d(x=sites[:, 0], y=sites[:, 1], z=sites[:, 2], mode="markers",
                                   marker={"size": 4, "color": ION_COLOUR}, name=f"{report.ion} sites",
                                   legendgroup="sites", legendgrouptitle={"text": "sites"}))
    if len(empty):
        traces.append(go.Scatter3d(x=empty[:, 0], y=empty[:, 1], z=empty[:, 2], mode="markers",
                                   marker={"size": 4, "color": "white", "line": {"color": ION_COLOUR, "width": 2}},
                                   name="empty sites (bond-valence minima)", legendgroup="sites"))
    for h in sorted(report.hops, key=lambda h: (not h.valid, h.em)):
        spread = f" ± {h.em_std:.2f}" if h.em_std is not None else ""
        bvse = f"BVSE {h.bvse_barrier:.2f} eV" if h.bvse_barrier is not None else "no BVSE landscape"
        network = f" (network {h.em_network:.2f} eV)" if h.em_network is not None else ""
        state = (f"Em {h.em:.2f}{spread} eV{network}; {bvse}" + ("; via an empty site" if h.via_empty_site else "")
                 + ("; outside the training domain" if h.out_of_domain else "")) if h.valid else \
            f"blocked: no open channel ({bvse} above the ceiling); predicted Em {h.em:.2f}{spread} eV"
        xyz = [p for seg in h.segments for p in (*seg, (None, None, None))]  # one line per hop, broken by None
        x, y, z = zip(*xyz) if xyz else ((), (), ())
        colour = colors.to_hex(_line_style(h, cmap, norm)["color"])
        traces.append(go.Scatter3d(
            x=x, y=y, z=z, mode="lines", name=f"{_class_name(h)} ×{h.multiplicity}, "
                                              + (f"{h.em:.2f} eV" if h.valid else "blocked"),
            legendgroup="open" if h.valid else "blocked",
            legendgrouptitle={"text": "open hop classes, cheapest first" if h.valid else _blocked_label(report)},
            visible=True if h.hop in shown else "legendonly",
            line={"color": colour, "width": 6 if h.valid else 4,
                  "dash": "dash" if not h.valid else "dot" if h.via_empty_site else "solid"},
            hovertext=f"{_class_name(h)}<br>{state}", hoverinfo="text"))
    ticks, labels = _colourbar_ticks(norm)
    traces.append(go.Scatter3d(  # no points: the Em colour bar, whatever classes are shown
        x=[None], y=[None], z=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker={"color": [norm.vmin], "cmin": norm.vmin, "cmax": norm.vmax, "showscale": True,
                "colorscale": [[t, colors.to_hex(cmap(t))] for t in np.linspace(0, 1, 11)],
                "colorbar": {"title": {"text": "predicted Em (eV)"}, "tickvals": ticks, "ticktext": labels,
                             "x": 0.0, "xanchor": "right", "len": 0.6}}))
    fig = go.Figure(traces)
    fig.update_layout(
        title=f"{report.formula}: {report.ion} hops<br><sup>colour: predicted Em"
              + ("; dashed grey: blocked" if any(not h.valid for h in report.hops) else "")
              + ("; dotted: via an empty site" if any(h.valid and h.via_empty_site for h in report.hops) else "")
              + ". Shown: " + (what if what else "every hop class")
              + ".<br>Click a legend entry to show or hide it, double-click to see it alone.</sup>",
        margin={"t": 110},
        legend={"groupclick": "toggleitem", "itemsizing": "constant"},
        scene={"aspectmode": "data", "xaxis_title": "x (Å)", "yaxis_title": "y (Å)", "zaxis_title": "z (Å)"})
    return fig


def network_html(report, path, standalone: bool = False) -> None:
    """:func:`network_page` as a page that works offline: it loads ``plotly.min.js`` from its own folder,
    written there once and shared by every page in it, instead of 4.8 MB inlined in each; ``standalone`` inlines
    it, for a page that travels alone."""
    network_page(report).write_html(str(path), include_plotlyjs=True if standalone else "directory")


ARRHENIUS_KELVIN = (250.0, 600.0)  # the range a lab measures a solid electrolyte over
CEILING_LOG10_SIGMA = 0.5  # log10 S/cm where the picture stops: the best solid electrolytes reach ~1e-2


def arrhenius_figure(report, temperature: float):
    """log10 sigma against 1000/T with its interval (calibrated at room temperature only), the room-temperature
    estimate, the asked temperature, and the 1e-4 S/cm line a fast conductor is above; None without an estimate."""
    from hopnet.vocabulary import ROOM_TEMPERATURE
    from hopnet.workflows.conductor import shipped_card

    answer, card = report.conductor, shipped_card()
    if answer is None or answer.log10_sigma_at(ROOM_TEMPERATURE) is None or card.sigma is None:
        return None
    plt = _pyplot()
    kelvin = np.linspace(*ARRHENIUS_KELVIN, 60)
    value, low, high = np.array([answer.log10_sigma_at(t) for t in kelvin]).T
    fig, ax = plt.subplots(figsize=(5.2, 4.0), dpi=120)
    ax.fill_between(1000 / kelvin, low, high, color="#0072B2", alpha=0.18, lw=0,
                    label=f"interval ({card.sigma.coverage:.0%} at room temperature)")
    ax.plot(1000 / kelvin, value, color="#0072B2", lw=1.8, label=f"estimate, Ea {answer.ea:.2f} eV")
    points = {temperature: ("s", f"{temperature:g} K"), ROOM_TEMPERATURE: ("o", "room temperature")}
    for t, (marker, name) in sorted(points.items()):
        v, lo, hi = answer.log10_sigma_at(t)
        ax.errorbar([1000 / t], [v], yerr=[[v - lo], [hi - v]], fmt=marker, color="#D55E00", capsize=3,
                    label=f"{name}: {10 ** v:.0e} S/cm")
    ax.axhline(np.log10(card.fast_sigma), color="grey", ls="--", lw=1)
    ax.text(1000 / ARRHENIUS_KELVIN[1], np.log10(card.fast_sigma) + 0.15, f"fast: ≥ {card.fast_sigma:.0e} S/cm",
            fontsize=7, color="grey")
    inverse = lambda x: 1000 / np.maximum(x, 1e-9)  # noqa: E731 - 1000/T is its own inverse
    top = ax.secondary_xaxis("top", functions=(inverse, inverse))
    top.set_xticks([t for t in (250, 300, 350, 400, 500, 600) if ARRHENIUS_KELVIN[0] <= t <= ARRHENIUS_KELVIN[1]])
    top.set_xlabel("T (K)")
    # no solid electrolyte reaches 1 S/cm: the interval's upper end beyond it is the fit's width, not physics
    ax.set_ylim(min(low.min(), np.log10(card.slow_sigma)) - 0.5, min(high.max() + 0.5, CEILING_LOG10_SIGMA))
    ax.set(xlabel="1000 / T (1/K)", ylabel="log10 σ (S/cm)")
    ax.set_title(f"estimated {report.ion} conductivity\n{report.formula}", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def arrhenius_plot(report, path, temperature: float) -> bool:
    """Write the Arrhenius picture; False where the host has no conductivity estimate (no network forms)."""
    fig = arrhenius_figure(report, temperature)
    if fig is None:
        return False
    fig.savefig(path)
    _pyplot().close(fig)
    return True
