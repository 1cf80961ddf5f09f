"""Run by `make test-colab` in .venv-colab (Colab's versions): the setup cell's install path.

The venv holds Colab's packages (tests/colab/constraints.txt) plus the test tools; its
state after creation is in ``<venv>/.colab-baseline.txt``. These tests put the venv back to
that state, ask pip (``--dry-run --report``) what installing helpers would change, then run
the setup cell exactly as generated, with only the repository URL made a local clone at the
lessons' ref. The widget tests and the lessons that `make test-colab` runs next use the
helpers installed here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools import generate

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "tests" / "colab" / "constraints.txt"
BASELINE = Path(sys.prefix) / ".colab-baseline.txt"

pytestmark = pytest.mark.skipif(not BASELINE.exists(),
                                reason="runs only in .venv-colab (make test-colab)")

with open(ROOT / "pyproject.toml", "rb") as _f:
    PROJECT = tomllib.load(_f)["project"]["name"]


canonical = canonicalize_name


def pins(text: str) -> dict[str, str]:
    """Return {canonical name: version} of ``name==version`` lines (comments skipped)."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            found[canonical(req.name)] = next(iter(req.specifier)).version
    return found


COLAB = pins(CONSTRAINTS.read_text())
# Colab's `tensorflow` is installed here as `tensorflow-cpu`, the same release without CUDA.
COLAB["tensorflow-cpu"] = COLAB["tensorflow"]


def pip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=600)
    assert not check or proc.returncode == 0, f"pip {args}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def installed() -> dict[str, str]:
    return {canonical(d["name"]): d["version"]
            for d in json.loads(pip("list", "--format", "json").stdout)}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """Return the venv put back to its baseline, a clone at the ref and the setup cell."""
    baseline = pins(BASELINE.read_text())
    extra = sorted(set(installed()) - set(baseline))
    if extra:  # helpers and what it brought, from an earlier run
        pip("uninstall", "--yes", *extra)
    assert installed() == baseline, \
        "the venv differs from its baseline: remove .venv-colab/ and run again"

    tmp = tmp_path_factory.mktemp("colab")
    clone = tmp / "repo"
    # What GitHub serves at the ref: the committed tree, with the ref naming this commit.
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, timeout=120)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "-B", generate.release_tag()],
                   check=True, timeout=60)
    url = generate.repo_url()
    cell = generate.setup_prefix()
    assert cell.count(f"git+{url}@{generate.release_tag()}\"") == 1
    # (git+file:///path is rejected by pip's requirement parser; file://localhost/path is not.)
    cell = cell.replace(f"git+{url}@", f"git+file://localhost{clone}@")
    requirement = f"{PROJECT} @ git+file://localhost{clone}@{generate.release_tag()}"
    assert f'"{requirement}"' in cell
    (tmp / "setup_cell.py").write_text(cell)
    return {"tmp": tmp, "clone": clone, "cell": tmp / "setup_cell.py",
            "requirement": requirement, "baseline": baseline}


def test_the_venv_has_colabs_versions(colab):
    assert sys.version_info[:2] == (3, 13), "Colab runs Python 3.13"
    now = installed()
    for name in ("tensorflow-cpu", "keras", "numpy", "matplotlib", "ipywidgets", "ipython",
                 "ipykernel", "jupyter-client", "traitlets", "pip"):
        assert now[name] == COLAB[name], f"{name} {now[name]} is not Colab's {COLAB[name]}"
    moved = {n: (v, COLAB[n]) for n, v in now.items() if n in COLAB and COLAB[n] != v}
    assert not moved, f"not Colab's versions (installed, Colab's): {moved}"
    assert "keras-tuner" not in now and PROJECT not in now, "Colab has neither"


def test_installing_helpers_moves_no_colab_package(colab):
    report_path = colab["tmp"] / "report.json"
    pip("install", "--dry-run", "--quiet", "--report", str(report_path), colab["requirement"])
    report = json.loads(report_path.read_text())
    planned = {canonical(x["metadata"]["name"]): x["metadata"]["version"]
               for x in report["install"]}
    now = installed()
    assert PROJECT in planned and "keras-tuner" in planned, planned
    moved = {name: (now.get(name, "absent here"), version) for name, version in planned.items()
             if name in COLAB and (name in now or version != COLAB[name])}
    assert not moved, f"installing helpers would change Colab's packages (Colab's, pip's): " \
                      f"{moved}"


def test_the_setup_cell_installs_helpers_from_the_clone(colab):
    before = installed()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONNOUSERSITE"] = "1"
    child = ("import pathlib, sys\n"
             "exec(compile(pathlib.Path(sys.argv[1]).read_text(), '<setup cell>', 'exec'), "
             "{'__name__': '__main__'})\n"
             "import helpers, helpers.widgets\n"
             "print('HELPERS', helpers.__file__)\n")
    runs = []
    for _ in range(2):  # the second run finds helpers and installs nothing
        proc = subprocess.run([sys.executable, "-c", child, str(colab["cell"])],
                              cwd=colab["tmp"], env=env, capture_output=True, text=True,
                              timeout=900)
        assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        runs.append(proc.stdout)
    assert "Installing mnist-nn-helpers @ git+file://localhost" in runs[0]
    assert "Installing" not in runs[1]
    for out in runs:
        assert f"Ready: helpers {generate.version()}, seed 42, TensorFlow" in out
        where = Path(out.split("HELPERS ", 1)[1].strip())
        assert where.is_relative_to(Path(sys.prefix)) and where.parent.parent.name == \
            "site-packages", where
    after = installed()
    changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
    assert not changed, f"the install changed packages: {changed}"
    assert set(after) - set(before) >= {PROJECT, "keras-tuner"}
    head = subprocess.run(["git", "-C", str(colab["clone"]), "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    info = next(Path(sys.prefix).glob("lib/python3*/site-packages/mnist_nn_helpers-*.dist-info"))
    direct = json.loads((info / "direct_url.json").read_text())
    assert direct["vcs_info"]["commit_id"] == head
