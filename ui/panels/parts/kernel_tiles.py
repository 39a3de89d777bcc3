"""Conv2D kernels as images: each layer's kernels tiled into one array, drawn as one image.

:func:`kernel_tiles` lays out a layer's kernels ``W`` of shape ``(filters, channels, kh, kw)``
(the ``kernels`` probe, :func:`simulator.training.probes.conv_kernels`):

- up to :data:`SIDE_BY_SIDE` input channels (a grey or colour image, or a first layer): one
  tile per filter, its channels side by side in it (``W[f, 0]``, a one-pixel gap, ``W[f, 1]``,
  ...); the filters run row by row, at most :data:`MAX_COLUMNS` to a row;
- more channels: one tile per kernel, row ``c`` (the input channel) and column ``f`` (the
  filter) holding ``W[f, c]``.

Gaps hold NaN (drawn as the background). :class:`KernelImages` draws every Conv2D layer so, one
``ImageItem`` per layer, in a diverging colour map centred at 0 with a symmetric scale per
layer (the largest magnitude in the layer), so a filter's sign pattern (an edge detector: a
row of blue beside a row of red) reads at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ui.panels.parts.mosaic import Mosaic, tile
from ui.style.scaled import scaled_label
from ui.style.theme import SIGNED_CMAP

#: Layers with at most this many input channels show each filter's channels side by side.
SIDE_BY_SIDE = 3
#: Filters in one row of tiles, at most (more go to further rows).
MAX_COLUMNS = 16


@dataclass(frozen=True)
class KernelTiles:
    """A layer's kernels as one image, and where each kernel sits in it."""

    mosaic: Mosaic
    filters: int
    channels: int
    kernel_height: int
    kernel_width: int
    #: True: one tile per filter, channels side by side; False: rows are channels.
    side_by_side: bool

    @property
    def image(self) -> np.ndarray:
        return self.mosaic.image

    def kernel_origin(self, f: int, c: int) -> tuple[int, int]:
        """(x, y) pixel of the top-left corner of kernel ``W[f, c]`` in :attr:`image`."""
        if self.side_by_side:
            x, y = self.mosaic.tile_origin(f)
            return x + c * (self.kernel_width + 1), y
        return self.mosaic.tile_origin(c * self.filters + f)

    def kernel(self, f: int, c: int) -> np.ndarray:
        """The pixels of kernel ``W[f, c]`` as drawn."""
        x, y = self.kernel_origin(f, c)
        return self.image[y:y + self.kernel_height, x:x + self.kernel_width]


def kernel_tiles(kernels: np.ndarray) -> KernelTiles:
    """Lay out ``kernels`` (filters, channels, kh, kw) as described in the module."""
    kernels = np.asarray(kernels, dtype=np.float64)
    if kernels.ndim != 4 or 0 in kernels.shape:
        raise ValueError(f"kernels must be (filters, channels, height, width), got shape "
                         f"{list(kernels.shape)}")
    f, c, kh, kw = kernels.shape
    if c <= SIDE_BY_SIDE:
        tiles = np.full((f, kh, c * (kw + 1) - 1), np.nan)
        for channel in range(c):
            tiles[:, :, channel * (kw + 1): channel * (kw + 1) + kw] = kernels[:, channel]
        rows = math.ceil(f / MAX_COLUMNS)
        mosaic = tile(tiles, columns=math.ceil(f / rows), gap=1)
        return KernelTiles(mosaic, f, c, kh, kw, side_by_side=True)
    tiles = kernels.transpose(1, 0, 2, 3).reshape(c * f, kh, kw)   # channel-major
    return KernelTiles(tile(tiles, columns=f, gap=1), f, c, kh, kw, side_by_side=False)


def symmetric_limit(values: np.ndarray) -> float:
    """The largest finite magnitude (1 when there is none): the colour scale is ±this."""
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def describe(name: str, tiles: KernelTiles, total_filters: int) -> str:
    """The title over a layer's image: its name, its kernels' count and size (many channels:
    one row of tiles per input channel)."""
    shown = (f"{tiles.filters} filters" if tiles.filters == total_filters
             else f"first {tiles.filters} of {total_filters} filters")
    if tiles.channels > 1:
        shown += f" × {tiles.channels} channels"
    return f"<b>{name}</b>: {shown}, {tiles.kernel_height}×{tiles.kernel_width}"


class KernelImages:
    """The filter images of every Conv2D layer, one title and one image per layer, in a
    ``pg.GraphicsLayoutWidget`` of their own."""

    def __init__(self, view: pg.GraphicsLayoutWidget) -> None:
        self.view = view
        self.cmap = pg.colormap.get(SIGNED_CMAP)
        self.tiles: dict[str, KernelTiles] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.limits: dict[str, float] = {}
        self._titles: dict[str, pg.LabelItem] = {}
        self._boxes: dict[str, pg.ViewBox] = {}
        self._names: list[str] = []

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def build(self, names: list[str]) -> None:
        """A title and an empty image for each layer in ``names`` (none: nothing shown)."""
        if names == self._names:
            return
        self.view.clear()
        self._names = list(names)
        self.tiles, self.images, self.limits = {}, {}, {}
        self._titles, self._boxes = {}, {}
        layout = self.view.ci
        for i, name in enumerate(names):
            title = scaled_label(layout.addLabel(f"<b>{name}</b>", row=2 * i, col=0,
                                                 justify="left"))
            box = layout.addViewBox(row=2 * i + 1, col=0, lockAspect=True, invertY=True,
                                    enableMouse=False, enableMenu=False)
            image = pg.ImageItem(axisOrder="row-major")
            image.setColorMap(self.cmap)
            box.addItem(image)
            self._titles[name], self._boxes[name], self.images[name] = title, box, image

    def show(self, payload: dict[str, dict[str, object]]) -> None:
        """Draw the ``kernels`` probe's payload: ``{layer: {"kernels", "filters"}}``."""
        for name, image in self.images.items():
            entry = payload.get(name)
            if entry is None:
                continue
            kernels = np.asarray(entry["kernels"], dtype=np.float64)
            tiles = kernel_tiles(kernels)
            limit = symmetric_limit(kernels)
            total = int(float(entry.get("filters", kernels.shape[0])))  # type: ignore[arg-type]
            self.tiles[name], self.limits[name] = tiles, limit
            picture = tiles.image
            image.setImage(picture, autoLevels=False, levels=(-limit, limit))
            height, width = picture.shape
            image.setRect(QRectF(0, 0, width, height))
            self._boxes[name].setRange(xRange=(0, width), yRange=(0, height), padding=0.02)
            # Height shared out by what each image needs at the same width (a strip of
            # first-layer filters needs little, a channels × filters block much more).
            row = 2 * self._names.index(name) + 1
            self.view.ci.layout.setRowStretchFactor(row, max(1, round(100 * height / width)))
            title = self._titles[name]
            title.setText(f"{describe(name, tiles, total)}, ±{limit:.2g}")
            title.setMinimumWidth(0)     # a long title is cut at the edge, never the image
