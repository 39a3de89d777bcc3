"""ui/design."""
