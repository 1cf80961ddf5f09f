"""A pytest plugin that records what kinds of Feedback each lesson's check functions returned.

Loaded by tests/test_exercises.py into a separate pytest run of tests/test_checks_lessonNN.py:
``-p check_recorder`` with ``tests/`` on PYTHONPATH and ``CHECK_RECORD=<json file>``. It wraps
every public function of every ``helpers.checks.lessonNN`` module before the tests import
them, and writes ``{"lesson01.count_digit": ["malformed", "right", ...], ...}`` at the end.
Only the outermost check call counts, so one check calling another gives no credit.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import pkgutil
import re
from collections import defaultdict
from types import ModuleType

import helpers.checks
from helpers.checks._core import Feedback

LESSON_MODULE = re.compile(r"lesson\d\d$")
RECORD: dict[str, set[str]] = defaultdict(set)
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


def pytest_configure(config) -> None:
    for name, module in lesson_modules().items():
        for fname, fn in public_checks(module).items():
            if not getattr(fn, "__recorded__", False):
                setattr(module, fname, _wrap(f"{name}.{fname}", fn))
                RECORD.setdefault(f"{name}.{fname}", set())


def pytest_sessionfinish(session, exitstatus) -> None:
    path = os.environ.get("CHECK_RECORD")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({k: sorted(v) for k, v in sorted(RECORD.items())}, f, indent=1)
