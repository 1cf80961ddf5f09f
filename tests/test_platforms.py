"""tools/platforms.py: requirements.txt resolves for every supported platform and Python."""

from __future__ import annotations

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


FAKE_PIP = '''
import json, sys
args = sys.argv[1:]
report = args[args.index("--report") + 1]
reqs = open(args[args.index("-r") + 1]).read().split()
meta = {"a": ["b>=2", "c; sys_platform == 'win32'", "d; extra == 'docs'"], "b": []}
json.dump({"install": [{"metadata": {"name": r.split("==")[0],
                                     "requires_dist": meta.get(r.split("==")[0], [])}}
                       for r in reqs]}, open(report, "w"))
'''


@pytest.fixture
def fake_pip(tmp_path):
    script = tmp_path / "fake_pip.py"
    script.write_text(FAKE_PIP)
    return [sys.executable, str(script)]


@pytest.mark.parametrize("lines, pair, expected", [
    ("a==1\nb==2\n", "linux-x86_64/3.12", []),
    ("a==1\nb==1\n", "linux-x86_64/3.12", ["a needs b>=2, requirements.txt pins b==1"]),
    ("a==1\n", "linux-x86_64/3.12", ["a needs b>=2 there, and requirements.txt pins no"]),
    ("a==1\nb==2\n", "windows-x86_64/3.13", ["a needs c; sys_platform == \"win32\" there"]),
])
def test_dependencies_of_the_pinned_wheels_must_be_pinned_too(tmp_path, fake_pip, lines, pair,
                                                               expected):
    req = tmp_path / "requirements.txt"
    req.write_text(lines)
    problems = platforms.check_pair(pair, req, fake_pip)
    assert len(problems) == len(expected)
    for problem, want in zip(problems, expected, strict=True):
        assert want in problem and problem.startswith(pair)


def test_a_pin_with_no_wheel_for_a_supported_pair_fails(tmp_path):
    """Against the package index: tensorflow-cpu has no macOS wheel."""
    req = tmp_path / "requirements.txt"
    req.write_text("tensorflow-cpu==2.21.0\n")
    pip = ROOT / ".venv-platforms" / "bin" / "python"
    command = [str(pip), "-m", "pip"] if pip.exists() else [sys.executable, "-m", "pip"]
    problems = platforms.check_pair("macos-arm64/3.12", req, command)
    assert problems and "no wheel" in problems[0] and "tensorflow-cpu==2.21.0" in \
        " ".join(problems)
    linux = platforms.check_pair("linux-x86_64/3.12", req, command)
    assert not [p for p in linux if "no wheel" in p], "it has a Linux wheel"


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
