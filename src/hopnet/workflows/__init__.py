"""Predictor -> answers: one host's hops, barriers and percolation (``host``), and many hosts
screened into one resumable CSV on local processes or Dask (``screening``)."""
