"""Check that requirements.txt installs on every supported platform and Python, without installing.

For each platform/Python pair, pip's resolver looks up every pin that applies there (its
environment markers evaluated for that platform) on the package index, for binary wheels of
that platform and Python only (``pip install --dry-run --only-binary=:all: --platform ...``).
Then every dependency those wheels declare for that platform must itself be pinned, at a
version that satisfies it, so `make setup` there installs exactly the pins and nothing else.

Usage: python -m tools.platforms [--pip PIP] [--requirements FILE] [PAIR ...]
PAIR is e.g. macos-arm64/3.12; the default is every supported pair.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
# The release each is checked as: some pins need 3.11.5 or newer (soupsieve 4.1.2).
PATCH = {"3.11": "3.11.5", "3.12": "3.12.0", "3.13": "3.13.0"}


def _manylinux(arch: str) -> list[str]:
    """Return the manylinux tags a current Linux (glibc 2.28 or newer) accepts for ``arch``."""
    return [f"manylinux_2_{minor}_{arch}" for minor in (28, 27, 26, 17)] + \
        [f"manylinux2014_{arch}"]


# Supported platforms: pip --platform tags, and the marker values of such a machine.
PLATFORMS = {
    "linux-x86_64": (_manylinux("x86_64"), {"sys_platform": "linux", "platform_system": "Linux",
                                            "platform_machine": "x86_64", "os_name": "posix"}),
    "linux-aarch64": (_manylinux("aarch64"), {"sys_platform": "linux",
                                              "platform_system": "Linux",
                                              "platform_machine": "aarch64",
                                              "os_name": "posix"}),
    "macos-arm64": (["macosx_14_0_arm64"], {"sys_platform": "darwin",
                                            "platform_system": "Darwin",
                                            "platform_machine": "arm64", "os_name": "posix"}),
    "windows-x86_64": (["win_amd64"], {"sys_platform": "win32", "platform_system": "Windows",
                                       "platform_machine": "AMD64", "os_name": "nt"}),
}
PAIRS = [f"{platform}/{python}" for platform in PLATFORMS for python in PYTHONS]


def marker_env(platform: str, python: str) -> dict[str, str]:
    """Return the environment markers of a ``platform`` machine running CPython ``python``."""
    return {**PLATFORMS[platform][1], "python_version": python,
            "python_full_version": PATCH[python], "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "implementation_version": PATCH[python],
            "platform_release": "", "platform_version": "", "extra": ""}


def pins_for(requirements: Path, env: dict[str, str]) -> dict[str, Requirement]:
    """Return the pins of ``requirements`` that apply in ``env``, by canonical name."""
    pins = {}
    for n, line in enumerate(requirements.read_text().splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        spec = list(req.specifier)
        if len(spec) != 1 or spec[0].operator != "==":
            raise SystemExit(f"{requirements.name}:{n}: {line!r} is not an exact pin "
                             "(name==version)")
        pins[canonicalize_name(req.name)] = req
    return pins


def check_pair(pair: str, requirements: Path, pip: list[str]) -> list[str]:
    """Return the problems of one platform/Python pair (an empty list if it installs)."""
    platform, python = pair.split("/")
    env = marker_env(platform, python)
    pins = pins_for(requirements, env)
    with tempfile.TemporaryDirectory() as tmp:
        flat = Path(tmp) / "requirements.txt"
        flat.write_text("".join(f"{r.name}{r.specifier}\n" for r in pins.values()))
        report = Path(tmp) / "report.json"
        cmd = [*pip, "install", "--dry-run", "--quiet", "--ignore-installed", "--no-deps",
               "--only-binary=:all:", "--implementation", "cp", "--python-version", PATCH[python],
               *[arg for tag in PLATFORMS[platform][0] for arg in ("--platform", tag)],
               "--target", str(Path(tmp) / "target"), "--report", str(report), "-r", str(flat)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("ERROR")]
            return [f"{pair}: no wheel: {ln.removeprefix('ERROR: ')}" for ln in errors] or \
                [f"{pair}: pip failed: {proc.stderr[-500:]}"]
        installed = json.loads(report.read_text())["install"]
    problems = []
    for item in installed:
        meta = item["metadata"]
        for dep in map(Requirement, meta.get("requires_dist") or []):
            if dep.marker is not None and not dep.marker.evaluate(env):
                continue  # another platform's, or an optional extra's
            pin = pins.get(canonicalize_name(dep.name))
            if pin is None:
                problems.append(f"{pair}: {meta['name']} needs {dep} there, and "
                                "requirements.txt pins no version of it")
            elif not dep.specifier.contains(next(iter(pin.specifier)).version,
                                            prereleases=True):
                problems.append(f"{pair}: {meta['name']} needs {dep}, requirements.txt "
                                f"pins {pin}")
    return problems


def main(argv: list[str]) -> int:
    """Check the pairs asked for (all by default); print one line each; 1 if any fails."""
    parser = argparse.ArgumentParser(prog="python -m tools.platforms", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="*", default=PAIRS, help="e.g. macos-arm64/3.12")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--pip", default=f"{sys.executable} -m pip",
                        help="the pip command to resolve with (default: this Python's)")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pairs if p not in PAIRS]
    if unknown:
        parser.error(f"unknown pair {unknown}; choose from {', '.join(PAIRS)}")
    if not args.requirements.is_file():
        parser.error(f"no requirements file at {args.requirements}")
    pip = args.pip.split()
    with ThreadPoolExecutor(6) as pool:
        results = dict(zip(args.pairs, pool.map(
            lambda pair: check_pair(pair, args.requirements, pip), args.pairs), strict=True))
    for pair, problems in results.items():
        print(f"{pair:<22} {'ok' if not problems else 'FAILS'}")
        for line in problems:
            print(f"    {line}")
    bad = sum(1 for p in results.values() if p)
    print(f"{len(results) - bad} of {len(results)} platform/Python pairs install from "
          f"{args.requirements.name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
