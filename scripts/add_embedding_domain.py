"""Add the embedding-distance domain check to a model card trained before it existed.

    python scripts/add_embedding_domain.py src/hopnet/weights/hopnet-band.json

``hopnet train``/``finetune`` write it themselves; this fills it in for older
cards from the same training split, leaving weights and metrics untouched.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.predictor import load_model
from hopnet.training.datasets import split_graphs

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("card", type=Path)
    args = ap.parse_args()
    model = load_model(args.card)
    _, graphs, _, _ = split_graphs("train", model.graph_config)
    card = json.loads(args.card.read_text())
    card["domain"]["embedding"] = EmbeddingDomain.fit(embed(model.members[0].model, graphs)).save(args.card)
    args.card.write_text(json.dumps(card, indent=1))
    print(f"{args.card}: embedding domain added, threshold {card['domain']['embedding']['threshold']:.2f}")
