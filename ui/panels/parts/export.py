"""Take a panel to the slides: PNG (at a chosen width) and SVG pictures, its data as CSV, or
a copy on the clipboard.

Pictures render the panel widget itself (plots, legends, captions and all) through
``QWidget.render`` scaled to the wanted width, so the plots are redrawn at that resolution
rather than enlarged. SVG goes through ``QSvgGenerator`` (pyqtgraph's own SVG exporter fails
on this Qt, pyqtgraph#3485). The CSV holds every plotted series in long form,
``plot,series,x,y,value``: one row per point of each curve or scatter (``value`` empty) and
one per cell of each 2-D image such as the confusion matrix (``x`` column, ``y`` row).
Text cells that a spreadsheet would run as a formula are written with a leading apostrophe.

The panel's right-click menu (on its plots, inside pyqtgraph's own menu, and elsewhere on the
panel) and File ▸ Export for slides offer all of this (:func:`install_exports`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from ui.panels.base import Panel
from ui.style.plots import full_data

DEFAULT_WIDTH = 1920
MIN_WIDTH, MAX_WIDTH = 100, 8000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _check_width(width: int) -> None:
    if not MIN_WIDTH <= int(width) <= MAX_WIDTH:
        raise ValueError(f"the picture width must be {MIN_WIDTH} to {MAX_WIDTH} pixels, "
                         f"got {width}")


def _catch_up(widget: QWidget) -> None:
    """A panel out of view draws only when shown: have it draw what it holds first."""
    if isinstance(widget, Panel):
        widget.catch_up()


def render_image(widget: QWidget, width: int) -> QImage:
    """``widget`` drawn ``width`` pixels wide (height in proportion), on white."""
    _check_width(width)
    _catch_up(widget)
    size = widget.size()
    scale = width / max(size.width(), 1)
    image = QImage(int(width), max(1, round(size.height() * scale)),
                   QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    widget.render(painter, QPoint(), widget.rect())
    painter.end()
    return image


def export_png(widget: QWidget, path: str | Path, width: int = DEFAULT_WIDTH) -> Path:
    target = Path(path)
    if not render_image(widget, width).save(str(target), "PNG"):
        raise OSError(f"could not write {target}")
    return target


def export_svg(widget: QWidget, path: str | Path, title: str = "") -> Path:
    target = Path(path)
    _catch_up(widget)
    generator = QSvgGenerator()
    generator.setFileName(str(target))
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(), widget.size()))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {target}")
    widget.render(painter, QPoint(), widget.rect())
    painter.end()
    return target


def _plots(widget: QWidget) -> Iterator[tuple[str, pg.PlotItem | pg.ViewBox]]:
    for view in widget.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem):
                yield item.titleLabel.text or item.getAxis("left").labelText or "plot", item


def plotted_series(widget: QWidget) -> list[tuple[str, str, np.ndarray, np.ndarray,
                                                  np.ndarray | None]]:
    """(plot, series, x, y, value or None) for every curve, scatter and 2-D image shown
    (a long curve with all its points, not only those its plot draws)."""
    _catch_up(widget)
    found = []
    for plot_name, plot in _plots(widget):
        for index, item in enumerate(plot.listDataItems() + [
                i for i in plot.items if isinstance(i, pg.ImageItem)]):
            if isinstance(item, pg.ImageItem):
                image = item.image
                if image is None or np.ndim(image) != 2:
                    continue
                rows, cols = np.indices(np.shape(image))
                found.append((plot_name, f"image {index}", cols.ravel().astype(float),
                              rows.ravel().astype(float), np.asarray(image, float).ravel()))
                continue
            if not item.isVisible():
                continue
            if isinstance(item, pg.PlotDataItem):
                x, y = full_data(item)
            else:
                x, y = item.getData()
            if x is None or y is None or len(x) == 0:
                continue
            name = item.name() or f"series {index}"
            found.append((plot_name, str(name), np.asarray(x, float), np.asarray(y, float),
                          None))
    return found


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _number(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else ""


def export_csv(widget: QWidget, path: str | Path) -> Path:
    target = Path(path)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["plot", "series", "x", "y", "value"])
        for plot, series, x, y, value in plotted_series(widget):
            plot, series = _cell(plot), _cell(series)
            for i in range(min(len(x), len(y))):
                writer.writerow([plot, series, _number(x[i]), _number(y[i]),
                                 "" if value is None else _number(value[i])])
    return target


def copy_to_clipboard(widget: QWidget) -> None:
    QGuiApplication.clipboard().setImage(widget.grab().toImage())


# ----- menus ------------------------------------------------------------------------------
def ask_width(parent: QWidget | None, widget: QWidget) -> int | None:
    """The picture width in pixels, or None (the tests replace this function)."""
    width, ok = QInputDialog.getInt(parent, "Picture width",
                                    f"Width in pixels (the panel is {widget.width()} on "
                                    "screen; the height follows):", DEFAULT_WIDTH, MIN_WIDTH,
                                    MAX_WIDTH, 100)
    return width if ok else None


def _file_name(title: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_") or "panel"


class PanelExport:
    """The export actions for one panel (or the whole window), with their dialogs."""

    def __init__(self, widget: QWidget, title: str, parent: QWidget) -> None:
        self.widget, self.title, self.parent = widget, title, parent

    def _path(self, kind: str, suffix: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, f"Export {self.title} as {kind}",
                                              f"{_file_name(self.title)}{suffix}",
                                              f"{kind} (*{suffix})")
        if not path:
            return None
        target = Path(path)
        return target if target.suffix.lower() == suffix else target.with_name(
            target.name + suffix)

    def _run(self, kind: str, suffix: str, write: Callable[[Path], Path]) -> None:
        path = self._path(kind, suffix)
        if path is None:
            return
        try:
            write(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.parent, "Cannot export", f"{path.name}: {exc}")

    def png(self) -> None:
        width = ask_width(self.parent, self.widget)
        if width is not None:
            self._run("PNG picture", ".png", lambda p: export_png(self.widget, p, width))

    def svg(self) -> None:
        self._run("SVG drawing", ".svg", lambda p: export_svg(self.widget, p, self.title))

    def csv(self) -> None:
        self._run("CSV data", ".csv", lambda p: export_csv(self.widget, p))

    def copy(self) -> None:
        copy_to_clipboard(self.widget)

    def fill(self, menu: QMenu, with_data: bool = True) -> QMenu:
        menu.addAction("Save as &PNG picture…").triggered.connect(lambda _c=False: self.png())
        menu.addAction("Save as &SVG drawing…").triggered.connect(lambda _c=False: self.svg())
        if with_data:
            menu.addAction("Save the plotted &data as CSV…").triggered.connect(
                lambda _c=False: self.csv())
        menu.addAction("&Copy to the clipboard").triggered.connect(
            lambda _c=False: self.copy())
        return menu


def _add_to_plot_menus(panel: QWidget, title: str, export: PanelExport) -> None:
    for _, plot in _plots(panel):
        menu = plot.getViewBox().menu
        if menu is None:
            continue
        menu.addSeparator()
        export.fill(menu.addMenu(f"Export the {title} panel"))


def install_exports(file_menu: QMenu, panels: Sequence[QWidget], window: QWidget) -> None:
    """Right-click menus on every panel, and File ▸ Export for slides (each panel, the whole
    window to the clipboard or a picture)."""
    exports = []
    for panel in panels:
        title = getattr(panel, "title", panel.objectName() or "panel")
        export = PanelExport(panel, title, window)
        exports.append(export)
        _add_to_plot_menus(panel, title, export)
        panel.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        panel.customContextMenuRequested.connect(
            lambda pos, p=panel, e=export: e.fill(QMenu(p)).exec(p.mapToGlobal(pos)))
    for export in exports:
        export.fill(file_menu.addMenu(f"{export.title} panel"))
    file_menu.addSeparator()
    whole = PanelExport(window, "Backprop Studio window", window)
    file_menu.addAction("Copy the whole &window to the clipboard").triggered.connect(
        lambda _c=False: whole.copy())
    file_menu.addAction("Save the whole window as P&NG…").triggered.connect(
        lambda _c=False: whole.png())
