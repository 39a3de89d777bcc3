"""ui/style."""
