"""The paper reproduction and every benchmark, beside the product and never imported by it.

hopnet (``src/hopnet``) is what a user installs; this package holds what only
the measurements need: the paper's other model variants (``variants``,
``inputs``), cross-validation schemes (``cv``), the methods hopnet is compared
with (``baselines``), the authors' own results table (``paper``) and the one
result schema every benchmark writes and the report reads (``results``).
Scripts in ``benchmarks/`` import it (their folder is on ``sys.path``).
"""
