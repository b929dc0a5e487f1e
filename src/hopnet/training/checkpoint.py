"""Resumable training state in safetensors + JSON (no pickle anywhere)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def save_checkpoint(directory: Path, model: torch.nn.Module, best_state: dict, optimizer, meta: dict) -> None:
    """Write model, best-so-far weights and optimizer moments, then the JSON that makes them valid."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    tensors.update({f"best.{k}": v.detach().contiguous() for k, v in best_state.items()})
    opt = optimizer.state_dict()
    for idx, state in opt["state"].items():
        for key, value in state.items():
            tensors[f"opt.{idx}.{key}"] = torch.as_tensor(value).contiguous()
    tmp = directory / "checkpoint.safetensors.tmp"
    save_file(tensors, str(tmp))
    os.replace(tmp, directory / "checkpoint.safetensors")
    # The JSON is written last: a checkpoint without it (killed mid-write) is ignored.
    _atomic_write_text(directory / "checkpoint.json", json.dumps({**meta, "param_groups": opt["param_groups"]}))


def load_checkpoint(directory: Path, model: torch.nn.Module, optimizer) -> tuple[dict, dict] | None:
    """Restore model and optimizer in place; return (best_state, meta), or None if no checkpoint."""
    meta_path, tensor_path = directory / "checkpoint.json", directory / "checkpoint.safetensors"
    if not (meta_path.exists() and tensor_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    tensors = load_file(str(tensor_path))
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")}
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("opt."):
            _, idx, name = key.split(".", 2)
            state.setdefault(int(idx), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta.pop("param_groups")})
    return best, meta
