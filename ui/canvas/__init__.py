"""The design canvas: a view of a :class:`simulator.spec.NetworkSpec` edited by undo commands."""
