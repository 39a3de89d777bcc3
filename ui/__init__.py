"""Backprop Studio's desktop app (PySide6 + pyqtgraph). Imports simulator; never the reverse.

This package's ``__init__`` imports no Qt so that the launcher can hand command-line
subcommands to :mod:`simulator.cli` without loading Qt at all.
"""
