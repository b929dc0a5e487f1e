"""hopnet: ionic migration barriers from a hop path, in a fraction of a second.

>>> import hopnet
>>> model = hopnet.load_model()
>>> model.predict(initial, final, ion="Li").em  # doctest: +SKIP

The package reads top to bottom as data flows: ``structures`` -> ``pathways``
(bands, hops) -> ``graphs`` -> ``models`` (network, card) -> ``predictor`` ->
``workflows`` (one host, many hosts) -> ``cli``; ``training`` fits the models
and ``data`` ships what they were fitted on. The names below are imported on
first use, so ``import hopnet`` stays light (no torch until a model is needed).
"""
from __future__ import annotations

import importlib

__version__ = "0.9.3"

_EXPORTS = {
    "Band": "hopnet.pathways.band",
    "band_from_endpoints": "hopnet.pathways.band",
    "band_from_sites": "hopnet.pathways.band",
    "BarrierModel": "hopnet.predictor",
    "Prediction": "hopnet.predictor",
    "load_model": "hopnet.predictor",
    "HopnetInputError": "hopnet.errors",
    "read_structure": "hopnet.structures",
    "analyse_host": "hopnet.workflows.host",
    "analyse_network": "hopnet.workflows.host",
    "price_host": "hopnet.workflows.host",
    "PricedHost": "hopnet.workflows.host",
    "HopNetwork": "hopnet.pathways.network",
    "HostSettings": "hopnet.workflows.settings",
    "screen": "hopnet.workflows.screening",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hopnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
