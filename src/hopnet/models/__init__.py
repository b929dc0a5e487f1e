"""Graph -> network: ALIGNN in plain PyTorch (``alignn``, ``layers``), its typed configuration
(``config``), its file format and model card (``card``), and the out-of-domain check (``domain``)."""
