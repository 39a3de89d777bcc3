"""Live panels, one per plot. Each is a :class:`ui.panels.base.Panel`."""
