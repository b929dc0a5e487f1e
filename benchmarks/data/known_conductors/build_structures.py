"""Build the known-conductor benchmark structures (CIF files) for hopnet.

This is a BENCHMARK set, never training data. Every structure below is either
(a) built with ``Structure.from_spacegroup`` from the space group, lattice constants and
    Wyckoff coordinates of a published crystallographic study (the study is cited in the
    comment above each entry, together with the page where the numbers were read), or
(b) taken from a structure file that ships with pymatgen (MIT licence), whose repository path
    and commit are cited in the comment (NaFePO4, Li10GeP2S12).

Partial occupancies are kept exactly as the crystallographic source gives them; no ordering
is done here. Run from anywhere:

    python build_structures.py            # writes <id>.cif next to this file and checks them

Checks performed for every structure (printed as a table, non-zero exit on failure):
  * reduced composition equals the expected formula (occupancy-weighted for disordered hosts),
  * number of formula units in the cell equals the value expected from the source (Z),
  * charge neutrality of the oxidation-state-decorated structure (ordered hosts: must be exact;
    disordered hosts: the imbalance is printed),
  * shortest interatomic distance >= 1.0 A, except between sites that are both partially
    occupied (alternative positions of the same disordered sublattice).
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from pymatgen.core import Composition, Lattice, Structure
from pymatgen.io.cif import CifWriter

warnings.filterwarnings("ignore")

HERE = Path(__file__).resolve().parent

# Oxidation states used to decorate the CIFs (formal charges).
OXI = {
    "Li": 1, "Na": 1, "K": 1, "Ag": 1, "Cu": 1, "Mg": 2, "Zn": 2,
    "Co": 3, "Fe": 2, "Cr": 3, "Al": 3, "Si": 4, "Ge": 4, "P": 5,
    "O": -2, "S": -2, "N": -3, "Cl": -1,
}
# Mn in LiMn2O4 is mixed valence (3.5+) and Mo in Mo6S8 clusters has a non-integer formal
# valence; those structures are written without oxidation states (see OXI_OVERRIDE).
OXI_OVERRIDE: dict[str, dict | None] = {
    "LiMn2O4": None,
    "Cu2.76Mo6S8": None,
}


def sg(symbol, lattice, species, coords):
    """Structure.from_spacegroup wrapper (conventional cell, sites merged by symmetry)."""
    return Structure.from_spacegroup(symbol, lattice, species, coords, tol=1e-3)


def hexagonal(a, c):
    return Lattice.hexagonal(a, c)


def pymatgen_bundled(name):
    """Load one of the structure JSON files shipped with pymatgen (pymatgen/util/structures)."""
    import pymatgen.util

    path = Path(pymatgen.util.__file__).parent / "structures" / f"{name}.json"
    text = path.read_text()
    return Structure.from_dict(json.loads(text)), hashlib.sha256(text.encode()).hexdigest()


def build_all():
    """Return {id: (structure, expected_formula, expected_Z, note)}."""
    out = {}

    # ------------------------------------------------------------------ layered oxide
    # LiCoO2 (O3, R-3m). S. Kim, Y.-I. Jeong, J.-K. Lee, Y.-M. Kim, J. Power Sources 159 (2006)
    # 233-238 (SpringerMaterials data set); a = 2.81417, c = 14.04346 A; Li 3a (0,0,0),
    # Co 3b (0,0,1/2), O 6c (0,0,0.2397). Numbers read in jcumby/ionic_materials_chem
    # files/LiCoO2.cif @ c5af54446998c77ca9cde96601cc09aa8d5697da (file not copied).
    out["LiCoO2"] = (
        sg("R-3m", hexagonal(2.81417, 14.04346), ["Li", "Co", "O"],
           [[0, 0, 0], [0, 0, 0.5], [0, 0, 0.2397]]),
        "LiCoO2", 3, "")

    # ------------------------------------------------------------------ olivine
    # LiFePO4 (Pnma). A. S. Andersson, B. Kalska, L. Haggstrom, J. O. Thomas,
    # Solid State Ionics 130 (2000) 41-52 (ICSD 92198); a = 10.3290, b = 6.0065, c = 4.6908 A.
    # Read in jcumby/ionic_materials_chem files/LiFePO4.cif @ 32a895b7a125339323f331e6a9ec26d8ada6508f.
    out["LiFePO4"] = (
        sg("Pnma", Lattice.orthorhombic(10.3290, 6.0065, 4.6908),
           ["Li", "Fe", "P", "O", "O", "O"],
           [[0, 0, 0], [0.2822, 0.25, 0.9716], [0.0954, 0.25, 0.4179],
            [0.0946, 0.25, 0.7403], [0.4538, 0.25, 0.2056], [0.1615, 0.0521, 0.2861]]),
        "LiFePO4", 4, "")

    # NaFePO4 (olivine-type, Pnma setting a=10.44 Å). File shipped with pymatgen:
    # materialsproject/pymatgen pymatgen/util/structures/NaFePO4.json
    # @ 31ee58dfd4d0ca10e0de2daec5e68557b47a1040 (same cell as test_files/NaFePO4.cif
    # @ f016e94f4ae014b5a6e28a491ce17c172695809f, a VESTA P1 export). Provenance of the
    # coordinates inside pymatgen is not documented (likely a DFT-relaxed cell). MIT licence.
    s, h = pymatgen_bundled("NaFePO4")
    out["NaFePO4"] = (s, "NaFePO4", 4, f"pymatgen NaFePO4.json sha256={h}")

    # ------------------------------------------------------------------ spinels
    # LiMn2O4 (Fd-3m, origin choice 2). Wende et al., Mater. Res. Bull. 41 (2006) 1530
    # (ICSD 155282); a = 8.24726 A; Li 8a (1/8,1/8,1/8), Mn 16d (1/2,1/2,1/2), O 32e x = 0.26122.
    # Read in jcumby/ionic_materials_chem files/LiMn2O4.cif @ c5af54446998c77ca9cde96601cc09aa8d5697da.
    out["LiMn2O4"] = (
        sg("Fd-3m:2", Lattice.cubic(8.24726), ["Li", "Mn", "O"],
           [[0.125, 0.125, 0.125], [0.5, 0.5, 0.5], [0.26122, 0.26122, 0.26122]]),
        "LiMn2O4", 8, "")

    # MgCr2O4 (magnesiochromite, Fd-3m origin 2). Lenaz, Skogby, Princivalle, Halenius,
    # Phys. Chem. Minerals 31 (2004) 633-642; a = 8.3329 A; Mg (1/8,1/8,1/8), Cr (1/2,1/2,1/2),
    # O (0.2612,0.2612,0.2612). Read on WWW-MINCRYST card
    # http://database.iem.ac.ru/mincryst/inf.php?magnesio.cr6
    out["MgCr2O4"] = (
        sg("Fd-3m:2", Lattice.cubic(8.3329), ["Mg", "Cr", "O"],
           [[0.125, 0.125, 0.125], [0.5, 0.5, 0.5], [0.2612, 0.2612, 0.2612]]),
        "MgCr2O4", 8, "")

    # ------------------------------------------------------------------ antifluorite
    # Li2O (Fm-3m). J. M. Bijvoet, A. Claassen, A. Karssen, Recl. Trav. Chim. Pays-Bas 43 (1925)
    # 680 (ICSD 22402); a = 4.61 A; O 4a (0,0,0), Li 8c (1/4,1/4,1/4). Read in
    # materialsproject/pymatgen test_files/Li2O.cif @ 42d7f5e6425e7ea18267e2320ed137ef099aae8b.
    out["Li2O"] = (
        sg("Fm-3m", Lattice.cubic(4.61), ["O", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]),
        "Li2O", 4, "")

    # ------------------------------------------------------------------ nitride
    # alpha-Li3N (P6/mmm). Lattice: N. Tapia-Ruiz et al., Nat. Commun. 11, 4492 (2020),
    # doi:10.1038/s41467-020-17951-6: "hexagonal alpha-Li3N (P6/mmm; a = 3.656(2) A;
    # c = 3.868(4) A)". Sites N 1a (0,0,0), Li(1) 1b (0,0,1/2), Li(2) 2c (1/3,2/3,0) (site
    # set read in highness-eu/ncrystal data/Li3N_sg191_LithiumNitride.ncmat
    # @ 5c6cba86d8ab2cca0bb011868cd1b5ce23b2547d).
    out["Li3N"] = (
        sg("P6/mmm", hexagonal(3.656, 3.868), ["N", "Li", "Li"],
           [[0, 0, 0], [0, 0, 0.5], [1 / 3, 2 / 3, 0]]),
        "Li3N", 1, "")

    # ------------------------------------------------------------------ thiophosphates
    # Na3PS4, tetragonal (P-421c), pristine sample of I.-H. Chu et al., Sci. Rep. 6, 33733 (2016),
    # doi:10.1038/srep33733, Table 3 (PMC5028709/table/t3): a = b = 6.956, c = 7.088 A;
    # Na1 4d (0, 0.5, 0.426), Na2 2a (0,0,0), P 2b (0,0,0.5), S 8e (0.315, 0.345, 0.167).
    out["Na3PS4"] = (
        sg("P-42_1c", Lattice.tetragonal(6.956, 7.088), ["Na", "Na", "P", "S"],
           [[0, 0.5, 0.426], [0, 0, 0], [0, 0, 0.5], [0.315, 0.345, 0.167]]),
        "Na3PS4", 2, "")

    # Li10GeP2S12 (P4_2/nmc, disordered Li). File shipped with pymatgen:
    # materialsproject/pymatgen pymatgen/util/structures/Li10GeP2S12.json
    # @ 879dca86b4f154e864a2d60685329b27923c69c6 (composition Li20.2Ge2.06P3.94S24,
    # a = 8.69407, c = 12.5994 A; the pymatgen CIF test asserts this formula). Experimental
    # (ICSD-derived) disordered model; the exact primary reference is not recorded in pymatgen.
    s, h = pymatgen_bundled("Li10GeP2S12")
    out["Li10GeP2S12"] = (s, "Li20.2Ge2.06P3.94S24", 1, f"pymatgen Li10GeP2S12.json sha256={h}")

    # ------------------------------------------------------------------ phosphates / silicates
    # gamma-Li3PO4 (Pmnb setting of Pnma). B. Wang, B. C. Chakoumakos, B. C. Sales, B. S. Kwak,
    # J. B. Bates, J. Solid State Chem. 115 (1995) 313-323, doi:10.1006/jssc.1995.1140;
    # AMCSD 0013843, http://rruff.geo.arizona.edu/AMS/download.php?id=17288.cif&down=text
    # a = 6.1113, b = 10.4612, c = 4.9208 A; Li1 (0.5016,0.1627,0.3008), Li2 (0.75,0.4246,0.2045),
    # P (0.25,0.4115,0.3079), O1 (0.0441,0.3418,0.2054), O2 (0.25,0.0503,0.2928),
    # O3 (0.75,0.0896,0.1223).
    out["Li3PO4"] = (
        sg("Pmnb", Lattice.orthorhombic(6.1113, 10.4612, 4.9208),
           ["Li", "Li", "P", "O", "O", "O"],
           [[0.5016, 0.1627, 0.3008], [0.75, 0.4246, 0.2045], [0.25, 0.4115, 0.3079],
            [0.0441, 0.3418, 0.2054], [0.25, 0.0503, 0.2928], [0.75, 0.0896, 0.1223]]),
        "Li3PO4", 4, "")

    # beta-eucryptite LiAlSiO4 (P6_222, Li partially disordered in channels along c).
    # V. Tscherry, H. Schulz, F. Laves, Z. Kristallogr. 135 (1972) 175-198 (disordered model),
    # as tabulated in Landolt-Boernstein III/43A4 (page read at
    # https://paperzz.com/doc/7477031/00300043a4_411.pdf; transformed there from P6_422 with
    # axes -a,-b,-c); a = 10.4818, c = 11.175 A, Z = 12.
    # The table lists occupancy 0.5 for four sites; by stoichiometry (12 Li per cell) these are
    # Li9, Li10 (6f) and Li11 (3d), Li12 (3c); Li13 (3a) is fully occupied.
    out["LiAlSiO4"] = (
        sg("P6_222", hexagonal(10.4818, 11.175),
           ["O", "O", "O", "O", "Al", "Si", "Al", "Si",
            {"Li": 0.5}, {"Li": 0.5}, {"Li": 0.5}, {"Li": 0.5}, "Li"],
           [[0.098, 0.203, 0.268], [0.112, 0.41, 0.08433], [0.392, 0.088, 0.08733],
            [0.602, 0.205, 0.258], [0.2489, 0.4978, 0.5], [0.2526, 0.5052, 0.0],
            [0.2489, 0.0, 0.5], [0.2513, 0.0, 0.0], [0.5, 0.0, 0.1667], [0.5, 0.0, 0.3333],
            [0.5, 0.0, 0.5], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "LiAlSiO4", 12, "")

    # ------------------------------------------------------------------ halides
    # LiAlCl4 (P2_1/c). G. Mairesse, P. Barbier, J. P. Vignacourt, Cryst. Struct. Commun. 6
    # (1977) 15-18; COD 1004036 (public domain), http://crystallography.net/cod/1004036.cif
    # a = 7.007, b = 6.504, c = 12.995 A, beta = 93.32 deg; all atoms 4e.
    out["LiAlCl4"] = (
        sg("P2_1/c", Lattice.monoclinic(7.007, 6.504, 12.995, 93.32),
           ["Al", "Cl", "Cl", "Cl", "Cl", "Li"],
           [[0.70588, 0.32198, 0.89924], [0.69400, 0.18329, 0.04695],
            [0.80902, 0.62835, 0.92849], [0.92580, 0.18160, 0.81372],
            [0.43947, 0.31364, 0.81280], [0.15688, 0.98308, 0.36658]]),
        "LiAlCl4", 4, "")

    # NaCl (halite, Fm-3m) at 1000 K. K. Wang, R. R. Reeber, Phys. Chem. Minerals 23 (1996)
    # 354-360; WWW-MINCRYST card http://database.iem.ac.ru/mincryst/inf.php?hali.te6:
    # a = 5.8447 A at 1000 K; Na (0,0,0), Cl (1/2,1/2,1/2). (High-temperature cell: the
    # vacancy-migration energy below was measured at high temperature; RT cell is ~3.5 % smaller.)
    out["NaCl"] = (
        sg("Fm-3m", Lattice.cubic(5.8447), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "NaCl", 4, "")

    # AgCl (chlorargyrite, Fm-3m). Handbook of Mineralogy (Mineral Data Publishing, 2001-2005),
    # chlorargyrite sheet (https://docslib.org/doc/1114906/): "Space Group: Fm3m. a = 5.554 Z = 4".
    # Rock-salt positions Ag 4a (0,0,0), Cl 4b (1/2,1/2,1/2).
    out["AgCl"] = (
        sg("Fm-3m", Lattice.cubic(5.554), ["Ag", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        "AgCl", 4, "")

    # ------------------------------------------------------------------ Chevrel
    # Cu2.76Mo6S8 (HT Chevrel phase, R-3, hexagonal axes, Cu disordered over two 18f sites).
    # K. Yvon et al. (1977) / R. Flukiger et al. (1977), as tabulated in C. P. Poole Jr.,
    # Handbook of Superconductivity, ch. 6 (page read at
    # https://www.studmed.ru/view/poole-chp-jr-handbook-of-superconductivity_b1e151b4aa5.html?page=24):
    # a = 9.713, c = 10.213 A, Z = 3; Cu(1) 18f (0.15378,0.05862,0.00161) occ 0.24;
    # Cu(2) 18f (0.23611,0.14694,0.10334) occ 0.22; Mo 18f (0.15080,0.16564,0.39103);
    # S(1) 18f (0.05620,0.35913,0.07637); S(2) 6c (0,0,0.20195).
    out["Cu2.76Mo6S8"] = (
        sg("R-3", hexagonal(9.713, 10.213),
           [{"Cu": 0.24}, {"Cu": 0.22}, "Mo", "S", "S"],
           [[0.15378, 0.05862, 0.00161], [0.23611, 0.14694, 0.10334],
            [0.15080, 0.16564, 0.39103], [0.05620, 0.35913, 0.07637], [0, 0, 0.20195]]),
        "Cu2.76Mo6S8", 3, "")

    return out


def decorate(sid, s):
    if sid in OXI_OVERRIDE and OXI_OVERRIDE[sid] is None:
        return s.copy(), None
    d = s.copy()
    d.remove_oxidation_states()
    d.add_oxidation_state_by_element({el.symbol: OXI[el.symbol] for el in d.composition.elements})
    return d, d.charge


def min_distance(s):
    """Shortest distance, ignoring pairs in which both sites are partially occupied."""
    dm = s.distance_matrix
    n = len(s)
    best = np.inf
    for i in range(n):
        for j in range(i + 1, n):
            if not s[i].is_ordered and not s[j].is_ordered:
                continue
            best = min(best, dm[i, j])
    # also images of the same site
    best = min(best, min(s.lattice.abc))
    return best


def main():
    ok = True
    rows = []
    for sid, (s, formula, z_expected, note) in build_all().items():
        exp = Composition(formula)
        comp = s.composition.element_composition
        factor = comp.num_atoms / exp.num_atoms
        same = comp.reduced_composition.almost_equals(exp.reduced_composition, atol=0.02) or \
            (comp / factor).almost_equals(exp, atol=0.02)
        z = round(factor, 3)
        dec, charge = decorate(sid, s)
        dmin = min_distance(s)
        fail = []
        if not same:
            fail.append("composition")
        if z_expected is not None and abs(factor - z_expected) > 0.02:
            fail.append(f"Z={z} expected {z_expected}")
        if charge is not None and s.is_ordered and abs(charge) > 1e-6:
            fail.append(f"charge {charge:+.3f}")
        if dmin < 1.0:
            fail.append(f"dmin {dmin:.2f}")
        ok &= not fail
        CifWriter(dec).write_file(HERE / f"{sid}.cif")
        rows.append((sid, s.composition.formula, s.get_space_group_info(symprec=0.01)[0]
                     if s.is_ordered else "(disordered)", z, "-" if charge is None else f"{charge:+.2f}",
                     f"{dmin:.3f}", "ordered" if s.is_ordered else "partial occ.",
                     "OK" if not fail else "FAIL: " + ", ".join(fail)))
    w = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
