"""Where boxes go: automatic layout of a design, and the spot for a newly added layer.

Pure functions of the spec (no Qt), so they are tested without a display. The layout is a
vertical stack from the input down to the output; layers at the same depth (branches) sit side
by side, centred on the stack's axis.
"""

from __future__ import annotations

from simulator.errors import SpecError
from simulator.spec import INPUT, NetworkSpec

BOX_WIDTH = 210.0
BOX_HEIGHT = 58.0
ROW_STEP = BOX_HEIGHT + 26.0
COLUMN_STEP = BOX_WIDTH + 30.0

Position = tuple[float, float]


def depths(spec: NetworkSpec) -> dict[str, int]:
    """Longest distance of each layer from the input (1 for the layers fed by the input).

    A design with a cycle or an unknown input still gets depths (the list order is used where
    the graph cannot be walked), so a broken design can be drawn and fixed.
    """
    try:
        order = spec.topological_order()
    except SpecError:
        order = list(range(len(spec.layers)))
    depth: dict[str, int] = {INPUT: 0}
    for i in order:
        sources = spec.inputs_of(i)
        depth[spec.layers[i].name] = 1 + max((depth.get(s, 0) for s in sources), default=0)
    del depth[INPUT]
    return depth


def auto_layout(spec: NetworkSpec) -> dict[str, Position]:
    """A position for every layer: one row per depth, branches side by side."""
    rows: dict[int, list[str]] = {}
    for name, depth in depths(spec).items():
        rows.setdefault(depth, []).append(name)
    positions: dict[str, Position] = {}
    for depth, names in rows.items():
        left = -(len(names) - 1) * COLUMN_STEP / 2
        for k, name in enumerate(names):
            positions[name] = (left + k * COLUMN_STEP, depth * ROW_STEP)
    return positions


def fill_missing_positions(spec: NetworkSpec) -> bool:
    """Give every layer without a position its auto-layout spot (used when a file is opened).

    Sets ``LayerSpec.position`` directly, without emitting ``changed``: it runs before anything
    draws the spec. Returns whether anything was filled in.
    """
    if all(layer.position is not None for layer in spec.layers):
        return False
    layout = auto_layout(spec)
    if any(layer.position is not None for layer in spec.layers):
        for layer in spec.layers:  # keep what the user placed; lay out only the rest
            if layer.position is None:
                layer.position = next_position(spec)
        return True
    for layer in spec.layers:
        layer.position = layout[layer.name]
    return True


def next_position(spec: NetworkSpec) -> Position:
    """A free spot for a layer appended at the end: one row below the lowest box."""
    placed = [layer.position for layer in spec.layers if layer.position is not None]
    if not placed:
        return (0.0, ROW_STEP)
    lowest = max(placed, key=lambda p: p[1])
    return (lowest[0], lowest[1] + ROW_STEP)


def input_position(spec: NetworkSpec) -> Position:
    """Where the input box is drawn: one row above the layers it feeds (derived, not stored)."""
    fed = [layer.position for i, layer in enumerate(spec.layers)
           if layer.position is not None and INPUT in spec.inputs_of(i)]
    if not fed:
        fed = [layer.position for layer in spec.layers if layer.position is not None]
    if not fed:
        return (0.0, 0.0)
    x = sum(p[0] for p in fed) / len(fed)
    return (x, min(p[1] for p in fed) - ROW_STEP)
