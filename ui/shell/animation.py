"""An animation of the run for the slides: one panel drawn at every frame of the timeline.

File ▸ Export for slides ▸ "Animation of the run (GIF)…" puts the session at each position of
the timeline in turn (:func:`ui.training.timeline.scrub_to`, the live run last), redraws the
panel from the replay, renders it into a QImage (:func:`ui.panels.parts.export.render_image`),
stamps "epoch N" in its top-left corner and writes the frames as an animated GIF with Pillow,
atomically (:mod:`simulator.io.atomic`). The decision boundary is animated when the design has
one (2 inputs, or the fitted curve of 1), else the panel at the front of the first stack. The
session is put back where the scrubber was afterwards. Only between runs.

MP4 is not offered: it needs an encoder (ffmpeg, e.g. through imageio-ffmpeg), and none is
installed with the app.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from simulator.io.atomic import atomic_write
from ui.panels.base import Panel
from ui.panels.parts.export import render_image
from ui.shell.timeline_bar import TimelineHookup
from ui.training.session import TrainingSession
from ui.training.timeline import positions, redraw, scrub_to

#: Width of the animation in pixels (a slide's half width at 1080p), and how long each frame
#: and the last one show.
WIDTH = 960
FRAME_MS, LAST_FRAME_MS = 200, 1500
#: The most frames an animation holds (a longer timeline is sampled evenly).
MAX_FRAMES = 150


def stamp(image: QImage, text: str) -> None:
    """Write ``text`` in the top-left corner of ``image``, on a translucent white box."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(max(12, image.width() // 30))
    font.setBold(True)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    pad = metrics.height() // 4
    box = QRect(pad, pad, metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad)
    painter.fillRect(box, QColor(255, 255, 255, 215))
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()


def to_pillow(image: QImage) -> Image.Image:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    stride = rgba.bytesPerLine()
    picture = Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA",
                               stride, 1)
    return picture.convert("RGB")


def frame_positions(count: int, most: int = MAX_FRAMES) -> list[int]:
    """``count`` scrubber positions, or ``most`` of them evenly spread (first and last kept)."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def render_frames(session: TrainingSession, panel: Panel, width: int = WIDTH
                  ) -> list[Image.Image]:
    """``panel`` at every position of the timeline (at most :data:`MAX_FRAMES`, evenly
    spread), stamped with its epoch. The session is left
    at the live run (the caller puts it back where it was)."""
    frames = []
    timeline = session.timeline
    assert timeline is not None
    for position in frame_positions(positions(session)):
        redraw([panel], session, scrub_to(session, position))
        epoch = (timeline.frames[position].epoch if position < len(timeline)
                 else session.trainer.completed_epochs)
        image = render_image(panel, width)
        stamp(image, f"epoch {epoch}")
        frames.append(to_pillow(image))
    return frames


def write_gif(path: str | Path, frames: Sequence[Image.Image]) -> Path:
    """An endlessly looping GIF of ``frames``, written atomically."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    buffer = io.BytesIO()
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=list(frames[1:]),
                   duration=durations, loop=0, disposal=1)
    return atomic_write(path, buffer.getvalue())


class AnimationExport:
    """The menu action's work: ask for a file, render, write, put the session back where the
    scrubber was."""

    def __init__(self, window: QWidget, hookup: TimelineHookup,
                 panel: Callable[[], Panel]) -> None:
        self.window, self.hookup, self.panel = window, hookup, panel
        self.action: QAction | None = None

    def export(self, path: str | Path | None = None) -> Path | None:
        """Write the animation to ``path`` (asked for when None); None when nothing was
        written (no run yet, cancelled, or the file could not be written: a message says)."""
        session = self.hookup.session()
        if session is None or positions(session) < 2 or not self.hookup.make_idle():
            QMessageBox.information(self.window, "Animation of the run",
                                    "Train the network first (and pause or stop it): the "
                                    "animation shows the run's timeline.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save an animation of the run",
                                                  "run.gif", "Animated GIF (*.gif)")
            if not path:
                return None
            if not str(path).lower().endswith(".gif"):
                path = f"{path}.gif"
        where = self.hookup.position
        try:
            written = write_gif(path, render_frames(session, self.panel()))
        except OSError as exc:
            QMessageBox.warning(self.window, "Cannot save the animation",
                                f"Cannot write '{path}': {exc.strerror or exc}")
            return None
        finally:
            self.hookup.scrub(where)
        return written


def install_animation_export(menu: QMenu, hookup: TimelineHookup,
                             panel: Callable[[], Panel], window: QWidget) -> AnimationExport:
    """File ▸ Export for slides ▸ "Animation of the run (GIF)…"."""
    export = AnimationExport(window, hookup, panel)
    menu.addSeparator()
    export.action = menu.addAction("Animation of the run (&GIF)…")
    export.action.triggered.connect(lambda _c=False: export.export())
    return export
