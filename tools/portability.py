"""Run the lessons as other machines would, and calibrate the cells' tolerances from it.

Each matrix entry stands in for another kind of machine: one core (TensorFlow sizes its thread
pools by the cores it may use), other OpenBLAS kernels (NumPy's matrix products on other CPU
types), another TensorFlow intra-op thread count. Commands (run from the repository root):

    python -m tools.portability test [ENTRY ...]      nbval against the stored outputs
                                                      (make test-portable)
    python -m tools.portability measure [ENTRY ...]   execute the lessons under each entry and
                                                      record every printed number
    python -m tools.portability calibrate             write each cell's tolerance from the record
    python -m tools.portability report                docs/portability.md from the record
    python -m tools.portability observe --dir D --rev R ENTRY ...
                                                      add executed copies (D/ENTRY/*.ipynb,
                                                      run from git revision R) to the record

The record (tests/portability/observations.json) keeps, for each code cell, the numbers it
printed in every run measured so far, including the stored outputs of earlier machines, so a
tolerance covers every value seen, whichever of them is the stored one.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers.setup import SEED_OFFSET_ENV
from tools.environment import FIXED, lesson_environment
from tools.nbval_tolerance import METADATA_KEY, flatten, split_numbers, to_float, vary_of

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RECORD = ROOT / "tests" / "portability" / "observations.json"
REPORT = ROOT / "docs" / "portability.md"
SANITIZE = ROOT / "tests" / "sanitize.cfg"
MARGIN = 2.0  # a tolerance is twice the widest spread measured, rounded up to 2 digits
SKIP = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
        "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")


@dataclass(frozen=True)
class Entry:
    """One stand-in for another machine: environment variables and/or a CPU set."""

    name: str
    why: str
    env: dict[str, str] = field(default_factory=dict)
    cpus: str | None = None  # for taskset -c

    def command(self, argv: list[str]) -> list[str]:
        """Return ``argv`` prefixed with taskset when the entry pins CPUs."""
        return ["taskset", "-c", self.cpus, *argv] if self.cpus else argv


# The matrix `make test-portable` and CI run.
MATRIX = [
    Entry("one-core", "a one-core machine: TensorFlow and OpenBLAS on one thread", cpus="0"),
    Entry("openblas-sandybridge", "an AVX (no AVX2) CPU's OpenBLAS kernel",
          {"OPENBLAS_CORETYPE": "Sandybridge"}),
    Entry("openblas-nehalem", "an SSE4 (no AVX) CPU's OpenBLAS kernel",
          {"OPENBLAS_CORETYPE": "Nehalem"}),
    Entry("tf-1-thread", "TensorFlow on one intra-op thread, NumPy on all cores",
          {"TF_NUM_INTRAOP_THREADS": "1"}),
]
# Measured for the tolerances too, but not run by CI (it found two cells the matrix had not
# moved: a held-out entry until then).
EXTRA = [
    Entry("openblas-prescott", "an SSE3 CPU's OpenBLAS kernel", {"OPENBLAS_CORETYPE": "Prescott"}),
]
# Further stand-ins of the same kinds, never measured: run to check that the tolerances hold
# beyond the entries they were calibrated on.
HELD_OUT = [
    Entry("openblas-core2", "an SSSE3 CPU's OpenBLAS kernel", {"OPENBLAS_CORETYPE": "Core2"}),
    Entry("tf-4-threads", "TensorFlow on four intra-op threads (a four-core laptop)",
          {"TF_NUM_INTRAOP_THREADS": "4"}),
    Entry("one-core-sandybridge", "one core with an AVX CPU's OpenBLAS kernel",
          {"OPENBLAS_CORETYPE": "Sandybridge"}, cpus="1"),
]
ENTRIES = {e.name: e for e in [Entry("here", "this machine as it is"), *MATRIX, *EXTRA,
                               *HELD_OUT]}

# Another machine's training drifts like another seed: every training seed shifted by k
# (helpers.setup.SEED_OFFSET_ENV). `make calibrate` measures seed-1 .. seed-N.
SEED_PREFIX = "seed-"
CALIBRATION_SEEDS = 8
PASS_PROBABILITY = 0.99  # the whole series, under a seed offset never measured


def seed_entry(offset: int) -> Entry:
    """Return the stand-in that shifts every training seed by ``offset``."""
    return Entry(f"{SEED_PREFIX}{offset}", f"every training seed shifted by {offset}",
                 {SEED_OFFSET_ENV: str(offset)})


# CI's one pass for another machine: a seed offset no calibration uses, another BLAS kernel.
UNSEEN = Entry("unseen-seed-sandybridge", "a seed offset never calibrated on, with an AVX "
               "(no AVX2) CPU's OpenBLAS kernel",
               {SEED_OFFSET_ENV: "1009", "OPENBLAS_CORETYPE": "Sandybridge"})
ENTRIES[UNSEEN.name] = UNSEEN



ONLY: list[str] = []  # lesson numbers to restrict to (--lessons), e.g. ["05", "06"]


def lessons() -> list[Path]:
    """Return the lesson notebooks in order (those of --lessons, if given)."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not ONLY or p.name[:2] in ONLY]


def environment(entry: Entry, cache: Path | None = None) -> dict[str, str]:
    """Return the process environment for one entry (MNIST_PATH kept from the caller).

    ``cache`` is the entry's own folder for lesson 05's saved network (MNIST_NN_CACHE), so
    that lesson 07 never loads a network trained under another entry.
    """
    # What the machine sets (OPENBLAS_CORETYPE on some) stays; the tests' fixed variables win.
    env = lesson_environment({**os.environ, **FIXED})
    env.update(entry.env)
    if cache is not None:
        env["MNIST_NN_CACHE"] = str(cache)
    return env


def pick(names: list[str], default: list[Entry]) -> list[Entry]:
    """Return the entries named (all of ``default`` if none), or exit naming the unknown one."""
    for name in names:
        if re.fullmatch(rf"{SEED_PREFIX}\d+", name):
            ENTRIES.setdefault(name, seed_entry(int(name[len(SEED_PREFIX):])))
    unknown = [n for n in names if n not in ENTRIES]
    if unknown:
        sys.exit(f"unknown matrix entry {unknown}; choose from {sorted(ENTRIES)} or "
                 f"{SEED_PREFIX}K (every training seed shifted by K)")
    return [ENTRIES[n] for n in names] if names else default


# --- make test-portable -------------------------------------------------------------------

def run_nbval(entry: Entry, paths: list[Path], log_dir: Path,
              workers: int = 1) -> tuple[Entry, int, str, float]:
    """Run nbval over ``paths`` under one entry; return (entry, exit code, summary, seconds)."""
    log = log_dir / f"{entry.name}.log"
    spread_out = ["-n", str(workers), "--dist", "loadscope"] if workers > 1 else ["-p", "no:xdist"]
    argv = entry.command([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          *spread_out, *map(str, paths)])
    start = time.perf_counter()
    env = environment(entry, log_dir / f"{entry.name}-cache")
    with log.open("w") as out:
        code = subprocess.call(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    lines = [ln for ln in log.read_text().splitlines() if re.search(r"\d+ (passed|failed)", ln)]
    return entry, code, (lines[-1].strip("= ") if lines else "no summary"), \
        time.perf_counter() - start


CHEAP_SECONDS = 30.0  # a lesson this quick to run is checked under every entry by --share


def moved_cells(record: dict, lesson: Path, entry: Entry) -> int:
    """Return how many of a lesson's stored cells printed other numbers under ``entry``."""
    moved = 0
    for cell in (c for c in stored_lesson(lesson.name).cells if c.cell_type == "code"):
        _, numbers, _ = printed(cell)
        runs = record["cells"].get(f"{lesson.name}::{cell_key(cell)}", {}).get("runs", {})
        moved += any(run != numbers for label, run in runs.items()
                     if label.split("@")[0] == entry.name and run is not None)
    return moved


def share(entries: list[Entry]) -> dict[str, list[Path]]:
    """Return, per entry, the lessons it runs when the matrix is shared out (CI's budget).

    A lesson that runs in under CHEAP_SECONDS (the median of its measured runs) runs under
    every entry. A
    slower one runs under the entry that moved most of its cells when measured (the one most
    likely to catch a tolerance that no longer holds); ties go to the least loaded entry.
    """
    record = load_record()
    plan: dict[str, list[Path]] = {e.name: [] for e in entries}
    for lesson in lessons():
        seconds = list(record.get("seconds", {}).get(lesson.name, {}).values())
        if seconds and statistics.median(seconds) <= CHEAP_SECONDS:  # median: load varies
            for e in entries:
                plan[e.name].append(lesson)
            continue
        moved = {e.name: moved_cells(record, lesson, e) for e in entries}
        top = [e.name for e in entries if moved[e.name] == max(moved.values())]
        plan[min(top, key=lambda name: len(plan[name]))].append(lesson)  # ties: spread the load
    return plan


def expected_seconds(plan: dict[str, list[Path]]) -> dict[str, float]:
    """Return each entry's expected run time: its lessons' recorded seconds under it, added.

    A lesson not recorded under that entry counts with its median over the other entries,
    or CHEAP_SECONDS when it was never timed.
    """
    record = load_record().get("seconds", {})
    out = {}
    for name, planned in plan.items():
        total = 0.0
        for lesson in planned:
            times = record.get(lesson.name, {})
            total += times.get(name, statistics.median(times.values()) if times
                               else CHEAP_SECONDS)
        out[name] = total
    return out


def test(entries: list[Entry], jobs: int, shared: bool = False) -> int:
    """Run nbval under each entry, ``jobs`` at a time; print a table; return 0 if all pass."""
    log_dir = Path(tempfile.mkdtemp(prefix="portability-"))
    plan = share(entries) if shared else {e.name: lessons() for e in entries}
    # Longest first: the short entries then fill the other slots instead of delaying the long
    # one (in CI's shared matrix this saved the length of two short entries).
    expected = expected_seconds(plan)
    entries = sorted((e for e in entries if plan[e.name]), key=lambda e: -expected[e.name])
    for e in entries if shared else []:
        print(f"{e.name}: {' '.join(p.name[:2] for p in plan[e.name])}")
    runs = sum(map(len, plan.values()))
    print(f"nbval: {runs} lesson runs under {len(entries)} stand-ins for other machines, "
          f"{jobs} at a time (logs in {log_dir})", flush=True)
    start = time.perf_counter()
    workers = jobs if len(entries) == 1 else 1  # one entry: its lessons on `jobs` processes
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda e: run_nbval(e, plan[e.name], log_dir, workers),
                                entries))
    width = max(len(e.name) for e in entries)
    print(f"\n{'entry':<{width}}  {'result':<36} {'seconds':>7}  stands in for")
    for entry, _, summary, seconds in results:
        print(f"{entry.name:<{width}}  {summary[:36]:<36} {seconds:7.0f}  {entry.why}")
    failed = [e.name for e, code, _, _ in results if code != 0]
    print(f"\nmatrix wall time {time.perf_counter() - start:.0f} s")
    for name in failed:
        print(f"FAILED under {name}: see {log_dir / (name + '.log')}")
    return 1 if failed else 0


# --- measure, calibrate, report -------------------------------------------------------------

def sanitize(text):
    """Apply tests/sanitize.cfg to a string, as nbval does (with nbval's own parser)."""
    from nbval.plugin import get_sanitize_patterns

    if not isinstance(text, str):
        return text
    for regex, replace in get_sanitize_patterns(SANITIZE.read_text()):
        text = re.sub(regex, replace, text)
    return text


def cell_key(cell) -> str:
    """Return a key for a code cell that changes when its source changes."""
    digest = hashlib.sha256(cell.source.encode()).hexdigest()[:12]
    return f"{cell.get('id', '')}:{digest}"


def printed(cell) -> tuple[str, list[str], list[str]]:
    """Return a cell's outputs as nbval compares them: masked text, numbers, labels."""
    from nbval.plugin import coalesce_streams

    outputs = coalesce_streams([nbformat.from_dict(o) for o in cell.get("outputs", [])])
    flat = flatten(outputs, SKIP, sanitize)
    texts, numbers, labels = [], [], []
    for key in sorted(flat):
        for value in flat[key]:
            if isinstance(value, str):
                masked, nums, labs = split_numbers(value)
                texts.append(f"{key}: {masked}")
                numbers += nums
                labels += labs
            else:
                texts.append(f"{key}: {value!r}")
    return "\n".join(texts), numbers, labels


def load_record() -> dict:
    """Return the observations record (empty if there is none yet)."""
    return json.loads(RECORD.read_text()) if RECORD.exists() else {"cells": {}}


def save_record(record: dict) -> None:
    """Write the observations record, sorted for small diffs."""
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def stored_lesson(lesson: str, rev: str | None = None):
    """Return a lesson as committed at git revision ``rev``, or as on disk now."""
    if rev is None:
        return nbformat.read(NOTEBOOKS / lesson, as_version=4)
    text = subprocess.run(["git", "show", f"{rev}:notebooks/{lesson}"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    return nbformat.reads(text, as_version=4)


def observe(record: dict, lesson: str, label: str, nb, rev: str | None = None) -> list[str]:
    """Add one executed copy's printed numbers to the record; return cells whose words moved."""
    moved = []
    stored = stored_lesson(lesson, rev)
    code = [c for c in stored.cells if c.cell_type == "code"]
    ran = [c for c in nb.cells if c.cell_type == "code"]
    for k, (ref, new) in enumerate(zip(code, ran, strict=True)):
        if "nbval-ignore-output" in ref.metadata.get("tags", []):
            continue
        key = cell_key(ref)
        text, numbers, labels = printed(ref)
        entry = record["cells"].setdefault(f"{lesson}::{key}", {})
        if entry.get("text") != text:
            entry.clear()
            entry.update(text=text, labels=labels, cell=k, runs={})
        stored_tag = hashlib.sha256(" ".join(numbers).encode()).hexdigest()[:8]
        entry["runs"].setdefault(f"stored:{stored_tag}", numbers)
        new_text, new_numbers, _ = printed(new)
        if new_text != text or len(new_numbers) != len(numbers):
            moved.append(f"{lesson} cell {k}")
            entry["runs"][label] = None  # words or layout moved: no tolerance can cover it
        else:
            entry["runs"][label] = new_numbers
    return moved


def machine_tag() -> str:
    """Return a short name for this CPU type (family.model-vector units), e.g. cpu25.17-avx2."""
    from tools.bench import cpuinfo

    fields = cpuinfo()
    flags = fields.get("flags", "").split()
    vec = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "sse"
    return f"cpu{fields.get('cpu family', '?')}.{fields.get('model', '?')}-{vec}"


def measure(entries: list[Entry], jobs: int) -> int:
    """Execute every lesson under each entry and add what it printed to the record."""
    tmp = Path(tempfile.mkdtemp(prefix="portability-measure-"))
    tag = machine_tag()

    def run(entry: Entry) -> tuple[Entry, int]:
        argv = entry.command([sys.executable, "-m", "tools.portability", "_execute",
                              str(tmp / entry.name), "--lessons", *[p.name[:2] for p in lessons()]])
        with (tmp / f"{entry.name}.log").open("w") as log:
            env = environment(entry, tmp / f"{entry.name}-cache")
            return entry, subprocess.call(argv, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT)

    start = time.perf_counter()
    # The lessons as they are now: a commit of the work tree, or HEAD's commit id if it is clean
    # (resolved here, not when the runs end: a commit made meanwhile must not change the keys).
    rev = subprocess.run(["git", "stash", "create"], cwd=ROOT, capture_output=True,
                         text=True).stdout.strip() or subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout.strip()
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(run, entries))
    for entry, code in results:
        if code != 0:
            print(f"{entry.name}: execution failed, see {tmp / (entry.name + '.log')}")
    observe_dir(tmp, [e.name for e, code in results if code == 0], tag, rev)
    print(f"measured {len(entries)} entries in {time.perf_counter() - start:.0f} s; "
          f"record: {RECORD.relative_to(ROOT)}")
    return 0 if all(code == 0 for _, code in results) else 1


def observe_dir(tmp: Path, names: list[str], tag: str, rev: str | None) -> None:
    """Add the executed copies in ``tmp/NAME/`` to the record, against the lessons at ``rev``."""
    record = load_record()
    for name in names:
        timings = tmp / name / "seconds.json"
        for lesson, seconds in json.loads(timings.read_text()).items() if timings.exists() else []:
            record.setdefault("seconds", {}).setdefault(lesson, {})[name] = seconds
        for path in lessons():
            nb = nbformat.read(tmp / name / path.name, as_version=4)
            for where in observe(record, path.name, f"{name}@{tag}", nb, rev):
                print(f"{name}: the words, not only the numbers, moved in {where}")
    save_record(record)


def nice_ceil(x: float) -> float:
    """Return ``x`` rounded up to two significant digits (0.00437 -> 0.0044)."""
    unit = 10.0 ** (math.floor(math.log10(x)) - 1)
    return float(f"{math.ceil(x / unit * (1 - 1e-9)) * unit:.2g}")


def t_upper(p: float, dof: int) -> float:
    """Return Student's t quantile with upper tail ``p`` for ``dof`` degrees of freedom."""
    scale = math.exp(math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2)) / math.sqrt(dof * math.pi)

    def tail(t: float) -> float:  # the integral of the density from t to infinity, x = t / u
        steps = 2000
        return sum(scale * (1 + (t / u) ** 2 / dof) ** (-(dof + 1) / 2) * t / u ** 2
                   for u in ((k + 0.5) / steps for k in range(steps))) / steps

    low, high = 0.0, 1e4
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if tail(mid) > p else (low, mid)
    return high


@functools.cache  # called once per number; the quantile takes a moment to compute
def seed_factor(n_seeds: int, compared: int) -> float:
    """Return k such that |new - stored| <= k * sd holds for every one of ``compared`` numbers.

    A run under an unseen seed and the stored run are two draws of each number, so their
    difference has sd sqrt(2) sigma; sigma is estimated from ``n_seeds`` draws (Student's t
    with n_seeds - 1 degrees of freedom). Each number may fail with probability at most
    (1 - PASS_PROBABILITY) / compared, so that by the union bound (Bonferroni, which holds
    however the numbers are correlated) the whole series passes with PASS_PROBABILITY.
    """
    p = (1 - PASS_PROBABILITY) / max(compared, 1)
    return math.sqrt(2) * t_upper(p / 2, n_seeds - 1)


@dataclass
class Number:
    """One compared number of a cell: its stored value and the values seen elsewhere."""

    index: int
    label: str
    stored: float
    seeds: list[float]  # the stored value and one per seed offset measured
    machines: list[float]  # the stored value and one per stand-in (and older stored outputs)

    @property
    def sd(self) -> float:
        """Return the standard deviation over seeds (0 with fewer than three draws)."""
        return statistics.stdev(self.seeds) if len(self.seeds) >= 3 else 0.0

    @property
    def machine_range(self) -> float:
        """Return the widest move under the stand-ins for other machines."""
        return max(self.machines) - min(self.machines)

    def need(self, compared: int) -> float:
        """Return the absolute tolerance this number needs (0 if it never moved).

        ``compared`` is how many numbers of the series move with the seed (see seed_factor).
        """
        seed = seed_factor(len(self.seeds), compared) * self.sd if self.sd else 0.0
        return max(seed, MARGIN * self.machine_range)


def numbers_of(entry: dict, stored: list[str], vary: frozenset[str] = frozenset()) -> list[Number]:
    """Return a cell's compared numbers with their seed and machine draws from the record."""
    out = []
    runs = {k: r for k, r in entry["runs"].items() if r is not None and len(r) == len(stored)}
    for i, label in enumerate(entry["labels"]):
        if label in vary:
            continue
        value = to_float(stored[i])
        seeds = [value] + [to_float(r[i]) for k, r in runs.items() if k.startswith(SEED_PREFIX)]
        machines = [value] + [to_float(r[i]) for k, r in runs.items()
                              if not k.startswith(SEED_PREFIX)]
        out.append(Number(i, label, value, seeds, machines))
    return out


def tolerance_for(entry: dict, stored: list[str] | None = None, compared: int = 1,
                  vary: frozenset[str] = frozenset()) -> dict | None:
    """Return the tolerance metadata that covers a cell's measured spread, or None if exact.

    One absolute bound per printed number (``{"each": [...]}``, 0 for a number that never
    moved): seed_factor(its draws, ``compared``) times its seed sd, and at least MARGIN times
    its widest move under the stand-ins, rounded up to two significant digits.
    """
    if stored is None:
        stored = next(r for k, r in entry["runs"].items() if k.startswith("stored:"))
    needs = {n.index: n.need(compared) for n in numbers_of(entry, stored, vary)}
    each = [nice_ceil(needs[i]) if needs.get(i, 0.0) > 0 else 0.0 for i in range(len(stored))]
    return {"each": each} if any(each) else None


def calibration_cells(record: dict):
    """Yield (lesson, code cell index, cell, record entry) for every compared, recorded cell."""
    for path in lessons():
        nb = nbformat.read(path, as_version=4)
        for k, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            entry = record.get(f"{path.name}::{cell_key(cell)}")
            if entry is None or "nbval-ignore-output" in cell.metadata.get("tags", []):
                continue
            yield path, k, cell, entry


def series_factor(record: dict) -> tuple[float, int, int]:
    """Return (factor at the fewest draws, fewest draws, numbers that move with the seed)."""
    moving, draws = 0, []
    for _, _, cell, entry in calibration_cells(record):
        if any(r is None for r in entry["runs"].values()):
            continue
        for number in numbers_of(entry, printed(cell)[1], vary_of(cell.metadata)):
            if number.sd > 0:
                moving += 1
                draws.append(len(number.seeds))
    if not draws:
        return 0.0, 0, 0
    n = min(draws)
    return seed_factor(n, moving), n, moving


def calibrate() -> int:
    """Write each code cell's tolerance metadata from the record; keep outputs untouched."""
    record = load_record()["cells"]
    factor, n, moving = series_factor(record)
    print(f"{moving} numbers move with the seed (at least {n} draws each): tolerance up to "
          f"{factor:.2f} sd (each fails with probability <= "
          f"{(1 - PASS_PROBABILITY) / max(moving, 1):.1e}, so the series passes an unseen "
          f"seed with probability >= {PASS_PROBABILITY:.0%})")
    changed = 0
    for path in lessons():
        nb = nbformat.read(path, as_version=4)
        for cell in (c for c in nb.cells if c.cell_type == "code"):
            entry = record.get(f"{path.name}::{cell_key(cell)}")
            if entry is None or "nbval-ignore-output" in cell.metadata.get("tags", []):
                continue
            if any(r is None for r in entry["runs"].values()):
                print(f"{path.name} cell {entry['cell']}: its words move between runs; "
                      "change what it prints (no tolerance can cover that)")
                continue
            want = tolerance_for(entry, printed(cell)[1], moving, vary_of(cell.metadata))
            if cell.metadata.get(METADATA_KEY) != want:
                changed += 1
                if want is None:
                    cell.metadata.pop(METADATA_KEY, None)
                else:
                    cell.metadata[METADATA_KEY] = want
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    print(f"tolerances written: {changed} cells changed")
    return 0


def describe(tol: dict | None) -> str:
    """Return a tolerance's metadata as a short text, e.g. ``abs 0.002; loss: rel 0.05``."""
    if not tol:
        return "exact"
    parts = [f"{k} {v:g}" for k, v in tol.items() if k in ("abs", "rel")]
    parts += [f"{k}: " + ", ".join(f"{a} {b:g}" for a, b in v.items())
              for k, v in tol.items() if isinstance(v, dict)]
    return "; ".join(parts)


def number_rows(record: dict, compared: int) -> dict[str, list[str]]:
    """Return, per lesson, a table row for every compared number that moved in any run."""
    from tools.nbval_tolerance import tolerance_of

    rows: dict[str, list[str]] = {}
    for path, k, cell, entry in calibration_cells(record):
        if any(r is None for r in entry["runs"].values()):
            continue
        tol = tolerance_of(cell.metadata)
        for number in numbers_of(entry, printed(cell)[1], vary_of(cell.metadata)):
            if not number.need(compared):
                continue
            rule = tol.for_number(number.index, number.label) if tol else None
            bound = max(rule.abs, rule.rel * abs(number.stored)) if rule else 0.0
            kind = f"seed ({len(number.seeds)} draws)" if number.sd else "machine"
            rows.setdefault(path.name, []).append(
                f"| {k} | {number.index + 1} {number.label} | {number.stored:g} | "
                f"{statistics.mean(number.seeds):.4g} | {number.sd:.2g} | "
                f"{number.machine_range:.2g} | {kind} | {bound:.2g} |")
    return rows


def write_report() -> int:
    """Write docs/portability.md: how each tolerance follows from the seeds and stand-ins."""
    record = load_record()["cells"]
    factor, n, moving = series_factor(record)
    runs = sorted({name for e in record.values() for name in e["runs"]
                   if not name.startswith("stored:")})
    lines = ["# Portability: how far each lesson's numbers move, and why each tolerance is what "
             "it is", "",
             "Written by `make calibrate` (tools/portability.py) from "
             "`tests/portability/observations.json`. The stored outputs come from seed 42 (every "
             "lesson's training seeds as written) on one machine. Training is chaotic: on another "
             "CPU it drifts like another seed. So every lesson is run again with every training "
             "seed shifted by K (`MNIST_NN_SEED_OFFSET=K`, which learners never see), and under "
             "stand-ins for other machines (one core, other OpenBLAS kernels, another TensorFlow "
             "thread count).", "",
             "A number that moves with the seed gets a tolerance of k standard deviations of "
             f"its seed spread, where k follows from its number of draws n (the stored one "
             "included): a run under an unseen seed and the stored run are two draws, so their "
             "difference has sd sqrt(2) sigma, and sigma is estimated from n draws; k is sqrt(2) "
             "times Student's t quantile with n - 1 degrees of freedom for a two-sided tail of "
             f"{1 - PASS_PROBABILITY:.0%} / {moving}, {moving} being the numbers of the series "
             "that move with the seed. By the union bound (which holds however the numbers are "
             "correlated) the whole series then passes under an unseen seed with probability at "
             f"least {PASS_PROBABILITY:.0%}. With {n} draws, the fewest here, k = {factor:.2f}; "
             f"{', '.join(f'with {d} draws k = {seed_factor(d, moving):.2f}' for d in (9, 12))}. "
             f"Deterministic maths (numbers that never move with the seed) keeps {MARGIN:g} times "
             "its widest move under the stand-ins. Every tolerance is also at least that, and is "
             "rounded up to two significant digits.", "",
             "Runs measured (entry@cpu family.model-vector units), besides the stored outputs of "
             "every version of each cell measured:", ""]
    lines += [f"- `{name}`" for name in runs]
    lines += ["", "## Every number that moved", "",
              "Columns: code cell; the number's position in the cell's output and its label; "
              "the stored value; the mean and standard deviation over the seed draws; the widest "
              "move under the stand-ins; what sets its tolerance; the tolerance (absolute, as "
              "applied to the stored value).", ""]
    for lesson, rows in number_rows(record, moving).items():
        lines += [f"### {lesson}", "",
                  "| cell | number | stored | seed mean | seed sd | machine move | from | "
                  "tolerance |", "|--:|:--|--:|--:|--:|--:|:--|--:|", *rows, ""]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[lines.index("## Every number that moved"):]))
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


def _execute(out_dir: str) -> int:
    """Execute every lesson into ``out_dir`` (run inside an entry's environment)."""
    from tools.execute import execute

    problems, seconds = [], {}
    for path in lessons():
        start = time.perf_counter()
        problems += execute(path, Path(out_dir) / path.name)
        seconds[path.name] = round(time.perf_counter() - start, 1)
    (Path(out_dir) / "seconds.json").write_text(json.dumps(seconds))
    for line in problems:
        print("PROBLEM:", line)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m tools.portability", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["test", "measure", "calibrate", "report",
                                            "observe", "_execute"])
    parser.add_argument("entries", nargs="*", help="matrix entries, before any --lessons "
                        "(default: the CI matrix)")
    parser.add_argument("--jobs", type=int, default=2, help="entries run at once (default 2)")
    parser.add_argument("--dir", type=Path, help="observe: the folder of executed copies")
    parser.add_argument("--rev", help="observe: the git revision the copies were run from")
    parser.add_argument("--lessons", nargs="+", default=[], help="only these, e.g. 05 06")
    parser.add_argument("--seeds", type=int, default=CALIBRATION_SEEDS,
                        help=f"measure: seed offsets 1..N when no entry is named (default "
                             f"{CALIBRATION_SEEDS})")
    parser.add_argument("--share", action="store_true",
                        help="test: quick lessons under every entry, each slower one under the "
                             "entry that moved it most (CI's time budget)")
    args = parser.parse_args(argv)
    ONLY[:] = args.lessons
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.command == "test":
        return test(pick(args.entries, MATRIX), args.jobs, args.share)
    if args.command == "measure":
        seeds = [seed_entry(k) for k in range(1, args.seeds + 1)]
        return measure(pick(args.entries, [*seeds, *MATRIX, *EXTRA]), args.jobs)
    if args.command == "observe":
        observe_dir(args.dir, args.entries, machine_tag(), args.rev)
        return 0
    if args.command == "calibrate":
        return calibrate()
    if args.command == "report":
        return write_report()
    return _execute(args.entries[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
