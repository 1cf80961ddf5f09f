"""helpers.distributed: a KerasTuner search on a chief and worker processes over loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from helpers import distributed
from helpers.distributed import Search, tune_distributed

# Small enough to be quick, big enough that a worker can be killed in the middle of a trial.
SMALL = Search(trials=4, n_train=2000, epochs=1, batch_size=128, seed=42)


def children() -> list[psutil.Process]:
    """Return this process's live descendants that are a chief or a worker of a search."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and distributed.ENV_ID in proc.environ():
                found.append(proc)
        except psutil.Error:  # ended meanwhile
            pass
    return found


def listening(port: int) -> bool:
    return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
               for c in psutil.net_connections(kind="tcp"))


def assert_nothing_left(result: distributed.DistributedResult) -> None:
    assert children() == [], "a chief or worker process outlived tune_distributed"
    assert not listening(result.port), f"port {result.port} is still listening"
    distributed.check_port(result.port)  # and it can be bound again


def kill_when_busy(directory: Path, worker: str, sig: int = signal.SIGKILL,
                   target: str | None = None) -> threading.Thread:
    """Kill ``target`` (default ``worker``) once the chief's oracle shows ``worker`` training."""
    target = target or worker

    def watch() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if worker in distributed.ongoing(directory):
                for proc in psutil.Process().children(recursive=True):
                    try:
                        if proc.environ().get(distributed.ENV_ID) == target:
                            proc.send_signal(sig)
                            return
                    except psutil.Error:
                        pass
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.fixture(autouse=True)
def no_children_before():
    assert children() == [], "another test left processes behind"


# --- the search on loopback ------------------------------------------------------------------

def seeded_trials(n: int) -> list[dict]:
    """Return the hyperparameters a seed-42 RandomSearch oracle gives its first n trials."""
    import keras_tuner as kt

    hp = kt.HyperParameters()
    distributed.build_model(hp)
    oracle = kt.oracles.RandomSearchOracle(objective="val_accuracy", max_trials=n, seed=42)
    oracle.update_space(hp)
    return [oracle._random_values() for _ in range(n)]


def test_two_workers_finish_every_trial(capsys, mnist_path):
    result = tune_distributed(2, SMALL, data_path=mnist_path)
    out = capsys.readouterr().out
    assert result.complete and result.problems == []
    assert [r["trial"] for r in result.rows] == [1, 2, 3, 4]
    assert sum(result.workers.values()) == 4 and set(result.workers) == {"worker0", "worker1"}
    for row in result.rows:
        assert 0.5 < row["val_accuracy"] <= 1
        assert row["worker"] in result.workers and row["seconds"] > 0
        assert f"{row['worker']}: trial {row['trial']}/4  units={row['units']}" in out
    # Which worker runs a trial varies; which hyperparameters trial k gets does not.
    expected = seeded_trials(4)
    assert [{k: r[k] for k in expected[0]} for r in result.rows] == expected
    assert_nothing_left(result)


def test_a_killed_worker_is_reported_and_the_others_finish(capsys, tmp_path, mnist_path):
    kill_when_busy(tmp_path, "worker1")
    result = tune_distributed(2, SMALL, data_path=mnist_path, directory=tmp_path)
    out = capsys.readouterr().out
    assert not result.complete
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.startswith("worker1 died (killed by signal SIGKILL) while training trial ")
    lost = int(problem.split("trial ")[1].split(":")[0].rstrip("."))
    assert "the other workers go on without it" in out
    # KerasTuner's oracle keeps the lost trial assigned to worker1; worker0 does the rest.
    assert [r["trial"] for r in result.rows] == [t for t in (1, 2, 3, 4) if t != lost]
    assert {r["worker"] for r in result.rows} <= {"worker0", "worker1"}
    assert f"stopped with 3 of 4 trials completed:\n  {problem}" in out
    assert_nothing_left(result)
    assert (tmp_path / "chief" / distributed.PROJECT).is_dir()  # a given directory is kept


def test_when_every_worker_dies_it_stops_with_what_is_done(capsys, tmp_path, mnist_path):
    kill_when_busy(tmp_path, "worker0", signal.SIGTERM)
    result = tune_distributed(1, Search(trials=2, n_train=2000, epochs=1), data_path=mnist_path,
                              directory=tmp_path)
    out = capsys.readouterr().out
    assert not result.complete and len(result.rows) < 2
    assert result.problems[0].startswith("worker0 died (killed by signal SIGTERM)")
    assert f"stopped with {len(result.rows)} of 2 trials completed:" in out
    assert_nothing_left(result)


def test_one_worker_alone_finishes(mnist_path):
    """The chief ends by itself as its only worker stops: that is not a failure."""
    result = tune_distributed(1, Search(trials=2, n_train=1000, epochs=1), data_path=mnist_path,
                              verbose=False)
    assert result.complete and result.workers == {"worker0": 2}, result.problems
    assert_nothing_left(result)


def test_a_killed_chief_stops_the_workers(capsys, tmp_path, mnist_path):
    kill_when_busy(tmp_path, "worker0", target="chief")
    result = tune_distributed(2, SMALL, data_path=mnist_path, directory=tmp_path)
    out = capsys.readouterr().out
    assert not result.complete
    assert result.problems[0].startswith("the chief stopped (killed by signal SIGKILL) before "
                                         "the workers were done")
    assert f"stopped with {len(result.rows)} of 4 trials completed:" in out
    assert_nothing_left(result)


def test_a_search_past_its_timeout_is_stopped(capsys, mnist_path):
    result = tune_distributed(2, SMALL, data_path=mnist_path, timeout=1)
    out = capsys.readouterr().out
    assert result.problems == ["the search took longer than timeout=1 s; stopped it (raise "
                               "timeout for a bigger search)."]
    assert "stopped with 0 of 4 trials completed:" in out
    assert_nothing_left(result)


def _default_sigint() -> None:
    """In the child before exec: Ctrl-C raises KeyboardInterrupt, whatever the parent ignores."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_every_process(tmp_path):
    """The command, interrupted mid-search: it exits 130 and leaves no process behind."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Enough trials that the search cannot end between its first finished trial and the
    # signal. Ctrl-C restored in the child: a shell's background job (`make test &`, nohup)
    # ignores SIGINT, children inherit that, and the search then ran to its end (exit 0).
    cmd = [sys.executable, "-m", "helpers.distributed", "local", "--workers=2",
           "--trials=24", "--n-train=2000", "--epochs=1"]
    launcher = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=_default_sigint)
    try:
        first = launcher.stdout.readline()
        assert first.startswith("chief on 127.0.0.1:"), first
        port = int(first.split(":")[1].split()[0])
        line = launcher.stdout.readline()  # the first finished trial
        assert ": trial " in line, line
        started = psutil.Process(launcher.pid).children()
        assert len(started) == 3
        launcher.send_signal(signal.SIGINT)
        out, err = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
    assert launcher.returncode == 130, f"stdout:\n{out}\nstderr:\n{err}"
    assert "interrupted: every process was stopped." in err
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in started)
    assert not listening(port)


# --- bad input: a clear message, and nothing started -----------------------------------------

def test_zero_workers_is_refused():
    with pytest.raises(ValueError, match="workers must be at least 1, got 0"):
        tune_distributed(0)
    with pytest.raises(TypeError, match="workers must be a whole number"):
        tune_distributed("2")


def test_the_command_refuses_zero_workers(capsys):
    with pytest.raises(SystemExit) as exc:
        distributed.main(["local", "--workers", "0"])
    assert exc.value.code == 2
    assert "argument --workers: must be at least 1, got 0" in capsys.readouterr().err


def test_make_tune_distributed_refuses_zero_workers():
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(["make", "--no-print-directory", "tune-distributed", "WORKERS=0"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "argument --workers: must be at least 1, got 0" in done.stderr


@pytest.mark.parametrize("options", [(), (socket.SO_REUSEADDR,),
                                     (socket.SO_REUSEADDR, socket.SO_REUSEPORT)],
                         ids=["plain", "reuseaddr", "reuseport as gRPC"])
def test_a_port_in_use_is_refused(mnist_path, options):
    with socket.socket() as busy:
        for option in options:
            busy.setsockopt(socket.SOL_SOCKET, option, 1)
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ValueError, match=f"port {port} on 127.0.0.1 is in use by another"):
            tune_distributed(2, SMALL, port=port, data_path=mnist_path)
    assert children() == []


@pytest.mark.parametrize("port", [80, 70000, "8000", True])
def test_a_bad_port_is_refused(port):
    with pytest.raises(ValueError, match="port must be a whole number from 1024 to 65535"):
        distributed.check_port(port)


def test_a_missing_data_file_is_refused(tmp_path):
    missing = tmp_path / "mnist.npz"
    with pytest.raises(FileNotFoundError, match=f"MNIST file not found: '{missing}'"):
        tune_distributed(2, SMALL, data_path=missing)
    assert children() == []


def test_a_missing_data_file_from_the_environment_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "nope.npz"))
    assert distributed.main(["local", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: MNIST file not found:") and "nope.npz" in err


@pytest.mark.parametrize("kwargs, error, words", [
    ({"trials": 0}, ValueError, "trials must be at least 1"),
    ({"n_train": 60_000}, ValueError, "more than the 55,000"),
    ({"epochs": 1.5}, TypeError, "epochs must be a whole number"),
    ({"seed": -1}, ValueError, "seed must be a non-negative int"),
])
def test_a_bad_search_is_refused(kwargs, error, words):
    with pytest.raises(error, match=words):
        Search(**kwargs)


def test_bad_search_and_timeout_arguments():
    with pytest.raises(TypeError, match="search must be a distributed.Search"):
        tune_distributed(2, {"trials": 4})
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        tune_distributed(2, SMALL, timeout=0)


# --- the pieces ------------------------------------------------------------------------------

def test_role_needs_the_three_variables(monkeypatch):
    for name in (distributed.ENV_ID, distributed.ENV_IP, distributed.ENV_PORT):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="set KERASTUNER_TUNER_ID, KERASTUNER_ORACLE_IP, "
                                           "KERASTUNER_ORACLE_PORT first"):
        distributed.role()
    monkeypatch.setenv(distributed.ENV_ID, "worker3")
    monkeypatch.setenv(distributed.ENV_IP, "10.0.0.5")
    monkeypatch.setenv(distributed.ENV_PORT, "8000")
    assert distributed.role() == "worker3"


def test_search_args_round_trip():
    search = Search(trials=3, n_train=500, epochs=1, batch_size=64, seed=7)
    args = distributed._parser().parse_args(["run", *search.args()])
    assert Search(args.trials, args.n_train, args.epochs, args.batch_size, args.seed) == search


def test_format_done_is_what_the_launcher_reads():
    line = distributed.format_done("worker1", 3, 6, {"units": 256, "layers": 1, "dropout": 0.2,
                                                     "lr": 0.0026}, 0.93876, 5.54)
    assert line == ("worker1: trial 3/6  units=256  layers=1  dropout=0.2  lr=0.0026  ->  "
                    "val_accuracy 0.9388  (5.5 s)")
    found = distributed._DONE.match(line)
    assert (found["worker"], found["trial"], found["seconds"]) == ("worker1", "3", "5.5")
    assert not distributed._FAILED.match(line)
    assert distributed._FAILED.match("worker0: trial 2 failed: ValueError: bad input")


def test_read_results_and_format(tmp_path):
    import json

    project = tmp_path / "chief" / distributed.PROJECT
    for tid, status, score in [("0", "COMPLETED", 0.91), ("1", "RUNNING", None),
                               ("2", "COMPLETED", 0.93)]:
        (project / f"trial_{tid}").mkdir(parents=True)
        (project / f"trial_{tid}" / "trial.json").write_text(json.dumps({
            "trial_id": tid, "status": status, "score": score,
            "hyperparameters": {"values": {"units": 128, "layers": 1, "dropout": 0.0,
                                           "lr": 0.001}}}))
    (project / "oracle.json").write_text(json.dumps({"ongoing_trials": {"worker1": "1"}}))
    rows = distributed.read_results(tmp_path)
    assert [r["trial"] for r in rows] == [1, 3]
    assert distributed.ongoing(tmp_path) == {"worker1": 2}
    text = distributed.format_results(rows, 3)
    assert text.splitlines()[2].split()[0] == "3"  # best first
    assert text.endswith("2 of 3 trials completed.")
    assert distributed.format_results([], 3) == "0 of 3 trials completed."
    with pytest.raises(FileNotFoundError, match="give the --directory the chief was started"):
        distributed.read_results(tmp_path / "elsewhere")


def test_describe_exit():
    assert distributed._describe_exit(-9) == "killed by signal SIGKILL"
    assert distributed._describe_exit(1) == "exit code 1"
