"""Record what kinds of Feedback each lesson's check functions returned in this process.

tests/conftest.py calls :func:`install` before any test module is imported: it wraps every
public function of every ``helpers.checks.lessonNN`` module, and each call adds the kind of
its Feedback to ``RECORD`` (``{"lesson01.count_digit": {"malformed", "right", ...}, ...}``).
Only the outermost check call counts, so one check calling another gives no credit.

The last test of each tests/test_checks_lessonNN.py calls :func:`assert_every_check_tested`:
pytest-xdist (``--dist loadscope``) runs a module's tests on one process, in order, so by then
this process has recorded every check call of the module's tests. The check tests run once.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from types import ModuleType

import helpers.checks
from helpers.checks._core import Feedback

LESSON_MODULE = re.compile(r"lesson\d\d$")
RECORD: dict[str, set[str]] = defaultdict(set)
DESELECTED: set[str] = set()  # files with tests deselected (-k, -m, --deselect, --lf)
_depth = 0


def lesson_modules() -> dict[str, ModuleType]:
    """Return {"lesson01": module, ...} for every lesson checks module."""
    return {info.name: importlib.import_module(f"helpers.checks.{info.name}")
            for info in pkgutil.iter_modules(helpers.checks.__path__)
            if LESSON_MODULE.match(info.name)}


def public_checks(module: ModuleType) -> dict[str, object]:
    """Return the public check functions of a lesson module (its __all__, else its own defs)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, obj in vars(module).items()
                 if inspect.isfunction(obj) and obj.__module__ == module.__name__
                 and not n.startswith("_")]
    return {n: getattr(module, n) for n in names if callable(getattr(module, n))}


def _wrap(key: str, fn):
    @functools.wraps(fn)
    def recorded(*args, **kwargs):
        global _depth
        _depth += 1
        try:
            result = fn(*args, **kwargs)
        except Exception:
            if _depth == 1:
                RECORD[key].add("raises")
            raise
        finally:
            _depth -= 1
        if _depth == 0:
            RECORD[key].add(result.kind if isinstance(result, Feedback) else "not-feedback")
        return result

    recorded.__recorded__ = True
    return recorded


KINDS = ("right", "wrong", "malformed", "unanswered")


def install() -> None:
    """Wrap every public check of every lesson module so that its calls are recorded."""
    for name, module in lesson_modules().items():
        for fname, fn in public_checks(module).items():
            if not getattr(fn, "__recorded__", False):
                setattr(module, fname, _wrap(f"{name}.{fname}", fn))
                RECORD.setdefault(f"{name}.{fname}", set())


def assert_every_check_tested(number: str, request) -> None:
    """Fail unless every check of lesson ``number`` returned each of KINDS in its module's tests.

    Call it from the last test of tests/test_checks_lesson{number}.py. When only some of that
    module's tests were selected (``-k``, one test by name), the record is partial: skip.
    """
    import pytest

    here = str(request.node.path)
    items = [i for i in request.session.items if str(i.path) == here]
    if items[-1] is not request.node:
        pytest.fail("assert_every_check_tested must be called by the module's last test")
    named = [a for a in request.config.args if "::" in a and a.split("::")[0].endswith(
        request.node.path.name)]
    if here in DESELECTED or named:
        pytest.skip("only some of this module's tests ran: the record is partial")
    problems = untested(number)
    assert not problems, "\n".join(problems)


def untested(number: str) -> list[str]:
    """Return what is missing from the record of lesson ``number``'s checks, one line each."""
    problems = []
    for name, fn in public_checks(lesson_modules()[f"lesson{number}"]).items():
        if not getattr(fn, "__recorded__", False):
            problems.append(f"lesson{number}.{name} is not recorded: tests/conftest.py calls "
                            f"check_recorder.install()")
            continue
        kinds = RECORD.get(f"lesson{number}.{name}", set())
        missing = [k for k in KINDS if k not in kinds]
        if missing:
            problems.append(f"check lesson{number}.{name} is never tested with a "
                            f"{' / '.join(missing)} answer in test_checks_lesson{number}.py")
        if "not-feedback" in kinds:
            problems.append(f"lesson{number}.{name} returned a non-Feedback")
    return problems
