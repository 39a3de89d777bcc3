"""Image folders: classes, hidden entries, modes, sizes, unreadable images and bad folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from simulator.data import load_dataset
from simulator.errors import DataError
from tests.simulator.data.files import save_image


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "pets"
    save_image(root / "dog" / "b.png", value=200)
    save_image(root / "dog" / "a.png", value=150)
    save_image(root / "cat" / "1.jpg", value=50, fmt="JPEG")
    save_image(root / "cat" / "nested" / "2.bmp", value=60)
    return root


def test_classes_sorted_files_sorted_nchw_float(folder: Path) -> None:
    data = load_dataset(str(folder))
    assert data.class_names == ["cat", "dog"]
    assert data.x.shape == (4, 1, 6, 8)  # grayscale from the first image; (height, width)
    assert data.x.dtype == np.float32
    np.testing.assert_array_equal(data.y, [0, 0, 1, 1])
    np.testing.assert_allclose(data.x[:, 0, 0, 0], [50, 60, 150, 200], atol=2)
    assert data.warnings == []
    assert data.name == "pets"


def test_hidden_and_junk_entries_are_ignored(folder: Path) -> None:
    save_image(folder / ".ipynb_checkpoints" / "x.png")
    save_image(folder / "__MACOSX" / "cat" / "1.png")
    save_image(folder / ".hidden" / "y.png")
    save_image(folder / "dog" / ".secret" / "z.png")
    save_image(folder / "dog" / "._b.png")
    (folder / ".DS_Store").write_bytes(b"\x00\x01junk")
    (folder / "dog" / "Thumbs.db").write_bytes(b"junk")
    data = load_dataset(folder)
    assert data.class_names == ["cat", "dog"]
    assert len(data) == 4
    assert data.warnings == []


def test_truncated_and_corrupt_images_are_skipped_and_reported(folder: Path) -> None:
    good = save_image(folder / "cat" / "3.jpg", size=(64, 64), mode="RGB", fmt="JPEG").read_bytes()
    (folder / "cat" / "3.jpg").write_bytes(good[: len(good) // 2])
    (folder / "dog" / "c.png").write_bytes(b"not an image at all")
    data = load_dataset(folder)
    assert len(data) == 4
    assert len(data.warnings) == 1
    message = data.warnings[0]
    assert message.startswith("skipped 2 unreadable images: cat/3.jpg (")
    assert "dog/c.png (not a PNG/JPEG/BMP image)" in message


def test_formats_allowlist_refuses_other_formats_by_content(folder: Path) -> None:
    save_image(folder / "dog" / "sneaky.png", fmt="GIF")  # a GIF named .png
    data = load_dataset(folder)
    assert "dog/sneaky.png (not a PNG/JPEG/BMP image)" in data.warnings[0]
    gif_ok = load_dataset(folder, formats=["png", "jpeg", "bmp", "gif"])
    assert len(gif_ok) == 5
    assert gif_ok.warnings == []


def test_size_and_rgb(folder: Path) -> None:
    data = load_dataset(folder, size=(4, 10), color="rgb")
    assert data.x.shape == (4, 3, 4, 10)
    square = load_dataset(folder, size=3)
    assert square.x.shape == (4, 1, 3, 3)


def test_default_color_follows_the_first_image(tmp_path: Path) -> None:
    save_image(tmp_path / "a" / "1.png", mode="RGB")
    save_image(tmp_path / "b" / "1.png", mode="L")
    assert load_dataset(tmp_path).x.shape == (2, 3, 6, 8)


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "RGB"])
def test_mixed_modes_convert(tmp_path: Path, mode: str) -> None:
    save_image(tmp_path / "a" / "1.png", mode="L", value=90)
    save_image(tmp_path / "b" / "1.png", mode=mode, value=90)
    data = load_dataset(tmp_path)
    np.testing.assert_allclose(data.x, 90, atol=1)


def test_palette_with_transparency_and_16_bit_grey(tmp_path: Path) -> None:
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([30, 30, 30] * 256)
    palette.save(tmp_path / "a.png", transparency=bytes([0] * 256))
    (tmp_path / "a").mkdir()
    (tmp_path / "a.png").rename(tmp_path / "a" / "1.png")
    (tmp_path / "b").mkdir()
    Image.fromarray(np.full((4, 4), 65535, np.uint16)).save(tmp_path / "b" / "1.png")
    data = load_dataset(tmp_path)
    np.testing.assert_allclose(data.x[0], 30, atol=1)
    np.testing.assert_allclose(data.x[1], 255, atol=1)


def test_decompression_bomb_is_skipped(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_image(folder / "dog" / "big.png", size=(40, 40))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    data = load_dataset(folder)
    assert "dog/big.png (too many pixels" in data.warnings[0]
    assert len(data) == 4


def test_non_image_files_are_counted(folder: Path) -> None:
    (folder / "dog" / "notes.txt").write_text("hello")
    save_image(folder / "loose.png")
    data = load_dataset(folder)
    assert data.warnings == ["ignored 2 files that are not PNG/JPEG/BMP images or are not "
                             "inside a class folder"]


def test_empty_class_folder_is_named(folder: Path) -> None:
    (folder / "bird").mkdir()
    (folder / "bird" / "readme.txt").write_text("no images")
    with pytest.raises(DataError, match=r"class folder 'bird' in .* has no images"):
        load_dataset(folder)


def test_class_with_only_unreadable_images(folder: Path) -> None:
    (folder / "bird").mkdir()
    (folder / "bird" / "x.png").write_bytes(b"garbage")
    with pytest.raises(DataError, match=r"class folder 'bird' .*none of its 1 images could be "
                                        r"read \(bird/x.png"):
        load_dataset(folder)


@pytest.mark.parametrize(("options", "message"), [
    ({"size": 0}, r"option 'size' must be a side length or \(height, width\)"),
    ({"size": (2, 3, 4)}, r"option 'size'"),
    ({"size": "28"}, r"option 'size'"),
    ({"color": "cmyk"}, r"option 'color' must be one of 'grayscale', 'rgb'"),
    ({"formats": ["PNG", "NOPE"]}, r"unknown image formats NOPE"),
    ({"formats": "PNG"}, r"must be a list of image formats"),
    ({"n": 5}, r"unknown option n for image folders"),
    ({"max_bytes": 100}, r"4 images of 8x6 would take .* more than the limit"),
])
def test_bad_options(folder: Path, options: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_dataset(folder, **options)


def test_folder_without_class_folders(tmp_path: Path) -> None:
    save_image(tmp_path / "1.png")
    with pytest.raises(DataError, match="has no class folders: put the images in one subfolder"):
        load_dataset(tmp_path)


def test_a_single_class_is_refused(tmp_path: Path) -> None:
    save_image(tmp_path / "only" / "1.png")
    with pytest.raises(DataError, match="only one class folder \\('only'\\)"):
        load_dataset(tmp_path)


def test_symlink_loops_are_not_followed(folder: Path) -> None:
    (folder / "dog" / "back_to_root").symlink_to(folder, target_is_directory=True)
    (folder / "loop").symlink_to(folder / "loop")  # a link to itself: not a folder
    data = load_dataset(folder)
    assert data.class_names == ["cat", "dog"]
    assert len(data) == 4
