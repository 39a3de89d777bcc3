"""ui/panels/parts."""
