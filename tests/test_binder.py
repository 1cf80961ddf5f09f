"""The one-click launches beside Colab: Binder's configuration (binder/) and the badges.

What can be checked without the services: that repo2docker will install the lessons' own
pins and then the helpers from the checkout, on a Python the pins support, and that every
lesson's Binder and Kaggle links are generated from lessons.toml at the ref.
"""

from __future__ import annotations

import os
import re
import subprocess

import nbformat

from tools import generate, platforms

ROOT = generate.ROOT
BINDER = ROOT / "binder"


def test_binder_installs_the_pins_then_the_helpers():
    lines = [ln.strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines == ["-r ../requirements.txt"]  # pip reads it relative to binder/
    assert (BINDER / lines[0].split()[1]).resolve() == ROOT / "requirements.txt"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    mode = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT,
                          capture_output=True, text=True).stdout
    assert not mode or mode.startswith("100755"), "git must record postBuild as executable"
    text = post.read_text()
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text
    assert re.search(r"^pip install .*--no-deps -e \.$", text, re.M)


def test_binder_python_is_one_the_pins_support():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    version = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert version, f"binder/runtime.txt should read python-3.X, not {runtime!r}"
    assert version.group(1) in platforms.PYTHONS  # the platform check resolves the pins there


def test_every_lesson_has_binder_and_kaggle_links_at_the_ref():
    items = generate.lessons()
    readme = (ROOT / "README.md").read_text()
    for lesson in items:
        file = lesson["file"]
        binder, kaggle = generate.binder_url(file), generate.kaggle_url(file)
        assert binder.startswith("https://mybinder.org/v2/gh/") and binder.endswith(
            f"/{generate.ref()}?urlpath=lab/tree/notebooks/{file}")
        assert kaggle == ("https://kaggle.com/kernels/welcome?src="
                          + generate.github_url(f"notebooks/{file}"))
        badges = generate.launch_badges(file)
        assert f"]({binder})" in badges and f"]({kaggle})" in badges
        assert badges in readme
        title = nbformat.read(generate.NOTEBOOKS / file, as_version=4).cells[0].source
        assert badges in title
