"""The course's worked numbers, reproduced exactly through the JSON network path.

Source: the lecture notes in shared/seed ("Example of Neural Network", the sigmoid and softmax
layers, max pooling with a 2×2 filter and stride 2, edge detection by convolution).
"""

import json

import numpy as np
import pytest

from simulator.network import compile_network
from simulator.spec import NetworkSpec

# The three sigmoid layers of the lecture's 2-2-2 example, each W typed as the slide writes it
# (one row per unit: σ(W x + b)).
SIGMOID_LAYERS = [
    {"type": "Dense", "units": 2, "activation": "sigmoid",
     "weights": [[1, -2], [-1, 1]], "bias": [1, 0]},
    {"type": "Dense", "units": 2, "activation": "sigmoid",
     "weights": [[2, -1], [-2, -1]], "bias": [0, 0]},
    {"type": "Dense", "units": 2, "activation": "sigmoid",
     "weights": [[3, -1], [-1, 4]], "bias": [-2, 2]},
]
# Each row: the input, then what each layer outputs (rounded to 2 places as on the slides).
SIGMOID_TRACES = [
    ((1, -1), [(0.98, 0.12), (0.86, 0.11), (0.62, 0.83)]),
    ((0, 0), [(0.73, 0.50), (0.72, 0.12), (0.51, 0.85)]),
]


def predict(spec_dict, x, backend_name):
    """Build through JSON text, as a saved file would be, and run one batch."""
    spec = NetworkSpec.from_json(json.dumps(spec_dict))
    net = compile_network(spec, backend_name)
    return net.predict(np.asarray(x, dtype=np.float64)).astype(np.float64)


@pytest.mark.parametrize(("x", "trace"), SIGMOID_TRACES)
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_sigmoid_network_layer_by_layer(x, trace, depth, backend_name):
    spec = {"input_shape": [2], "layers": SIGMOID_LAYERS[:depth]}
    out = predict(spec, [x], backend_name)
    np.testing.assert_array_equal(np.round(out, 2), [trace[depth - 1]])


@pytest.mark.parametrize(("layer", "expected"), [
    ("Softmax", [0.88, 0.12, 0.00]),
    ("Sigmoid", [0.95, 0.73, 0.05]),
])
def test_softmax_and_sigmoid_of_the_logits_3_1_minus_3(layer, expected, backend_name):
    out = predict({"input_shape": [3], "layers": [{"type": layer}]}, [[3, 1, -3]], backend_name)
    np.testing.assert_array_equal(np.round(out, 2), [expected])


def test_max_pool_2x2_stride_2(backend_name):
    image = [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]
    spec = {"input_shape": [1, 4, 4],
            "layers": [{"type": "MaxPool2D", "pool_size": 2, "stride": 2}]}
    out = predict(spec, [[image]], backend_name)
    np.testing.assert_array_equal(out, [[[[6, 8], [3, 4]]]])


def test_edge_filter_is_zero_on_flat_regions_and_not_on_edges(backend_name):
    image = np.zeros((6, 6))
    image[:, 3:] = 1.0                       # a vertical edge between columns 2 and 3
    spec = {"input_shape": [1, 6, 6],
            "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 3, "use_bias": False,
                        "weights": [[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]]}]}
    out = predict(spec, [[image]], backend_name)[0, 0]
    # Output column j looks at input columns j..j+2: flat for j = 0 and 3, the edge for 1, 2.
    np.testing.assert_array_equal(out[:, [0, 3]], 0.0)
    np.testing.assert_array_equal(out[:, 1], 1.0)
    np.testing.assert_array_equal(out[:, 2], -1.0)


def test_the_readme_example_carries_the_slide_matrix() -> None:
    """The README's network file is the slide's first layer typed verbatim: (1, -1) → 0.98/0.12."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", readme, re.S)
    assert block, "the README's file-format section shows a network file"
    design = json.loads(block.group(1))
    first = design["layers"][0]
    assert first["weights"] == [[1, -2], [-1, 1]]
    assert first["bias"] == [1, 0]
    spec = NetworkSpec.from_dict({**design, "layers": [first]})
    out = compile_network(spec).predict(np.array([[1.0, -1.0]]))
    np.testing.assert_allclose(out.round(2), [[0.98, 0.12]])
