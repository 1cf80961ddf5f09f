"""Import direction between the project's packages: tools/ never imports tests_browser.

tests_browser (the browser tests) uses tools (lessons, environment, the JupyterLab driver
tools/lab.py); the other way round would be an import cycle. Checked by parsing the sources
with `ast`: nothing is imported, no browser or Playwright needed.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = "tests_browser"


def imported_modules(source: str) -> list[str]:
    """Return every module name that ``source`` imports, statically or by a literal name."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.append(node.module)
            else:  # relative: `from .. import x` names the modules in its aliases
                names += [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                names.append(node.args[0].value)
    return names


def imports_forbidden(source: str) -> list[str]:
    return [m for m in imported_modules(source)
            if m == FORBIDDEN or m.startswith(FORBIDDEN + ".")]


@pytest.mark.parametrize("source", [
    "import tests_browser",
    "import tests_browser.lab as lab",
    "from tests_browser import lab",
    "from tests_browser.lab import LabServer",
    "def f():\n    from tests_browser import lab",
    "import importlib\nimportlib.import_module('tests_browser.lab')",
    "__import__('tests_browser')",
])
def test_check_catches_each_form(source):
    assert imports_forbidden(source)


@pytest.mark.parametrize("source", [
    "from tools import lab",
    "import tests_browser_extra",
    "from . import lab",
    "x = 'tests_browser'",
])
def test_check_lets_other_imports_through(source):
    assert not imports_forbidden(source)


def test_tools_never_import_tests_browser():
    files = sorted((ROOT / "tools").rglob("*.py"))
    assert files
    offenders = {str(p.relative_to(ROOT)): bad for p in files
                 if (bad := imports_forbidden(p.read_text(encoding="utf-8")))}
    assert not offenders, f"tools/ must not import {FORBIDDEN} (an import cycle): {offenders}"


def test_lab_driver_lives_in_tools_only():
    assert (ROOT / "tools" / "lab.py").exists()
    assert not (ROOT / "tests_browser" / "lab.py").exists(), \
        "the JupyterLab driver belongs in tools/lab.py only"
    bare = {str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests_browser").glob("*.py"))
            if "lab" in imported_modules(p.read_text(encoding="utf-8"))}
    assert not bare, f"import the driver as `from tools import lab`: {bare}"
