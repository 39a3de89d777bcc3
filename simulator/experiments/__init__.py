"""simulator/experiments."""
