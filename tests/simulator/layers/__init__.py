"""Per-family layer tests, all built on tests/simulator/layer_harness.py."""
