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
BLOCKED_STYLE = {"label": "blocked: no open channel (in no network)", "hatch": "xxx"}
EMPTY_SITE_STYLE = {"label": "via an empty site (a bond-valence minimum)", "hatch": "..."}
OUT_OF_DOMAIN_STYLE = {"label": "outside the training domain", "hatch": "///"}
MAX_SEGMENTS = 150  # beyond this many hop lines a network picture is a tangle: only the networks' hops are drawn


def _bar_style(h) -> tuple[str, str, str]:
    """Face colour, hatch and edge colour of one hop's bar."""
    if not h.valid:
        return "white", BLOCKED_STYLE["hatch"], "grey"
    colour = "tab:green" if h.good_conductor else "tab:grey"
    if h.via_empty_site:
        return colour, EMPTY_SITE_STYLE["hatch"], "black"
    if h.out_of_domain:
        return colour, OUT_OF_DOMAIN_STYLE["hatch"], "black"
    return colour, "", colour


def pathway_figure(report):
    """Barrier of every distinct hop, with the thresholds at which the network percolates in 1/2/3D.

    Each bar is named by its sites (the CIF's labels and Wyckoff letters).
    Blocked hops are white and crossed, hops via an empty site dotted, hops
    outside the training domain striped, so none passes for an ordinary
    barrier. The legend sits outside the axes (it never hides a bar), error
    bars stop at 0 eV (a barrier is not negative), and the good-conductor line
    is labelled.
    """
    plt = _pyplot()
    from matplotlib.patches import Patch

    hops = sorted(report.hops, key=lambda h: (not h.valid, h.em))
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.3 * len(hops)), dpi=120)
    y = np.arange(len(hops))
    em = np.array([h.em for h in hops])
    sigma = np.array([h.em_std or 0.0 for h in hops])
    below = np.minimum(sigma, np.maximum(em, 0.0))  # the lower whisker ends at 0 eV
    faces, hatches, edges = zip(*(_bar_style(h) for h in hops))
    ax.barh(y, em, xerr=np.vstack([below, sigma]), capsize=2, color=faces, hatch=hatches, edgecolor=edges,
            linewidth=0.8)
    ax.set_yticks(y, [f"hop {h.hop}: {h.sites()}, {h.length:.2f} Å ×{h.multiplicity}" for h in hops], fontsize=7)
    ax.invert_yaxis()  # lowest barrier on top, blocked hops at the bottom
    for (dim, value), style in zip(report.percolation.items(), (":", "--", "-")):
        if value is not None:
            ax.axvline(value, color="tab:red", ls=style, lw=1, label=f"{dim} network at {value:.2f} eV")
    ax.axvline(GOOD_CONDUCTOR_EM, color="black", lw=0.8, alpha=0.5,
               label=f"good conductor below {GOOD_CONDUCTOR_EM} eV")
    kinds = [(BLOCKED_STYLE, any(not h.valid for h in hops)),
             (EMPTY_SITE_STYLE, any(h.valid and h.via_empty_site for h in hops)),
             (OUT_OF_DOMAIN_STYLE, any(h.valid and not h.via_empty_site and h.out_of_domain for h in hops))]
    handles, labels = ax.get_legend_handles_labels()
    for style, present in kinds:
        if present:
            handles.append(Patch(facecolor="white", edgecolor="grey", hatch=style["hatch"]))
            labels.append(style["label"])
    ax.set_xlim(left=0)
    ax.set(xlabel="predicted Em (eV)", title=f"{report.formula}: {report.ion} hops")
    ax.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    return fig


def _cell_edges(lattice: np.ndarray) -> list[np.ndarray]:
    """The 12 edges of the unit cell, as pairs of Cartesian points."""
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], float)
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if np.sum(np.abs(corners[a] - corners[b])) == 1]
    return [corners[[a, b]] @ lattice for a, b in edges]


def _network_items(report):
    """(segment, hop) of every hop drawn, whether some were left out (a tangle), and the ends they join:
    (ion sites, empty sites). In a big network only the hops that form its networks are drawn: open ones at
    or below the highest percolation energy (within their spread: in a disordered host a network forms in its
    median ordering, while a hop's Em is its mean over the orderings)."""
    formed = [v for v in report.percolation.values() if v is not None]
    items = [(np.array(seg), h) for h in report.hops for seg in h.segments]
    trimmed = len(items) > MAX_SEGMENTS and formed
    if trimmed:
        items = [(seg, h) for seg, h in items if h.valid and h.em - (h.em_std or 0.0) <= max(formed)]
    ends = np.unique(np.round(np.vstack([s for s, _ in items]), 2), axis=0) if items else np.zeros((0, 3))
    is_empty = np.zeros(len(ends), bool)
    if len(ends) and report.empty_sites:
        frac = np.linalg.solve(np.array(report.lattice).T, ends.T).T
        delta = (frac[:, None, :] - np.array(report.empty_sites)[None] + 0.5) % 1.0 - 0.5
        is_empty = np.linalg.norm(delta @ np.array(report.lattice), axis=-1).min(axis=1) < 0.05
    return items, bool(trimmed), ends[~is_empty], ends[is_empty]


def _framework_by_element(report) -> dict[str, np.ndarray]:
    """The framework atoms of the report's cell, grouped by element (most electronegative last, drawn on top)."""
    from pymatgen.core import Element

    groups: dict[str, list] = {}
    for element, *xyz in report.framework:
        groups.setdefault(element, []).append(xyz)
    return {el: np.array(groups[el]) for el in sorted(groups, key=lambda el: Element(el).X)}


# Framework colours stay clear of the Em scale (green to red) and of the ion (blue); the anion is purple.
FRAMEWORK_COLOURS = ("tab:gray", "tab:brown", "tab:olive", "tab:cyan", "tab:pink", "black")


def _framework_colours(report) -> list[tuple[str, np.ndarray, str]]:
    groups = list(_framework_by_element(report).items())
    return [(el, xyz, "tab:purple" if k == len(groups) - 1 else FRAMEWORK_COLOURS[k % len(FRAMEWORK_COLOURS)])
            for k, (el, xyz) in enumerate(groups)]


def _line_style(h) -> dict:
    if not h.valid:
        return {"ls": "--", "lw": 0.8, "alpha": 0.6}
    return {"ls": ":" if h.via_empty_site else "-", "lw": 2.2, "alpha": 1.0}


def network_figure(report):
    """The cell, its framework atoms, the ion sites and every hop: open hops coloured by Em, blocked ones dashed
    grey, hops via an empty site dotted; a big network shows only the hops that form its networks.

    A picture of where the ion goes, between which framework atoms, and which
    hop limits it; the colour scale is centred on the good-conductor threshold.
    """
    plt = _pyplot()
    from matplotlib import cm, colors

    items, trimmed, sites, empty = _network_items(report)
    ems = [h.em for _, h in items if h.valid] or [GOOD_CONDUCTOR_EM]
    norm = colors.TwoSlopeNorm(GOOD_CONDUCTOR_EM, vmin=min(min(ems), GOOD_CONDUCTOR_EM - 0.01),
                               vmax=max(max(ems), GOOD_CONDUCTOR_EM + 0.01))
    cmap = plt.get_cmap("RdYlGn_r")
    fig = plt.figure(figsize=(7.4, 5.8), dpi=120)
    ax = fig.add_subplot(projection="3d")
    for edge in _cell_edges(np.array(report.lattice)):
        ax.plot(*edge.T, color="black", lw=0.6, alpha=0.5)
    for element, xyz, colour in _framework_colours(report):
        ax.scatter(*xyz.T, s=10, color=colour, alpha=0.4, depthshade=False, label=element)
    for seg, h in sorted(items, key=lambda item: -item[1].em):  # the lowest barriers drawn last, on top
        ax.plot(*seg.T, color=cmap(norm(h.em)) if h.valid else "grey", **_line_style(h))
    if len(sites):
        ax.scatter(*sites.T, s=22, color="tab:blue", depthshade=False, label=f"{report.ion} sites")
    if len(empty):
        ax.scatter(*empty.T, s=22, facecolors="none", edgecolors="tab:blue", depthshade=False,
                   label="empty sites (bond-valence minima)")
    if any(not h.valid for _, h in items):
        ax.plot([], [], color="grey", ls="--", label="blocked hop (no open channel)")
    if any(h.valid and h.via_empty_site for _, h in items):
        ax.plot([], [], color="black", ls=":", label="hop via an empty site")
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.55, pad=0.1,
                 label=f"predicted Em (eV); {GOOD_CONDUCTOR_EM} eV at the centre")
    ax.set_xlabel("x (Å)")
    ax.set_ylabel("y (Å)")
    ax.set_zlabel("z (Å)", labelpad=2)
    drawn = np.vstack([*_cell_edges(np.array(report.lattice)), *(seg for seg, _ in items)])
    ax.set_box_aspect(np.maximum(np.ptp(drawn, axis=0), 1.0))  # Å look like Å along every axis
    ax.tick_params(labelsize=7)
    ax.set_title(f"{report.formula}: {report.ion} hop network"
                 + ("\n(only the hops that form its networks; the rest in the table)" if trimmed else ""), fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(-0.12, 1.0))
    return fig


def network_plot(report, path) -> None:
    plt = _pyplot()
    fig = network_figure(report)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def network_html(report, path) -> None:
    """The same network as an interactive page (plotly; offline: the page loads ``plotly.min.js`` from its own
    folder, written there once and shared by every page in it, instead of 4.8 MB inlined in each)."""
    import plotly.graph_objects as go
    from matplotlib import colors

    items, trimmed, sites, empty = _network_items(report)
    traces = [go.Scatter3d(x=e[:, 0], y=e[:, 1], z=e[:, 2], mode="lines", line={"color": "black", "width": 1},
                           hoverinfo="skip", showlegend=False) for e in _cell_edges(np.array(report.lattice))]
    for element, xyz, colour in _framework_colours(report):
        traces.append(go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers", name=element,
                                   marker={"size": 3, "opacity": 0.4, "color": colors.to_hex(colour)},
                                   hoverinfo="name"))
    ems = [h.em for _, h in items if h.valid] or [GOOD_CONDUCTOR_EM]
    lo, hi = min(min(ems), GOOD_CONDUCTOR_EM - 0.01), max(max(ems), GOOD_CONDUCTOR_EM + 0.01)
    for seg, h in items:
        color = _plotly_colour(h.em, lo, hi) if h.valid else "lightgrey"
        state = (f"Em {h.em:.2f} eV" + (f" ± {h.em_std:.2f}" if h.em_std is not None else "")
                 + ("; via an empty site" if h.via_empty_site else "")
                 + ("; outside the training domain" if h.out_of_domain else "")) if h.valid else \
            "blocked: no open channel"
        traces.append(go.Scatter3d(x=seg[:, 0], y=seg[:, 1], z=seg[:, 2], mode="lines",
                                   line={"color": color, "width": 7 if h.valid else 2,
                                         "dash": "dot" if h.via_empty_site else "solid" if h.valid else "dash"},
                                   name=f"hop {h.hop}", text=f"hop {h.hop}: {h.sites()}, {h.length:.2f} Å, {state}",
                                   hoverinfo="text", showlegend=False))
    if len(sites):
        traces.append(go.Scatter3d(x=sites[:, 0], y=sites[:, 1], z=sites[:, 2], mode="markers",
                                   marker={"size": 4, "color": "royalblue"}, name=f"{report.ion} sites"))
    if len(empty):
        traces.append(go.Scatter3d(x=empty[:, 0], y=empty[:, 1], z=empty[:, 2], mode="markers",
                                   marker={"size": 4, "color": "white", "line": {"color": "royalblue", "width": 2}},
                                   name="empty sites (bond-valence minima)"))
    fig = go.Figure(traces)
    fig.update_layout(title=f"{report.formula}: {report.ion} hops (green: below {GOOD_CONDUCTOR_EM} eV, "
                            "red: above; grey dashed: blocked; dotted: via an empty site)"
                            + (" - only the hops that form its networks" if trimmed else ""),
                      scene={"aspectmode": "data"})
    fig.write_html(str(path), include_plotlyjs="directory")


def _plotly_colour(em: float, lo: float, hi: float) -> str:
    from matplotlib import colors

    norm = colors.TwoSlopeNorm(GOOD_CONDUCTOR_EM, vmin=lo, vmax=hi)
    return colors.to_hex(_pyplot().get_cmap("RdYlGn_r")(norm(em)))
