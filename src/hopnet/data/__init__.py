"""Data shipped inside hopnet: the migration-barrier set with the paper's split (``barriers``),
the multi-property pre-training set (``pretraining``) and the element features (``elements``)."""
