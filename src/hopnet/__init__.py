"""hopnet: ionic migration barriers from a hop path, in a fraction of a second.

>>> import hopnet
>>> model = hopnet.load_model()
>>> model.predict(initial, final, ion="Li").em  # doctest: +SKIP
"""
from hopnet.errors import HopnetInputError
from hopnet.pathways.band import Band, band_from_endpoints, band_from_sites
from hopnet.predictor import BarrierModel, Prediction, load_model
from hopnet.structures import read_structure

__version__ = "0.1.0"
__all__ = [
    "Band",
    "BarrierModel",
    "HopnetInputError",
    "Prediction",
    "band_from_endpoints",
    "band_from_sites",
    "load_model",
    "read_structure",
]
