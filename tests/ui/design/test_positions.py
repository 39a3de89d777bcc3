"""Where the boxes go: the automatic layout puts a branch's layers side by side."""

from __future__ import annotations

from simulator.spec import INPUT
from ui.design.positions import auto_layout
from ui.shell.presets import load_preset


def test_auto_layout_puts_branches_side_by_side() -> None:
    spec = load_preset("spiral").spec()
    spec.update_layer("hidden_2", inputs=[INPUT])
    spec.update_layer("output", inputs=["hidden_1", "hidden_2"])
    layout = auto_layout(spec)
    assert layout["hidden_1"][1] == layout["hidden_2"][1]
    assert layout["hidden_1"][0] != layout["hidden_2"][0]
    assert layout["output"][1] > layout["hidden_1"][1]
    assert layout["softmax"][1] > layout["output"][1]
