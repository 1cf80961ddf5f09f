"""Lesson 06's KerasTuner search spread over processes: one chief, N workers (gRPC).

KerasTuner's own distributed mode does the work. The *chief* runs the oracle, which picks
each trial's hyperparameters, and serves it over gRPC; each *worker* asks it for a trial,
trains and scores the model, reports back, and asks again until the oracle says stop. Three
environment variables decide a process's role: ``KERASTUNER_TUNER_ID`` (``chief``, or a
worker name such as ``worker0``), ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``
(where the chief listens). Every process runs the same command::

    python -m helpers.distributed run --directory DIR

Each worker loads MNIST itself (from ``$MNIST_PATH``): the data is the only thing the
machines share. :func:`tune_distributed` (``make tune-distributed``) starts a chief and N
workers on this machine (127.0.0.1, a free port), shows one line per finished trial, collects
the results from the chief's directory and stops every process it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import validate
from helpers.data import MNIST_ENV

ENV_ID = "KERASTUNER_TUNER_ID"
ENV_IP = "KERASTUNER_ORACLE_IP"
ENV_PORT = "KERASTUNER_ORACLE_PORT"
LOOPBACK = "127.0.0.1"
PROJECT = "mnist_mlp"
COLUMNS: tuple[str, ...] = ("trial", "units", "layers", "dropout", "lr", "val_accuracy")
# A worker's line for each finished trial; the launcher reads it to tell who ran what.
_DONE = re.compile(r"^(?P<worker>\S+): trial (?P<trial>\d+)/\d+ .*\((?P<seconds>[\d.]+) s\)$")
_FAILED = re.compile(r"^\S+: trial \d+ failed: ")

Row = dict[str, Any]


@dataclass(frozen=True)
class Search:
    """What every process of one search must agree on: budget, data subset, seed."""

    trials: int = 6  # max_trials of the oracle
    n_train: int = 12_000  # the first n_train training images (lesson 06's subset)
    epochs: int = 2
    batch_size: int = 128
    seed: int = 42

    def __post_init__(self) -> None:
        for name in ("trials", "n_train", "epochs", "batch_size"):
            validate.whole_number(getattr(self, name), name)
        validate.seed(self.seed)
        if self.n_train > 55_000:
            raise ValueError(f"n_train={self.n_train} is more than the 55,000 training images.")

    def args(self) -> list[str]:
        """Return the command-line options that give another process this search."""
        return [f"--{name.replace('_', '-')}={getattr(self, name)}"
                for name in ("trials", "n_train", "epochs", "batch_size", "seed")]


# --- one process: chief or worker ------------------------------------------------------------

def build_model(hp: Any) -> Any:
    """Return a compiled MLP for one trial: the search space of lesson 06's KerasTuner section."""
    from helpers import tuning
    from helpers.setup import seed_everything

    seed_everything(42)
    units = hp.Choice("units", [128, 256, 512])
    layers = hp.Int("layers", 1, 2)
    dropout = hp.Choice("dropout", [0.0, 0.1, 0.2])
    lr = hp.Float("lr", 3e-4, 1e-2, sampling="log")
    return tuning.build_mlp(hidden=(units,) * layers, lr=lr, dropout=dropout)


def role() -> str:
    """Return this process's KerasTuner role from the environment: ``chief`` or a worker ID."""
    missing = [name for name in (ENV_ID, ENV_IP, ENV_PORT) if not os.environ.get(name)]
    if missing:
        raise RuntimeError(f"set {', '.join(missing)} first: {ENV_ID}=chief (or worker0, "
                           f"worker1, ...), {ENV_IP}=the chief's address, {ENV_PORT}=its port; "
                           "see the README, 'Tuning on several machines'.")
    return os.environ[ENV_ID]


def _space_order(name: str) -> int:
    return COLUMNS.index(name) if name in COLUMNS else len(COLUMNS)


def format_done(worker: str, trial: int, total: int, values: dict[str, Any], score: float,
                seconds: float) -> str:
    """Return a worker's line for a finished trial, e.g. ``worker0: trial 3/6  units=256 ...``."""
    from helpers.tuning import format_value

    settings = "  ".join(f"{k}={format_value(k, v)}" for k, v in values.items())
    return f"{worker}: trial {trial}/{total}  {settings}  ->  val_accuracy {score:.4f}  " \
           f"({seconds:.1f} s)"


def make_tuner(search: Search, directory: str | os.PathLike[str]) -> Any:
    """Return this process's seeded ``RandomSearch`` (a chief's, or a worker's that prints)."""
    import keras_tuner as kt

    from helpers.tuning import tensorboard_optional

    class Reporting(kt.RandomSearch):
        """RandomSearch that prints one line per trial a worker finishes."""

        def on_trial_begin(self, trial: Any) -> None:
            self._started = time.perf_counter()
            super().on_trial_begin(trial)

        def on_trial_end(self, trial: Any) -> None:
            super().on_trial_end(trial)
            seconds = time.perf_counter() - self._started
            ended = self.oracle.get_trial(trial.trial_id)
            if ended.score is None:
                last = (ended.message or "no message").strip().splitlines()[-1]
                print(f"{self.tuner_id}: trial {int(trial.trial_id) + 1} failed: {last}",
                      flush=True)
                return
            values = ended.hyperparameters.values
            ordered = {k: values[k] for k in sorted(values, key=_space_order)}
            print(format_done(self.tuner_id, int(trial.trial_id) + 1, search.trials, ordered,
                              ended.score, seconds), flush=True)

    tuner = Reporting(build_model, objective="val_accuracy", max_trials=search.trials,
                   seed=search.seed, directory=str(directory), project_name=PROJECT,
                   overwrite=True)
    return tensorboard_optional(tuner)


def run(search: Search, directory: str | os.PathLike[str]) -> None:
    """Run this process's part of a distributed search: serve the oracle, or train trials."""
    from helpers.setup import quiet_tensorflow_env

    me = role()
    quiet_tensorflow_env()
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    where = Path(directory).expanduser() / me
    if "chief" in me:
        print(f"chief: serving the oracle on {os.environ[ENV_IP]}:{os.environ[ENV_PORT]}, "
              f"{search.trials} trials; results in {where / PROJECT}", flush=True)
        make_tuner(search, where).search(verbose=0)  # returns when the workers are done
        print(format_results(read_results(directory), search.trials))
        return
    from helpers import data, tuning

    splits = tuning.subset(data.prepare_mnist(), search.n_train)
    print(f"{me}: {len(splits.x_train):,} training images; asking the chief at "
          f"{os.environ[ENV_IP]}:{os.environ[ENV_PORT]} for trials", flush=True)
    make_tuner(search, where).search(splits.x_train, splits.y_train, epochs=search.epochs,
                                     batch_size=search.batch_size, verbose=0,
                                     validation_data=(splits.x_val, splits.y_val))
    print(f"{me}: no trials left, stopping", flush=True)


# --- results from the chief's directory ------------------------------------------------------

def read_results(directory: str | os.PathLike[str]) -> list[Row]:
    """Return the completed trials the chief saved under ``directory``, sorted by trial.

    Each row holds ``trial`` (from 1, as ``tuning.tuner_rows``), the hyperparameters and
    ``val_accuracy`` (the best epoch's, KerasTuner's score).
    """
    project = Path(directory).expanduser() / "chief" / PROJECT
    if not project.is_dir():
        raise FileNotFoundError(f"no search results in '{project}': give the --directory the "
                                "chief was started with, on the chief's machine.")
    rows = []
    for path in sorted(project.glob("trial_*/trial.json")):
        trial = json.loads(path.read_text())
        if trial.get("status") != "COMPLETED" or trial.get("score") is None:
            continue
        rows.append({"trial": int(trial["trial_id"]) + 1,
                     **trial["hyperparameters"]["values"], "val_accuracy": trial["score"]})
    return sorted(rows, key=lambda r: r["trial"])


def ongoing(directory: str | os.PathLike[str]) -> dict[str, int]:
    """Return {worker: trial} for the trials the chief's oracle still counts as running."""
    path = Path(directory) / "chief" / PROJECT / "oracle.json"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {who: int(tid) + 1 for who, tid in state.get("ongoing_trials", {}).items()}


def format_results(rows: Sequence[Row], trials: int) -> str:
    """Return the results table (best first) and how many of ``trials`` completed."""
    from helpers.tuning import format_table

    if not rows:
        return f"0 of {trials} trials completed."
    table = format_table(list(rows), list(COLUMNS), sort_by="val_accuracy")
    return f"{table}\n{len(rows)} of {trials} trials completed."


# --- the launcher: chief and workers on this machine -----------------------------------------

@dataclass
class DistributedResult:
    """What :func:`tune_distributed` returns: completed trials and what went wrong, if any."""

    rows: list[Row]  # completed trials, sorted by trial; each names its worker and seconds
    trials: int  # the budget asked for
    workers: dict[str, int]  # trials finished by each worker
    problems: list[str] = field(default_factory=list)  # one message per failure
    seconds: float = 0.0  # wall time, start of the first process to the end of the last
    port: int = 0  # where the chief listened

    @property
    def complete(self) -> bool:
        """Whether every trial of the budget completed and nothing failed."""
        return len(self.rows) == self.trials and not self.problems


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def check_port(port: Any, host: str = LOOPBACK) -> int:
    """Return ``port`` if it is a valid TCP port that is free on ``host``, else raise."""
    if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535:
        raise ValueError(f"port must be a whole number from 1024 to 65535, got {port!r}; or "
                         "leave it out (port=None) to use a free one.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As a server binds: closed connections still waiting out TIME_WAIT do not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ValueError(f"port {port} on {host} is in use by another program ({exc.strerror})"
                             "; pick another port, or leave it out (port=None) to use a free "
                             "one.") from exc
    return port


def data_file(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the MNIST file the workers will load: ``path``, ``$MNIST_PATH`` or Keras' cache.

    The file is read and checked here, so a missing or broken one fails before any process
    starts. With neither ``path`` nor ``$MNIST_PATH``, MNIST is downloaded once through Keras.
    """
    from helpers.data import load_mnist

    if path is None and os.environ.get(MNIST_ENV):
        path = os.environ[MNIST_ENV]
    if path is None:
        load_mnist()  # downloads once into Keras' cache
        path = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets/mnist.npz"
    resolved = Path(path).expanduser().resolve()
    load_mnist(resolved)  # raises FileNotFoundError / ValueError naming the file and the fix
    return resolved


def _describe_exit(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def _stop(procs: dict[str, subprocess.Popen[str]], grace: float = 5.0) -> None:
    """Terminate every process still running (SIGTERM, then SIGKILL) and reap them all."""
    for proc in procs.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
    end = time.monotonic() + grace
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_lines(name: str, stream: Any, lines: queue.Queue[tuple[str, str]]) -> None:
    for line in stream:
        lines.put((name, line.rstrip("\n")))
    stream.close()


def tune_distributed(workers: int = 2, search: Search | None = None, *, port: int | None = None,
                     data_path: str | os.PathLike[str] | None = None,
                     directory: str | os.PathLike[str] | None = None,
                     timeout: float = 900.0, verbose: bool = True) -> DistributedResult:
    """Run lesson 06's KerasTuner search on a chief and ``workers`` worker processes.

    All processes run on this machine (127.0.0.1, a free ``port`` unless given); each worker
    loads MNIST from ``data_path`` (default ``$MNIST_PATH``). One line is printed per
    finished trial, naming its worker. A worker that dies is reported by name; the others
    finish the search without its trial. Every process started is stopped on return, error
    or Ctrl-C. ``directory`` (default: a temporary one, removed after) keeps the oracle's files.
    """
    workers = validate.whole_number(workers, "workers")
    search = Search() if search is None else search
    if not isinstance(search, Search):
        raise TypeError(f"search must be a distributed.Search, got {type(search).__name__}.")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    port = free_port() if port is None else check_port(port)
    mnist = data_file(data_path)
    temporary = directory is None
    root = Path(tempfile.mkdtemp(prefix="mnist-kt-") if temporary else directory).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    names = ["chief"] + [f"worker{i}" for i in range(workers)]
    procs: dict[str, subprocess.Popen[str]] = {}
    lines: queue.Queue[tuple[str, str]] = queue.Queue()
    readers: list[threading.Thread] = []
    logs: dict[str, Path] = {name: root / f"{name}.log" for name in names}
    result = DistributedResult(rows=[], trials=search.trials, workers=dict.fromkeys(names[1:], 0),
                               port=port)
    ran: dict[int, tuple[str, float]] = {}
    start = time.perf_counter()

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    try:
        say(f"chief on {LOOPBACK}:{port} and {workers} worker{'s' * (workers > 1)}, "
            f"{search.trials} trials")
        for name in names:
            env = {**os.environ, ENV_ID: name, ENV_IP: LOOPBACK, ENV_PORT: str(port),
                   MNIST_ENV: str(mnist), "PYTHONUNBUFFERED": "1"}
            cmd = [sys.executable, "-m", "helpers.distributed", "run", f"--directory={root}",
                   f"--exit-with-parent={os.getpid()}", *search.args()]
            with open(logs[name], "w") as err:
                procs[name] = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err,
                                               stdin=subprocess.DEVNULL, text=True,
                                               start_new_session=True)
            reader = threading.Thread(target=_read_lines, daemon=True,
                                      args=(name, procs[name].stdout, lines))
            reader.start()
            readers.append(reader)
        running = set(names[1:])
        while running:
            with contextlib.suppress(queue.Empty):
                name, line = lines.get(timeout=0.2)
                done = _DONE.match(line)
                if done:
                    result.workers[done["worker"]] += 1
                    ran[int(done["trial"])] = (done["worker"], float(done["seconds"]))
                    say(line)
                elif _FAILED.match(line):
                    result.problems.append(line)
                    say(line)
                continue
            code = procs["chief"].poll()
            # The chief ends by itself (exit code 0) once every worker was told to stop.
            if code is not None and code != 0:
                result.problems.append(f"the chief stopped ({_describe_exit(code)}) before the "
                                       f"workers were done: {_tail(logs['chief'])}")
                break
            for name in sorted(running):
                code = procs[name].poll()
                if code is None:
                    continue
                running.discard(name)
                if code != 0:
                    lost = ongoing(root).get(name)
                    what = f" while training trial {lost}" if lost else ""
                    tail = _tail(logs[name])
                    message = f"{name} died ({_describe_exit(code)}){what}"
                    result.problems.append(message + (f": {tail}" if tail else "."))
                    say(message + ("; the other workers go on without it." if running else "."))
            if time.perf_counter() - start > timeout:
                result.problems.append(f"the search took longer than timeout={timeout:g} s; "
                                       "stopped it (raise timeout for a bigger search).")
                break
    finally:
        _stop(procs)
        for reader in readers:
            reader.join(timeout=5)
        result.seconds = time.perf_counter() - start
        try:
            rows = read_results(root) if (root / "chief" / PROJECT).is_dir() else []
        finally:
            if temporary:
                shutil.rmtree(root, ignore_errors=True)
    for row in rows:
        row["worker"], row["seconds"] = ran.get(row["trial"], ("?", float("nan")))
    result.rows = rows
    if len(rows) < search.trials and verbose:
        print(f"stopped with {len(rows)} of {search.trials} trials completed:", flush=True)
        for problem in result.problems:
            print(f"  {problem}", flush=True)
    return result


# --- command line ----------------------------------------------------------------------------

def _watch_parent(pid: int) -> None:
    """Exit this process when the launcher ``pid`` is gone (so no process outlives it)."""
    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers.distributed",
                                description=__doc__.split("\n", 1)[0])
    sub = p.add_subparsers(dest="command", required=True)
    runp = sub.add_parser("run", help="be the chief or a worker, as the KERASTUNER_* "
                                      "environment variables say")
    local = sub.add_parser("local", help="start a chief and N workers on this machine, show "
                                         "their progress and the results, stop them all")
    results = sub.add_parser("results", help="print the results table of a finished search")
    default_dir = str(Path(tempfile.gettempdir()) / "mnist-kt-search")
    for q in (runp, results):
        q.add_argument("--directory", default=default_dir,
                       help=f"where each process keeps its files (default {default_dir})")
    for q in (runp, local, results):
        q.add_argument("--trials", type=_count, default=Search.trials, help="trials in all")
    for q in (runp, local):
        q.add_argument("--n-train", type=_count, default=Search.n_train,
                       help="training images per trial")
        q.add_argument("--epochs", type=_count, default=Search.epochs)
        q.add_argument("--batch-size", type=_count, default=Search.batch_size)
        q.add_argument("--seed", type=int, default=Search.seed, help="the oracle's seed")
    runp.add_argument("--exit-with-parent", type=int, default=None, help=argparse.SUPPRESS)
    local.add_argument("--workers", type=_count, default=2, help="worker processes (2)")
    local.add_argument("--port", type=int, default=None, help="the chief's port (a free one)")
    local.add_argument("--timeout", type=float, default=900.0,
                       help="stop the search after this many seconds (900)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``run`` (one chief or worker), ``local`` (all on loopback), ``results``."""
    args = _parser().parse_args(argv)
    if args.command == "results":
        print(format_results(read_results(args.directory), args.trials))
        return 0
    try:
        search = Search(args.trials, args.n_train, args.epochs, args.batch_size, args.seed)
        if args.command == "run":
            if args.exit_with_parent:
                _watch_parent(args.exit_with_parent)
            run(search, args.directory)
            return 0
        result = tune_distributed(args.workers, search, port=args.port, timeout=args.timeout)
    except (ValueError, TypeError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted" + (": every process was stopped." if args.command == "local"
                               else "."), file=sys.stderr)
        return 130
    print(format_results(result.rows, result.trials))
    if result.rows:
        per_worker = ", ".join(f"{w} {n}" for w, n in result.workers.items())
        print(f"{result.seconds:.0f} s in all; trials per worker: {per_worker}")
    return 0 if result.complete else 1


if __name__ == "__main__":
    sys.exit(main())
