"""simulator/training."""
