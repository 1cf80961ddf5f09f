"""Every lesson's setup cell: where ``import helpers`` fails, it installs helpers; else nothing.

Where helpers is missing (Colab, Kaggle, Binder, VS Code, a lone notebook) the cell runs
``pip install "mnist-nn-helpers @ git+<Repository URL>@<ref>"`` and imports it; where it
imports, it installs nothing. Here the cell runs in this process with ``subprocess.run``
replaced, and for real in throwaway virtual environments, offline, with the repository URL
swapped for a local clone, so the install goes through git, pip and setuptools as it does in
Colab: installed, not installed, and a failing install.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from tools import generate

ROOT = Path(__file__).resolve().parents[1]

with open(ROOT / "pyproject.toml", "rb") as _f:
    PYPROJECT = tomllib.load(_f)
PROJECT_NAME = PYPROJECT["project"]["name"]
REPO_URL = PYPROJECT["project"]["urls"]["Repository"]
REF = generate.release_tag()  # the setup cell installs this release's tag
REQUIREMENT = f"{PROJECT_NAME} @ git+{REPO_URL}@{REF}"
PIP_CALL = [sys.executable, "-m", "pip", "install", REQUIREMENT]
EXISTING = [ROOT / "notebooks" / x["file"] for x in generate.lessons()
            if (ROOT / "notebooks" / x["file"]).exists()]


def setup_cell_prefix(path: Path) -> str:
    """Return a lesson's setup cell up to and including its ``helpers.setup_notebook(...)``."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))
    found = generate.SETUP_CALL.search(cell.source)
    assert found, f"{path.name}: setup cell has no setup call"
    return cell.source[:found.end()]


SOURCES = [pytest.param(generate.setup_prefix(), id="generated")] + [
    pytest.param(p, id=p.stem) for p in EXISTING]


def run_setup_cell(source: str | Path, monkeypatch, *, helpers_importable: bool,
                   pip_result: subprocess.CompletedProcess | None = None,
                   import_error: Exception | None = None) -> dict:
    """Execute a setup cell in this process; return its pip calls, setup calls and output."""
    import helpers

    if isinstance(source, Path):
        source = setup_cell_prefix(source)
    runs, setups = [], []

    def fake_run(*args, **kwargs):
        runs.append((args, kwargs))
        if pip_result.returncode == 0:
            sys.modules["helpers"] = helpers  # "installed": importable again
        return pip_result

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(helpers, "setup_notebook", lambda *a, **k: setups.append((a, k)))
    if not helpers_importable:
        monkeypatch.setitem(sys.modules, "helpers", None)  # import helpers: ModuleNotFoundError
    if import_error is not None:
        real_import = builtins.__import__

        def failing_import(name, *args, **kwargs):
            if name == "helpers":
                raise import_error
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", failing_import)
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
        except Exception as exc:  # noqa: BLE001 - returned to the test
            error = exc
    return {"runs": runs, "setups": setups, "stdout": out.getvalue(), "error": error}


# The setup cell, executed here with subprocess.run replaced ---------------------------------

def test_repository_url_is_a_plain_github_url():
    assert REPO_URL.startswith("https://github.com/")
    owner_repo = REPO_URL.removeprefix("https://github.com/")
    assert owner_repo.count("/") == 1 and all(owner_repo.split("/")), REPO_URL
    assert not REPO_URL.endswith((".git", "/")), "write the URL as GitHub shows it"


def test_pip_requirement_names_this_package_url_and_ref():
    req = Requirement(REQUIREMENT)
    assert req.name == PROJECT_NAME
    assert req.url == f"git+{REPO_URL}@{REF}"
    assert REF == f"v{PYPROJECT['project']['version']}", "the tag of pyproject.toml's version"


@pytest.mark.parametrize("source", SOURCES)
def test_where_helpers_imports_the_cell_installs_nothing(source, monkeypatch):
    got = run_setup_cell(source, monkeypatch, helpers_importable=True)
    assert got["error"] is None and got["runs"] == [] and got["stdout"] == ""
    assert got["setups"] == [((), {"release": PYPROJECT["project"]["version"]})]


@pytest.mark.parametrize("source", SOURCES)
def test_where_helpers_is_missing_the_cell_pips_the_repository_then_sets_up(source,
                                                                             monkeypatch):
    ok = subprocess.CompletedProcess(PIP_CALL, 0, "Successfully installed ...", "")
    got = run_setup_cell(source, monkeypatch, helpers_importable=False, pip_result=ok)
    assert got["error"] is None
    assert got["runs"] == [((PIP_CALL,), {"capture_output": True, "text": True})]
    assert got["stdout"] == f"Installing {REQUIREMENT} (once per session) ...\n"
    assert got["setups"] == [((), {"release": PYPROJECT["project"]["version"]})]


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_install_shows_pips_output_and_says_what_to_do(source, monkeypatch):
    failed = subprocess.CompletedProcess(PIP_CALL, 1, "Collecting mnist-nn-helpers",
                                         "ERROR: could not reach github.com")
    got = run_setup_cell(source, monkeypatch, helpers_importable=False, pip_result=failed)
    assert isinstance(got["error"], RuntimeError)
    assert "Collecting mnist-nn-helpers\nERROR: could not reach github.com" in got["stdout"]
    message = str(got["error"])
    assert "pip could not install the helpers; its output is above" in message
    assert "github.com" in message and "run this cell again" in message
    assert got["error"].__suppress_context__, "no second traceback about ModuleNotFoundError"
    assert got["setups"] == []


def test_a_missing_dependency_is_not_a_reason_to_install(monkeypatch):
    """helpers present but one of its imports missing: the error shows; pip is not run."""
    missing = ModuleNotFoundError("No module named 'keras_tuner'", name="keras_tuner")
    got = run_setup_cell(generate.setup_prefix(), monkeypatch, helpers_importable=True,
                         import_error=missing)
    assert isinstance(got["error"], ModuleNotFoundError) and got["error"].name == "keras_tuner"
    assert got["runs"] == []


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


# The real install in throwaway environments, offline, from a local clone ---------------------

CHILD = r"""
import importlib, json, pathlib, pkgutil, subprocess, sys
calls = []
real_run = subprocess.run
def recording_run(*args, **kwargs):
    if "pip" in list(args[0]):  # only pip: libraries run other commands (uname -p)
        calls.append(args[0])
    return real_run(*args, **kwargs)
subprocess.run = recording_run
source = pathlib.Path(sys.argv[1]).read_text()
try:
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
except Exception as exc:
    print("RESULT " + json.dumps({"error": [type(exc).__name__, str(exc)], "calls": calls}))
    raise SystemExit(0)
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
    "error": None,
    "calls": calls,
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
def sandbox(tmp_path_factory):
    """Return a folder with a clone at the ref, a view of the libraries, the child script."""
    tmp = tmp_path_factory.mktemp("setup")
    clone = tmp / "repo"
    # A full local clone: what GitHub serves at the ref (the committed tree, not the worktree).
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], tmp)
    run(["git", "checkout", "--quiet", "-B", REF], clone)
    # Fresh venvs see the project's installed libraries (TensorFlow, NumPy, keras-tuner...)
    # through a .pth file pointing at a folder of links, as Colab has them preinstalled.
    view = tmp / "site-view"
    view.mkdir()
    site = Path(run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()"
                     "['purelib'])"], tmp).stdout.strip())
    for entry in site.iterdir():
        if not entry.name.startswith(HIDDEN) and entry.suffix != ".pth":
            (view / entry.name).symlink_to(entry)
    (tmp / "child.py").write_text(CHILD.replace("PROJECT", PROJECT_NAME))
    return {"tmp": tmp, "clone": clone, "view": view}


def fresh_venv(sandbox: dict, name: str) -> Path:
    """Return the python of a new venv (no helpers) that sees the project's libraries."""
    venv = sandbox["tmp"] / name
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], sandbox["tmp"])
    py = venv / "bin" / "python"
    venv_site = Path(run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                          "['purelib'])"], sandbox["tmp"]).stdout.strip())
    (venv_site / "_project_libraries.pth").write_text(f"{sandbox['view']}\n")
    return py


def run_cell_in(py: Path, sandbox: dict, repository: str) -> dict:
    """Run the generated setup cell with ``py``, the repository URL replaced; return RESULT."""
    cell = generate.setup_prefix()
    assert cell.count(f"git+{REPO_URL}@{REF}\"") == 1
    # (git+file:///path is rejected by pip's requirement parser; file://localhost/path is not.)
    cell = cell.replace(f"git+{REPO_URL}@", f"git+file://localhost{repository}@")
    path = sandbox["tmp"] / f"cell-{py.parent.parent.name}.py"
    path.write_text(cell)
    env = {k: v for k, v in os.environ.items()  # the seeds as written (no MNIST_NN_SEED_OFFSET)
           if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV", "COV", "MNIST_NN_SEED"))}
    env.update(
        PYTHONNOUSERSITE="1",
        PIP_NO_INDEX="1",  # offline: every dependency must already be there
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # Build isolation would fetch setuptools from PyPI; use the installed one instead.
        # (pip reads PIP_NO_BUILD_ISOLATION=0 as "--no-build-isolation".)
        PIP_NO_BUILD_ISOLATION="0",
        PATH=f"{py.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    proc = run([str(py), str(sandbox["tmp"] / "child.py"), str(path)], sandbox["tmp"], env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(lines) == 1, proc.stdout
    return {"stdout": proc.stdout, "stderr": proc.stderr,
            "result": json.loads(lines[0].removeprefix("RESULT ")), "venv": py.parent.parent}


@pytest.fixture(scope="module")
def installed(sandbox):
    """Run the setup cell twice in one fresh venv: first it installs, then it finds helpers."""
    py = fresh_venv(sandbox, "venv")
    first = run_cell_in(py, sandbox, str(sandbox["clone"]))
    second = run_cell_in(py, sandbox, str(sandbox["clone"]))
    return {**first, "second": second}


def test_not_installed_the_cell_installs_helpers_into_the_environment(installed):
    result = installed["result"]
    assert result["error"] is None
    assert len(result["calls"]) == 1 and result["calls"][0][1:4] == ["-m", "pip", "install"]
    assert f"Installing {PROJECT_NAME} @ git+file://localhost" in installed["stdout"]
    helpers_file = Path(result["helpers"])
    assert Path(result["prefix"]) == installed["venv"]
    assert helpers_file.is_relative_to(installed["venv"]), helpers_file
    assert not helpers_file.is_relative_to(ROOT)
    assert helpers_file.parent.parent.name == "site-packages"


def test_the_install_comes_from_git_at_the_ref(installed, sandbox):
    direct = installed["result"]["direct_url"]
    assert direct["url"] == f"file://localhost{sandbox['clone']}"
    assert direct["vcs_info"]["vcs"] == "git"
    assert direct["vcs_info"]["requested_revision"] == REF
    head = run(["git", "rev-parse", "HEAD"], sandbox["clone"]).stdout.strip()
    assert direct["vcs_info"]["commit_id"] == head


def test_installed_the_cell_installs_nothing(installed):
    second = installed["second"]["result"]
    assert second["error"] is None and second["calls"] == []
    assert "Installing" not in installed["second"]["stdout"]
    assert second["helpers"] == installed["result"]["helpers"]


def test_then_it_sets_up_and_loads_data(installed):
    for run_ in (installed, installed["second"]):
        ready = f"Ready: helpers {PYPROJECT['project']['version']}, seed 42, TensorFlow"
        assert ready in run_["stdout"]
        assert run_["result"]["load_mnist"] == [[60000, 28, 28], [10000, 28, 28]]
        assert run_["stderr"] == ""


def test_installed_package_has_every_module_and_they_import(installed, sandbox):
    result = installed["result"]
    assert result["failed"] == {}
    clone = sandbox["clone"]
    expected = {str(p.relative_to(clone)) for p in (clone / "helpers").rglob("*.py")}
    installed_files = {f for f in result["files"] if f.endswith(".py")}
    assert installed_files == expected, f"not installed: {sorted(expected - installed_files)}"
    names = {f.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
             for f in expected} - {"helpers"}
    assert set(result["modules"]) == names
    assert {"helpers.data", "helpers.checks", "helpers.setup"} <= names


def test_a_failing_install_shows_pips_output_and_what_to_do(sandbox):
    py = fresh_venv(sandbox, "venv-failing")
    missing = sandbox["tmp"] / "no-such-repository"
    got = run_cell_in(py, sandbox, str(missing))
    error = got["result"]["error"]
    assert error is not None and error[0] == "RuntimeError", got["stdout"]
    assert "pip could not install the helpers; its output is above" in error[1]
    assert "github.com" in error[1] and "run this cell again" in error[1]
    # pip's own words, which --quiet used to hide, are in the cell's output.
    assert f"file://localhost{missing}" in got["stdout"]
    assert "ERROR" in got["stdout"] or "error" in got["stdout"]
    assert not list((got["venv"]).glob("lib/python3*/site-packages/helpers"))
