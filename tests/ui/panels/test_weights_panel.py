"""Weight histograms: one small plot per weight tensor, updated in place from snapshots."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import Snapshot
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.weights_panel import WeightsPanel
from ui.style.theme import series_color


def _stats(scale: float) -> dict:
    edges = np.linspace(-1.0, 1.0, 9)
    counts = np.array([0, 1, 3, 8, 8, 3, 1, 0]) * scale
    return {"counts": counts.astype(np.int64), "edges": edges, "mean": 0.0, "std": 0.3 * scale,
            "norm": 2.0}


def test_histograms_from_the_real_probe(qtbot, spiral_session) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert list(panel.histograms) == ["hidden_1.W", "hidden_2.W", "output.W"]
    snapshot = spiral_session.trainer.snapshot()
    panel.on_event(snapshot)
    for name, histogram in panel.histograms.items():
        x, y = histogram.now.getData()
        stats = snapshot.data["weights"][name]
        assert len(x) == len(stats["edges"])
        np.testing.assert_array_equal(y, stats["counts"])
        assert y.sum() > 0
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, series_color(0))
    assert has_color(image, series_color(1))


def test_updates_in_place_and_keeps_the_start(qtbot, spiral_session) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    names = ["hidden_1.W", "hidden_1.b", "output.W"]
    panel.on_event(Snapshot(1, 10, {"weights": {n: _stats(1) for n in names}}))
    items = {n: h.now for n, h in panel.histograms.items()}
    panel.on_event(Snapshot(2, 20, {"weights": {n: _stats(3) for n in names}}))
    assert {n: h.now for n, h in panel.histograms.items()} == items   # same items, new data
    start = panel.histograms["output.W"].start.getData()[1]
    now = panel.histograms["output.W"].now.getData()[1]
    np.testing.assert_array_equal(start * 3, now)
    assert "hidden_1.b" not in panel.histograms
    panel.bias_box.setChecked(True)
    assert "hidden_1.b" in panel.histograms
    np.testing.assert_array_equal(panel.histograms["hidden_1.b"].now.getData()[1],
                                  _stats(3)["counts"])


def test_reset_without_session_is_empty(qtbot) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(None)
    assert panel.histograms == {}
    assert distinct_colors(pixels(panel)) > 1


def test_conv_kernels_are_drawn_as_tiles_of_the_engines_values(qtbot, cnn_session) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    assert panel.kernels.names == ["conv1", "conv2"]
    assert panel.showing_filters()                   # by default, in place of histograms
    assert panel.view.isHidden()
    assert not panel.kernel_view.isHidden()
    snapshot = cnn_session.trainer.snapshot()
    panel.on_event(snapshot)
    for name in ("conv1", "conv2"):
        engine = next(node.layer.params["W"] for node in cnn_session.network.nodes
                      if node.name == name)
        tiles = panel.kernels.tiles[name]
        drawn = panel.kernels.images[name].image
        np.testing.assert_array_equal(drawn, tiles.image)
        for f in range(engine.shape[0]):
            for c in range(engine.shape[1]):
                np.testing.assert_array_equal(tiles.kernel(f, c), engine[f, c])
        limit = float(np.abs(engine).max())
        assert panel.kernels.images[name].levels.tolist() == [-limit, limit]   # centred on 0
    assert panel.kernels.tiles["conv1"].side_by_side            # 1 input channel
    assert not panel.kernels.tiles["conv2"].side_by_side        # 4 channels: rows
    assert distinct_colors(pixels(panel)) > 10


def test_a_hidden_panel_draws_no_kernels_until_shown(qtbot, cnn_session) -> None:
    from PySide6.QtWidgets import QTabWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    panel = WeightsPanel()
    tabs.addTab(panel, "weights")
    tabs.addTab(WeightsPanel(), "other")
    tabs.show()
    panel.reset(cnn_session)
    tabs.setCurrentIndex(1)
    panel.on_event(cnn_session.trainer.snapshot())
    assert panel.kernels.images["conv1"].image is None
    assert panel.kernels.tiles == {}
    tabs.setCurrentIndex(0)
    assert panel.kernels.images["conv1"].image is not None


def test_the_histograms_come_back_when_filters_are_unticked(qtbot, cnn_session) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    panel.filters_box.setChecked(False)
    assert not panel.showing_filters()
    assert panel.kernel_view.isHidden()
    assert not panel.view.isHidden()
    panel.on_event(cnn_session.trainer.snapshot())
    assert panel.kernels.tiles == {}                 # not drawn while not shown
    assert "conv1.W" in panel.histograms
    panel.filters_box.setChecked(True)
    assert set(panel.kernels.tiles) == {"conv1", "conv2"}


def test_a_dense_network_has_no_kernel_area(qtbot, spiral_session) -> None:
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert panel.kernels.names == []
    assert panel.kernel_view.isHidden()
    assert panel.filters_box.isHidden()
    assert not panel.view.isHidden()


def test_one_layer_s_filters_can_fill_the_panel(qtbot, cnn_session) -> None:
    """A deep layer's channels × filters block is too small beside the others: the layer box
    shows one layer alone (its image the engine's kernels still), or every layer again."""
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    panel.show()
    panel.reset(cnn_session)
    assert [panel.layer_box.itemText(i) for i in range(panel.layer_box.count())] == [
        "every layer", "conv1", "conv2"]
    assert not panel.layer_box.isHidden()
    panel.on_event(cnn_session.trainer.snapshot())
    panel.layer_box.setCurrentIndex(2)
    panel.layer_box.activated.emit(2)
    panel.catch_up()
    assert panel.kernels.names == ["conv2"]
    engine = next(node.layer.params["W"] for node in cnn_session.network.nodes
                  if node.name == "conv2")
    tiles = panel.kernels.tiles["conv2"]
    np.testing.assert_array_equal(tiles.kernel(1, 2), engine[1, 2])
    panel.layer_box.setCurrentIndex(0)
    panel.layer_box.activated.emit(0)
    assert panel.kernels.names == ["conv1", "conv2"]
    panel.filters_box.setChecked(False)
    assert panel.layer_box.isHidden()                # histograms: no layer to choose
