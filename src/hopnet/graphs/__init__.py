"""Band -> graph: periodic k-nearest-neighbour atom graphs with their bond-angle line graphs
(``builder``), batched for the network (``batch``) and cached on disk (``cache``)."""
