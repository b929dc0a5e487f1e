"""Methods hopnet is compared with, and features borrowed from them (CHGNet: optional extra)."""
