"""ui/editors."""
