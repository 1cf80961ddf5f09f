"""Check a release: one version everywhere, a wheel that builds and runs a lesson on its own.

    python -m tools.release versions [--tag vX.Y.Z]   the version agrees everywhere
    python -m tools.release check --tools PY --uv UV [--tag vX.Y.Z]
                                                      versions, then build the sdist and the
                                                      wheel into dist/, `twine check` them,
                                                      install the wheel with the pinned
                                                      requirements into a fresh venv and run
                                                      lesson 01 on it, away from the checkout

`make release-check` runs the second (.ci/run and the release workflow do); publishing is the
workflow's alone. The version lives in pyproject.toml; `make generate` writes it into every
lesson's setup cell (the helpers it installs and the release it names).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import nbformat

from tools import generate

ROOT = Path(__file__).resolve().parents[1]
SMOKE_LESSON = "01_dataset_tour.ipynb"


class ReleaseError(RuntimeError):
    """A release that must not go out, with what to fix."""


def version() -> str:
    """Return the series' version from pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def version_problems(tag: str | None = None) -> list[str]:
    """Return every place that disagrees with pyproject.toml's version (empty: all agree)."""
    want = version()
    problems = []
    if not re.fullmatch(r"\d+\.\d+\.\d+", want):
        problems.append(f"pyproject.toml: version {want!r} is not X.Y.Z")
    init = (ROOT / "helpers" / "__init__.py").read_text()
    found = re.search(r'^__version__ = "([^"]+)"', init, re.M)
    if not found or found.group(1) != want:
        problems.append(f"helpers/__init__.py: __version__ is "
                        f"{found.group(1) if found else 'missing'}, pyproject.toml says {want}")
    for lesson in generate.lessons():
        nb = nbformat.read(ROOT / "notebooks" / lesson["file"], as_version=4)
        setup = [c.source for c in nb.cells if "setup" in c.metadata.get("tags", [])]
        if not setup or generate.setup_call() not in setup[0] \
                or f'"{generate.helpers_requirement()}"' not in setup[0]:
            problems.append(f"{lesson['file']}: its setup cell does not install and name "
                            f"release {want}; run `make generate`")
    changelog = (ROOT / "CHANGELOG.md").read_text() if (ROOT / "CHANGELOG.md").exists() else ""
    if not re.search(rf"^## {re.escape(want)}\b", changelog, re.M):
        problems.append(f"CHANGELOG.md: no '## {want}' section saying what changed")
    if tag is not None and tag != f"v{want}":
        problems.append(f"the tag is {tag!r} but pyproject.toml's version is {want}: tag "
                        f"v{want}, or change the version, run `make generate` and commit")
    return problems


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, echoing it; raise ReleaseError with its output if it fails."""
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise ReleaseError(f"{' '.join(cmd)} failed (exit code {proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def build(tools: str, dist: Path) -> tuple[Path, Path]:
    """Build the sdist and the wheel into ``dist`` and `twine check` them; return both."""
    shutil.rmtree(dist, ignore_errors=True)
    run([tools, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(ROOT)])
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise ReleaseError(f"expected one wheel and one sdist in {dist}, found "
                           f"{[p.name for p in dist.iterdir()]}")
    run([tools, "-m", "twine", "check", "--strict", str(wheels[0]), str(sdists[0])])
    missing = missing_from_wheel(wheels[0])
    if missing:
        raise ReleaseError(f"the wheel {wheels[0].name} lacks {missing}: list the package or "
                           "its data in pyproject.toml [tool.setuptools]")
    if f"-{version()}-" not in wheels[0].name:
        raise ReleaseError(f"the wheel {wheels[0].name} is not version {version()}")
    return wheels[0], sdists[0]


def missing_from_wheel(wheel: Path) -> list[str]:
    """Return the files of helpers/ (modules and data, not notes) that the wheel lacks."""
    with zipfile.ZipFile(wheel) as z:
        inside = set(z.namelist())
    wanted = [p for p in (ROOT / "helpers").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".md"]
    return sorted(str(p.relative_to(ROOT)) for p in wanted
                  if str(p.relative_to(ROOT)).replace(os.sep, "/") not in inside)


def smoke(uv: str, wheel: Path, venv: Path) -> None:
    """Install the wheel into a fresh venv with the pins and run lesson 01 there under nbval."""
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    env = {**os.environ, "UV_SYSTEM_CERTS": "1"}
    run([uv, "pip", "install", "--quiet", "--python", str(py), "-r",
         str(ROOT / "requirements.txt"), str(wheel)], env=env)
    with tempfile.TemporaryDirectory(prefix="release-smoke-") as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "notebooks" / SMOKE_LESSON, work / SMOKE_LESSON)
        where = run([str(py), "-c", "import helpers; print(helpers.__file__, helpers.__version__)"],
                    cwd=work).stdout.split()
        if not Path(where[0]).resolve().is_relative_to(venv.resolve()) or where[1] != version():
            raise ReleaseError(f"the fresh venv imports helpers from {where[0]} (version "
                               f"{where[1]}), not the installed wheel {wheel.name}")
        # The Colab run's plugin: errors, stderr, every figure, each cell's checks, and a setup
        # line naming this venv's versions; the lesson's own numbers are `make test`'s job.
        env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "colab"),
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        proc = subprocess.run(
            [str(py), "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
             "--rootdir", str(work), "-p", "nbval_stderr", "--nbval-lax",
             "--nbval-current-env", "-q", SMOKE_LESSON],
            cwd=work, env=env, capture_output=True, text=True)
        print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n")
        if proc.returncode != 0:
            raise ReleaseError(f"lesson {SMOKE_LESSON} failed on the installed wheel")
    print(f"{wheel.name}: installed with the pins into a fresh venv, {SMOKE_LESSON} runs on it")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``versions`` or ``check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["versions", "check"])
    parser.add_argument("--tag", help="the git tag being released, e.g. v0.1.0")
    parser.add_argument("--tools", help="a Python with build and twine (.venv-release)")
    parser.add_argument("--uv", help="the uv that installs the fresh venv")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args(argv)
    problems = version_problems(args.tag)
    for problem in problems:
        print(f"release: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"version {version()} agrees in pyproject.toml, helpers, every setup cell and "
          "CHANGELOG.md")
    if args.command == "check":
        if not args.tools or not args.uv:
            parser.error("check needs --tools and --uv (make release-check passes both)")
        try:
            wheel, _ = build(args.tools, Path(args.dist))
            smoke(args.uv, wheel, ROOT / ".venv-release-test")
        except ReleaseError as err:
            print(f"release: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
