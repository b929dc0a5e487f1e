"""Fitting networks: typed run configs (``config``), the one resumable epoch loop (``loop``) that
fine-tuning (``trainer``, ``run``) and multi-property pre-training (``pretrain``) share."""
