"""Where the ion can go: the bond-valence site-energy (BVSE) landscape of a host, and each hop's barrier in it.

The network prices a hop; it has only ever seen hops that exist (the 619 DFT
paths were chosen by researchers because they do), so on a straight hop through
a CoO2 slab it extrapolates to an ordinary barrier. Physics decides here which
hops exist. The mobile ion's BVSE is computed on a grid over the cell, with the
parameters and potentials of bvlain (Dembitskiy et al., pip ``bvlain``), summed
by hopnet's own engine (``chemistry.bvse``: bvlain's grid is the reference, and
the reproduction package's tests hold the two together); a hop's BVSE barrier
is the lowest energy at which its two end sites connect through grid points
inside a tube around the hop (a curved channel counts, the straight line need
not be open). A hop whose BVSE barrier is far above those of real hops runs
through the framework, not between sites.

Why not a distance rule: on the training hops the straight line passes within
0.4 Å of a host atom for 5 % of real, low-barrier hops (the ion curves around in
the DFT path), so closeness of the straight line says little; the landscape
does not depend on the straight line.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
from pymatgen.core import Structure
from scipy import ndimage

from hopnet.chemistry.bvse import BvseRun, run_bvse
from hopnet.chemistry.oxidation import OxidationOrigin, with_oxidation_states
from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind
from hopnet.pathways.hops import perpendicular_widths, symmetry_equivalent_sites
from hopnet.vocabulary import element_of, elements_of

RESOLUTION = 0.25  # Å between grid points
TUBE_RADIUS = 1.5  # Å around the straight hop in which the channel may curve
SITE_RADIUS = 0.5  # Å; the site's energy is the lowest grid energy this close to it
ENERGY_CAP = 50.0  # eV; grid points inside atoms (BVSE ~1e15) are capped so arithmetic stays finite
# A hop whose BVSE barrier is above its ion's ceiling has no open channel. Every DFT path of the
# training split exists; the ceiling is the highest BVSE barrier of that ion's conducting training
# hops (DFT Em <= 1 eV), or for ions with fewer than 20 such hops the 98th percentile over all ions
# (benchmarks/bvse_hops.py -> results/bvse_hops_train.json, copied here; a test keeps them equal).
# Per ion, because BVSE magnitudes grow with the ion's size and charge (K, Na hops reach 20-30 eV).
# Li's is chosen on the real electrolytes instead: the training hops' 4.3 eV blocked the conduction hops
# of LATP (4.47, 4.53 eV); swept over 4.3-inf on the priced networks of every OBELiX CIF, family-grouped
# cross-validation picks 5.0 (benchmarks/real_electrolytes.py, results/real_electrolytes/v0.5.0.json; a test
# keeps them equal).
# Empty sites (BVSE minima where no ion sits): a minimum this far (Å) from every occupied site and every
# other empty site, within half the ion's ceiling of the occupied sites' energy, at most this many per cell.
# 1.5 Å: closer minima are the same site's split positions or shoulders (a tetrahedral site next to an
# octahedral one in a layered oxide is ~1.6 Å away, and is kept).
EMPTY_SITE_SEPARATION = 1.5
MAX_EMPTY_SITES = 24
EMPTY_SITE_WINDOW = 0.5  # of the ion's ceiling: a site much higher than the occupied ones is rarely visited
MINIMUM_WINDOW = 5  # grid points (1.25 Å at the default resolution) within which a minimum is lowest
TRAINING_CEILINGS = {"Ca": 15.3, "K": 43.1, "Li": 4.3, "Mg": 3.8, "Na": 22.3, "other": 7.9}
REAL_ELECTROLYTE_CEILINGS = {"Li": 5.0}
BLOCKED_ABOVE = {**TRAINING_CEILINGS, **REAL_ELECTROLYTE_CEILINGS}
# The BVSE barrier on the DFT scale: per ion, DFT Em = intercept + slope x BVSE barrier over the training
# split's open hops, with its RMS residual (benchmarks/bvse_hops.py -> results/bvse_hops_train.json,
# "bvse_to_em", copied here; a test keeps them equal). The physics half of a hop's price
# (hopnet.workflows.pricing): a line, not a finer model, since BVSE ranks hops (Spearman ~0.5 with DFT)
# far better than it measures them.
BVSE_TO_EM = {
    "Ca": (0.8437, 0.126, 0.6926), "K": (0.4557, -0.0037, 0.3186), "Li": (0.3218, 0.2219, 0.3614),
    "Mg": (0.4483, 0.1133, 0.2304), "Na": (0.5738, 0.0633, 0.4665), "Zn": (0.7839, -0.0351, 0.288),
    "other": (0.6596, 0.0455, 0.5809),
}


def blocked_above(ion: str) -> float:
    """The BVSE barrier (eV) above which a hop of ``ion`` has no open channel."""
    return BLOCKED_ABOVE.get(ion, BLOCKED_ABOVE["other"])


@dataclass(frozen=True)
class BvseScale:
    """A hop's BVSE barrier read as a DFT barrier: ``intercept + slope x barrier``, give or take ``rms`` (eV)."""

    intercept: float
    slope: float
    rms: float

    @property
    def informative(self) -> bool:
        """Whether a higher BVSE barrier means a higher DFT one for this ion (K's and Zn's lines are flat)."""
        return self.slope > 0

    def em(self, barrier: float | np.ndarray) -> float | np.ndarray:
        return self.intercept + self.slope * barrier


def bvse_scale(ion: str) -> BvseScale:
    return BvseScale(*BVSE_TO_EM.get(ion, BVSE_TO_EM["other"]))


@dataclass
class Landscape:
    """BVSE of one mobile ion on a periodic grid over ``lattice`` (rows = lattice vectors, Å)."""

    energy: np.ndarray  # (n0, n1, n2) eV, periodic: index n_i is index 0 again
    lattice: np.ndarray
    oxidation_states: OxidationOrigin = OxidationOrigin.STRUCTURE  # where the states bvlain used came from

    @classmethod
    def from_run(cls, run: BvseRun) -> "Landscape":
        """A BVSE grid as a landscape; one class for hopnet's grid and bvlain's, the reference it is held to."""
        # the grid spans [0, 1] with both ends included: drop the repeated last plane of each axis
        grid = run.grid[:-1, :-1, :-1]
        return cls(np.minimum(np.nan_to_num(grid, nan=ENERGY_CAP, posinf=ENERGY_CAP), ENERGY_CAP), run.cell,
                   run.origin)

    def hop_barrier(self, start_frac, end_frac) -> float:
        """Lowest energy above the deeper end site at which the two sites connect inside the tube (eV).

        ``end_frac`` is taken as given (the hop's lattice image), not wrapped. inf: they never connect.
        """
        return self._channel(start_frac, end_frac, with_path=False)[0]

    def channel_images(self, start_frac, end_frac, n_images: int) -> np.ndarray | None:
        """``n_images`` fractional points, equally spaced along the channel's path between the two
        sites at the energy where they connect (the ends are the sites), or None if they never do."""
        barrier, path = self._channel(start_frac, end_frac, with_path=True)
        if path is None:
            return None
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
        at = np.linspace(0.0, arc[-1], n_images)
        points = np.stack([np.interp(at, arc, path[:, k]) for k in range(3)], axis=1)
        return np.linalg.solve(self.lattice.T, points.T).T  # Cartesian -> fractional, unwrapped

    def _channel(self, start_frac, end_frac, with_path: bool) -> tuple[float, np.ndarray | None]:
        shape = np.array(self.energy.shape)
        g0, g1 = np.asarray(start_frac) * shape, np.asarray(end_frac) * shape
        margin = self._margin(TUBE_RADIUS)
        lo = np.floor(np.minimum(g0, g1)).astype(int) - margin
        hi = np.ceil(np.maximum(g0, g1)).astype(int) + margin
        idx = np.stack(np.meshgrid(*[np.arange(a, b + 1) for a, b in zip(lo, hi)], indexing="ij"), axis=-1)
        energy = self.energy[idx[..., 0] % shape[0], idx[..., 1] % shape[1], idx[..., 2] % shape[2]]
        cart = (idx / shape) @ self.lattice
        a, b = (np.asarray(g) / shape @ self.lattice for g in (g0, g1))
        t = np.clip(((cart - a) @ (b - a)) / max(float((b - a) @ (b - a)), 1e-12), 0.0, 1.0)
        to_line = np.linalg.norm(cart - (a + t[..., None] * (b - a)), axis=-1)
        inside = to_line <= TUBE_RADIUS
        near_start = np.linalg.norm(cart - a, axis=-1) <= SITE_RADIUS
        near_end = np.linalg.norm(cart - b, axis=-1) <= SITE_RADIUS
        if not near_start.any() or not near_end.any():
            raise ValueError("grid too coarse for the site radius")
        site = max(energy[near_start].min(), energy[near_end].min())  # both sites must be reached
        base = min(energy[near_start].min(), energy[near_end].min())
        levels = np.unique(energy[inside & (energy >= site)])
        if not levels.size or not _connected(inside & (energy <= levels[-1]), near_start, near_end):
            return float("inf"), None
        left, right = 0, len(levels) - 1  # the first level at which the sites connect
        while left < right:
            mid = (left + right) // 2
            if _connected(inside & (energy <= levels[mid]), near_start, near_end):
                right = mid
            else:
                left = mid + 1
        barrier = float(levels[left] - base)
        if not with_path:
            return barrier, None
        voxels = _lowest_route(inside & (energy <= levels[left]), near_start, near_end, energy)
        return barrier, np.vstack([a, cart[tuple(voxels.T)], b])


    def _margin(self, radius: float) -> np.ndarray:
        """Grid points per axis that cover ``radius`` Å, plus one: steps per Å across each pair of cell faces,
        since in a slanted cell the axis length overstates it."""
        return np.ceil(radius * np.array(self.energy.shape) / perpendicular_widths(self.lattice)).astype(int) + 1

    def site_energy(self, frac) -> float:
        """The lowest grid energy within ``SITE_RADIUS`` of a site (eV)."""
        shape = np.array(self.energy.shape)
        g = np.asarray(frac, float) * shape
        margin = self._margin(SITE_RADIUS)
        idx = np.stack(np.meshgrid(*[np.arange(int(np.floor(c)) - m, int(np.floor(c)) + m + 2)
                                     for c, m in zip(g, margin)], indexing="ij"), axis=-1).reshape(-1, 3)
        near = np.linalg.norm((idx - g) / shape @ self.lattice, axis=1) <= SITE_RADIUS
        return float(self.energy[tuple((idx[near] % shape).T)].min())

    def low_minima(self, occupied_frac: np.ndarray | None, window: float) -> np.ndarray:
        """Fractional positions of the grid's local minima (lowest within ``MINIMUM_WINDOW`` points along
        each axis) at most ``window`` above the lowest occupied site's energy (None: the lowest grid point's),
        lowest first."""
        shape = np.array(self.energy.shape)
        if occupied_frac is None:
            reference = self.energy.min()
        else:
            reference = min(self.energy[tuple(i)]
                            for i in np.rint(np.atleast_2d(occupied_frac) % 1.0 * shape).astype(int) % shape)
        lowest = self.energy == ndimage.minimum_filter(self.energy, size=MINIMUM_WINDOW, mode="wrap")
        found = np.argwhere(lowest & (self.energy <= reference + window))
        return found[np.argsort(self.energy[tuple(found.T)], kind="stable")] / shape


def empty_sites(structure: Structure, ion: str, landscape: Landscape) -> tuple[np.ndarray, str]:
    """Sites the ion may use where none sits: the landscape's low minima, as whole symmetry orbits.

    A host whose own ion sites are too far apart or blocked still conducts when
    the ion passes through empty interstitial sites (the tetrahedral site between
    two octahedral Li sites of a layered oxide). Minima are taken lowest first,
    each with every image the host's space group makes of it, skipping one
    closer than ``EMPTY_SITE_SEPARATION`` to an occupied or already chosen site;
    whole orbits while the total stays within ``MAX_EMPTY_SITES``. A host whose
    file places no ion at all (a Li conductor refined without its Li, which
    X-rays barely see) takes every site from the landscape, its lowest minimum
    the reference. Returns the sites (fractional) and a note when the limit left
    low minima out.
    """
    occupied = structure.frac_coords[np.array(elements_of(structure)) == ion]
    reference = occupied if len(occupied) else None
    taken, chosen, note = occupied.copy(), [], ""
    for frac in landscape.low_minima(reference, EMPTY_SITE_WINDOW * blocked_above(ion)):
        if len(taken) and structure.lattice.get_all_distances(frac, taken).min() < EMPTY_SITE_SEPARATION:
            continue
        orbit = symmetry_equivalent_sites(structure, frac, tol=EMPTY_SITE_SEPARATION)
        if len(chosen) + len(orbit) > MAX_EMPTY_SITES:
            note = f"empty sites limited to {len(chosen)} (the next orbit has {len(orbit)} sites)"
            break
        chosen.extend(orbit)
        taken = np.vstack([taken, orbit])
    return np.array(chosen).reshape(-1, 3), note


def _lowest_route(mask: np.ndarray, start: np.ndarray, end: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Voxel indices of a shortest route through ``mask`` from the start region to the end region;
    among equally short steps the one of lower energy (a breadth-first search by dilation)."""
    cube = np.ones((3, 3, 3), bool)
    steps = np.full(mask.shape, -1)
    reached = start & mask
    steps[reached] = 0
    step = 0
    while not (reached & end).any():
        step += 1
        grown = ndimage.binary_dilation(reached, structure=cube, mask=mask)
        steps[grown & ~reached] = step
        reached = grown
    ends = np.argwhere(reached & end & (steps == step))
    here = ends[np.argmin(energy[tuple(ends.T)])]
    route = [here]
    offsets = np.argwhere(cube) - 1
    while steps[tuple(here)] > 0:
        around = here + offsets
        ok = np.all((around >= 0) & (around < mask.shape), axis=1)
        around = around[ok]
        around = around[steps[tuple(around.T)] == steps[tuple(here)] - 1]
        here = around[np.argmin(energy[tuple(around.T)])]
        route.append(here)
    return np.array(route[::-1])


def _connected(mask: np.ndarray, start: np.ndarray, end: np.ndarray) -> bool:
    labels, _ = ndimage.label(mask, structure=np.ones((3, 3, 3)))
    reached = set(np.unique(labels[start & mask])) - {0}
    return bool(reached & set(np.unique(labels[end & mask])))


def _framework_key(structure: Structure, ion: str) -> tuple:
    """What the ion's landscape depends on besides where the ion sits: the ion's species (with any given
    oxidation state: Cu+ and Cu2+ differ) and count, the cell, and every other atom (species with any given
    oxidation state, and position), in order."""
    return (tuple(sorted(str(site.specie) for site in structure if element_of(site.specie) == ion)),
            np.round(structure.lattice.matrix, 6).tobytes(),
            tuple((str(site.specie), *np.round(site.frac_coords % 1.0, 6)) for site in structure
                  if element_of(site.specie) != ion))


def bvse_landscape(structure: Structure, ion: str, resolution: float = RESOLUTION,
                   source: str = "host", tolerance: float | None = None) -> Landscape:
    """The mobile ion's BVSE landscape in ``structure`` (the host with its ion sites filled), on the grid of
    ``chemistry.bvse.run_bvse``; one line naming the reason where bond valences cannot describe the host."""
    return Landscape.from_run(run_bvse(structure, ion, resolution, source, tolerance))


def _ordering_landscape(structure: Structure, ion: str, source: str, file_states: dict[str, int] | None,
                        flags: dict[str, Flag]) -> Landscape:
    """One ordering's landscape; where its own states cannot be found, with the file's (``Landscapes.of``)."""
    try:
        return bvse_landscape(structure, ion, source=source)
    except HopnetInputError:
        if not file_states or any(getattr(site.specie, "oxi_state", None) is not None for site in structure):
            raise
        decorated = structure.copy()
        decorated.add_oxidation_state_by_element(file_states)
        landscape = bvse_landscape(decorated, ion, source=source)
        text = ("oxidation states of the file's composition (" + ", ".join(f"{el}{q:+d}" for el, q in
                file_states.items()) + ") for the orderings whose rounded composition balances with no whole states")
        flags.setdefault(text, Flag(kind=FlagKind.GUESSED_OXIDATION_STATES, text=text))
        return landscape


@dataclass
class Landscapes:
    """The landscape of each environment a network is priced in (None where bond valences cannot describe
    it), and what a user should know about them."""

    per_environment: list[Landscape | None]
    flags: list[Flag]
    file_states: dict[str, int] | None = None  # where an ordering's own states cannot be found (``of``)
    _cleared: dict[tuple, "Landscape | None"] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, environments: list[Structure], ion: str, source: str = "host",
           file_states: dict[str, int] | None = None) -> "Landscapes":
        """Each ordering has its own landscape: which channels are open depends on where the partial atoms sit.
        The landscape is the ion's energy among the other atoms (bvlain leaves the ion's own atoms out), so
        orderings that differ only in where the ion sits share one: computed once, it is the same grid.

        ``file_states``: the oxidation states that balance the file's own composition (partial occupancies and
        all). An ordering rounds the occupancies to whole atoms, and its composition may then balance with no
        whole states (Li 6.4 -> 6 in a Ta-doped garnet): such an ordering takes the file's states, element by
        element, instead of no landscape; it is said in a note."""
        found: list[Landscape | None] = []
        flags: dict[str, Flag] = {}  # one of each text: the orderings often fail alike
        computed: dict[tuple, Landscape] = {}
        for structure in environments:
            key = _framework_key(structure, ion)
            if key in computed:
                found.append(computed[key])
                continue
            try:
                found.append(_ordering_landscape(structure, ion, source, file_states, flags))
                # shared only where the states are the file's or the composition's alone: the analyser reads
                # the geometry, ion included, and the guesses after it are reached only where it failed
                if found[-1].oxidation_states in (OxidationOrigin.STRUCTURE, OxidationOrigin.COMMON):
                    computed[key] = found[-1]
            except HopnetInputError as err:
                found.append(None)
                text = f"hops not checked for open channels: {err.problem}"
                flags.setdefault(text, Flag(kind=FlagKind.CHANNEL_UNCHECKED, text=text))
                continue
            origin = found[-1].oxidation_states
            if origin.guessed:
                text = (f"oxidation states from the {origin.value} (the bond-valence analyser found no "
                        "charge-balanced assignment): channel checks are less certain")
                flags.setdefault(text, Flag(kind=FlagKind.GUESSED_OXIDATION_STATES, text=text))
        return cls(found, list(flags.values()), file_states)

    @classmethod
    def unchecked(cls, environments: int) -> "Landscapes":
        """No landscapes (the user turned the channel check off): every hop counts as open."""
        return cls([None] * environments, [])

    def first(self) -> Landscape | None:
        return next((found for found in self.per_environment if found is not None), None)

    def cleared(self, environment: Structure, index: int, taken: tuple[int, ...], ion: str,
                source: str = "host") -> "Landscape | None":
        """The landscape of ordering ``index`` (``environment``) with the atoms ``taken`` off a hop's end sites
        (``pricing.Drawn``): a snapshot in which the ion holds those sites, as the hop was drawn. The other atoms
        keep the oxidation states found for the whole ordering as it stands (without the taken atoms it balances
        with none), else the file's. Computed once per (ordering, taken atoms); None where the ordering itself has
        no landscape.

        Known inconsistency, kept so that the 0.9.2 rows stand: an ordering that places none of the ion gets its
        own landscape's states with the ion counted as absent (``chemistry.bvse.decorated_host``), which can
        differ from the states found here (a scarce-Li double perovskite: W4+ there, La2+ here)."""
        key = (index, taken)
        if key not in self._cleared:
            self._cleared[key] = None
            if self.per_environment[index] is not None:
                try:
                    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # as decorated_host
                        warnings.simplefilter("ignore")
                        decorated, _ = with_oxidation_states(environment)
                except ValueError:
                    decorated = None
                    if self.file_states:
                        decorated = environment.copy()
                        decorated.add_oxidation_state_by_element(self.file_states)
                if decorated is not None:
                    kept = decorated.copy()
                    kept.remove_sites(list(taken))
                    try:
                        self._cleared[key] = bvse_landscape(kept, ion, source=source)
                    except HopnetInputError:
                        pass
        return self._cleared[key]

    def hop_barriers(self, ends: list[tuple[np.ndarray, np.ndarray]],
                     drawn_in: list["Landscape | None"] | None = None) -> tuple[list[float | None], Flag | None]:
        """A hop's BVSE barrier in each landscape, between the (start, end) fractional sites it has in that
        landscape's environment (None where there is no landscape), and a flag where a grid was too coarse to
        resolve the sites (unchecked there). ``drawn_in``: the landscape of each environment as the hop was
        drawn there (``cleared`` where atoms were taken off its ends), in place of the environments' own."""
        barriers, flag = [], None
        for landscape, (start, end) in zip(self.per_environment if drawn_in is None else drawn_in, ends):
            try:
                barriers.append(landscape.hop_barrier(start, end) if landscape else None)
            except ValueError as exc:
                barriers.append(None)
                flag = Flag(kind=FlagKind.CHANNEL_UNCHECKED, text=f"channel not checked: {exc}")
        return barriers, flag
