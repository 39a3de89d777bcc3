"""The scene draws a NetworkSpec and turns gestures on it into undo commands.

Beside the box to fix it shows why the design does not fit its data (``set_misfit``).

It keeps one box per layer (reused across redraws, so a box being dragged survives the redraw
its own move causes) and rebuilds the arrows on every change of the spec.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QFont, QPen, QUndoStack
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsLineItem, QGraphicsScene

from simulator.errors import SpecError
from simulator.layers import LAYERS
from simulator.spec import INPUT, LayerInfo, NetworkSpec
from ui.canvas.items import EdgeItem, InputItem, LayerItem, NodeItem
from ui.design import commands
from ui.design.defaults import new_layer
from ui.design.positions import auto_layout, input_position, next_position
from ui.design.text import CATEGORY_COLORS, DEFAULT_COLOR, config_summary, info_text, input_text

_drag_ids = itertools.count(1)


class DesignScene(QGraphicsScene):
    selection_named = Signal(object)       # a layer name, "input", or None
    validated = Signal(str, object)        # (error message or "", the layer it names or None)

    def __init__(self, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A fixed font: presentation mode zooms the canvas instead of re-flowing the boxes.
        self.setFont(QFont(QApplication.font()))
        self.stack = stack
        self.spec: NetworkSpec | None = None
        self.layer_items: dict[str, LayerItem] = {}
        self.input_item = InputItem(INPUT)
        self.addItem(self.input_item)
        self.edges: list[EdgeItem] = []
        self.error = ""
        self.error_layer: str | None = None
        #: (box name, message) of a design that does not fit its data, shown beside the box.
        self.misfit: tuple[str, str] | None = None
        self.connecting = False
        self._rubber: QGraphicsLineItem | None = None
        self._source: NodeItem | None = None
        self._drag: tuple[int, QPointF, dict[str, tuple[float, float]]] | None = None
        self.selectionChanged.connect(self._on_selection)

    # ----- binding to a spec ----------------------------------------------------------
    def set_spec(self, spec: NetworkSpec) -> None:
        if self.spec is not None:
            self.spec.changed.disconnect(self.sync)
        self.spec = spec
        spec.changed.connect(self.sync)
        for item in self.layer_items.values():
            self.removeItem(item)
        self.layer_items.clear()
        self.sync()

    def sync(self) -> None:
        """Redraw from the spec: boxes, texts, arrows, and the validation result."""
        spec = self.spec
        if spec is None:
            return
        infos: dict[str, LayerInfo] = {}
        try:
            infos = {info.name: info for info in spec.infer_shapes()}
            error, error_layer = "", None
        except SpecError as exc:
            error, error_layer = str(exc), exc.layer
        layout = auto_layout(spec) if any(ly.position is None for ly in spec.layers) else {}
        for name in set(self.layer_items) - set(spec.names()):
            self.removeItem(self.layer_items.pop(name))
        for layer in spec.layers:
            item = self.layer_items.get(layer.name)
            if item is None:
                item = self.layer_items[layer.name] = LayerItem(layer.name)
                self.addItem(item)
            category = LAYERS.get(layer.type).category
            item.set_content(f"{layer.type}  {layer.name}", config_summary(layer),
                             info_text(infos.get(layer.name)),
                             CATEGORY_COLORS.get(category, DEFAULT_COLOR),
                             error_layer == layer.name)
            item.setPos(*(layer.position or layout[layer.name]))
        self.input_item.set_content("Input", input_text(spec.input_shape), "",
                                    CATEGORY_COLORS["Input"], False)
        self.input_item.setPos(*input_position(spec))
        self._show_misfit()
        self._rebuild_edges()
        self.error, self.error_layer = error, error_layer
        self.validated.emit(error, error_layer)

    def set_misfit(self, node: str | None, message: str = "") -> None:
        """Show why the design cannot train on its data beside box ``node`` (a layer or
        "input"), or nothing (None)."""
        self.misfit = (node, message) if node is not None and message else None
        self._show_misfit()

    def _show_misfit(self) -> None:
        node, message = self.misfit or (None, "")
        for item in (self.input_item, *self.layer_items.values()):
            item.set_note(message if item.name == node else "")

    def note_item(self) -> QGraphicsItem | None:
        """The callout shown now, if any."""
        return next((item.note for item in (self.input_item, *self.layer_items.values())
                     if item.note is not None), None)

    def _rebuild_edges(self) -> None:
        assert self.spec is not None
        selected = {(e.source, e.target) for e in self.edges if e.isSelected()}
        for edge in self.edges:
            self.removeItem(edge)
        self.edges = []
        for i, layer in enumerate(self.spec.layers):
            for source in self.spec.inputs_of(i):
                start = self.node(source)
                if start is None:
                    continue
                edge = EdgeItem(source, layer.name)
                edge.set_ends(start.output_port(), self.layer_items[layer.name].input_port())
                self.addItem(edge)
                edge.setSelected((source, layer.name) in selected)
                self.edges.append(edge)

    def node(self, name: str) -> NodeItem | None:
        return self.input_item if name == INPUT else self.layer_items.get(name)

    # ----- selection ------------------------------------------------------------------
    def _on_selection(self) -> None:
        nodes = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
        self.selection_named.emit(nodes[0].name if len(nodes) == 1 else None)

    def select(self, name: str | None) -> None:
        self.clearSelection()
        item = self.node(name) if name else None
        if item is not None:
            item.setSelected(True)

    def highlight(self, name: str | None) -> None:
        """Mark the layer (or the input) a step-through is at; None marks none."""
        for item in (self.input_item, *self.layer_items.values()):
            item.set_highlighted(item.name == name)

    # ----- editing --------------------------------------------------------------------
    def add_layer(self, type_name: str, position: tuple[float, float] | None = None,
                  after: str | None = None) -> str:
        """Push the command adding a ``type_name`` layer (after ``after``, or at the end)."""
        assert self.spec is not None
        index = None if after is None else self.spec.names().index(after) + 1
        if position is None:
            position = next_position(self.spec)
        command = commands.AddLayer(self.spec, new_layer(type_name, position), index)
        self.stack.push(command)
        return command.layer.name

    def arrange(self) -> None:
        """Lay the design out again automatically (one undo step)."""
        if self.spec is not None and self.spec.layers:
            self.stack.push(commands.MoveLayers(self.spec, auto_layout(self.spec),
                                                text="Arrange the layers"))

    def delete_selected(self) -> None:
        assert self.spec is not None
        edges = [(e.source, e.target) for e in self.selectedItems() if isinstance(e, EdgeItem)]
        names = [i.name for i in self.selectedItems() if isinstance(i, LayerItem)]
        if not edges and not names:
            return
        self.stack.beginMacro("Delete")
        for source, target in edges:
            if target not in names and target in self.spec.names():
                command = commands.disconnect(self.spec, source, target)
                if command is not None:
                    self.stack.push(command)
        for name in names:
            self.stack.push(commands.RemoveLayer(self.spec, name))
        self.stack.endMacro()

    # ----- dragging boxes -------------------------------------------------------------
    def begin_drag(self, at: QPointF) -> None:
        assert self.spec is not None
        starts = {item.name: (item.pos().x(), item.pos().y())
                  for item in self.selectedItems() if isinstance(item, LayerItem)}
        self._drag = (next(_drag_ids), at, starts) if starts else None

    def drag_to(self, at: QPointF) -> None:
        if self._drag is None or self.spec is None:
            return
        drag, origin, starts = self._drag
        dx, dy = at.x() - origin.x(), at.y() - origin.y()
        moves = {n: (round(x + dx, 1), round(y + dy, 1)) for n, (x, y) in starts.items()
                 if n in self.spec.names()}
        if moves:
            self.stack.push(commands.MoveLayers(self.spec, moves, drag))

    def end_drag(self) -> None:
        self._drag = None

    # ----- drawing connections ----------------------------------------------------------
    def begin_connection(self, source: NodeItem, at: QPointF) -> None:
        self.connecting, self._source = True, source
        start = source.output_port()
        self._rubber = self.addLine(start.x(), start.y(), at.x(), at.y(), QPen(QPen().color(), 2))

    def update_connection(self, at: QPointF) -> None:
        if self._rubber is not None and self._source is not None:
            start = self._source.output_port()
            self._rubber.setLine(start.x(), start.y(), at.x(), at.y())

    def end_connection(self, at: QPointF) -> None:
        source, self._source, self.connecting = self._source, None, False
        if self._rubber is not None:
            self.removeItem(self._rubber)
            self._rubber = None
        target = next((i for i in self.items(at) if isinstance(i, LayerItem)), None)
        if source is not None and target is not None:
            self.connect_layers(source.name, target.name)

    def connect_layers(self, source: str, target: str) -> None:
        assert self.spec is not None
        command = commands.connect(self.spec, source, target)
        if command is not None:
            self.stack.push(command)
