"""CHGNet as a frozen encoder of a band: static energy profile and atom embeddings.

CHGNet (Deng et al., Nat. Mach. Intell. 2023) ships its weights in its wheel,
so this works offline; it is an optional extra (``pip install hopnet[chgnet]``).
Each band becomes five structures (host + the ion at one image); one CHGNet
pass over them gives the energy of each image (no relaxation: the host is
frozen as in the band input) and 64-dim embeddings.
"""
from __future__ import annotations

import numpy as np

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import Band


def load_chgnet(threads: int = 1):
    try:
        import torch
        from chgnet.model import CHGNet
    except ImportError:
        raise HopnetInputError("chgnet", "CHGNet is not installed: pip install 'hopnet[chgnet]'") from None
    torch.set_num_threads(threads)
    return CHGNet.load(verbose=False)


def band_features(model, band: Band) -> dict[str, np.ndarray]:
    """Energies (5,) in eV, ion embedding (5, 64), crystal embedding (5, 64) of one band."""
    images = band.image_structures()
    out = model.predict_structure(images, task="e", return_atom_feas=True, return_crystal_feas=True,
                                  batch_size=len(images))
    n = len(images[0])
    return {
        "energy": np.array([float(o["e"]) * n for o in out], dtype=np.float64),
        "ion_fea": np.stack([np.asarray(o["atom_fea"])[0] for o in out]).astype(np.float32),
        "crystal_fea": np.stack([np.asarray(o["crystal_fea"]) for o in out]).astype(np.float32),
    }


def profile_descriptors(energy: np.ndarray) -> np.ndarray:
    """Static-profile summary per band: barrier, end asymmetry, both on a log scale too.

    Straight paths through a frozen host can put an image onto an atom
    (tens of eV), so the raw barrier is paired with log1p of it.
    """
    rel = energy - energy[:, :1]
    barrier = rel.max(axis=1)
    asym = rel[:, -1]
    return np.stack([barrier, np.log1p(np.maximum(barrier, 0)), asym, np.log1p(np.abs(asym))], axis=1)
