"""Releases: one version everywhere, a clear message on skew, the release tools pinned.

`make release-check` (in .ci/run and the release workflow) builds and installs the wheel and
runs lesson 01 on it; these tests cover what decides whether a release may go out.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import helpers
from helpers import setup
from tools import generate, release

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_agrees_everywhere():
    assert release.version_problems() == [], "run `make generate`, or fix the version"


def test_a_stale_version_is_named_everywhere_it_is(monkeypatch):
    monkeypatch.setattr(release, "version", lambda: "9.9.9")
    problems = release.version_problems()
    assert any(p.startswith("helpers/__init__.py") and "9.9.9" in p for p in problems)
    assert any(p.startswith("CHANGELOG.md") for p in problems)
    # every setup cell installs and names pyproject's version, which here still matches them
    assert not any(p.endswith("run `make generate`") for p in problems)
    monkeypatch.setattr(generate, "version", lambda: "9.9.9")
    stale = [p for p in release.version_problems() if p.endswith("run `make generate`")]
    assert len(stale) == len(generate.lessons()), stale


def test_a_tag_that_is_not_the_version_is_refused():
    problems = release.version_problems(tag="v9.9.9")
    assert any("'v9.9.9'" in p and f"v{release.version()}" in p for p in problems)
    assert release.version_problems(tag=f"v{release.version()}") == []


def test_setup_cells_install_the_tag_of_this_release():
    assert generate.helpers_requirement().endswith(f"@v{release.version()}")
    assert generate.setup_call() == f'helpers.setup_notebook(release="{release.version()}")'
    assert generate.SETUP_CALL.fullmatch(generate.setup_call())
    assert generate.SETUP_CALL.fullmatch("helpers.setup_notebook()"), "older cells regenerate"


def test_the_package_says_its_version():
    assert helpers.__version__ == release.version()
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["urls"]["Repository"] == setup.repository()


def test_the_same_release_says_nothing_more():
    assert setup.release_skew(helpers.__version__) is None


def test_another_release_is_named_with_the_fix():
    message = setup.release_skew("0.0.1")
    assert message is not None
    assert "0.0.1" in message and helpers.__version__ in message
    assert f'%pip install "mnist-nn-helpers @ git+{setup.repository()}@v0.0.1"' in message
    assert "git checkout v0.0.1" in message
    assert "restart" in message.lower()
    assert f"{setup.repository()}/tree/v{helpers.__version__}/notebooks" in message


@pytest.mark.parametrize("bad", ["latest", "v0.1.0", "0.1", 1.0, ""])
def test_a_malformed_release_is_refused_with_the_form(bad):
    with pytest.raises((ValueError, TypeError), match=r"X\.Y\.Z"):
        setup.release_skew(bad)


def test_setup_prints_the_skew_on_stderr_and_the_version_in_its_line():
    code = ("import helpers; helpers.setup_notebook(release='0.0.1')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"Ready: helpers {re.escape(helpers.__version__)}, seed \d+", proc.stdout)
    assert "0.0.1" in proc.stderr and "restart" in proc.stderr.lower()


def test_release_tools_are_pinned_exactly():
    lines = [ln.strip() for ln in (ROOT / "requirements-release.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert {ln.split("==")[0] for ln in lines} == {"build", "twine"}
    assert all(re.fullmatch(r"[a-z0-9-]+==\d+(\.\d+)+", ln) for ln in lines), lines


def test_the_wheel_check_names_a_missing_module(tmp_path):
    import zipfile

    wheel = tmp_path / "mnist_nn_helpers-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("helpers/__init__.py", "")
    missing = release.missing_from_wheel(wheel)
    assert "helpers/setup.py" in missing
    assert any(m.startswith("helpers/strokes/") for m in missing), "package data counts too"
