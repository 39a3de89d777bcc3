"""Graphics items of the canvas: a box per layer (plus the input), an arrow per connection, and
a callout beside a box whose settings do not fit the data.

Items only draw; what they show comes from the spec through :class:`ui.canvas.scene.DesignScene`,
which also receives their mouse gestures and turns them into undo commands. They paint in the
current theme's colours (:func:`ui.style.theme.themed_color`), so a change of theme needs only
a repaint.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ui.design.positions import BOX_HEIGHT, BOX_WIDTH
from ui.style.theme import keep_style, themed_color

if TYPE_CHECKING:
    from ui.canvas.scene import DesignScene

PORT_RADIUS = 6.0
SELECTED = QColor("#1a5fb4")
ERROR = QColor("#c01c28")
HIGHLIGHT = QColor("#f5a623")


class NodeItem(QGraphicsItem):
    """A box with an input port on top and an output port below."""

    has_input_port = True

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.title, self.subtitle, self.detail = name, "", ""
        self.fill = QColor("#ececec")
        self.error = False
        self.note: NoteItem | None = None
        #: Marked as the layer a step-through is at (an amber halo).
        self.highlighted = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setZValue(1)

    # ----- geometry -------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        m = PORT_RADIUS + 2
        return QRectF(-BOX_WIDTH / 2 - 2, -BOX_HEIGHT / 2 - m, BOX_WIDTH + 4, BOX_HEIGHT + 2 * m)

    @staticmethod
    def box() -> QRectF:
        return QRectF(-BOX_WIDTH / 2, -BOX_HEIGHT / 2, BOX_WIDTH, BOX_HEIGHT)

    def input_port(self) -> QPointF:
        """Where an arrow ends: just above the input port, so its head stays visible."""
        return self.mapToScene(QPointF(0, -BOX_HEIGHT / 2 - PORT_RADIUS))

    def output_port(self) -> QPointF:
        return self.mapToScene(QPointF(0, BOX_HEIGHT / 2))

    def on_output_port(self, local: QPointF) -> bool:
        port = QPointF(0, BOX_HEIGHT / 2)
        return math.hypot(local.x() - port.x(), local.y() - port.y()) <= PORT_RADIUS + 4

    # ----- content --------------------------------------------------------------------
    def set_content(self, title: str, subtitle: str, detail: str, fill: str, error: bool) -> None:
        changed = (title, subtitle, detail, fill, error) != (
            self.title, self.subtitle, self.detail, self.fill.name(), self.error)
        if changed:
            self.title, self.subtitle, self.detail = title, subtitle, detail
            self.fill, self.error = QColor(fill), error
            self.setToolTip(f"{title}\n{subtitle}\n{detail}".strip())
            self.update()

    def set_note(self, message: str) -> None:
        """Show ``message`` (a data problem and its fix) beside the box; "" removes it."""
        if not message:
            if self.note is not None:
                scene = self.scene()
                if scene is not None:
                    scene.removeItem(self.note)
                self.note = None
                self.update()
            return
        if self.note is None:
            self.note = NoteItem(self)
        self.note.set_message(message)
        self.update()

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = self.box()
        if self.highlighted:
            painter.setPen(QPen(themed_color(HIGHLIGHT), 7))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, 8, 8)
        if self.error or self.note is not None:
            pen = QPen(themed_color(ERROR), 3)
        elif self.isSelected():
            pen = QPen(themed_color(SELECTED), 3)
        else:
            pen = QPen(themed_color("#555555"), 1.2)
        painter.setPen(pen)
        painter.setBrush(QBrush(themed_color(self.fill)))
        painter.drawRoundedRect(box, 8, 8)
        self._paint_text(painter, box.adjusted(8, 4, -8, -4))
        port = themed_color("#333333")
        painter.setPen(QPen(port, 1.2))
        painter.setBrush(QBrush(themed_color("#ffffff")))
        if self.has_input_port:
            painter.drawEllipse(QPointF(0, box.top()), PORT_RADIUS, PORT_RADIUS)
        painter.setBrush(QBrush(port))
        painter.drawEllipse(QPointF(0, box.bottom()), PORT_RADIUS, PORT_RADIUS)

    def _paint_text(self, painter: QPainter, area: QRectF) -> None:
        scene = self.scene()
        base = QFont(scene.font() if scene is not None else painter.font())
        bold = QFont(base)
        bold.setBold(True)
        lines = [(self.title, bold), (self.subtitle, base), (self.detail, base)]
        lines = [(text, font) for text, font in lines if text]
        step = area.height() / max(len(lines), 1)
        painter.setPen(themed_color("#111111"))
        for k, (text, font) in enumerate(lines):
            painter.setFont(font)
            shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                  int(area.width()))
            row = QRectF(area.left(), area.top() + k * step, area.width(), step)
            painter.drawText(row, Qt.AlignmentFlag.AlignCenter, shown)
        painter.setFont(base)

    # ----- gestures (handed to the scene) --------------------------------------------
    def _scene(self) -> DesignScene:
        return self.scene()  # type: ignore[return-value]

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.on_output_port(event.pos()):
            self._scene().begin_connection(self, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)  # selection
        if event.button() == Qt.MouseButton.LeftButton:
            self._scene().begin_drag(event.scenePos())

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self._scene()
        if scene.connecting:
            scene.update_connection(event.scenePos())
        else:
            scene.drag_to(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self._scene()
        if scene.connecting:
            scene.end_connection(event.scenePos())
        else:
            scene.end_drag()
        super().mouseReleaseEvent(event)


class NoteItem(QGraphicsItem):
    """A red callout to the right of a box: why the design cannot train on the data, and the
    fix. A child of the box, so it moves with it."""

    WIDTH = 200.0
    PAD = 7.0
    GAP = 14.0
    HEADLINE = "Does not fit the data"
    #: The callout's height (a class default: Qt may ask for the bounds during __init__).
    _height = 0.0

    def __init__(self, parent: NodeItem) -> None:
        super().__init__(parent)
        self.message, self.problem, self.fix = "", "", ""
        self.setZValue(3)
        self.setPos(BOX_WIDTH / 2 + self.GAP, -BOX_HEIGHT / 2)
        # Laid out again on every restyle: its text follows the application font (larger in
        # presentation mode), unlike the boxes, which the canvas zooms instead.
        keep_style(self, "layout", lambda note: note.set_message(note.message))

    def set_message(self, message: str) -> None:
        """The engine's message, shown as the problem and (after its last ';') the fix."""
        self.message = message
        problem, _, fix = message.rpartition("; ")
        self.problem, self.fix = (problem, fix) if problem else (message, "")
        self.setToolTip(message)
        self.prepareGeometryChange()
        self._height = sum(h for _, _, h in self._blocks()) + 2 * self.PAD
        self.update()

    @staticmethod
    def _fonts() -> tuple[QFont, QFont]:
        base = QFont(QApplication.font())
        bold = QFont(base)
        bold.setBold(True)
        return base, bold

    def _blocks(self) -> list[tuple[str, QFont, float]]:
        """(text, font, height) of the headline, the problem and the fix, wrapped."""
        base, bold = self._fonts()
        width = int(self.WIDTH - 2 * self.PAD)
        blocks = []
        texts = [(self.HEADLINE, bold), (self.problem, base)]
        if self.fix:
            texts.append((f"Fix: {self.fix}", bold))
        for text, font in texts:
            rect = QFontMetrics(font).boundingRect(
                0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), text)
            blocks.append((text, font, float(rect.height()) + 4))
        return blocks

    def boundingRect(self) -> QRectF:
        return QRectF(-self.GAP, 0, self.WIDTH + self.GAP, max(self._height, BOX_HEIGHT))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = QRectF(0, 0, self.WIDTH, self._height)
        painter.setPen(QPen(themed_color(ERROR), 1.5))
        painter.setBrush(QBrush(themed_color("#fde2e1")))
        painter.drawRoundedRect(body, 6, 6)
        mid = min(BOX_HEIGHT / 2, self._height / 2)
        painter.drawPolygon(QPolygonF([QPointF(-self.GAP + 2, mid), QPointF(0.5, mid - 7),
                                       QPointF(0.5, mid + 7)]))
        painter.setPen(themed_color("#7a1010"))
        top = self.PAD
        for text, font, height in self._blocks():
            painter.setFont(font)
            painter.drawText(QRectF(self.PAD, top, self.WIDTH - 2 * self.PAD, height),
                             int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), text)
            top += height


class LayerItem(NodeItem):
    """The box of one layer of the spec."""


class InputItem(NodeItem):
    """The network's input: a source of connections, drawn above the layers it feeds."""

    has_input_port = False


class EdgeItem(QGraphicsPathItem):
    """An arrow ``source`` → ``target``; selecting it and pressing Delete removes it."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.setToolTip(f"{source} → {target} (select and press Delete to remove)")
        self._head = QPolygonF()

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        path = QPainterPath(start)
        bend = max(30.0, abs(end.y() - start.y()) / 2)
        path.cubicTo(QPointF(start.x(), start.y() + bend), QPointF(end.x(), end.y() - bend), end)
        self.setPath(path)
        tip, size = end, 9.0
        self._head = QPolygonF([tip, QPointF(tip.x() - size / 2, tip.y() - size),
                                QPointF(tip.x() + size / 2, tip.y() - size)])

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker(QPen(Qt.GlobalColor.black, 12))
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(self._head.boundingRect()).adjusted(-6, -6, 6, 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = themed_color(SELECTED if self.isSelected() else "#444444")
        painter.setPen(QPen(color, 3 if self.isSelected() else 1.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._head)
