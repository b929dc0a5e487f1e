"""The baseline users run today: a universal ML potential (CHGNet) driving a climbing-image NEB.

Protocol (issue: baselines): relax both endpoints at fixed cell, then a
climbing-image NEB with the improved tangent, ``n_images`` images in all
(endpoints included), FIRE to ``fmax`` eV/Å. The band's own ion images seed
the path (they follow the DFT path where the dataset has it), the host atoms
are interpolated between the relaxed endpoints. Optional extra:
``pip install 'hopnet[umlip]'``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from hopnet.pathways.band import Band


@dataclass
class NebResult:
    barrier: float  # eV; highest image minus the initial endpoint
    energies: list[float]  # eV, per image after the NEB
    converged: bool  # NEB reached fmax within max_steps
    steps: int  # NEB optimiser steps
    seconds: float  # wall time, endpoints and NEB together


def _relax(atoms, fmax: float, max_steps: int) -> None:
    from ase.optimize import FIRE

    FIRE(atoms, logfile=None).run(fmax=fmax, steps=max_steps)


def neb_barrier(band: Band, calculator, n_images: int = 5, fmax: float = 0.05, max_steps: int = 300) -> NebResult:
    """CI-NEB barrier of ``band`` with an ASE calculator (one instance shared by all images)."""
    from ase.geometry import find_mic
    from ase.mep import NEB
    from ase.optimize import FIRE
    from pymatgen.io.ase import AseAtomsAdaptor

    t0 = time.perf_counter()
    seeds = band.image_structures()  # the ion is site 0 of each
    first, last = (AseAtomsAdaptor.get_atoms(seeds[i]) for i in (0, -1))
    for atoms in (first, last):
        atoms.calc = calculator
        _relax(atoms, fmax, max_steps)
    # Positions of the final endpoint unwrapped next to the initial one, so interpolation never crosses a cell edge.
    last_pos = first.positions + find_mic(last.positions - first.positions, first.cell)[0]
    ion_path = np.array([s.lattice.get_cartesian_coords(f) for s, f in zip(seeds, band.frac_images)])
    steps = find_mic(np.diff(ion_path, axis=0), first.cell)[0]
    ion_path = ion_path[0] + np.cumsum(np.vstack([np.zeros(3), steps]), axis=0)
    images = [first]
    for t in np.linspace(0, 1, n_images)[1:-1]:
        image = first.copy()
        positions = (1 - t) * first.positions + t * last_pos
        # The ion follows the band's path, shifted by how far relaxation moved it at either end.
        shift = (1 - t) * (first.positions[0] - ion_path[0]) + t * (last_pos[0] - ion_path[-1])
        positions[0] = _along(ion_path, t) + shift
        image.positions = positions
        image.calc = calculator
        images.append(image)
    images.append(last)
    neb = NEB(images, climb=True, method="improvedtangent", allow_shared_calculator=True)
    opt = FIRE(neb, logfile=None)
    converged = bool(opt.run(fmax=fmax, steps=max_steps))
    energies = [float(im.get_potential_energy()) for im in images]
    return NebResult(max(energies) - energies[0], energies, converged, int(opt.nsteps), time.perf_counter() - t0)


def _along(path: np.ndarray, t: float) -> np.ndarray:
    """Point at fraction ``t`` of a polyline given by equally spaced images."""
    x = t * (len(path) - 1)
    i = min(int(x), len(path) - 2)
    return path[i] + (x - i) * (path[i + 1] - path[i])
