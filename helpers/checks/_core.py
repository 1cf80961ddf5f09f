"""Building blocks for exercise checks; lesson modules combine them."""

from __future__ import annotations

import dis
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers import validate
from helpers.validate import a_type_name

RIGHT, WRONG, MALFORMED, TODO = "✅", "❌", "⚠️", "✏️"


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``ok`` for tests, a one-line ``message`` for the learner."""

    ok: bool
    message: str
    kind: str = "right"  # right | wrong | malformed | unanswered

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.ok

    def require(self) -> Feedback:
        """Return this feedback if the answer is right; raise :class:`WrongAnswer` if not."""
        if not self.ok:
            raise WrongAnswer(self.message)
        return self


class WrongAnswer(AssertionError):
    """Raised by :meth:`Feedback.require` for an answer that is not right (graders count it)."""


def right(message: str = "Correct!") -> Feedback:
    """Return positive feedback."""
    return Feedback(True, f"{RIGHT} {message}", "right")


def wrong(message: str, hint: str | None = None) -> Feedback:
    """Return feedback for a wrong answer, with an optional hint."""
    text = f"{WRONG} Not quite: {message}"
    if hint:
        text += f" Hint: {hint}"
    return Feedback(False, text, "wrong")


def malformed(message: str) -> Feedback:
    """Return feedback for an answer of the wrong type or shape."""
    return Feedback(False, f"{MALFORMED} {message}", "malformed")


def unanswered(answer: Any, what: str = "your answer") -> Feedback | None:
    """Return 'not answered yet' feedback if ``answer`` is ``...`` or ``None``, else None."""
    if answer is ... or answer is None:
        return Feedback(False, f"{TODO} Not answered yet: replace the ... with {what}, "
                               "then run this cell again.", "unanswered")
    return None


def _placeholder() -> None: ...


def _not_implemented() -> None:
    raise NotImplementedError


def _not_implemented_call() -> None:
    raise NotImplementedError()


def _body(fn: Any) -> list[tuple[str, Any]]:
    """Return a function's bytecode as (operation, argument) pairs, without no-ops."""
    return [(i.opname, i.argval) for i in dis.get_instructions(fn)
            if i.opname not in ("RESUME", "NOP", "CACHE")]


_PLACEHOLDERS = [_body(f) for f in (_placeholder, _not_implemented, _not_implemented_call)]


def is_stub(fn: Any) -> bool:
    """Return True for a function that still holds the template's placeholder body.

    The placeholder is ``...``, ``pass``, a docstring alone (Python compiles each to "return
    None"), or ``raise NotImplementedError``. A real answer, even ``return 0``, is not a stub.
    """
    if not callable(fn) or getattr(fn, "__code__", None) is None:
        return False
    return _body(fn) in _PLACEHOLDERS


def unanswered_function(fn: Any, what: str) -> Feedback | None:
    """Return 'not answered yet' for ``...``, None or a function whose body is the placeholder."""
    if (todo := unanswered(fn, what)) is not None:
        return todo
    return unanswered(..., what) if is_stub(fn) else None


def not_a_function(fn: Any, what: str) -> Feedback | None:
    """Return 'malformed' feedback if ``fn`` is not a function, else None."""
    if callable(fn):
        return None
    return malformed(f"{what} should be a function (def ...), but you gave {a_type_name(fn)}.")


def uses(fn: Any, targets: Sequence[Any]) -> Any | None:
    """Return the first of ``targets`` that ``fn`` is or names (``f``, ``mod.f``), else None.

    Reads the names in ``fn``'s code and in the functions nested in it, and looks them up in
    its globals, its closure and the modules (and submodules) found there; nothing is called.
    """
    code, names = getattr(fn, "__code__", None), set()
    stack = [code] if isinstance(code, types.CodeType) else []
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    found = [fn, *(getattr(fn, "__globals__", {}).get(n) for n in names)]
    for cell in getattr(fn, "__closure__", None) or ():  # names from an enclosing function
        try:
            found.append(cell.cell_contents)
        except ValueError:  # a cell not filled yet
            pass
    for _ in range(2):  # attributes of modules and submodules: act.softmax, tf.nn.softmax
        found += [getattr(m, n, None) for m in found if isinstance(m, types.ModuleType)
                  for n in names]
    return next((t for t in targets if any(f is t for f in found)), None)


def check_number(answer: Any, expected: float, *, what: str, rtol: float = 1e-3,
                 atol: float = 1e-6, hint: str | None = None) -> Feedback:
    """Compare a single number with ``expected`` within a tolerance."""
    if (todo := unanswered(answer, what)) is not None:
        return todo
    answer = validate.item(answer)
    if not validate.is_number(answer):
        return malformed(f"{what} should be a single number, but you gave "
                         f"{a_type_name(answer)}: {answer!r:.60}.")
    if not np.isfinite(answer):
        return wrong(f"{what} is {answer}, which is not a finite number.", hint)
    if np.isclose(float(answer), expected, rtol=rtol, atol=atol):
        return right(f"Correct: {what} is {expected:.6g}.")
    direction = "too large" if answer > expected else "too small"
    return wrong(f"{what} = {float(answer):.6g} is {direction}.", hint)


def check_integer(answer: Any, expected: int, *, what: str, hint: str | None = None) -> Feedback:
    """Compare a whole number with ``expected`` exactly."""
    if (todo := unanswered(answer, what)) is not None:
        return todo
    answer = validate.item(answer)
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return malformed(f"{what} should be a whole number (int), but you gave "
                         f"{a_type_name(answer)}: {answer!r:.60}.")
    if int(answer) == expected:
        return right(f"Correct: {what} is {expected}.")
    direction = "too large" if answer > expected else "too small"
    return wrong(f"{what} = {int(answer)} is {direction}.", hint)


def check_array(answer: Any, expected: np.ndarray, *, what: str, rtol: float = 1e-5,
                atol: float = 1e-6, hint: str | None = None, order_matters: bool = True,
                ) -> Feedback:
    """Compare an array with ``expected``: shape first, then values within a tolerance."""
    if (todo := unanswered(answer, what)) is not None:
        return todo
    expected = np.asarray(expected)
    if not isinstance(answer, np.ndarray | list | tuple) and not hasattr(answer, "numpy"):
        return malformed(f"{what} should be an array of shape {expected.shape}, but you gave "
                         f"{a_type_name(answer)}.")
    try:
        got = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer, dtype=float)
    except (TypeError, ValueError):
        return malformed(f"{what} should be an array of numbers of shape {expected.shape}; "
                         "yours could not be read as numbers.")
    if got.shape != expected.shape:
        return malformed(f"{what} should have shape {expected.shape}, but yours has shape "
                         f"{got.shape}.")
    if not order_matters:
        got, expected = np.sort(got, axis=None), np.sort(expected, axis=None)
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return right(f"Correct: {what} matches.")
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    return wrong(f"{int(bad.sum())} of {bad.size} values of {what} differ "
                 f"(largest difference {np.nanmax(np.abs(got - expected)):.3g}).", hint)


def not_an_option(answer: Any, options: Sequence[str], what: str | None = None
                  ) -> Feedback | None:
    """Return feedback if ``answer`` is unanswered or not one of ``options``, else None."""
    if what is None:  # "your choice (a, b, c or d)"
        what = f"your choice ({', '.join(options[:-1])} or {options[-1]})"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    if not isinstance(answer, str):
        return malformed(f"{what} should be one of the strings {list(options)}, "
                         f"but you gave {a_type_name(answer)}.")
    if answer.strip().lower() not in [o.lower() for o in options]:
        return malformed(f"'{answer}' is not one of the options {list(options)}.")
    return None


def check_choice(answer: Any, expected: str, *, options: Sequence[str], what: str | None = None,
                 hint: str | None = None) -> Feedback:
    """Compare a choice among ``options`` (case-insensitive) with ``expected``."""
    if (problem := not_an_option(answer, options, what)) is not None:
        return problem
    if answer.strip().lower() == expected.lower():
        return right(f"Correct: {expected}.")
    return wrong(f"'{answer}' is not the best choice.", hint)


def check_function(fn: Any, cases: Iterable[tuple[tuple[Any, ...], Any]], *, what: str,
                   rtol: float = 1e-5, atol: float = 1e-7, hint: str | None = None) -> Feedback:
    """Call a learner's function on each case's arguments and compare with the expected value."""
    if (todo := unanswered(fn, what)) is not None:
        return todo
    if (problem := not_a_function(fn, what)) is not None:
        return problem
    for args, expected in cases:
        shown = ", ".join(_short(a) for a in args)
        try:
            got = fn(*args)
        except Exception as exc:  # the learner's code failed: report, don't raise
            return malformed(f"{what} raised {type(exc).__name__}: {exc} when called with "
                             f"({shown}).")
        if got is None:
            return malformed(f"{what} returned None for ({shown}); did you forget `return`?")
        expected = np.asarray(expected)
        try:
            got_arr = np.asarray(got.numpy() if hasattr(got, "numpy") else got, dtype=float)
        except (TypeError, ValueError):
            return malformed(f"{what} returned {a_type_name(got)} that is not numeric.")
        if got_arr.shape != expected.shape:
            return malformed(f"{what}({shown}) returned shape {got_arr.shape}, expected "
                             f"{expected.shape}.")
        if not np.allclose(got_arr, expected, rtol=rtol, atol=atol, equal_nan=True):
            return wrong(f"{what}({shown}) gave {_short(got_arr)}, expected "
                         f"{_short(expected)}.", hint)
    return right(f"Correct: {what} gives the expected values.")


def _short(x: Any) -> str:
    """A short printable form of an argument or result."""
    if isinstance(x, np.ndarray):
        if x.size <= 6:
            return np.array2string(x, precision=4, separator=", ")
        return f"array of shape {x.shape}"
    return repr(x)[:40]


Check = Callable[..., Feedback]


def multiple_choice(module: str, name: str, expected: str, options: Sequence[str], hint: str,
                    doc: str) -> Callable[[Any], Feedback]:
    """Return the check of one multiple-choice question: ``module.name``, documented by ``doc``."""
    def check(answer: Any) -> Feedback:
        return check_choice(answer, expected, options=options, hint=hint)

    check.__module__, check.__name__, check.__qualname__ = module, name, name
    check.__doc__ = doc
    return choice_question(options)(check)


def choice_question(options: Sequence[str]) -> Callable[[Check], Check]:
    """Mark a check as a multiple-choice question among ``options``.

    Graders hide such a check (trying the letters would give the answer away) and show
    ``check.answered(answer)`` instead, which says only whether the answer is one of them.
    """
    def mark(check: Check) -> Check:
        check.multiple_choice = True  # type: ignore[attr-defined]
        check.answered = lambda answer: one_of(answer, options)  # type: ignore[attr-defined]
        return check

    return mark


def one_of(answer: Any, options: Sequence[str]) -> Feedback:
    """Say whether ``answer`` is one of ``options`` (case-insensitive), not whether it is right."""
    if (problem := not_an_option(answer, options)) is not None:
        return problem
    return right(f"'{answer.strip()}' is one of the options; it is graded after you submit.")
