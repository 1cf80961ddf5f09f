"""A pytest plugin for `make test-colab`: an nbval cell that wrote to stderr fails.

`--nbval-lax` checks only errors and failed asserts; Colab's versions must also run every
lesson without warnings, so any stderr stream of a cell fails that cell here.
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
