"""Structure -> band: a hop drawn as the paper's band input (``band``: a frozen host plus the ion
at every image), and the hops of a host enumerated, grouped by symmetry and percolated (``hops``)."""
