"""tools/platforms.py: requirements.txt resolves for every supported platform and Python."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tools import platforms

ROOT = Path(__file__).resolve().parents[1]


def pins(platform: str, python: str = "3.12") -> set[str]:
    return set(platforms.pins_for(ROOT / "requirements.txt",
                                  platforms.marker_env(platform, python)))


def test_every_supported_platform_gets_a_tensorflow_with_a_wheel_there():
    assert "tensorflow-cpu" in pins("linux-x86_64") and "tensorflow" not in pins("linux-x86_64")
    assert "tensorflow-cpu" in pins("windows-x86_64")
    assert "tensorflow" in pins("macos-arm64") and "tensorflow-cpu" not in pins("macos-arm64")
    assert "tensorflow" in pins("linux-aarch64")


def test_platform_only_dependencies_are_pinned_where_needed():
    assert "appnope" in pins("macos-arm64") and "appnope" not in pins("linux-x86_64")
    assert {"colorama", "pywinpty"} <= pins("windows-x86_64")


def test_a_pin_that_is_not_exact_is_refused(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("numpy>=2\n")
    with pytest.raises(SystemExit, match="not an exact pin"):
        platforms.pins_for(req, platforms.marker_env("linux-x86_64", "3.12"))


# A stand-in for `uv pip compile` on a tiny index: a needs b>=2 everywhere and c on Windows.
FAKE_UV = '''
import sys
args = sys.argv[1:]
out, reqs = args[args.index("--output-file") + 1], open(args[-1]).read().split()
windows = args[args.index("--python-platform") + 1].endswith("windows-msvc")
pins = dict(r.split("==") for r in reqs)
lines = [f"{n}=={v}\\n    # via -r requirements.txt\\n" for n, v in pins.items()]
if "a" in pins:
    if "b" in pins and pins["b"] != "2":
        sys.exit("error: No solution found when resolving dependencies\\n  cause: Because "
                 "a==1 depends on b>=2 and you require b==1, we can conclude that your "
                 "requirements are unsatisfiable.")
    if "b" not in pins:
        lines.append("b==2\\n    # via a\\n")
    if windows and "c" not in pins:
        lines.append("c==1\\n    # via\\n    #   a\\n    #   b\\n")
open(out, "w").write("".join(lines))
'''


@pytest.fixture
def fake_uv(tmp_path):
    script = tmp_path / "fake_uv.py"
    script.write_text(FAKE_UV)
    return [sys.executable, str(script)]


@pytest.mark.parametrize("lines, pair, expected", [
    ("a==1\nb==2\n", "linux-x86_64/3.12", []),
    ("a==1\nb==1\n", "linux-x86_64/3.12",
     ["does not resolve: Because a==1 depends on b>=2 and you require b==1"]),
    ("a==1\n", "linux-x86_64/3.12", ["a needs b there, and requirements.txt pins no version of "
                                      "it (it would install b==2)"]),
    ("a==1\nb==2\n", "windows-x86_64/3.13", ["a, b needs c there, and requirements.txt pins"]),
])
def test_dependencies_of_the_pinned_wheels_must_be_pinned_too(tmp_path, fake_uv, lines, pair,
                                                               expected):
    req = tmp_path / "requirements.txt"
    req.write_text(lines)
    problems = platforms.check_pair(pair, req, fake_uv)
    assert len(problems) == len(expected), problems
    for problem, want in zip(problems, expected, strict=True):
        assert want in problem and problem.startswith(pair)


def uv_command() -> list[str]:
    """Return the uv that `make check-platforms` installs, else one on the PATH."""
    uv = ROOT / ".venv-uv" / "bin" / "uv"
    if uv.exists():
        return [str(uv)]
    if shutil.which("uv"):
        return ["uv"]
    pytest.skip("no uv: `make check-platforms` installs it")


def test_a_pin_with_no_wheel_for_a_supported_pair_fails(tmp_path):
    """Against the package index: tensorflow-cpu has no macOS wheel."""
    req = tmp_path / "requirements.txt"
    req.write_text("tensorflow-cpu==2.21.0\n")
    problems = platforms.check_pair("macos-arm64/3.12", req, uv_command())
    assert problems and "no wheel" in problems[0] and "tensorflow-cpu==2.21.0" in \
        " ".join(problems)
    linux = platforms.check_pair("linux-x86_64/3.12", req, uv_command())
    assert not [p for p in linux if "no wheel" in p], "it has a Linux wheel"
    assert any("needs" in p and "pins no version" in p for p in linux), \
        "its dependencies, unpinned here, are named"


def test_uv_failures_are_reported_line_by_line():
    stderr = ("warning: The requested Python version 3.12.0 is not available\n"
              "error: No solution found when resolving dependencies\n"
              "  cause: Because numpy==1.20.0 has no usable wheels and you require "
              "numpy==1.20.0, we can conclude that your requirements are unsatisfiable.\n")
    assert platforms.failure_lines(stderr) == [
        "no wheel: Because numpy==1.20.0 has no usable wheels and you require numpy==1.20.0, "
        "we can conclude that your requirements are unsatisfiable."]
    assert platforms.failure_lines("error: Failed to fetch: `https://pypi.org/simple/x/`\n") \
        == ["uv failed: error: Failed to fetch: `https://pypi.org/simple/x/`"]


def test_unknown_pairs_are_refused(capsys):
    with pytest.raises(SystemExit):
        platforms.main(["solaris/3.12"])
    assert "choose from" in capsys.readouterr().err


def test_the_readme_states_the_supported_platforms_and_pythons():
    readme = (ROOT / "README.md").read_text()
    for words in ("Linux x86-64", "Linux aarch64", "macOS arm64", "Windows x86-64",
                  "Python 3.11, 3.12 and 3.13"):
        assert words in readme, words
    assert "3.10" not in readme
