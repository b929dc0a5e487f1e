"""Typed configuration of the ALIGNN barrier model."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hopnet.graphs.builder import GraphConfig


class ModelConfig(BaseModel):
    """Architecture. Defaults are the shipped model's; the paper's is ``paper()``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    graph: GraphConfig = GraphConfig(scope="local", local_radius=6.0, angle_neighbors=8)
    hidden: int = Field(64, ge=4)
    edge_rbf: int = Field(40, ge=2, description="Gaussian basis size for bond lengths")
    angle_rbf: int = Field(20, ge=2, description="Gaussian basis size for bond-angle cosines")
    alignn_layers: int = Field(2, ge=0)
    gcn_layers: int = Field(2, ge=0)
    path_flag: bool = Field(False, description="mark path-image atoms in the node features (no CV gain measured)")
    ionic_inputs: bool = Field(
        False, description="add each element's ionic descriptors (charge, crystal radius, softBV parameters with O2-) "
        "to its atomic ones, so an ion never trained on is placed among those that were (no leave-one-ion-out gain "
        "measured)"
    )
    readout: Literal["mean", "mean+path"] = Field(
        "mean+path", description="pool all atoms, or all atoms concatenated with the path images"
    )
    outputs: int = Field(1, ge=1, description="targets predicted at once (7 for multi-property pre-training)")

    @classmethod
    def paper(cls) -> "ModelConfig":
        """ALIGNN as in the paper: hidden 256, 4 ALIGNN + 4 GCN layers, all angles, mean pooling."""
        return cls(
            graph=GraphConfig(angle_neighbors=12, scope="full"),
            hidden=256,
            edge_rbf=80,
            angle_rbf=40,
            alignn_layers=4,
            gcn_layers=4,
            path_flag=False,
            readout="mean",
        )
