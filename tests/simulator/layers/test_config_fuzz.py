"""Any JSON value in any config key of any layer either works or raises SpecError."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import SpecError
from simulator.layers import get_layer, layer_names

# Integers stay <= 1e5 so that no drawn size makes a layer allocate gigabytes.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**5) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)
KEYS = ["units", "filters", "kernel_size", "stride", "padding", "activation", "use_bias",
        "kernel_initializer", "bias_initializer", "weights", "bias", "regularizer", "rate",
        "momentum", "epsilon", "gamma", "beta", "pool_size", "axis", "alpha", "other"]
BASE = {"Dense": {"units": 2}, "Conv2D": {"filters": 2, "kernel_size": 2}}


def shape_for(layer):
    if layer.n_inputs is None:
        return [(2, 4, 4), (2, 4, 4)]
    return (2,) if layer.type_name == "Dense" else (2, 4, 4)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(layer_names())), st.sampled_from(KEYS), JSON)
def test_any_config_value_is_accepted_or_a_spec_error(type_name, key, value):
    config = {**BASE.get(type_name, {}), key: value}
    try:
        layer = get_layer({**config, "type": type_name})
        shape = shape_for(layer)
        layer.compute_output_shape(shape)
        layer.initial_params(shape, np.random.default_rng(0))
    except SpecError:
        return
    assert isinstance(layer.get_config(), dict)
