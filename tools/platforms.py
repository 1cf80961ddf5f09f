"""Check that requirements.txt installs on every supported platform and Python, without installing.

For each platform/Python pair, a resolver takes the pins that apply there (their environment
markers evaluated for that platform) and resolves them against the package index, from binary
wheels of that platform and Python only, with every dependency those wheels declare there:
``uv pip compile --only-binary :all: --python-platform ... --python-version ...``. The pair
passes when the pins resolve and the result is exactly the pins: no pin without a wheel there,
no dependency unpinned or pinned at a version it does not accept. So `make setup` there
installs exactly the pins and nothing else.

uv, not pip, resolves here: pip's dry run reads and ranks every file of every release of each
package on the index (84,000 links for one pair), about 16 CPU-seconds a pair and 200 for the
twelve; uv takes about one for all. Both read the same index and the same wheel tags.

Usage: python -m tools.platforms [--uv UV] [--requirements FILE] [PAIR ...]
PAIR is e.g. macos-arm64/3.12; the default is every supported pair.
"""

from __future__ import annotations

import argparse
import os
import re
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


# Supported platforms: uv's name for each (--python-platform: manylinux 2.28 and older; macOS
# 14, set by MACOSX_DEPLOYMENT_TARGET; Windows amd64), and the marker values of such a machine.
PLATFORMS = {
    "linux-x86_64": ("x86_64-manylinux_2_28", {"sys_platform": "linux",
                                               "platform_system": "Linux",
                                               "platform_machine": "x86_64", "os_name": "posix"}),
    "linux-aarch64": ("aarch64-manylinux_2_28", {"sys_platform": "linux",
                                                 "platform_system": "Linux",
                                                 "platform_machine": "aarch64",
                                                 "os_name": "posix"}),
    "macos-arm64": ("aarch64-apple-darwin", {"sys_platform": "darwin",
                                             "platform_system": "Darwin",
                                             "platform_machine": "arm64", "os_name": "posix"}),
    "windows-x86_64": ("x86_64-pc-windows-msvc", {"sys_platform": "win32",
                                                  "platform_system": "Windows",
                                                  "platform_machine": "AMD64", "os_name": "nt"}),
}
PAIRS = [f"{platform}/{python}" for platform in PLATFORMS for python in PYTHONS]
MACOS_TARGET = "14.0"


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


def resolve_command(uv: list[str], platform: str, python: str, requirements: Path,
                    output: Path) -> list[str]:
    """Return the uv command that resolves ``requirements`` for one platform/Python pair."""
    return [*uv, "pip", "compile", "--quiet", "--no-header", "--only-binary", ":all:",
            "--no-python-downloads", "--python-version", PATCH[python],
            "--python-platform", PLATFORMS[platform][0], "--output-file", str(output),
            str(requirements)]


def resolved_pins(text: str) -> dict[str, tuple[str, list[str]]]:
    """Return ``{name: (version, [what needs it])}`` from ``uv pip compile``'s output."""
    found: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in text.splitlines():
        pin = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line)
        if pin:
            name = canonicalize_name(pin.group(1))
            found[name] = (pin.group(2), [])
        elif name and (via := re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)):
            if via.group(1) != "via":
                found[name][1].append(via.group(1).strip())
    return found


def failure_lines(stderr: str) -> list[str]:
    """Return why uv could not resolve, one line per cause: "no wheel: ..." where that is why."""
    causes = [re.sub(r"^(cause:|╰─▶)\s*", "", ln.strip()) for ln in stderr.splitlines()]
    causes = [c for c in causes if c.startswith("Because")]
    if not causes:
        errors = [ln.strip() for ln in stderr.splitlines() if ln.startswith("error:")]
        return [f"uv failed: {' '.join(errors) or stderr.strip()[-500:]}"]
    return [("no wheel: " if "no wheels" in c or "no usable wheels" in c else
             "does not resolve: ") + c for c in causes]


def check_pair(pair: str, requirements: Path, uv: list[str]) -> list[str]:
    """Return the problems of one platform/Python pair (an empty list if it installs)."""
    platform, python = pair.split("/")
    pins = pins_for(requirements, marker_env(platform, python))
    with tempfile.TemporaryDirectory() as tmp:
        flat = Path(tmp) / "requirements.txt"
        flat.write_text("".join(f"{r.name}{r.specifier}\n" for r in pins.values()))
        output = Path(tmp) / "resolved.txt"
        env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": MACOS_TARGET, "UV_SYSTEM_CERTS": "1"}
        proc = subprocess.run(resolve_command(uv, platform, python, flat, output),
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            return [f"{pair}: {line}" for line in failure_lines(proc.stderr)]
        resolved = resolved_pins(output.read_text())
    problems = []
    for name, (version, needed_by) in resolved.items():
        if name not in pins:
            who = ", ".join(v for v in needed_by if not v.startswith("-r")) or "a pin"
            problems.append(f"{pair}: {who} needs {name} there, and requirements.txt pins "
                            f"no version of it (it would install {name}=={version})")
    return problems


def main(argv: list[str]) -> int:
    """Check the pairs asked for (all by default); print one line each; 1 if any fails."""
    parser = argparse.ArgumentParser(prog="python -m tools.platforms", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="*", default=PAIRS, help="e.g. macos-arm64/3.12")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--uv", default="uv",
                        help="the uv command to resolve with (default: uv on the PATH)")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pairs if p not in PAIRS]
    if unknown:
        parser.error(f"unknown pair {unknown}; choose from {', '.join(PAIRS)}")
    if not args.requirements.is_file():
        parser.error(f"no requirements file at {args.requirements}")
    uv = args.uv.split()
    with ThreadPoolExecutor(6) as pool:
        results = dict(zip(args.pairs, pool.map(
            lambda pair: check_pair(pair, args.requirements, uv), args.pairs), strict=True))
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
