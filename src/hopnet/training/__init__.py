"""Training, cross-validation and metrics."""
