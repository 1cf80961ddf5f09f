"""`make test-latest` installs the newest release of every package the helpers depend on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def test_make_test_latest_upgrades_every_dependency_of_the_helpers():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest-latest:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    upgrade = next(line for line in recipe.splitlines() if "--upgrade " in line
                   and ("pip " in line or "$(PIP_INSTALL)" in line)
                   and "--upgrade pip" not in line)
    installed = {canonicalize_name(w) for w in re.findall(r"(?<![-\w])([a-z][\w-]*)", upgrade)}
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    missing = {canonicalize_name(Requirement(d).name) for d in deps} - installed
    assert not missing, f"make test-latest installs the helpers with --no-deps; add {missing}"
