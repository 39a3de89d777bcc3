"""The decision boundary over the plane with the data, or the fitted curve of a 1-D regression.

Reads ``Snapshot.data["decision"]`` (:func:`simulator.training.probes.decision_grid`: ``grid``
(R, R, K) and ``bounds``) for 2-input networks, and ``Snapshot.data["curve"]`` (``x``, ``y``)
for 1-input regression. Training points are circles, validation points triangles.

The shading covers the whole plot: the area the plot shows (after its aspect lock widened one
side, or the user zoomed) is handed to the session's ``grid_area``, which the worker's next
snapshot shades; with no run training the network, the panel measures it at once
(:meth:`ui.training.session.TrainingSession.probe_now`), so the untrained network's boundary
shows before the first epoch, and a resize after a run is shaded too.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.training.trainer import Snapshot
from ui.panels.base import Panel
from ui.style.plots import Notice, class_brushes, light_grid
from ui.style.scaled import fixed_axis_width, scaled_label_css, scaled_lines
from ui.style.theme import CLASS_COLORS, COLORS, LABEL_FONT_PT, VALUE_CMAP, class_color, style_plot
from ui.training.session import TrainingSession

POINT_PEN = pg.mkPen(40, 40, 40, 200, width=0.8)
NO_SESSION = "Nothing to draw: the design cannot train yet (the status bar says why)."
#: Milliseconds the plot's area must stay put before it is shaded again between runs.
SETTLE_MS = 120
#: Width of the x₂ axis, pixels at scale 1 (its labels: "-2.5", "10", "1e+03").
BOUNDARY_AXIS_WIDTH = 48


def probabilities_to_rgb(grid: np.ndarray) -> np.ndarray:
    """(H, W, K) class scores → (H, W, 3) uint8: class colours blended by probability, paled."""
    if grid.shape[-1] == 1:  # one sigmoid output: P(class 1)
        grid = np.concatenate([1.0 - grid, grid], axis=-1)
    k = grid.shape[-1]
    colors = np.array([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)], dtype=float)
    probs = np.clip(np.nan_to_num(grid), 0.0, 1.0)
    probs = probs / np.maximum(probs.sum(axis=-1, keepdims=True), 1e-12)
    rgb = probs @ colors
    confidence = probs.max(axis=-1, keepdims=True)
    strength = 0.2 + 0.5 * (confidence - 1.0 / k) / (1.0 - 1.0 / k)
    rgb = 255.0 * (1.0 - strength) + rgb * strength
    return np.clip(rgb, 0, 255).astype(np.uint8)


def legend_html(class_names: list[str], curve: bool) -> str:
    """One line under the plot: the class colours, then what the symbols mean."""
    parts = [f"<span style='color: rgb{class_color(i)}; font-size: x-large'>&#9632;</span>&nbsp;"
             f"{html.escape(name)}" for i, name in enumerate(class_names)]
    parts.append("&#9679;&nbsp;training &nbsp;&#9650;&nbsp;validation")
    if curve:
        parts.append(f"<span style='color: {COLORS['val']}'>&#9472;&#9472;</span>&nbsp;network")
    return " &nbsp; ".join(parts)


def _column(y: np.ndarray) -> np.ndarray:
    return np.asarray(y, dtype=float).reshape(len(y), -1)[:, 0]


class BoundaryPanel(Panel):
    title = "Decision boundary"
    short_title = "Boundary"

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        style_plot(self.plot, grid=False)
        # A fixed width: the aspect-locked range depends on the plot's width, the tick labels
        # on the range and the axis's width on its labels, and that loop re-laid out the plot
        # (and repainted it) dozens of times a second after a resize.
        fixed_axis_width(self.plot.getAxis("left"), BOUNDARY_AXIS_WIDTH)
        self.grid = light_grid(self.plot)      # for the fitted curve only
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.curve = scaled_lines(self.plot.plot(pen=pg.mkPen(COLORS["val"], width=3)))
        self.train_points = scaled_lines(pg.ScatterPlotItem(size=7, pen=POINT_PEN, symbol="o"))
        self.val_points = scaled_lines(pg.ScatterPlotItem(size=9, pen=POINT_PEN, symbol="t1"))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.val_points)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        scaled_label_css(self.legend, LABEL_FONT_PT, "padding: 2px;")
        self.message = Notice(NO_SESSION)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)
        self.mode = "none"
        self.task = "classification"
        self.last_grid: np.ndarray | None = None
        self.last_curve: np.ndarray | None = None
        self._value_range = (0.0, 1.0)
        self._session: TrainingSession | None = None
        #: The newest payload not drawn yet (drawn when the panel is in view).
        self._pending: tuple[str, dict[str, Any]] | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._shade_now)
        self.plot.getViewBox().sigRangeChanged.connect(self._on_range)

    def reset(self, session: TrainingSession | None) -> None:
        self.last_grid = self.last_curve = None
        self._pending = None
        self._session = None
        self.image.clear()
        self.curve.setData([], [])
        self.legend.setText("")
        self.mode = "none"
        self.behind = False
        if session is not None and session.grid_area is not None:
            self.mode = "boundary"
        elif session is not None and session.curve_range is not None:
            self.mode = "curve"
        self.plot.setVisible(self.mode != "none")
        self.legend.setVisible(self.mode != "none")
        self.message.setVisible(self.mode == "none")
        if session is None or self.mode == "none":
            self.message.show_text(NO_SESSION if session is None else _why_not(session))
            self.train_points.setData([])
            self.val_points.setData([])
            return
        self.task = session.dataset.task
        if self.mode == "curve":
            self._reset_curve(session)
        else:
            self._reset_boundary(session)

    def _reset_curve(self, session: TrainingSession) -> None:
        brush = pg.mkBrush(*class_color(1))
        self.plot.setAspectLocked(False)
        style_plot(self.plot, bottom="x", left="y", grid=False)
        self.grid.show()
        self.image.hide()        # (its last area would widen the view: autoRange counts it)
        self.train_points.setData(x=_column(session.x_train), y=_column(session.y_train),
                                  brush=brush)
        if session.x_val is not None and session.y_val is not None:
            self.val_points.setData(x=_column(session.x_val), y=_column(session.y_val),
                                    brush=pg.mkBrush(255, 255, 255, 230))
        else:
            self.val_points.setData([])
        self.legend.setText(legend_html([], curve=True))
        self.plot.autoRange()

    def _reset_boundary(self, session: TrainingSession) -> None:
        self.plot.setAspectLocked(True)
        style_plot(self.plot, bottom="x₁", left="x₂", grid=False)
        self.grid.hide()
        self.image.show()
        brushes = self._brushes(session, session.y_train)
        self.train_points.setData(x=session.x_train[:, 0], y=session.x_train[:, 1],
                                  brush=brushes)
        if session.x_val is not None and session.y_val is not None:
            self.val_points.setData(x=session.x_val[:, 0], y=session.x_val[:, 1],
                                    brush=self._brushes(session, session.y_val))
        else:
            self.val_points.setData([])
        names = session.dataset.class_names if self.task == "classification" else []
        text = legend_html(names, curve=False)
        if self.task != "classification":
            low, high = self._value_range
            text += f" &nbsp; colour: the value, from dark ({low:.2g}) to yellow ({high:.2g})"
        self.legend.setText(text)
        x0, x1, y0, y1 = session.grid_bounds or (0.0, 1.0, 0.0, 1.0)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._session = session
        self._on_range()
        self._shade_now()        # the untrained network's boundary, before the first epoch

    def _on_range(self, *_args: Any) -> None:
        """The plot shows another area: the next grid covers it (see the module's notes)."""
        session = self._session
        if session is None or session.grid_area is None or not self.in_view():
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        if x1 > x0 and y1 > y0:
            session.grid_area.set((x0, x1, y0, y1))
            self._settle.start()

    def _shade_now(self) -> None:
        """Shade the current area now, unless a run trains the network (its snapshots will)."""
        session = self._session
        payload = None if session is None else session.probe_now("decision")
        if payload is not None:
            self._pending = ("decision", payload)
            self.refresh()

    def _brushes(self, session: TrainingSession, y: np.ndarray) -> list[Any]:
        if self.task == "classification":
            return class_brushes(y)
        values = _column(y)
        low, high = float(np.nanmin(session.y_train)), float(np.nanmax(session.y_train))
        self._value_range = (low, max(high, low + 1e-12))
        scaled = (values - low) / (self._value_range[1] - low)
        return [pg.mkBrush(c) for c in pg.colormap.get(VALUE_CMAP).mapToQColor(scaled)]

    def on_event(self, event: Any) -> None:
        if not isinstance(event, Snapshot):
            return
        if self.mode == "boundary" and "decision" in event.data:
            self._pending = ("decision", event.data["decision"])
            self.refresh()
        elif self.mode == "curve" and "curve" in event.data:
            self._pending = ("curve", event.data["curve"])
            self.refresh()

    def redraw(self) -> None:
        if self._pending is None:
            return
        kind, payload = self._pending
        self._pending = None
        if kind == "decision":
            self._show_grid(payload)
        else:
            self.last_curve = np.asarray(payload["y"], dtype=float)
            self.curve.setData(np.asarray(payload["x"], dtype=float), self.last_curve,
                               connect="finite")

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._on_range()         # laid out at its real size only now

    def _show_grid(self, payload: dict[str, Any]) -> None:
        grid = np.asarray(payload["grid"], dtype=float)
        self.last_grid = grid
        x0, x1, y0, y1 = (float(b) for b in payload["bounds"])
        if self.task == "classification":
            self.image.setImage(probabilities_to_rgb(grid), autoLevels=False, levels=(0, 255))
        else:
            self.image.setColorMap(pg.colormap.get(VALUE_CMAP))
            self.image.setImage(np.nan_to_num(grid[..., 0]), autoLevels=False,
                                levels=self._value_range)
            self.image.setOpacity(0.75)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))


def _why_not(session: TrainingSession) -> str:
    """Why a session's network gets neither a boundary nor a fitted curve (its real shapes)."""
    infos = session.spec.infer_shapes()
    inputs = " × ".join(str(d) for d in session.spec.input_shape)
    outputs = " × ".join(str(d) for d in infos[-1].output_shape) if infos else inputs
    return (f"This network takes {inputs} inputs and gives {outputs} outputs. The decision "
            "boundary is drawn for networks with 2 inputs, the fitted curve for 1 input and "
            "1 output.")
