"""Data shipped with hopnet: the migration-barrier set and the element features."""
from hopnet.data.barriers import BarrierEntry, host_groups, load_barriers, load_endpoints

__all__ = ["BarrierEntry", "host_groups", "load_barriers", "load_endpoints"]
