"""Periodic k-nearest-neighbour graphs and their bond-angle triplets, in numpy.

Everything here is vectorised: one C neighbour search from pymatgen, then
sorting and index arithmetic. No Python loop runs over atoms or edges.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from pymatgen.core import Element, Lattice, Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import Band
from hopnet.structures import AtomArrays, periodic_neighbours
from hopnet.vocabulary import N_IMAGES

GRAPH_VERSION = 2  # bump when the same config would build a different graph (invalidates caches)


class GraphConfig(BaseModel):
    """How a structure becomes a graph. Part of every model's card."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cutoff: float = Field(8.0, gt=0, description="neighbour search radius (Å)")
    max_neighbors: int = Field(12, ge=1, description="edges per atom: the nearest within cutoff, ties kept")
    angle_neighbors: int = Field(12, ge=2, description="only bonds to this many nearest neighbours form angles")
    scope: Literal["full", "local"] = Field("full", description="whole cell, or atoms near the path only")
    local_radius: float = Field(6.0, gt=0, description="with scope=local: keep atoms this close to a path image (Å)")


@dataclass
class CrystalGraph:
    """Arrays of one graph. Edge k carries a message from ``src[k]`` to ``dst[k]``."""

    z: np.ndarray  # (N,) atomic numbers
    path_flag: np.ndarray  # (N,) 1 for ion images on the path, else 0
    src: np.ndarray  # (E,) neighbour atom
    dst: np.ndarray  # (E,) centre atom
    length: np.ndarray  # (E,) bond length, Å
    tri_src: np.ndarray  # (T,) edge index: message source in the line graph
    tri_dst: np.ndarray  # (T,) edge index: message target (shares its centre atom with tri_src)
    cos_angle: np.ndarray  # (T,) cosine of the angle between the two bonds at their centre

    @property
    def num_atoms(self) -> int:
        return len(self.z)

    @classmethod
    def empty(cls) -> "CrystalGraph":
        """A graph with no atoms: stands in, in a cached list, for an input whose graph could not be built."""
        i, f = np.zeros(0, np.int64), np.zeros(0, np.float32)
        return cls(i, i, i, i, f, i, i, f)


TIE_TOLERANCE = 1e-3  # Å; neighbours this close to the k-th are kept too


def _within_kth(center: np.ndarray, dist: np.ndarray, k: int) -> np.ndarray:
    """Edges no longer than their centre's k-th shortest bond (plus ties).

    Cutting at exactly k edges would pick among equidistant atoms by their
    order in the file, so a symmetric crystal would get a different graph for
    every atom ordering.
    """
    first = np.searchsorted(center, center, side="left")  # edges are sorted by (centre, length)
    n_per_center = np.bincount(center)[center]
    kth = np.where(n_per_center >= k, dist[first + np.minimum(k, n_per_center) - 1], np.inf)
    return dist <= kth + TIE_TOLERANCE


FIRST_RADIUS = 4.5  # Å: where the neighbour search looks first; a host's 12th neighbour is mostly nearer


def _neighbours(lattice: Lattice, cart: np.ndarray, centers_idx: np.ndarray, r: float):
    """(centre's position in ``centers_idx``, neighbour, image, distance) within ``r``, each centre's own site
    left out."""
    c, n, images, dist = periodic_neighbours(lattice, cart, cart[centers_idx], r)
    not_self = (n != centers_idx[c]) | np.any(images != 0, axis=1)
    return c[not_self], n[not_self], images[not_self], dist[not_self]


def _knn_edges(lattice: Lattice, cart: np.ndarray, centers_idx: np.ndarray, cfg: GraphConfig):
    """Edges (centre, neighbour, vector, length) to the ``max_neighbors`` nearest atoms, sorted by centre.

    The search looks within ``FIRST_RADIUS`` first, and out to the cutoff only for the centres whose
    ``max_neighbors``-th neighbour (and its ties) it did not find there: an 8 Å sphere holds ~150 atoms to sort
    for the 12 kept, which was most of a graph's time. The edges are those of one search to the cutoff.
    """
    k, first = cfg.max_neighbors, min(FIRST_RADIUS, cfg.cutoff)
    c, n, images, dist = _neighbours(lattice, cart, centers_idx, first)
    order = np.lexsort((dist, c))
    counts = np.bincount(c, minlength=len(centers_idx))
    kth = np.full(len(centers_idx), np.inf)
    found = counts >= k
    kth[found] = dist[order][(np.cumsum(counts) - counts)[found] + k - 1]
    settled = kth + TIE_TOLERANCE < first
    if not settled.all():
        redo = np.flatnonzero(~settled)
        c2, n2, images2, dist2 = _neighbours(lattice, cart, centers_idx[redo], cfg.cutoff)
        keep = settled[c]
        c, n = np.concatenate([c[keep], redo[c2]]), np.concatenate([n[keep], n2])
        images, dist = np.concatenate([images[keep], images2]), np.concatenate([dist[keep], dist2])
    c = centers_idx[c]
    vec = cart[n] + images @ lattice.matrix - cart[c]
    order = np.lexsort((dist, c))
    c, n, vec, dist = c[order], n[order], vec[order], dist[order]
    keep = _within_kth(c, dist, cfg.max_neighbors)
    return c[keep], n[keep], vec[keep].astype(np.float32), dist[keep].astype(np.float32)


def _triplets(center: np.ndarray, vec: np.ndarray, dist: np.ndarray, angle_neighbors: int):
    """All ordered pairs of distinct edges around one centre, among its nearest bonds (ties included)."""
    elig = np.flatnonzero(_within_kth(center, dist, angle_neighbors))
    ctr = center[elig]
    _, inverse, counts = np.unique(ctr, return_inverse=True, return_counts=True)
    starts = np.cumsum(counts) - counts
    reps = counts[inverse]
    e1 = np.repeat(elig, reps)
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    e2 = elig[np.repeat(starts[inverse], reps) + within]
    distinct = e1 != e2
    e1, e2 = e1[distinct], e2[distinct]
    v1, v2 = vec[e1], vec[e2]
    # Straight-line paths can put an image on top of a host atom (9 training paths do).
    norms = np.maximum(np.linalg.norm(v1, axis=1) * np.linalg.norm(v2, axis=1), 1e-12)
    cos = np.einsum("ij,ij->i", v1, v2) / norms
    return e1, e2, np.clip(cos, -1.0, 1.0).astype(np.float32)


def local_nodes(structure: Structure | AtomArrays, centers_frac: np.ndarray, radius: float) -> np.ndarray:
    """Indices of the sites within ``radius`` of any of the fractional points ``centers_frac``."""
    near = structure.lattice.get_all_distances(np.atleast_2d(centers_frac), structure.frac_coords).min(axis=0)
    return np.flatnonzero(near <= radius)


def build_graph(
    structure: Structure | AtomArrays, cfg: GraphConfig, n_path: int = 0, source: str = "structure",
    nodes: np.ndarray | None = None,
) -> CrystalGraph:
    """Graph of ``structure`` whose first ``n_path`` sites are the ion's path images.

    ``nodes`` overrides which sites the graph keeps (by default all, or with
    ``scope="local"`` those near the path): two structures of the same atoms
    then give graphs whose atoms correspond one to one.
    """
    atoms = AtomArrays.of(structure)
    n_sites = len(atoms)
    if nodes is None:
        local = cfg.scope == "local" and n_path
        nodes = local_nodes(atoms, atoms.frac_coords[:n_path], cfg.local_radius) if local else np.arange(n_sites)
    c, n, vec, dist = _knn_edges(atoms.lattice, atoms.cart_coords, nodes, cfg)
    # Re-index to the kept nodes; a neighbour outside the local region is dropped.
    remap = np.full(n_sites, -1)
    remap[nodes] = np.arange(len(nodes))
    inside = remap[n] >= 0
    c, n, vec, dist = c[inside], n[inside], vec[inside], dist[inside]
    lonely = np.setdiff1d(nodes, c)
    if lonely.size:
        raise HopnetInputError(
            source, f"site {int(lonely[0])} ({atoms.symbols[int(lonely[0])]}) has no neighbour within {cfg.cutoff} Å"
        )
    e1, e2, cos = _triplets(c, vec, dist, cfg.angle_neighbors)
    flag = (nodes < n_path).astype(np.int64)
    return CrystalGraph(atoms.numbers[nodes], flag, remap[n], remap[c], dist, e1, e2, cos)


def graph_from_band(band: Band, cfg: GraphConfig) -> CrystalGraph:
    host, images = band.atoms, len(band.frac_images)
    atoms = AtomArrays(band.lattice, np.concatenate([np.full(images, Element(band.ion).Z), host.numbers]),
                       np.vstack([band.frac_images, host.frac_coords]))
    return build_graph(atoms, cfg, n_path=N_IMAGES, source=band.label or "band")
