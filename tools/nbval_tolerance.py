"""Tolerance-aware output comparison on top of nbval (a pytest plugin).

A code cell may declare, in its metadata, how far the numbers it prints may move between
machines (CPU type, core count, BLAS kernel)::

    "tolerance": {"abs": 0.003, "loss": {"rel": 0.05}}

Top-level ``abs``/``rel`` apply to every number; a word key applies to the numbers printed
after that word on the same line (``"loss"`` covers ``loss 0.31`` and ``val_loss 0.12``). For
such a cell every text output must match the stored one exactly once its numbers are
taken out (runs of spaces count as one, so padded columns may shift), and each number must
agree with its stored counterpart within its rule's ``max(abs, rel * |stored|)``, like
pytest's doctest ``NUMBER`` option with explicit bounds. Cells that declare nothing are
compared by nbval itself, exactly. The root ``conftest.py`` loads the plugin; tolerances are
measured and written by ``tools/portability.py`` (see docs/portability.md).

Two more metadata keys keep verification out of what learners read::

    "vary": {"took": "wall-clock seconds differ from run to run"}
    "checks": ["test_acc >= 0.98", "network.count_params() == 669_706"]

``vary`` names labels whose numbers are not compared at all (each with its reason); the rest
of the cell still is. ``checks`` are Python expressions evaluated in the notebook's kernel
after the cell has run: the cell fails unless each is true.
"""

from __future__ import annotations

import ast
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

METADATA_KEY = "tolerance"
VARY_KEY = "vary"
CHECKS_KEY = "checks"

# A number as printed by Python, NumPy and f-strings: optional sign, thousands separators,
# decimals, exponent. Not a digit glued to a name (W1, dense_2) or to a version (2.21.0).
NUMBER = re.compile(
    r"(?<![\w.])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?(?!\w|\.\d)"
    r"|(?<![\w.])[-+\u2212]?\.\d+(?:[eE][-+]?\d+)?(?!\w|\.\d)"
)
WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
PLACEHOLDER = "\u2983#\u2984"  # a token no lesson prints
SPACES = re.compile(r"[ \t]+")


class ToleranceError(ValueError):
    """A cell's tolerance metadata is malformed."""


@dataclass(frozen=True)
class Tolerance:
    """How far one printed number may move: ``max(abs, rel * |stored|)``."""

    abs: float = 0.0
    rel: float = 0.0

    def allows(self, stored: float, got: float) -> bool:
        """Return whether ``got`` is within tolerance of ``stored``."""
        return abs(got - stored) <= max(self.abs, self.rel * abs(stored)) * (1 + 1e-9)

    def describe(self) -> str:
        """Return e.g. ``abs 0.003, rel 0.02`` (``exact`` for zero)."""
        parts = [f"{k} {getattr(self, k):g}" for k in ("abs", "rel") if getattr(self, k)]
        return ", ".join(parts) or "exact"


@dataclass(frozen=True)
class CellTolerance:
    """A cell's tolerance: a default, and per-label ones (``"loss"`` matches ``val_loss 0.1``)."""

    default: Tolerance
    labels: tuple[tuple[str, Tolerance], ...] = ()
    vary: frozenset[str] = frozenset()  # labels whose numbers are not compared (timings)
    each: tuple[float, ...] | None = None  # one absolute bound per printed number, in order

    def for_number(self, index: int, label: str) -> Tolerance:
        """Return the rule for the cell's ``index``-th printed number (0-based), after ``label``."""
        if self.each is not None:
            return Tolerance(abs=self.each[index]) if index < len(self.each) else Tolerance()
        return self.for_label(label)

    def for_label(self, label: str) -> Tolerance:
        """Return the tolerance for a number printed after the word ``label``."""
        matches = [(word == label, len(word), tol) for word, tol in self.labels if word in label]
        return max(matches, key=lambda m: m[:2])[2] if matches else self.default

    def describe(self) -> str:
        """Return a readable summary, e.g. ``abs 0.003; after "loss": rel 0.05``."""
        if self.each is not None:
            moving = [b for b in self.each if b]
            parts = [f"one bound per number, {len(moving)} of {len(self.each)} non-zero"]
        else:
            parts = [self.default.describe()]
        parts += [f'after "{word}": {tol.describe()}' for word, tol in self.labels]
        parts += [f'after "{word}": not compared' for word in sorted(self.vary)]
        return "; ".join(parts)


def _rule(spec: object, where: str, fix: str) -> Tolerance:
    """Return the Tolerance of one ``{"abs": .., "rel": ..}`` mapping, validated."""
    if not isinstance(spec, dict) or not spec or set(spec) - {"abs", "rel"}:
        raise ToleranceError(f"{where}: tolerance {spec!r} is not of the form "
                             f'{{"abs": a, "rel": r}}; {fix}')
    for key, value in spec.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and value >= 0):
            raise ToleranceError(f"{where}: tolerance {key}={value!r} must be a finite "
                                 f"number >= 0; {fix}")
    return Tolerance(**{k: float(v) for k, v in spec.items()})


def vary_of(metadata: dict, where: str = "cell") -> frozenset[str]:
    """Return the labels whose numbers a cell leaves uncompared; raise ToleranceError if bad."""
    spec = metadata.get(VARY_KEY, {})
    if not isinstance(spec, dict) or not all(
            isinstance(k, str) and re.fullmatch(r"[a-z_][a-z0-9_]*", k) and isinstance(v, str)
            and v.strip() for k, v in spec.items()):
        raise ToleranceError(f'{where}: "{VARY_KEY}" metadata {spec!r} must map lower-case '
                             'labels to the reason their numbers vary, e.g. '
                             '{"took": "wall-clock seconds differ from run to run"}')
    return frozenset(spec)


def checks_of(metadata: dict, where: str = "cell") -> list[str]:
    """Return a cell's check expressions; raise ToleranceError if malformed."""
    spec = metadata.get(CHECKS_KEY, [])
    if not isinstance(spec, list) or not all(isinstance(c, str) and c.strip() for c in spec):
        raise ToleranceError(f'{where}: "{CHECKS_KEY}" metadata {spec!r} must be a list of '
                             'Python expressions, e.g. ["test_acc >= 0.98"]')
    for check in spec:
        try:
            tree = ast.parse(check, where, "eval")
        except SyntaxError as error:
            raise ToleranceError(f'{where}: check {check!r} is not a Python expression '
                                 f"({error.msg}); write one such as \"test_acc >= 0.98\"") from None
        if isinstance(tree.body, ast.Tuple):
            raise ToleranceError(f"{where}: check {check!r} is a tuple, which is always true; "
                                 "write the condition alone (no assert-style message)")
    return spec


def tolerance_of(metadata: dict, where: str = "cell") -> CellTolerance | None:
    """Return the cell's declared tolerance (with its varying labels), or None.

    Raise ToleranceError if malformed.
    """
    spec = metadata.get(METADATA_KEY)
    vary = vary_of(metadata, where)
    if spec is None:
        return CellTolerance(Tolerance(), vary=vary) if vary else None
    fix = (f'write e.g. "{METADATA_KEY}": {{"abs": 0.003, "loss": {{"rel": 0.05}}}} '
           "(a default abs and/or rel, and optional rules for numbers after a word)")
    if not isinstance(spec, dict) or not spec:
        raise ToleranceError(f"{where}: tolerance metadata {spec!r} is not a mapping; {fix}")
    if "each" in spec:
        each = spec["each"]
        if set(spec) != {"each"} or not isinstance(each, list) or not each or not all(
                not isinstance(b, bool) and isinstance(b, int | float) and math.isfinite(b)
                and b >= 0 for b in each):
            raise ToleranceError(f'{where}: "each" must be the only key, a list with one bound '
                                 f"(a number >= 0) per printed number; got {spec!r}")
        if not any(each):
            raise ToleranceError(f"{where}: a tolerance of zero is an exact comparison; remove "
                                 f'the "{METADATA_KEY}" metadata instead')
        return CellTolerance(Tolerance(), (), vary, tuple(float(b) for b in each))
    default = {k: v for k, v in spec.items() if k in ("abs", "rel")}
    labels = []
    for word, rule in spec.items():
        if word in ("abs", "rel"):
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", word):
            raise ToleranceError(f"{where}: tolerance label {word!r} must be a lower-case "
                                 f"word; {fix}")
        labels.append((word, _rule(rule, where, fix)))
    tol = CellTolerance(_rule(default, where, fix) if default else Tolerance(), tuple(labels),
                        vary)
    if not tol.default.abs and not tol.default.rel and not any(
            t.abs or t.rel for _, t in tol.labels):
        raise ToleranceError(f"{where}: a tolerance of zero is an exact comparison; remove "
                             f'the "{METADATA_KEY}" metadata instead')
    return tol


def to_float(text: str) -> float:
    """Return the value of a number matched by NUMBER (commas and U+2212 minus allowed)."""
    return float(text.replace(",", "").replace("\u2212", "-"))


def split_numbers(text: str) -> tuple[str, list[str], list[str]]:
    """Return ``text`` with numbers masked and spaces collapsed, its numbers, and their labels.

    A number's label is the last word before it on its line since the previous number
    (``loss`` in ``loss 0.31``), lower-cased; for a line's first number with no word before
    it, the first word after it (``of`` in ``206 of 10,000``); else an empty string.
    """
    numbers, labels = [], []
    for line in text.split("\n"):
        found = list(NUMBER.finditer(line))
        for k, m in enumerate(found):
            before = WORD.findall(line[found[k - 1].end() if k else 0:m.start()])
            after = WORD.findall(line[m.end():found[k + 1].start() if k + 1 < len(found)
                                      else len(line)])
            first = k == 0 and after  # "206 of 10,000": a line that starts with its number
            labels.append((before[-1] if before else after[0] if first else "").lower())
            numbers.append(m.group())
    masked = NUMBER.sub(PLACEHOLDER, text)
    masked = "\n".join(SPACES.sub(" ", line).rstrip() for line in masked.split("\n"))
    return masked, numbers, labels


def flatten(outputs: list, skip: tuple[str, ...], sanitize) -> dict[str, list]:
    """Return nbval's view of a cell's outputs: ``{field or MIME type: [values...]}``."""
    flat: dict[str, list] = defaultdict(list)
    for out in outputs:
        if out.get("output_type") == "stream":
            flat[out["name"]].append(sanitize(out["text"]))
            continue
        for key, value in out.items():
            if key in skip:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in skip:
                        flat[mime].append(sanitize(data))
            else:
                flat[key].append(sanitize(value))
    return flat


def compare_text(stored: str, got: str, tol: CellTolerance, start: int = 0) -> list[str]:
    """Return the differences between two texts under ``tol`` (an empty list if they agree).

    ``start`` is how many of the cell's numbers came before this text (for ``each`` bounds).
    """
    if not isinstance(stored, str) or not isinstance(got, str):
        return [] if stored == got else [f"stored {stored!r} != got {got!r}"]
    stored_masked, stored_numbers, labels = split_numbers(stored)
    got_masked, got_numbers, _ = split_numbers(got)
    if stored_masked != got_masked or len(stored_numbers) != len(got_numbers):
        return ["the text differs beyond its numbers:\n"
                f"  stored: {stored_masked!r}\n  got:    {got_masked!r}"]
    problems = []
    for k, (a, b, label) in enumerate(zip(stored_numbers, got_numbers, labels, strict=True)):
        if a == b or label in tol.vary:
            continue
        x, y, rule = to_float(a), to_float(b), tol.for_number(start + k, label)
        if not rule.allows(x, y):
            problems.append(f"number {k + 1} ({label} {a}): got {b}, off by {abs(y - x):.3g}, "
                            f"beyond its tolerance ({rule.describe()})")
    return problems


def compare_outputs(got: list, stored: list, tol: CellTolerance, skip: tuple[str, ...],
                    sanitize=lambda s: s) -> list[str]:
    """Return the differences between a cell's new and stored outputs under ``tol``."""
    new, ref = flatten(got, skip, sanitize), flatten(stored, skip, sanitize)
    if set(new) != set(ref):
        return [f"output fields differ: stored {sorted(ref)}, got {sorted(new)}"]
    problems, start = [], 0
    for key in sorted(ref):  # the order in which tools/portability.py counts the numbers
        if len(new[key]) != len(ref[key]):
            problems.append(f"{key}: {len(ref[key])} stored outputs, {len(new[key])} new ones")
            continue
        for a, b in zip(ref[key], new[key], strict=True):
            problems += [f"{key}: {p}" for p in compare_text(a, b, tol, start)]
            start += len(split_numbers(a)[1]) if isinstance(a, str) else 0
    if tol.each is not None and start != len(tol.each):
        problems.append(f"the tolerance lists {len(tol.each)} bounds but the cell prints {start} "
                        "numbers; run make tolerances")
    return problems


def _tolerant_compare(item, tol: CellTolerance):
    """Return a compare_outputs method for one nbval cell item, applying ``tol``."""

    def compare(test, ref, skip_compare=None):
        skip = tuple(skip_compare or item.parent.skip_compare)
        problems = compare_outputs(test, ref, tol, skip, item.sanitize)
        item.comparison_traceback = [f"Outputs differ beyond the tolerance ({tol.describe()}) "
                                     "declared in this cell's metadata:", *problems]
        return not problems

    return compare


def evaluate_checks(kernel, checks: list[str], timeout: float = 60.0) -> list[str]:
    """Evaluate each check in the running kernel; return a line for each that is not true."""
    expressions = {f"check{k}": f"bool({c})" for k, c in enumerate(checks)}
    msg_id = kernel.kc.execute("", silent=True, store_history=False,
                               user_expressions=expressions, allow_stdin=False)
    while True:
        reply = kernel.get_message(stream="shell", timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    results = reply["content"].get("user_expressions", {})
    problems = []
    for name, check in zip(expressions, checks, strict=True):
        result = results.get(name, {})
        if result.get("status") != "ok":
            problems.append(f"check {check!r} raised {result.get('ename', '?')}: "
                            f"{result.get('evalue', 'no result')}")
        elif result.get("data", {}).get("text/plain") != "True":
            problems.append(f"check {check!r} is false")
    return problems


def _checked_runtest(item, checks: list[str]):
    """Return a runtest method that runs the cell as nbval does, then its checks."""
    runtest = item.runtest

    def run() -> None:
        runtest()
        problems = evaluate_checks(item.parent.kernel, checks)
        if problems:
            item.raise_cell_error("Cell checks failed (the cell's \"checks\" metadata)",
                                  "\n".join(problems))

    return run


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Give nbval cells their metadata's tolerant comparison and checks."""
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or not hasattr(item, "compare_outputs"):
            continue
        where = f"{item.nodeid}"
        metadata = cell.get("metadata", {})
        checks = checks_of(metadata, where)
        if checks:
            item.runtest = _checked_runtest(item, checks)
        tol = tolerance_of(metadata, where)
        if tol is None:
            continue
        if "nbval-ignore-output" in metadata.get("tags", []):
            raise ToleranceError(f"{where}: declares a tolerance and nbval-ignore-output; "
                                 "keep one")
        item.compare_outputs = _tolerant_compare(item, tol)
