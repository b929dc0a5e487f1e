"""Migration paths as "band inputs": a frozen host plus the mobile ion at every image."""
from hopnet.pathways.band import N_IMAGES, Band, band_from_endpoints, band_from_sites

__all__ = ["N_IMAGES", "Band", "band_from_endpoints", "band_from_sites"]
