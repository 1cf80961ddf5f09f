"""A pytest plugin for `make test-colab`: an nbval cell that wrote to stderr fails.

`--nbval-lax` checks only errors. Colab's versions must also run every lesson without
warnings, so any stderr stream of a cell fails that cell here; a cell must draw as many
figures (PNG outputs) as the committed lesson shows; and each cell's "checks" metadata (what
it must satisfy) runs in its kernel after it, as under `make test`.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Turn a passed nbval cell with stderr output into a failure that shows the text."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.passed:
        return
    stderr = [out.get("text", "") for out in getattr(item, "test_outputs", None) or []
              if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    if stderr:
        report.outcome = "failed"
        report.longrepr = "the cell wrote to stderr:\n" + "".join(stderr)[:3000]
        return
    cell = getattr(item, "cell", None)
    if cell is None or getattr(item, "test_outputs", None) is None:
        return
    if "setup" in cell.get("metadata", {}).get("tags", []):
        ready = "".join(out.get("text", "") for out in item.test_outputs
                        if out.get("output_type") == "stream")
        want = _versions_line()
        if not all(part in ready for part in want):
            report.outcome = "failed"
            report.longrepr = (f"the setup line {ready.strip()!r} does not name this "
                               f"environment's versions {want}: the kernel is not Colab's")
            return
    drawn, stored = _pngs(item.test_outputs), _pngs(cell.get("outputs"))
    if drawn != stored:
        report.outcome = "failed"
        report.longrepr = (f"the cell drew {drawn} figure(s), the committed lesson shows "
                           f"{stored}: a figure is missing or extra on these versions")


def _versions_line() -> list[str]:
    """Return the parts of the setup line that name this environment's TensorFlow and Keras."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tensorflow = version("tensorflow-cpu")
    except PackageNotFoundError:
        tensorflow = version("tensorflow")
    return [f"TensorFlow {tensorflow}", f"Keras {version('keras')}"]


def _pngs(outputs) -> int:
    """Count the outputs that carry a PNG image."""
    return sum(1 for out in outputs or [] if "image/png" in (out.get("data") or {}))


def _checks_module():
    """Return tools/nbval_tolerance.py loaded by path (this run cannot import the checkout)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "nbval_tolerance.py"
    import sys

    if "lesson_checks" in sys.modules:
        return sys.modules["lesson_checks"]
    spec = importlib.util.spec_from_file_location("lesson_checks", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lesson_checks"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Run each cell's "checks" metadata in its kernel after it, as `make test` does."""
    checks = _checks_module()
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or not hasattr(item, "compare_outputs"):
            continue
        found = checks.checks_of(cell.get("metadata", {}), item.nodeid)
        if found:
            item.runtest = checks._checked_runtest(item, found)
