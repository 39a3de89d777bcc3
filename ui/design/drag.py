"""The drag-and-drop payload that carries a layer type from the palette to the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

LAYER_MIME = "application/x-backprop-layer"


def layer_mime(type_name: str) -> QMimeData:
    data = QMimeData()
    data.setData(LAYER_MIME, type_name.encode("utf-8"))
    return data


def dropped_layer_type(mime: QMimeData) -> str | None:
    if not mime.hasFormat(LAYER_MIME):
        return None
    return bytes(mime.data(LAYER_MIME).data()).decode("utf-8")
