"""Feature maps: every layer's output for the chosen sample, C maps of H×W for convolutions."""

from __future__ import annotations

import numpy as np

from simulator.data import load_dataset
from simulator.spec import NetworkSpec
from simulator.training.trainer import Snapshot
from tests.ui.panels.conftest import distinct_colors, pixels
from ui.panels.activations_panel import ActivationsPanel, display_shape
from ui.panels.parts.activation_rows import OutputRow
from ui.training.session import build_session


def _payload(pool: int = 3) -> dict:
    rng = np.random.default_rng(0)
    softmax = rng.random((pool, 4))
    return {
        "input": rng.random((pool, 1, 28, 28)),
        "conv1": rng.normal(size=(pool, 4, 26, 26)),
        "pool1": rng.random((pool, 4, 13, 13)),
        "conv2": rng.random((pool, 6, 11, 11)),
        "flat": rng.random((pool, 726)),
        "output": rng.normal(size=(pool, 4)),
        "softmax": softmax / softmax.sum(axis=1, keepdims=True),
    }


def test_rows_follow_the_network(qtbot, cnn_session) -> None:
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    assert list(panel.rows) == ["input", "conv1", "pool1", "conv2", "output", "softmax"]
    assert isinstance(panel.rows["softmax"], OutputRow)
    assert panel.spin.maximum() == len(cnn_session.sample_x)


def test_feature_maps_of_the_chosen_sample(qtbot, cnn_session) -> None:
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    data = _payload()
    panel.on_event(Snapshot(1, 5, {"samples": data}))
    np.testing.assert_array_equal(panel.maps("conv2"), data["conv2"][0])
    row = panel.rows["conv2"]
    assert (row.mosaic.rows, row.mosaic.columns) == (1, 6)            # 6 maps fit one line
    assert row.image.image.shape == (11, 6 * 11 + 5)                  # 1-pixel gaps
    assert (row.mosaic.tile_height, row.mosaic.tile_width) == (11, 11)
    panel.select_sample(2)
    np.testing.assert_array_equal(panel.maps("conv1"), data["conv1"][2])
    np.testing.assert_allclose(panel.rows["softmax"].values, data["softmax"][2])
    truth = cnn_session.dataset.class_names[int(cnn_session.sample_y[2])]
    assert f"true class: <b>{truth}</b>" in panel.caption.text()
    image = pixels(panel, (600, 700))
    assert distinct_colors(image) > 50


def test_signed_maps_use_a_diverging_scale(qtbot, cnn_session) -> None:
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    data = _payload()
    data["conv1"][0, 0, 0, 0] = np.nan
    panel.on_event(Snapshot(1, 5, {"samples": data}))
    low, high = panel.rows["conv1"].image.levels
    assert low == -high                                # zero in the middle
    assert panel.rows["pool1"].image.levels[0] == 0.0  # non-negative: from zero


def test_flat_inputs_of_an_image_set_are_shown_as_images(qtbot) -> None:
    assert display_shape((64,), (1, 8, 8)) == (1, 8, 8)
    assert display_shape((2,), (2,)) == (2,)
    spec = NetworkSpec.from_dict({
        "input_shape": [64],
        "layers": [{"type": "Dense", "name": "hidden", "units": 12, "activation": "relu"},
                   {"type": "Dense", "name": "output", "units": 10},
                   {"type": "Softmax", "name": "softmax"}],
        "training": {"loss": "cross_entropy", "preprocessing": "minmax"}})
    session = build_session(spec, load_dataset("digits"))
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(session)
    panel.on_event(session.trainer.snapshot())
    assert panel.maps("input").shape == (1, 8, 8)
    assert panel.rows["input"].image.image.shape == (8, 8)
    assert panel.maps("hidden").shape == (12,)
    assert [t.toPlainText() != "" for t in panel.rows["hidden"].texts] == [True] * 12
