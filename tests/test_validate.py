"""helpers.validate: the shared input checks and the messages they give."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import validate


def test_predicates():
    assert validate.is_int(3) and validate.is_int(np.int64(3))
    assert not any(validate.is_int(x) for x in (True, 3.0, "3", None))
    assert validate.is_number(2.5) and validate.is_number(np.float32(1)) and validate.is_number(7)
    assert not any(validate.is_number(x) for x in (False, 1j, "1", None, [1]))
    assert validate.item(np.array([4])) == 4 and validate.item([4]) == [4]
    assert validate.real_number(np.array(2.5)) == 2.5 and validate.real_number("2") is None


def test_whole_number():
    assert validate.whole_number(np.int32(5), "n") == 5
    with pytest.raises(TypeError, match=r"n must be a whole number \(int\), got 2.5"):
        validate.whole_number(2.5, "n")
    with pytest.raises(ValueError, match="n must be at least 1, got 0; give more"):
        validate.whole_number(0, "n", fix="give more")
    assert validate.whole_number(0, "n", minimum=0) == 0


@pytest.mark.parametrize("bad", [-1, 1.5, "42", True, None])
def test_seed(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative int.*seed=42"):
        validate.seed(bad)
    assert validate.seed(np.int64(7)) == 7


def test_positive_number_and_rate():
    assert validate.positive_number(0.1, "lr", example="0.1") == 0.1
    assert validate.positive_number(np.inf, "max_loss", example="10", allow_inf=True) == np.inf
    for bad in (0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="lr must be a positive number such as 0.1"):
            validate.positive_number(bad, "lr", example="0.1")
    with pytest.raises(TypeError, match="lr must be a positive number"):
        validate.positive_number("fast", "lr", example="0.1")
    assert validate.rate(0, "dropout", example="0.2") == 0.0
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\) such as 0.2"):
            validate.rate(bad, "dropout", example="0.2")
    with pytest.raises(TypeError, match=r"dropout must be a number in \[0, 1\).*got str"):
        validate.rate("0.2", "dropout", example="0.2")


def test_real_array_keeps_floats_and_names_the_problem():
    assert validate.real_array(np.ones(2, np.float32), "x").dtype == np.float32
    assert validate.real_array([1, 2], "x").dtype == np.float64
    assert validate.real_array(np.ones(2, np.float32), "x", dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="x must be a number or an array of numbers, got str"):
        validate.real_array("1", "x")
    with pytest.raises(TypeError, match="x must hold real numbers, got booleans"):
        validate.real_array([True], "x")
    with pytest.raises(TypeError, match="rectangular"):
        validate.real_array([[1, 2], [3]], "x")
    with pytest.raises(ValueError, match=r"x contains 1 NaN value\(s\) \(the first at index "
                                         r"\(1,\)\); neurons need finite numbers"):
        validate.real_array([1.0, np.nan], "x", used_by="neurons")


def test_layer_sizes():
    assert validate.layer_sizes([784, np.int64(10)]) == (784, 10)
    with pytest.raises(TypeError, match="sizes must be a list of layer widths"):
        validate.layer_sizes("784,10")
    with pytest.raises(ValueError, match="sizes needs at least an input and an output width"):
        validate.layer_sizes([784])
    with pytest.raises(ValueError, match="every width in sizes must be a positive int, got 0"):
        validate.layer_sizes([784, 0, 10])


def test_feature_rows_and_class_labels():
    x = validate.feature_rows([[1, 2]], "x", 2, np.float32)
    assert x.dtype == np.float32 and x.shape == (1, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3\), got \(1, 2\)"):
        validate.feature_rows(x, "x", 3, np.float32)
    with pytest.raises(ValueError, match="x is empty"):
        validate.feature_rows(np.zeros((0, 2)), "x", 2, np.float32)
    with pytest.raises(ValueError, match="must be a NumPy array of shape"):
        validate.feature_rows("x", "x", 2, np.float32)
    assert validate.class_labels(np.array([0, 2]), 2, 3).tolist() == [0, 2]
    with pytest.raises(ValueError, match="x has 3 rows but y has 2 labels"):
        validate.class_labels(np.array([0, 2]), 3, 3)
    with pytest.raises(ValueError, match="y must hold class ids 0-2, got values from 0 to 3"):
        validate.class_labels(np.array([0, 3]), 2, 3)
    with pytest.raises(ValueError, match="one-hot"):
        validate.class_labels(np.eye(2, dtype=int), 2, 3)


def test_real_array_can_leave_nan_to_the_caller():
    arr = validate.real_array([1.0, np.nan], "x", finite=False)
    assert np.isnan(arr[1])
