"""How one host is analysed: one typed settings object for ``hopnet paths``, ``hopnet screen`` and the jobflow Maker.

The fields that change an answer (``answer_fields``) key a screening row, so a
re-run recomputes exactly what another setting would change; the rest say only
how the work runs. A typo (``mechanism="intersitial"``) is one line, never a
silent vacancy run.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hopnet.errors import HopnetInputError
from hopnet.pathways.hops import Mechanism
from hopnet.vocabulary import DEFAULT_MAX_HOP, DEFAULT_ORDERINGS, DEVICES, ROOM_TEMPERATURE, parse_ion

EmptySites = Literal["auto", "always", "never"]
CLI_FLAGS = {"sites": "--site", "channels": "--no-channels", "compiled": "--compile"}  # the rest: --<field-name>
Device = Literal[DEVICES]


class HostSettings(BaseModel):
    """Everything the host analysis is told, besides the host and the model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ion: str = Field(description="the mobile ion, an element symbol ('Li'; 'Li+' is read as Li)")
    max_hop: float = Field(DEFAULT_MAX_HOP, description="longest hop considered (Å)")
    sites: tuple[tuple[float, float, float], ...] | None = Field(
        None, description="insert the ion at these fractional sites (and every image the space group makes of "
        "them) into a host that has none")
    mechanism: Mechanism | None = Field(
        None, description="other ion sites filled (vacancy) or empty (interstitial); None: interstitial with "
        "inserted sites, else vacancy")
    empty_sites: EmptySites = Field(
        "auto", description="bond-valence minima join the nodes when the ion's own sites form no network (auto), "
        "always, or never")
    channels: bool = Field(True, description="check each hop's channel in the bond-valence landscape")
    orderings: int = Field(DEFAULT_ORDERINGS, ge=1, description="sampled orderings of a disordered host")
    seed: int = Field(0, ge=0, description="seed of the orderings")
    temperature: float = Field(ROOM_TEMPERATURE, description="K: the temperature the conductivity is given at")
    # How the work runs, not what it answers:
    model: str | None = Field(None, description="model card or shipped name; None: the shipped default")
    threads: int = Field(1, ge=1, description="torch and BLAS threads per process")
    device: Device = "cpu"
    compiled: bool = Field(False, description="torch.compile the networks (speed only)")

    def __init__(self, **values):
        try:
            super().__init__(**values)
        except ValidationError as exc:  # named as the command line names it: "--max-hop: ..."
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else "settings"
            flag = CLI_FLAGS.get(field, "--" + field.replace("_", "-"))
            raise HopnetInputError(flag, first["msg"].removeprefix("Value error, ")) from None

    @field_validator("ion")
    @classmethod
    def _element(cls, ion: str) -> str:
        try:
            return parse_ion(ion)
        except HopnetInputError as err:
            raise ValueError(err.problem) from None

    @field_validator("max_hop")
    @classmethod
    def _length(cls, max_hop: float) -> float:
        if not max_hop > 0 or max_hop == float("inf"):  # also refuses NaN
            raise ValueError(f"must be a positive length in Å, got {max_hop:g}")
        return max_hop

    @field_validator("temperature")
    @classmethod
    def _kelvin(cls, temperature: float) -> float:
        if not 0 < temperature < 5000:  # also refuses NaN
            raise ValueError(f"must be a temperature in K between 0 and 5000, got {temperature:g}")
        return temperature

    @property
    def resolved_mechanism(self) -> Mechanism:
        return self.mechanism or ("interstitial" if self.sites else "vacancy")

    def answer_fields(self) -> dict[str, str]:
        """The settings a screening row's numbers depend on, as written in its CSV columns."""
        return {"ion": self.ion, "mechanism": self.resolved_mechanism, "max_hop": repr(float(self.max_hop)),
                "channels": "bvse" if self.channels else "off", "empty_sites": self.empty_sites,
                "orderings": str(self.orderings), "seed": str(self.seed), "temperature": repr(float(self.temperature))}
