"""A folder of images with one subfolder per class (``root/cat/1.png``, ``root/dog/2.jpg``).

Classes are the sorted subfolder names; hidden entries (".*"), ``__MACOSX`` and
``.ipynb_checkpoints`` are ignored, links to folders are not followed, and a class folder may
nest at most :data:`simulator.paths.MAX_FOLDER_DEPTH` levels. Images are opened by Pillow with a
``formats`` allowlist that can only ever name raster formats Pillow decodes in-process
(:data:`SAFE_FORMATS`: never EPS, PS or PDF, whose plugins start Ghostscript) and its default
decompression-bomb limit, converted to grey or RGB, and resized (bilinear, no cropping) to
``size`` (height, width), by default the first image's size. Unreadable images are
skipped and listed in ``Dataset.warnings``. ``x`` is float32 (N, C, H, W) with values 0..255 (the
default ``auto`` preprocessing scales them to [0, 1]; ``pixels`` divides by 255).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from simulator.checks import choice
from simulator.data.dataset import Dataset
from simulator.data.formats import DataFormat
from simulator.data.formats.pixels import GREY_MODES, Size, check_size, pixels
from simulator.data.options import DEFAULT_MAX_BYTES, check_budget, check_max_bytes
from simulator.errors import DataError
from simulator.paths import open_regular, walk_files

DEFAULT_FORMATS = ("PNG", "JPEG", "BMP")
#: Every format the ``formats`` option may name: decoded by Pillow itself, no other program.
SAFE_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
IGNORED = frozenset({"__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini"})
SHOWN = 10


class _Unreadable(Exception):
    """One image that could not be read; the loader skips it and reports why."""


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in IGNORED


def _extensions(formats: Sequence[str]) -> tuple[list[str], set[str]]:
    if (isinstance(formats, str) or not isinstance(formats, Sequence) or not formats
            or len(formats) > len(SAFE_FORMATS) or not all(isinstance(f, str) for f in formats)):
        raise DataError(f"option 'formats' must be a list of image formats, got "
                        f"{_short(formats)}")
    known = Image.registered_extensions()
    wanted = [f.upper() for f in formats]
    unknown = sorted(set(wanted) - set(known.values()))
    if unknown:
        raise DataError(f"unknown image formats {', '.join(unknown)}; the formats read are: "
                        f"{', '.join(SAFE_FORMATS)}")
    unsafe = sorted(set(wanted) - set(SAFE_FORMATS))
    if unsafe:
        raise DataError(f"image format{'s' * (len(unsafe) > 1)} {', '.join(unsafe)} cannot be "
                        f"read (only raster formats decoded in-process are: "
                        f"{', '.join(SAFE_FORMATS)})")
    return wanted, {ext for ext, fmt in known.items() if fmt in wanted}


def _short(value: object) -> str:
    """``repr`` of a bad option value, cut short (and never recursing into deep nesting)."""
    if isinstance(value, list | tuple | dict):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is(entry: os.DirEntry[str], kind: str) -> bool:
    """``entry.is_dir()``/``is_file()``, False for a broken link or a link loop."""
    try:
        return entry.is_dir() if kind == "dir" else entry.is_file()
    except OSError:
        return False


def _list_files(root: Path, extensions: set[str]) -> tuple[list[str], list[list[Path]], int]:
    """Class names, the image paths of each class (sorted) and the count of other files."""
    try:
        with os.scandir(root) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        raise DataError(f"cannot read folder '{root}': {exc.strerror or exc}") from exc
    classes = [e.name for e in entries if _is(e, "dir") and not _hidden(e.name)]
    loose = sum(_is(e, "file") and Path(e.name).suffix.lower() in extensions for e in entries)
    if not classes:
        raise DataError(f"'{root}' has no class folders: put the images in one subfolder per "
                        f"class, e.g. '{root / 'cat' / '1.png'}'")
    if len(classes) < 2:
        raise DataError(f"'{root}' has only one class folder ('{classes[0]}'); classification "
                        "needs at least two")
    files, others = [], 0
    for name in classes:
        found = []
        for file in walk_files(root / name, lambda n: not _hidden(n), f"class folder '{name}'"):
            if file.suffix.lower() in extensions:
                found.append(file)
            else:
                others += 1
        if not found:
            raise DataError(f"class folder '{name}' in '{root}' has no images with the "
                            f"extensions {', '.join(sorted(extensions))}")
        files.append(sorted(found))
    return classes, files, others + loose


def _read(path: Path, formats: list[str], color: str | None, size: Size | None
          ) -> tuple[np.ndarray, str, Size]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with open_regular(path, f"'{path.name}'") as handle, \
                    Image.open(handle, formats=formats) as image:
                image.load()
                if color is None:
                    color = "grayscale" if image.mode in GREY_MODES else "rgb"
                if size is None:
                    size = (image.height, image.width)
                return pixels(image, color, size), color, size
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _Unreadable("too many pixels (Pillow's decompression-bomb limit)") from exc
        except UnidentifiedImageError as exc:
            raise _Unreadable(f"not a {'/'.join(formats)} image") from exc
        except (OSError, SyntaxError, ValueError, EOFError, DataError) as exc:
            raise _Unreadable(str(exc) or type(exc).__name__) from exc


def load_image_folder(root: Path, *, size: int | Sequence[int] | None = None,
                      color: str | None = None, formats: Sequence[str] = DEFAULT_FORMATS,
                      max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Read every image under ``root``'s class folders; see the module docstring.

    ``color`` is "grayscale" or "rgb" (default: as the first image); ``size`` an int or
    (height, width).
    """
    target = check_size(size)
    if color is not None:
        choice(color, "option 'color'", ("grayscale", "rgb"), error=DataError)
    check_max_bytes(max_bytes)
    formats, extensions = _extensions(formats)
    classes, files, others = _list_files(root, extensions)
    total = sum(len(f) for f in files)
    xs: list[np.ndarray] = []
    ys: list[int] = []
    skipped: list[str] = []
    for label, (name, paths) in enumerate(zip(classes, files, strict=True)):
        before = len(xs)
        for path in paths:
            try:
                array, color, target_now = _read(path, formats, color, target)
            except _Unreadable as exc:
                skipped.append(f"{path.relative_to(root).as_posix()} ({exc})")
                continue
            if target is None:
                target = target_now
            if not xs:
                channels = 1 if color == "grayscale" else 3
                check_budget(f"'{root}'", total * channels * target[0] * target[1] * 4,
                             max_bytes, f"{total} images of {target[1]}x{target[0]}")
            xs.append(array)
            ys.append(label)
        if len(xs) == before:
            raise DataError(f"class folder '{name}' in '{root}': none of its {len(paths)} images "
                            f"could be read ({skipped[-1]})")
    notes = []
    if skipped:
        more = f" and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else ""
        notes.append(f"skipped {len(skipped)} unreadable image{'s' * (len(skipped) > 1)}: "
                     f"{', '.join(skipped[:SHOWN])}{more}")
    if others:
        notes.append(f"ignored {others} file{'s' * (others > 1)} that are not "
                     f"{'/'.join(formats)} images or are not inside a class folder")
    return Dataset(root.name, np.stack(xs), np.array(ys, dtype=np.int64), class_names=classes,
                   description=f"{len(xs)} images in {len(classes)} classes from {root.name}",
                   warnings=notes, source=str(root))


FORMAT = DataFormat("images", "image folders (one subfolder per class)", load_image_folder,
                    folder=True)
