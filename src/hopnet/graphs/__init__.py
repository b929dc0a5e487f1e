"""Crystal graphs for ALIGNN: an atom graph and the bond-angle line graph on its edges."""
from hopnet.graphs.batch import GraphBatch, collate
from hopnet.graphs.builder import CrystalGraph, GraphConfig, build_graph, graph_from_band

__all__ = ["CrystalGraph", "GraphBatch", "GraphConfig", "build_graph", "collate", "graph_from_band"]
