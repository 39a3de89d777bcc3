"""The decision boundary (2 inputs) and the fitted curve (1-D regression)."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import Snapshot
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.boundary_panel import BoundaryPanel, probabilities_to_rgb
from ui.style.theme import COLORS, class_color
from ui.training.session import GRID_RESOLUTION


def test_boundary_from_the_real_probe_with_legend(qtbot, spiral_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert panel.mode == "boundary"
    assert len(panel.train_points.data) == len(spiral_session.x_train)
    assert len(panel.val_points.data) == len(spiral_session.x_val)
    assert panel.val_points.opts["symbol"] != panel.train_points.opts["symbol"]
    legend = panel.legend.text()
    assert all(f"</span>&nbsp;{name}" in legend for name in ("0", "1", "2"))
    assert "validation" in legend
    panel.on_event(spiral_session.trainer.snapshot())
    assert panel.last_grid.shape == (GRID_RESOLUTION, GRID_RESOLUTION, 3)
    assert panel.image.image.shape == (GRID_RESOLUTION, GRID_RESOLUTION, 3)
    image = pixels(panel)
    assert distinct_colors(image) > 20
    assert has_color(image, class_color(0), tolerance=30)


def test_probabilities_become_class_colours() -> None:
    grid = np.zeros((2, 2, 2))
    grid[0, :, 0] = 1.0     # certain: class 0
    grid[1, :, :] = 0.5     # undecided
    rgb = probabilities_to_rgb(grid)
    assert rgb.shape == (2, 2, 3)
    assert rgb.dtype == np.uint8
    assert rgb[1, 0].min() > 200                         # undecided is pale
    assert tuple(rgb[0, 0]) != tuple(rgb[1, 0])
    single = probabilities_to_rgb(np.full((2, 2, 1), np.nan))   # NaN does not raise
    assert single.shape == (2, 2, 3)


def test_one_dimensional_regression_draws_data_and_curve(qtbot, sine_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(sine_session)
    assert panel.mode == "curve"
    assert len(panel.train_points.data) == len(sine_session.x_train)
    snapshot = sine_session.trainer.snapshot()
    assert "decision" not in snapshot.data
    panel.on_event(snapshot)
    x, y = panel.curve.getData()
    assert len(x) == len(y) == 200
    assert x[0] < sine_session.x_train.min()
    assert x[-1] > sine_session.x_train.max()
    panel.on_event(Snapshot(1, 1, {"curve": {"x": x, "y": np.where(x > 0, np.nan, y)}}))
    image = pixels(panel)
    assert has_color(image, COLORS["val"])
    assert distinct_colors(image) > 10


def test_other_networks_get_an_explanation(qtbot, cnn_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    assert panel.mode == "none"
    assert panel.plot.isHidden()
    panel.on_event(cnn_session.trainer.snapshot())
    assert panel.last_grid is None


def test_a_boundary_squashed_then_given_room_settles_at_once(qtbot, spiral_session) -> None:
    """The aspect-locked range follows the plot's size and the tick labels the range: with an
    axis as wide as its labels, that loop re-laid out the plot dozens of times a second after
    a hidden, squashed panel was shown tall (the plot repainted at every turn)."""
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.resize(520, 104)                    # squashed: the range widens to keep the aspect
    panel.show()
    qtbot.waitExposed(panel)
    payload = spiral_session.probe_now("decision")
    moves: list[int] = []
    panel.plot.getViewBox().sigRangeChanged.connect(lambda *_: moves.append(1))
    panel.resize(533, 600)                    # given room
    for _ in range(40):                       # new grids keep coming, as in a run
        panel.on_event(Snapshot(1, 1, {"decision": payload}))
        qtbot.wait(10)
    assert len(moves) <= 6
    widths = set()
    for x_range in [(-45.0, 45.0), (-2.7, 2.7), (-0.001, 0.001)]:
        panel.plot.setRange(xRange=x_range, padding=0)
        qtbot.wait(5)
        widths.add(panel.plot.getAxis("left").width())
    assert len(widths) == 1                   # the axis does not follow its labels' width
