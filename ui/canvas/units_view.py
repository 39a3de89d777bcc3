"""The network as units and connections (TensorFlow Playground's view), for small dense nets.

Columns left to right: the input, then one per Dense layer (with the activations after it,
see :func:`simulator.training.units.unit_columns`). Each unit is a tile showing its output
over the 2-D input plane as a heat map (orange negative, white zero, blue positive; for
a sigmoid white is 0.5; an output unit that is one class's probability goes from white to
that class's colour, as in the decision boundary), and each connection a line whose colour is the
weight's sign and whose width its size, both redrawn from every weight snapshot. Hovering a
connection reads its weight; clicking it asks for a new one and emits
``weight_edit_requested`` (the window turns it into one undo command). The values of a
presented sample (a step-through's forward stage) are written under the units, and the
column a step-through is at is outlined.

Nothing here computes: the tiles, widths and values are the engine's numbers from the
``units`` probe and the step-through (NumPy arrays only). While hidden the view only keeps
the latest payload and draws it when shown, so it costs the interface nothing meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QInputDialog,
    QWidget,
)

from simulator.spec import INPUT
from simulator.training.step_through import Trace
from simulator.training.units import Column
from ui.style.theme import class_color, keep_style, themed_color

TILE = 46.0
UNIT_GAP = 16.0
COLUMN_GAP = 125.0
MARGIN = 30.0
POSITIVE = np.array([8, 119, 189], dtype=float)     # blue, as in TensorFlow Playground
NEGATIVE = np.array([245, 147, 34], dtype=float)    # orange
HIGHLIGHT = QColor("#f5a623")
MAX_WIDTH = 6.0
#: Layers with at most this many connections get their weights written on the lines.
MAX_WRITTEN = 9
#: Activations whose outputs lie in [0, 1]: their heat maps are centred on 0.5.
UNIT_INTERVAL = ("sigmoid", "softmax")


def signed_colors(t: np.ndarray) -> np.ndarray:
    """RGB (…, 3) uint8 for values ``t`` in [-1, 1]: orange, white at 0, blue."""
    t = np.clip(np.nan_to_num(t), -1.0, 1.0)[..., None]
    white = np.full(3, 255.0)
    rgb = np.where(t >= 0, white + (POSITIVE - white) * t, white + (NEGATIVE - white) * -t)
    return rgb.astype(np.uint8)


def normalized(values: np.ndarray, activation: str | None) -> np.ndarray:
    """A column's values on [-1, 1]: sigmoid/softmax around 0.5, the others by their size."""
    if activation in UNIT_INTERVAL:
        return (values - 0.5) * 2.0
    if activation == "tanh":
        return values
    top = float(np.nanmax(np.abs(values))) if values.size else 0.0
    return values / top if top > 0 else values * 0.0


def class_colors(p: np.ndarray, color: tuple[int, int, int]) -> np.ndarray:
    """RGB (…, 3) uint8 for probabilities ``p``: white at 0, the class's colour at 1."""
    p = np.clip(np.nan_to_num(p), 0.0, 1.0)[..., None]
    white = np.full(3, 255.0)
    return (white + (np.asarray(color, dtype=float) - white) * p).astype(np.uint8)


def heat_map(rgb: np.ndarray) -> QImage:
    """The image of one unit's grid colours (rows over ys, drawn with the largest y on top)."""
    rgb = np.ascontiguousarray(rgb[::-1])
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()     # own the pixels: the NumPy buffer goes away


def weight_pen(weight: float, largest: float, hovered: bool = False) -> QPen:
    size = abs(weight) / largest if largest > 0 else 0.0
    rgb = POSITIVE if weight >= 0 else NEGATIVE
    color = QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), 230 if hovered else 170)
    pen = QPen(color, 0.6 + (MAX_WIDTH - 0.6) * size + (2.0 if hovered else 0.0))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def inked(item: Any, color: str) -> Any:
    """Text in ``color`` (written for the light theme) in the current theme, again on every
    :func:`ui.style.theme.restyle`."""
    def style(target: Any) -> None:
        if isinstance(target, QGraphicsTextItem):
            target.setDefaultTextColor(themed_color(color))
        else:
            target.setBrush(QBrush(themed_color(color)))

    keep_style(item, "ink", style)
    return item


class ConnectionItem(QGraphicsLineItem):
    """The connection from unit ``source`` of the previous column to ``unit`` of ``layer``."""

    def __init__(self, layer: str, unit: int, source: int, source_name: str) -> None:
        super().__init__()
        self.layer, self.unit, self.source, self.source_name = layer, unit, source, source_name
        self.weight, self.largest = 0.0, 1.0
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(0)

    def describe(self) -> str:
        return (f"{self.layer}: w[unit {self.unit + 1} ← {self.source_name}] = "
                f"{self.weight:.4g}")

    def set_weight(self, weight: float, largest: float) -> None:
        self.weight, self.largest = float(weight), float(largest)
        self.setPen(weight_pen(self.weight, self.largest, self.isUnderMouse()))
        self.setToolTip(self.describe() + "\nClick to type a new weight (the design then "
                        "starts from the current weights)")

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.setPen(weight_pen(self.weight, self.largest, hovered=True))
        view = self._view()
        if view is not None:
            view.hovered.emit(self.describe())
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.setPen(weight_pen(self.weight, self.largest))
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        view = self._view()
        if event.button() == Qt.MouseButton.LeftButton and view is not None:
            view.ask_weight(self)
            event.accept()
            return
        super().mousePressEvent(event)

    def _view(self) -> UnitsView | None:
        scene = self.scene()
        views = scene.views() if scene is not None else []
        return views[0] if views and isinstance(views[0], UnitsView) else None

    def shape(self) -> QPainterPath:
        """A wider hit area than the thin line, so it is easy to hover and click."""
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        return QPainterPathStroker(QPen(Qt.GlobalColor.black, 9)).createStroke(path)


class WeightLabel(QGraphicsSimpleTextItem):
    """A connection's weight written on it (small layers only, as on the slides)."""

    def __init__(self, line: ConnectionItem, at: float) -> None:
        super().__init__()
        self.line_item, self.at = line, at
        self.setZValue(3)
        inked(self, "#222222")

    def refresh(self) -> None:
        self.setText(f"{self.line_item.weight:.3g}")
        line = self.line_item.line()
        point = line.pointAt(self.at)
        box = self.boundingRect()
        self.setPos(point.x() - box.width() / 2, point.y() - box.height() / 2)


class UnitItem(QGraphicsRectItem):
    """One unit: a tile with its heat map, its value below it when a sample is presented."""

    def __init__(self, column: str, unit: int, rect: QRectF) -> None:
        super().__init__(rect)
        self.column, self.unit = column, unit
        self.highlighted = False
        keep_style(self, "colors", lambda item: item.set_highlighted(item.highlighted))
        self.setZValue(2)
        self.image = QGraphicsPixmapItem(self)
        self.image.setPos(rect.topLeft())
        self.image.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.value = inked(QGraphicsSimpleTextItem(self), "#111111")

    def set_image(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        self.image.setPixmap(pixmap)
        self.image.setScale(self.rect().width() / max(pixmap.width(), 1))

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        width = self.value.boundingRect().width()
        rect = self.rect()
        self.value.setPos(rect.center().x() - width / 2, rect.bottom() + 1)

    def set_highlighted(self, on: bool) -> None:
        self.highlighted = on
        self.setPen(QPen(themed_color(HIGHLIGHT), 4) if on
                    else QPen(themed_color("#777777"), 1))
        self.setBrush(QBrush(themed_color("#f4f4f4")))


class UnitsView(QGraphicsView):
    weight_edit_requested = Signal(str, int, int, float)   # layer, unit, source, new weight
    hovered = Signal(str)                                   # the weight under the mouse

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.columns: list[Column] = []
        self.units: dict[str, list[UnitItem]] = {}
        self.connections: dict[str, list[ConnectionItem]] = {}
        #: The last weights shown, {layer: {"W": (units, inputs), "b": (units,)}}.
        self.weights: dict[str, dict[str, np.ndarray]] = {}
        self.has_maps = False
        self.editable = True
        self.message = ""
        self.labels: list[WeightLabel] = []
        self._stale = False
        self._shown: tuple[dict[str, Any] | None, Any] = (None, None)

    # ----- building -------------------------------------------------------------------
    def set_columns(self, columns: list[Column] | None, message: str = "") -> None:
        """Lay out ``columns`` (None: this design cannot be drawn; ``message`` says why)."""
        scene = self.scene()
        scene.clear()
        self.units, self.connections, self.weights = {}, {}, {}
        self.labels = []
        self.columns = list(columns or [])
        self.message = "" if columns else message
        if not columns:
            text = inked(QGraphicsTextItem(message), "#111111")
            text.setTextWidth(320)
            scene.addItem(text)
            self._fit()
            return
        # room under every tile for its value, in the current font (presentation mode)
        gap = max(UNIT_GAP, QFontMetrics(self.font()).height() + 6.0)
        tallest = max(c.units for c in columns)
        height = tallest * (TILE + gap)
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        for k, column in enumerate(columns):
            x = MARGIN + k * COLUMN_GAP
            title = inked(QGraphicsSimpleTextItem(self._title(column)), "#111111")
            title.setFont(bold)
            box = title.boundingRect()
            title.setPos(x + TILE / 2 - box.width() / 2, -box.height() - 8)
            scene.addItem(title)
            items = []
            for u in range(column.units):
                y = (height - column.units * (TILE + gap)) / 2 + u * (TILE + gap)
                item = UnitItem(column.name, u, QRectF(x, y, TILE, TILE))
                item.setToolTip(self._unit_name(column, u))
                scene.addItem(item)
                items.append(item)
            self.units[column.name] = items
            if k == 0:
                continue
            previous = columns[k - 1]
            lines = []
            for u, target in enumerate(items):
                for s, source in enumerate(self.units[previous.name]):
                    line = ConnectionItem(column.name, u, s, self._unit_name(previous, s))
                    a, b = source.rect(), target.rect()
                    line.setLine(a.right(), a.center().y(), b.left(), b.center().y())
                    scene.addItem(line)
                    lines.append(line)
            self.connections[column.name] = lines
            if len(lines) <= MAX_WRITTEN:
                for line in lines:     # near the target, where lines from different
                    label = WeightLabel(line, 0.72)    # units arrive at different heights
                    scene.addItem(label)
                    self.labels.append(label)
        self._fit()

    def _declutter_labels(self) -> None:
        """Write a weight only where it overlaps no weight already written: where lines
        converge (and at Presentation mode's larger text) the rest are read by hovering."""
        taken: list[QRectF] = []
        for label in self.labels:
            box = label.sceneBoundingRect()
            free = not any(box.intersects(other) for other in taken)
            label.setVisible(free)
            if free:
                taken.append(box)

    @staticmethod
    def _title(column: Column) -> str:
        if column.name == INPUT:
            return "input"
        return f"{column.name}\n{column.activation}" if column.activation else column.name

    @staticmethod
    def _unit_name(column: Column, unit: int) -> str:
        return f"x{unit + 1}" if column.name == INPUT else f"{column.name} unit {unit + 1}"

    def _fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        """A new application font (presentation mode): lay out again with it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.columns:
            data, trace = self._shown
            self.set_columns(self.columns)
            self.show_units(data)
            self.show_values(trace)

    # ----- live data ------------------------------------------------------------------
    def show_units(self, data: dict[str, Any] | None) -> None:
        """Redraw from a ``units`` probe payload: connection widths and unit heat maps."""
        if not data or not self.columns:
            return
        self._shown = (data, self._shown[1])
        self.weights = {k: {key: np.asarray(v) for key, v in params.items()}
                        for k, params in data.get("weights", {}).items()}
        if self.isHidden():             # drawn when shown (no work for a hidden view)
            self._stale = True
            return
        self._draw(data)

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible and self._stale and self._shown[0] is not None:
            self._draw(self._shown[0])

    def _draw(self, data: dict[str, Any]) -> None:
        self._stale = False
        for layer, lines in self.connections.items():
            params = self.weights.get(layer)
            if params is None:
                continue
            w = params["W"]
            largest = float(np.abs(w).max()) if w.size else 1.0
            for line in lines:
                line.set_weight(float(w[line.unit, line.source]), largest)
            bias = params.get("b")
            for u, item in enumerate(self.units.get(layer, [])):
                b = f"; bias b = {float(bias[u]):.4g}" if bias is not None else ""
                item.setToolTip(f"{layer} unit {u + 1}{b}")
        for label in self.labels:
            label.refresh()
        self._declutter_labels()
        grids = data.get("grids")
        self.has_maps = grids is not None
        if grids is None:
            return
        for column in self.columns:
            values = np.asarray(grids["columns"].get(column.name))
            if values.ndim != 3:
                continue
            if self._class_probabilities(column):
                colors = [class_colors(values[u], class_color(u)) for u in range(column.units)]
            else:
                t = normalized(values, column.activation)
                colors = [signed_colors(t[u]) for u in range(column.units)]
            for item, rgb in zip(self.units.get(column.name, []), colors, strict=True):
                item.set_image(heat_map(rgb))

    def _class_probabilities(self, column: Column) -> bool:
        """Whether a column's units are each one class's probability (the output of a
        softmax, or of several sigmoids): then each is drawn in its class's colour."""
        return column is self.columns[-1] and column.units > 1 and column.activation in (
            "softmax", "sigmoid")

    def show_values(self, values: Trace | Mapping[str, Mapping[str, Any]] | None) -> None:
        """Write every unit's value under it: a presented sample's (a step-through
        :class:`Trace`) or an evaluated input's (:func:`simulator.training.probes.layer_values`,
        as the inspector's "Evaluate an input" gets them); None clears them."""
        self._shown = (self._shown[0], values)
        outputs: dict[str, Any] = {}
        if isinstance(values, Trace):
            outputs = {INPUT: values.x, **{f.name: f.a for f in values.forward}}
        elif values is not None:
            outputs = {INPUT: values["input"]["a"],
                       **{name: v["a"] for name, v in values.items() if name != "input"}}
        shown = {}
        if outputs:
            shown[INPUT] = np.asarray(outputs[INPUT]).reshape(-1)
            for column in self.columns[1:]:
                if column.shown in outputs:
                    shown[column.name] = np.asarray(outputs[column.shown]).reshape(-1)
        for name, items in self.units.items():
            column_values = shown.get(name)
            for u, item in enumerate(items):
                item.set_value(f"{column_values[u]:.2f}" if column_values is not None
                               and u < column_values.size else "")

    def highlight(self, name: str | None) -> None:
        """Outline the column that holds layer ``name`` (or the input); None: no column."""
        for column in self.columns:
            on = name is not None and name in column.members
            for item in self.units.get(column.name, []):
                item.set_highlighted(on)

    # ----- editing ----------------------------------------------------------------------
    def ask_weight(self, line: ConnectionItem) -> None:
        if not self.editable:
            return
        value, ok = QInputDialog.getDouble(
            self, "Set a weight", f"New weight for {line.layer}: unit {line.unit + 1} ← "
            f"{line.source_name}\n(the design then starts from the current weights; Undo "
            "takes it back)", line.weight, -1000.0, 1000.0, 4)
        if ok:
            self.weight_edit_requested.emit(line.layer, line.unit, line.source, float(value))

    def connection(self, layer: str, unit: int, source: int) -> ConnectionItem:
        return next(c for c in self.connections[layer] if (c.unit, c.source) == (unit, source))

    def centre_of(self, layer: str, unit: int, source: int) -> QPointF:
        """Where connection (layer, unit ← source) is, in view coordinates (for tests)."""
        line = self.connection(layer, unit, source).line()
        return self.mapFromScene(line.center()).toPointF()

