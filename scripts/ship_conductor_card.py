"""Ship a conductor fit: the one writer of src/hopnet/weights/conductor.json.

    python scripts/ship_conductor_card.py --rows v0.9.0

Takes the card that ``benchmarks/conductor_fit.py --rows <rows>`` fitted (class, Ea
and its interval) and the conductivity that ``benchmarks/conductivity.py --rows
<rows>`` chose and fitted, joins them, writes the package's card and renders its
page. The card names its rows and the hopnet version that computed their inputs;
tests/test_conductor.py fails while the shipped card differs from those result files.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from hopnet.models.card import shipped_weights_dir
from hopnet.workflows.card_page import card_page, page_path, shipped_cards
from hopnet.workflows.conductor import CARD, ConductorCard

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "real_electrolytes"


def fitted_card(rows: str) -> ConductorCard:
    """The card the two result files of ``rows`` hold, joined."""
    fit = json.loads((RESULTS / f"conductor_fit-{rows}.json").read_text())
    sigma = json.loads((RESULTS / f"conductivity-{rows}.json").read_text())
    return ConductorCard.model_validate({**fit["card"], "sigma": sigma["card_sigma"]})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", required=True, help="the real-electrolyte rows both fits read (e.g. v0.9.0)")
    card = fitted_card(ap.parse_args().rows)
    (shipped_weights_dir() / CARD).write_text(card.model_dump_json(indent=1) + "\n")
    for shipped in shipped_cards():
        page_path(shipped).write_text(card_page(shipped))
    print(shipped_weights_dir() / CARD)


if __name__ == "__main__":
    main()
