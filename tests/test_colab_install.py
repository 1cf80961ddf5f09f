"""The Colab branch of every lesson's setup cell, tested without Colab.

In Colab the setup cell runs ``pip install "mnist-nn-helpers @ git+<Repository URL>"`` and then
imports ``helpers``. Here the same cell runs in a throwaway virtual environment, with a fake
``google.colab`` module and the repository URL swapped for a local ``git+file://`` clone, so
the install goes through git, pip and setuptools exactly as in Colab, but offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import generate  # noqa: E402

with open(ROOT / "pyproject.toml", "rb") as _f:
    PYPROJECT = tomllib.load(_f)
PROJECT_NAME = PYPROJECT["project"]["name"]
REPO_URL = PYPROJECT["project"]["urls"]["Repository"]
PIP_CALL = [sys.executable, "-m", "pip", "install", "--quiet", f"{PROJECT_NAME} @ git+{REPO_URL}"]
EXISTING = [ROOT / "notebooks" / x["file"] for x in generate.lessons()
            if (ROOT / "notebooks" / x["file"]).exists()]


def setup_cell_prefix(path: Path) -> str:
    """Return a lesson's setup cell up to and including ``helpers.setup_notebook()``."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))
    assert generate.SETUP_END in cell.source, f"{path.name}: setup cell has no setup call"
    return cell.source.split(generate.SETUP_END, 1)[0] + generate.SETUP_END


SOURCES = [pytest.param(generate.setup_prefix(), id="generated")] + [
    pytest.param(p, id=p.stem) for p in EXISTING]


def run_setup_cell(source: str | Path, monkeypatch, *, colab: bool) -> tuple[list, list]:
    """Execute a setup cell in this process; return the subprocess.run and setup calls."""
    import helpers

    if isinstance(source, Path):
        source = setup_cell_prefix(source)
    runs, setups = [], []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: runs.append((a, k)))
    monkeypatch.setattr(helpers, "setup_notebook", lambda *a, **k: setups.append((a, k)))
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
    return runs, setups


# The setup cell, executed here with subprocess.run replaced ---------------------------------

def test_repository_url_is_a_plain_github_url():
    assert REPO_URL.startswith("https://github.com/")
    owner_repo = REPO_URL.removeprefix("https://github.com/")
    assert owner_repo.count("/") == 1 and all(owner_repo.split("/")), REPO_URL
    assert not REPO_URL.endswith((".git", "/")), "write the URL as GitHub shows it"


def test_pip_requirement_names_this_package_and_url():
    req = Requirement(PIP_CALL[-1])
    assert req.name == PROJECT_NAME
    assert req.url == f"git+{REPO_URL}"


@pytest.mark.parametrize("source", SOURCES)
def test_in_colab_the_cell_pips_the_repository_then_sets_up(source, monkeypatch):
    runs, setups = run_setup_cell(source, monkeypatch, colab=True)
    assert runs == [((PIP_CALL,), {"check": True})]
    assert setups == [((), {})]


@pytest.mark.parametrize("source", SOURCES)
def test_outside_colab_the_cell_does_not_pip(source, monkeypatch):
    runs, setups = run_setup_cell(source, monkeypatch, colab=False)
    assert runs == []
    assert setups == [((), {})]


def test_every_lesson_starts_with_the_generated_setup_lines():
    for path in EXISTING:
        assert setup_cell_prefix(path) == generate.setup_prefix(), \
            f"{path.name}: run `make generate`"


# Package contents ---------------------------------------------------------------------------

def subpackages(top: Path) -> set[str]:
    """Return the dotted names of ``top`` and every package below it (dirs with __init__.py)."""
    return {".".join(p.parent.relative_to(top.parent).parts) for p in top.rglob("__init__.py")
            if "__pycache__" not in p.parts}


def test_pyproject_lists_every_helpers_subpackage():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = subpackages(ROOT / "helpers")
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
    assert listed <= found, f"[tool.setuptools] packages lists missing {sorted(listed - found)}"


def test_every_folder_with_python_code_is_a_package():
    for py in (ROOT / "helpers").rglob("*.py"):
        if "__pycache__" in py.parts:
            continue
        assert (py.parent / "__init__.py").exists(), \
            f"{py.relative_to(ROOT)}: its folder has no __init__.py, so pip would not install it"


# The real install in a throwaway environment ------------------------------------------------

CHILD = r"""
import importlib, json, pathlib, pkgutil, sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab has loaded
source = pathlib.Path(sys.argv[1]).read_text()
exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
import helpers, helpers.checks, helpers.data
from importlib.metadata import distribution
modules, failed = [], {}
for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
    try:
        importlib.import_module(info.name)
        modules.append(info.name)
    except Exception as exc:
        failed[info.name] = f"{type(exc).__name__}: {exc}"
(x_train, y_train), (x_test, y_test) = helpers.data.load_mnist()
dist = distribution("PROJECT")
print("RESULT " + json.dumps({
    "helpers": helpers.__file__,
    "prefix": sys.prefix,
    "modules": sorted(modules),
    "failed": failed,
    "load_mnist": [list(x_train.shape), list(x_test.shape)],
    "direct_url": json.loads(dist.read_text("direct_url.json") or "{}"),
    "files": sorted(str(f) for f in dist.files if str(f).startswith("helpers/")),
}))
"""

# Entries of the project's site-packages not shown to the throwaway environment: the
# editable install of this very checkout (its finder would import helpers from the repo).
HIDDEN = ("__editable__", "mnist_nn_helpers", "helpers", "__pycache__")


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{cmd}\nstdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """Run the setup cell's Colab branch in a fresh venv; return its clone, venv and result."""
    tmp = tmp_path_factory.mktemp("colab")
    clone = tmp / "repo"
    # A full local clone: what Colab gets from GitHub (the committed tree, not the worktree).
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], tmp)

    # The venv sees the project's installed libraries (TensorFlow, NumPy, ...) through a
    # .pth file pointing at a folder of links, as Colab has them preinstalled; not helpers.
    view = tmp / "site-view"
    view.mkdir()
    site = Path(run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()"
                     "['purelib'])"], tmp).stdout.strip())
    for entry in site.iterdir():
        if not entry.name.startswith(HIDDEN) and entry.suffix != ".pth":
            (view / entry.name).symlink_to(entry)
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp)
    py = venv / "bin" / "python"
    venv_site = Path(run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                          "['purelib'])"], tmp).stdout.strip())
    (venv_site / "_project_libraries.pth").write_text(f"{view}\n")

    # The setup cell exactly as generated, with only the repository URL made local.
    # (git+file:///path is rejected by pip's requirement parser; file://localhost/path is not.)
    cell = generate.setup_prefix()
    assert cell.count(f"git+{REPO_URL}\"") == 1
    cell = cell.replace(f"git+{REPO_URL}\"", f"git+file://localhost{clone}\"")
    (tmp / "setup_cell.py").write_text(cell)
    (tmp / "child.py").write_text(CHILD.replace("PROJECT", PROJECT_NAME))

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV", "COV"))}
    env.update(
        PYTHONNOUSERSITE="1",
        PIP_NO_INDEX="1",  # offline: every dependency must already be there, as in Colab
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # Build isolation would fetch setuptools from PyPI; use the installed one instead.
        # (pip reads PIP_NO_BUILD_ISOLATION=0 as "--no-build-isolation".)
        PIP_NO_BUILD_ISOLATION="0",
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    proc = run([str(py), str(tmp / "child.py"), str(tmp / "setup_cell.py")], tmp, env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(lines) == 1, proc.stdout
    return {"clone": clone, "venv": venv, "stdout": proc.stdout, "stderr": proc.stderr,
            "result": json.loads(lines[0].removeprefix("RESULT "))}


def test_colab_branch_installs_helpers_into_the_environment(colab):
    result = colab["result"]
    helpers_file = Path(result["helpers"])
    assert Path(result["prefix"]) == colab["venv"]
    assert helpers_file.is_relative_to(colab["venv"]), helpers_file
    assert not helpers_file.is_relative_to(ROOT)
    assert helpers_file.parent.parent.name == "site-packages"


def test_colab_branch_installs_from_git(colab):
    direct = colab["result"]["direct_url"]
    assert direct["url"] == f"file://localhost{colab['clone']}"
    assert direct["vcs_info"]["vcs"] == "git"
    head = run(["git", "rev-parse", "HEAD"], colab["clone"]).stdout.strip()
    assert direct["vcs_info"]["commit_id"] == head


def test_colab_branch_then_sets_up_and_loads_data(colab):
    assert "Ready: seed 42, TensorFlow" in colab["stdout"]
    assert colab["result"]["load_mnist"] == [[60000, 28, 28], [10000, 28, 28]]


def test_installed_package_has_every_module_and_they_import(colab):
    result = colab["result"]
    assert result["failed"] == {}
    expected = {str(p.relative_to(colab["clone"])) for p in (colab["clone"] / "helpers").rglob(
        "*.py")}
    installed = {f for f in result["files"] if f.endswith(".py")}
    assert installed == expected, f"not installed: {sorted(expected - installed)}"
    names = {f.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
             for f in expected} - {"helpers"}
    assert set(result["modules"]) == names
    assert {"helpers.data", "helpers.checks", "helpers.setup"} <= names
