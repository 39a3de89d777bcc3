"""Preprocessor: each method's statistics, the (x - shift) * scale identity, and to/from dict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.config import PREPROCESSING
from simulator.data import Preprocessor
from simulator.errors import DataError


@pytest.fixture
def x() -> np.ndarray:
    rng = np.random.default_rng(0)
    data = rng.normal(3.0, 2.0, (50, 3)) * np.array([1.0, 10.0, 0.1])
    data[:, 2] = 7.0  # a constant feature
    return data


@pytest.mark.parametrize("method", PREPROCESSING)
def test_transform_is_shift_then_scale(method: str, x: np.ndarray) -> None:
    processor = Preprocessor(method).fit(x)
    np.testing.assert_array_equal(processor.transform(x), (x - processor.shift) * processor.scale)
    x32 = x.astype(np.float32)
    assert processor.transform(x32).dtype == np.float32


def test_method_statistics(x: np.ndarray) -> None:
    centred = Preprocessor("center").fit_transform(x)
    np.testing.assert_allclose(centred.mean(axis=0), 0, atol=1e-12)
    standard = Preprocessor("standardize").fit_transform(x)
    np.testing.assert_allclose(standard[:, :2].std(axis=0), 1)
    np.testing.assert_array_equal(standard[:, 2], 0)  # constant feature: scale 1, not inf
    unit = Preprocessor("minmax").fit_transform(x)
    np.testing.assert_allclose(unit[:, :2].min(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(unit[:, :2].max(axis=0), 1)
    symmetric = Preprocessor("minmax_symmetric").fit_transform(x)
    np.testing.assert_allclose(symmetric[:, :2].min(axis=0), -1)
    np.testing.assert_allclose(symmetric[:, :2].max(axis=0), 1)
    pixels = Preprocessor("pixels").transform(np.array([[0, 255, 51]], dtype=np.uint8))
    np.testing.assert_allclose(pixels, [[0, 1, 0.2]])
    np.testing.assert_array_equal(Preprocessor("none").transform(x), x)


def test_image_statistics_are_per_pixel() -> None:
    images = np.random.default_rng(2).random((10, 1, 4, 4))
    processor = Preprocessor("standardize").fit(images)
    assert processor.shift.shape == (1, 4, 4)
    assert processor.transform(images).shape == (10, 1, 4, 4)
    with pytest.raises(DataError, match=r"fitted on samples of shape \[1, 4, 4\] but got "
                                        r"samples of shape \[16\]"):
        processor.transform(images.reshape(10, 16))


@pytest.mark.parametrize("method", PREPROCESSING)
def test_round_trip_through_json(method: str, x: np.ndarray) -> None:
    processor = Preprocessor(method).fit(x)
    text = json.dumps(processor.to_dict(), allow_nan=False)
    again = Preprocessor.from_dict(json.loads(text))
    assert again.method == ("standardize" if method == "auto" else method)   # what ran
    np.testing.assert_array_equal(again.transform(x), processor.transform(x))
    assert again.to_dict() == processor.to_dict()


def test_must_fit_before_transform_and_save(x: np.ndarray) -> None:
    with pytest.raises(DataError, match="must be fitted"):
        Preprocessor("standardize").transform(x)
    with pytest.raises(DataError, match="not fitted"):
        Preprocessor("minmax").to_dict()


def test_fit_refuses_empty_and_non_finite() -> None:
    with pytest.raises(DataError, match="at least one sample"):
        Preprocessor("center").fit(np.zeros((0, 3)))
    with pytest.raises(DataError, match="NaN or infinite"):
        Preprocessor("center").fit(np.array([[1.0, np.nan]]))


def test_unknown_method() -> None:
    with pytest.raises(DataError, match="unknown preprocessing 'zscore'"):
        Preprocessor("zscore")


GOOD = {"method": "standardize", "shift": [1.0, 2.0], "scale": [0.5, 1.0], "shape": [2]}


@pytest.mark.parametrize(("patch", "message"), [
    ({"method": "whiten"}, "unknown stored preprocessing 'whiten'"),
    ({"shift": [1.0]}, r"'shift' must be numbers of shape \[2\]"),
    ({"shift": [1.0, "a"]}, r"'shift' must be numbers of shape \[2\]"),
    ({"shift": [[1.0], [2.0, 3.0]]}, r"'shift'"),
    ({"scale": [0.5, 0.0]}, "'scale' must be positive"),
    ({"scale": [0.5, -1.0]}, "'scale' must be positive"),
    ({"shape": [-2]}, "'shape' must be a list of positive integers"),
    ({"shape": None}, "'shift' must be a finite number"),
    ({"shape": [10**9, 10**9]}, "too large"),
    ({"extra": 1}, r"got keys \['extra', 'method'"),
    ({"shift": True, "shape": None}, "must be a number or nested list"),
])
def test_from_dict_validates(patch: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        Preprocessor.from_dict({**GOOD, **patch})


def test_from_dict_rejects_non_objects_and_non_finite() -> None:
    with pytest.raises(DataError, match="must be an object"):
        Preprocessor.from_dict(["standardize"])
    with pytest.raises(DataError, match="NaN or infinite"):
        Preprocessor.from_dict({**GOOD, "shift": [float("nan"), 1.0]})
    with pytest.raises(DataError, match="fixed shift 0.0 and scale"):
        Preprocessor.from_dict({"method": "pixels", "shift": 0.0, "scale": 0.5, "shape": None})


def test_auto_standardizes_tabular_features(x: np.ndarray) -> None:
    auto = Preprocessor("auto")
    assert auto.describe() == "auto (decided when fitted on the training data)"
    auto.fit(x)
    standard = Preprocessor("standardize").fit(x)
    assert (auto.requested, auto.method) == ("auto", "standardize")
    np.testing.assert_array_equal(auto.transform(x), standard.transform(x))
    assert auto.describe() == "auto: standardize (each feature to mean 0, standard deviation 1)"
    assert Preprocessor("none").describe() == "none (raw values)"


@pytest.mark.parametrize(("low", "high"), [(0, 255), (0, 16), (0.0, 1.0)])
def test_auto_scales_image_pixels_to_the_unit_interval(low: float, high: float) -> None:
    """One shift and scale for all pixels (not per pixel): the picture keeps its contrast."""
    images = np.random.default_rng(1).uniform(low, high, (20, 1, 5, 5))
    images[0, 0, 0, 0], images[1, 0, 0, 0] = low, high
    auto = Preprocessor("auto").fit(images)
    assert (auto.method, auto.shift, auto.scale) == ("minmax", low, 1.0 / (high - low))
    out = auto.transform(images)
    assert (out.min(), out.max()) == (0.0, 1.0)
    np.testing.assert_allclose(out, (images - low) / (high - low))
    assert auto.describe() == f"auto: pixel values scaled to [0, 1] (from {low:g}..{high:g})"
    flat = Preprocessor("auto").fit(images.reshape(20, 25), images=True)   # an MLP's input
    assert flat.scale == auto.scale
    back = Preprocessor.from_dict(json.loads(json.dumps(auto.to_dict())))
    np.testing.assert_array_equal(back.transform(images), out)


def test_a_stored_preprocessing_names_what_ran() -> None:
    with pytest.raises(DataError, match="unknown stored preprocessing 'auto'"):
        Preprocessor.from_dict({"method": "auto", "shift": 0.0, "scale": 1.0, "shape": None})
