"""The one loop behind every prediction: inputs in batches, each batch collated and run through a network.

Inference, the domain check's embeddings, the trainer's validation and the
pre-training's property errors all go through ``run_batched`` (as CHGNet's
``predict_structure`` goes through ``predict_graph``), so batching, building
graphs lazily and gradients off are decided once.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from hopnet.graphs.batch import GraphBatch, collate


@torch.no_grad()
def run_batched(forward: Callable[[GraphBatch], torch.Tensor | np.ndarray], inputs: Sequence,
                batch_size: int = 32, collate_fn: Callable[[list], GraphBatch] = collate,
                progress: str | None = None) -> np.ndarray:
    """``forward`` of every input, batch by batch, concatenated along the first axis.

    ``collate_fn`` turns a list of inputs into a batch (graphs by default; a
    caller with bands builds their graphs in it, so memory stays flat);
    ``progress`` names a progress bar shown for more than one batch.
    """
    outputs = []
    # No bar object at all when none is shown: even a disabled tqdm makes a process-shared lock, which a
    # screening worker stopped by Ctrl-C would leave behind.
    bar = tqdm(total=len(inputs), desc=progress, unit="input") \
        if progress is not None and len(inputs) > batch_size else None
    for i in range(0, len(inputs), batch_size):
        chunk = list(inputs[i : i + batch_size])
        out = forward(collate_fn(chunk))
        outputs.append(out.detach().cpu().numpy() if isinstance(out, torch.Tensor) else np.asarray(out))
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return np.concatenate(outputs) if outputs else np.zeros((0,))
