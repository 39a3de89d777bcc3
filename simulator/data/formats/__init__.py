"""simulator/data/formats."""
