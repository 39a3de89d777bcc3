"""The canvas widget: an error banner over a view of the design scene (or over another view
of the design that takes its place, see :meth:`DesignCanvas.show_alternate`).

The banner says why the design cannot be built, or that it does not fit the data (the
details and the fix then sit in a callout beside the box to change, see ``show_misfit``).

The view accepts layer types dragged from the palette, deletes the selection with Delete or
Backspace, zooms with Ctrl+wheel and fits the design when one is opened.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QResizeEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLabel, QVBoxLayout, QWidget

from simulator.data import Misfit
from simulator.spec import INPUT, NetworkSpec
from ui.canvas.items import LayerItem
from ui.canvas.scene import DesignScene
from ui.design.drag import dropped_layer_type
from ui.style.scaled import styled

MARGIN = 40.0
#: Room kept around an area brought into view (pixels).
REVEAL_MARGIN = 8
#: Below this scale the text is too small to read; fit the width and scroll instead.
MIN_FIT_SCALE = 0.8


class DesignView(QGraphicsView):
    def __init__(self, scene: DesignScene) -> None:
        super().__init__(scene)
        self.design = scene
        self.setAcceptDrops(True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        #: Refit on resize until the user zooms: the window's size settles after opening.
        self._auto_fit = True
        scene.changed.connect(self._grow_scene_rect)

    def _grow_scene_rect(self) -> None:
        bounds = self.design.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setSceneRect(bounds)

    def fit(self) -> None:
        """Show the whole design when it is readable that way, otherwise its full width."""
        self._grow_scene_rect()
        rect: QRectF = self.sceneRect()
        view = self.viewport().rect()
        self._auto_fit = True
        if rect.isEmpty() or view.width() < 50 or view.height() < 50:
            return
        scale = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
        if scale < MIN_FIT_SCALE:
            scale = min(view.width() / rect.width(), 1.0)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center().x(), rect.top())

    def reveal(self, rect: QRectF) -> None:
        """Bring scene area ``rect`` into view: refit while fitting automatically, zoom out
        as far as needed for its width (presentation mode zooms in), and scroll to it."""
        self._grow_scene_rect()
        if self._auto_fit:
            self.fit()
        scale = self.transform().m11()
        fits = (self.viewport().width() - 2 * REVEAL_MARGIN) / max(rect.width(), 1.0)
        if fits < scale:
            self.scale(fits / scale, fits / scale)
        self.ensureVisible(rect, REVEAL_MARGIN, REVEAL_MARGIN)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        current = self.transform().m11()
        factor = max(0.2, min(3.0, current * factor)) / current
        self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.design.delete_selected()
            event.accept()
        else:
            super().keyPressEvent(event)

    # ----- drops from the palette -------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_layer_type(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dropped_layer_type(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        type_name = dropped_layer_type(event.mimeData())
        if not type_name:
            super().dropEvent(event)
            return
        at = self.mapToScene(event.position().toPoint())
        under = next((i for i in self.design.items(at) if isinstance(i, LayerItem)), None)
        name = self.design.add_layer(type_name, (round(at.x(), 1), round(at.y(), 1)),
                                     after=under.name if under else None)
        self.design.select(name)
        event.acceptProposedAction()


class DesignCanvas(QWidget):
    """The banner that explains why a design is invalid, above the view of the design."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = DesignScene(stack, self)
        self.view = DesignView(self.scene)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        styled(self.banner, "background: #fde2e1; color: #7a1010; padding: 6px; "
                            "border: 1px solid #c01c28; border-radius: 4px;")
        self.banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.view)
        self._design_error = self._misfit_line = ""
        self.alternate: QWidget | None = None
        self.scene.validated.connect(self._on_validated)

    def show_alternate(self, widget: QWidget | None) -> None:
        """Show ``widget`` (another view of the design, such as its units and connections) in
        place of the boxes, or the boxes again (None)."""
        layout = self.layout()
        assert layout is not None           # set in __init__
        if self.alternate is not None and self.alternate is not widget:
            self.alternate.hide()
        if widget is not None and layout.indexOf(widget) < 0:
            layout.addWidget(widget)
        self.alternate = widget
        self.view.setVisible(widget is None)
        if widget is not None:
            widget.show()

    def set_spec(self, spec: NetworkSpec) -> None:
        self.scene.set_spec(spec)
        self.view.fit()

    def show_misfit(self, misfit: Misfit | None) -> None:
        """Why the design cannot train on its data: a callout beside the box to change with
        the engine's message and fix, and a line in the banner; None clears both."""
        shown = self.scene.misfit
        node = None if misfit is None else misfit.node
        self.scene.set_misfit(node, "" if misfit is None else misfit.message)
        if self.scene.misfit == shown:
            return
        self._misfit_line = "" if self.scene.misfit is None else (
            f"Training cannot start: this design does not fit the data; see the note beside "
            f"{'the input' if node == INPUT else f'layer {node!r}'}.")
        self._show_banner()
        note = self.scene.note_item()
        if note is not None and note.parentItem() is not None:
            self.view.reveal(note.sceneBoundingRect().united(
                note.parentItem().sceneBoundingRect()))

    def _on_validated(self, message: str, layer: object) -> None:
        self._design_error = f"This design cannot be built: {message}" if message else ""
        self._show_banner()

    def _show_banner(self) -> None:
        text = self._design_error or self._misfit_line
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
