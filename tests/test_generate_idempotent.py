"""`make generate` on a copy of the repository: idempotent, and the URL lives in one place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEW_URL = "https://github.com/someone-else/a-fork"


def copy_repo(dest: Path) -> Path:
    """Copy what the generator reads and writes into ``dest``; return ``dest``."""
    (dest / "tools").mkdir(parents=True)
    for name in ("__init__.py", "generate.py"):
        shutil.copy2(ROOT / "tools" / name, dest / "tools" / name)
    for name in ("README.md", "lessons.toml", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


def generate(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.generate", *args],
                          capture_output=True, text=True, cwd=repo, timeout=120)


def snapshot(repo: Path) -> dict[str, bytes]:
    return {str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file()}


@pytest.fixture
def repo(tmp_path):
    return copy_repo(tmp_path / "repo")


def test_second_generate_changes_nothing(repo):
    first = generate(repo)
    assert first.returncode == 0, first.stderr
    after_first = snapshot(repo)
    second = generate(repo)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "", f"the second run rewrote files: {second.stdout}"
    assert snapshot(repo) == after_first
    check = generate(repo, "--check")
    assert check.returncode == 0, check.stdout


def test_repository_url_changes_in_one_place(repo):
    with open(repo / "pyproject.toml", "rb") as f:
        old_url = tomllib.load(f)["project"]["urls"]["Repository"]
    text = (repo / "pyproject.toml").read_text()
    assert text.count(old_url) == 1, "pyproject.toml should name the repository URL once"
    (repo / "pyproject.toml").write_text(text.replace(old_url, NEW_URL))
    stale = generate(repo, "--check")
    assert stale.returncode == 1 and "README.md" in stale.stdout
    assert generate(repo).returncode == 0
    old_path = old_url.removeprefix("https://github.com/")
    for rel, content in snapshot(repo).items():
        if rel.endswith((".md", ".ipynb")):
            assert old_path not in content.decode(), f"{rel} still names {old_url}"
    readme = (repo / "README.md").read_text()
    assert "colab.research.google.com/github/someone-else/a-fork/blob/main/notebooks/" in readme
    for nb in (repo / "notebooks").glob("*.ipynb"):
        text = nb.read_text()
        assert f"git+{NEW_URL}" in text and "someone-else/a-fork/blob/main/notebooks/" in text


def test_the_ref_changes_in_one_place(repo):
    text = (repo / "pyproject.toml").read_text()
    assert text.count('ref = "main"') == 1
    (repo / "pyproject.toml").write_text(text.replace('ref = "main"', 'ref = "v1.0"'))
    assert generate(repo, "--check").returncode == 1
    assert generate(repo).returncode == 0
    for nb in (repo / "notebooks").glob("*.ipynb"):
        text = nb.read_text()
        assert "/blob/main/" not in text and "@main" not in text, nb.name
        assert "/blob/v1.0/notebooks/" in text, nb.name
    assert "/blob/v1.0/notebooks/" in (repo / "README.md").read_text()


def test_the_version_changes_in_one_place(repo):
    """pyproject.toml's version: every setup cell installs its tag and names it."""
    text = (repo / "pyproject.toml").read_text()
    old = re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    (repo / "pyproject.toml").write_text(text.replace(f'version = "{old}"', 'version = "9.8.7"'))
    assert generate(repo, "--check").returncode == 1
    assert generate(repo).returncode == 0
    for nb in (repo / "notebooks").glob("*.ipynb"):
        text = nb.read_text()
        assert f"@v{old}\\\"" not in text and f'release=\\"{old}\\"' not in text, nb.name
        assert "@v9.8.7\\\"" in text and 'setup_notebook(release=\\"9.8.7\\")' in text, nb.name


def test_nothing_else_names_the_repository():
    """Only pyproject.toml and generated text may contain the repository's owner/name."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        owner_repo = tomllib.load(f)["project"]["urls"]["Repository"].removeprefix(
            "https://github.com/")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    allowed = {"pyproject.toml", "README.md"}  # README: only inside generated lines
    for rel in tracked:
        path = ROOT / rel
        if rel in allowed or rel.startswith("notebooks/") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        assert owner_repo not in text, f"{rel} names {owner_repo}: derive it from pyproject.toml"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- lessons:start -->"), readme.index("<!-- lessons:end -->")
    outside = readme[:start] + readme[end:]
    assert owner_repo not in outside, "README.md names the repository outside the table"
