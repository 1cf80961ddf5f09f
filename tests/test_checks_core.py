import numpy as np
import pytest

from helpers.checks import (
    Feedback,
    check_array,
    check_choice,
    check_function,
    check_integer,
    check_number,
    unanswered,
)


def kinds(*feedbacks: Feedback) -> list[str]:
    return [f.kind for f in feedbacks]


def test_feedback_shows_its_message_and_is_truthy_when_right():
    fb = check_integer(3, 3, what="the count")
    assert repr(fb) == "✅ Correct: the count is 3." and fb and fb.ok


@pytest.mark.parametrize("blank", [..., None])
def test_unanswered(blank):
    fb = unanswered(blank, "a number")
    assert fb.kind == "unanswered" and "replace the ... with a number" in fb.message
    assert unanswered(0) is None
    for check in (lambda a: check_number(a, 1.0, what="x"), lambda a: check_integer(a, 1, what="x"),
                  lambda a: check_array(a, np.zeros(2), what="x"),
                  lambda a: check_choice(a, "a", options=["a", "b"], what="x"),
                  lambda a: check_function(a, [((1,), 1)], what="f")):
        assert check(blank).kind == "unanswered"


def test_check_number():
    assert kinds(check_number(0.5001, 0.5, what="y"), check_number(np.float32(0.5), 0.5, what="y"),
                 check_number(np.array([0.5]), 0.5, what="y")) == ["right"] * 3
    fb = check_number(0.7, 0.5, what="y", hint="use the sigmoid")
    assert fb.kind == "wrong" and "too large" in fb.message
    assert "Hint: use the sigmoid" in fb.message
    assert check_number(float("nan"), 0.5, what="y").kind == "wrong"
    assert check_number("0.5", 0.5, what="y").kind == "malformed"
    assert check_number([0.5, 1], 0.5, what="y").kind == "malformed"
    assert check_number(True, 1.0, what="y").kind == "malformed"


def test_check_integer():
    assert check_integer(np.int64(7), 7, what="n").kind == "right"
    assert check_integer(7.0, 7, what="n").kind == "right"
    assert "too small" in check_integer(6, 7, what="n").message
    assert check_integer(6.5, 7, what="n").kind == "malformed"
    assert check_integer("7", 7, what="n").kind == "malformed"


def test_check_array():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert check_array([[1, 2], [3, 4]], expected, what="W").kind == "right"
    fb = check_array(np.array([[1, 2], [3, 5]]), expected, what="W")
    assert fb.kind == "wrong" and "1 of 4 values of W differ" in fb.message
    assert "shape (2, 2)" in check_array(np.ones(4), expected, what="W").message
    assert check_array(np.ones(4), expected, what="W").kind == "malformed"
    assert check_array(3, expected, what="W").kind == "malformed"
    assert check_array([["a", "b"], ["c", "d"]], expected, what="W").kind == "malformed"
    assert check_array([4, 3, 2, 1], np.array([1, 2, 3, 4]), what="ids",
                       order_matters=False).kind == "right"


def test_check_choice():
    opts = ["validation", "test"]
    assert check_choice(" Validation ", "validation", options=opts, what="set").kind == "right"
    assert check_choice("test", "validation", options=opts, what="set").kind == "wrong"
    assert check_choice("train", "validation", options=opts, what="set").kind == "malformed"
    assert check_choice(1, "validation", options=opts, what="set").kind == "malformed"


def test_check_function():
    cases = [((np.array([-1.0, 2.0]),), np.array([0.0, 2.0]))]
    assert check_function(lambda x: np.maximum(x, 0), cases, what="relu").kind == "right"
    wrong = check_function(lambda x: x, cases, what="relu", hint="negative inputs become 0")
    assert wrong.kind == "wrong" and "expected [0., 2.]" in wrong.message
    assert check_function(lambda x: 1 / 0, cases, what="relu").kind == "malformed"
    assert "forget `return`" in check_function(lambda x: None, cases, what="relu").message
    assert check_function(lambda x: x[:1], cases, what="relu").kind == "malformed"
    assert check_function(lambda x: "text", cases, what="relu").kind == "malformed"
    assert check_function(42, cases, what="relu").kind == "malformed"


def test_is_stub_knows_the_template_placeholder_only():
    from helpers.checks._core import is_stub, unanswered_function

    def dots(x):
        """Docstring of the template."""
        ...

    def passes(x):
        pass

    def not_implemented(x):
        raise NotImplementedError

    def zero(x):
        return 0

    def zero_float(x):
        return 0.0

    def none(x):
        x.sort()

    def real(x):
        return x + 1

    for stub in (dots, passes, not_implemented, lambda x: None):
        assert is_stub(stub), stub
        assert unanswered_function(stub, "your code").kind == "unanswered"
    for answer in (zero, zero_float, none, real, ..., None, 0, "text", np.sum):
        assert not is_stub(answer), answer
    for answer in (zero, zero_float, none, real, 0):
        assert unanswered_function(answer, "your code") is None
    assert unanswered_function(..., "your code").kind == "unanswered"


def test_check_choice_names_its_options_when_not_told_what_the_answer_is():
    feedback = check_choice(None, "b", options=["a", "b", "c", "d"])
    assert "your choice (a, b, c or d)" in feedback.message


def test_uses_finds_a_function_by_name_module_attribute_or_closure():
    import helpers.activations as act_module
    from helpers.checks._core import uses

    target = act_module.softmax
    assert uses(target, [target]) is target
    assert uses(lambda z: act_module.softmax(z), [target]) is target  # a closure's module

    def outer():
        from helpers import activations as act

        return lambda z: act.softmax(z)

    assert uses(outer(), [target]) is target

    def own_softmax(z):
        return np.exp(z) / np.exp(z).sum()

    assert uses(lambda z: own_softmax(z), [target]) is None
    assert uses(np.exp, [target]) is None
    assert uses("softmax", [target]) is None
