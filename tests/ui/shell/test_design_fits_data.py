"""A design that does not fit its data is refused before the first epoch: a callout beside the box
to change says why and how to fix it, the banner points to it, and Train stays disabled."""

from __future__ import annotations

import pytest

from simulator.data import find_misfit, fit_problem, load_dataset
from simulator.spec import INPUT
from ui.design.commands import EditLayer, SetInputShape
from ui.shell.presets import load_preset


@pytest.fixture
def softmax(main_window):
    """Four classes of blobs; the output layer is 'scores' (4 units) before a Softmax."""
    main_window.open_preset(load_preset("softmax_blobs"))
    assert main_window.session is not None
    return main_window


def notes(window) -> dict[str, str]:
    scene = window.canvas.scene
    items = {INPUT: scene.input_item, **scene.layer_items}
    return {name: f"{item.note.problem} | {item.note.fix}" for name, item in items.items()
            if item.note is not None}


def edit(window, qtbot, layer: str, **changes) -> None:
    session = window.session
    window.stack.push(EditLayer(window.spec, layer, changes))
    qtbot.waitUntil(lambda: window.session is not session or window.session is None,
                    timeout=2_000)
    qtbot.wait(20)


def test_too_few_output_units_shows_a_callout_on_that_layer_and_disables_train(
        softmax, qtbot) -> None:
    window = softmax
    assert notes(window) == {}
    assert window.toolbar.run.train.isEnabled()
    edit(window, qtbot, "scores", units=3)
    assert window.session is None
    shown = notes(window)
    assert list(shown) == ["scores"]                      # on the layer to change, only there
    assert "labels run from 0 to 3 (4 classes)" in shown["scores"]
    assert "set the units of layer 'scores' to 4" in window.canvas.scene.layer_items[
        "scores"].note.fix
    assert window.canvas.banner.isVisibleTo(window.canvas)
    assert "see the note beside layer 'scores'" in window.canvas.banner.text()
    assert not window.toolbar.run.train.isEnabled()
    window.train()                                        # Space / Train: nothing starts
    assert not window.controller.running
    # Fixing the layer removes the callout and the banner, and Train works again.
    edit(window, qtbot, "scores", units=4)
    assert window.session is not None
    assert notes(window) == {}
    assert not window.canvas.banner.isVisibleTo(window.canvas)
    assert window.toolbar.run.train.isEnabled()


def test_undo_brings_the_callout_back_and_redo_removes_it(softmax, qtbot) -> None:
    window = softmax
    edit(window, qtbot, "scores", units=2)
    assert list(notes(window)) == ["scores"]
    window.stack.undo()
    qtbot.waitUntil(lambda: window.session is not None, timeout=2_000)
    assert notes(window) == {}
    window.stack.redo()
    qtbot.waitUntil(lambda: window.session is None, timeout=2_000)
    assert list(notes(window)) == ["scores"]


def test_an_input_shape_that_does_not_fit_the_samples_is_shown_on_the_input(softmax,
                                                                            qtbot) -> None:
    window = softmax
    window.stack.push(SetInputShape(window.spec, (3,)))
    qtbot.waitUntil(lambda: window.session is None, timeout=2_000)
    shown = notes(window)
    assert list(shown) == [INPUT]
    assert "set the input shape to [2]" in shown[INPUT]
    assert "the input" in window.canvas.banner.text()
    assert not window.toolbar.run.train.isEnabled()
    window.stack.undo()
    qtbot.waitUntil(lambda: window.session is not None, timeout=2_000)
    assert notes(window) == {}


def test_a_design_that_cannot_be_built_keeps_its_own_banner_and_train_disabled(
        softmax, qtbot) -> None:
    window = softmax
    edit(window, qtbot, "scores", units=3)
    window.stack.push(EditLayer(window.spec, "softmax", {"inputs": []}))  # cut it off
    qtbot.waitUntil(lambda: not window.session_is_stale(), timeout=2_000)   # reset ran
    assert "cannot be built" in window.canvas.banner.text()
    assert notes(window) == {}                            # no data check on a broken design
    assert not window.toolbar.run.train.isEnabled()


def test_find_misfit_names_the_box_to_change() -> None:
    spec = load_preset("softmax_blobs").spec()
    data = load_dataset("blobs", n=40, classes=4)
    assert find_misfit(spec, data) is None
    spec.layer("scores").config["units"] = 3
    misfit = find_misfit(spec, data)
    assert misfit is not None
    assert misfit.node == "scores"
    assert fit_problem(spec, data) == misfit.message
    spec.layer("scores").config["units"] = 4
    spec.input_shape = (3,)
    assert find_misfit(spec, data).node == INPUT
