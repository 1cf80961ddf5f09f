"""Smoke test of the benchmark command (tools/bench.py --quick) and its FLOP count."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import bench

ROOT = Path(__file__).resolve().parents[1]


def test_flops_per_image_matches_the_formula():
    forward = 2 * (784 * 128 + 128 * 10)
    backward = 2 * (784 * 128 + 128 * 10) + 2 * 128 * 10  # no gradient into the data
    assert bench.flops_per_image() == forward + backward == 409_088
    assert "409,088" in bench.FLOP_FORMULA
    assert bench.flops_per_image((4, 3)) == 2 * 2 * 12


def test_table_is_markdown_with_aligned_numbers():
    text = bench.table(["name", "value"], [["a", "1.5"], ["long name", "22.25"]])
    lines = text.splitlines()
    assert lines[0] == "| name      | value |"
    assert lines[1] == "|:----------|------:|"
    assert lines[3] == "| long name | 22.25 |"


def parse_tables(text: str) -> list[list[list[str]]]:
    """Return the Markdown tables in ``text``: lists of rows of stripped cells."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            assert line.endswith("|"), line
            current.append([c.strip() for c in line.strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    tiny = nbformat.v4.new_notebook()
    tiny.cells = [nbformat.v4.new_code_cell("x = sum(range(10))"), nbformat.v4.new_code_cell("x")]
    tiny.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    nb_path = tmp / "00_tiny.ipynb"
    nbformat.write(tiny, nb_path)
    before = nb_path.read_bytes()
    out = tmp / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--quick",
         "--notebooks", str(nb_path), "--output", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert nb_path.read_bytes() == before, "the benchmark must not modify the notebooks"
    return proc.stdout, out.read_text(encoding="utf-8")


def test_quick_run_prints_well_formed_tables(quick_run):
    stdout, written = quick_run
    assert written.strip() == stdout.strip()
    assert "CPU:" in stdout and "NumPy:" in stdout and "TensorFlow:" in stdout
    assert "CPU type: " in stdout
    assert "N * 409,088" in stdout
    tables = parse_tables(stdout)
    assert len(tables) == 3  # matmul, networks, lessons
    for t in tables:
        assert len({len(row) for row in t}) == 1, "every row has the header's columns"
        assert set("".join(t[1])) <= set(":-"), "second row is the header rule"
    matmul, nets, lessons = tables
    assert matmul[0] == ["BLAS threads", "GFLOP/s"]
    assert all(number(row[1]) > 0 for row in matmul[2:])
    assert nets[0][:4] == ["network", "epoch s", "images/s", "GFLOP/s"]
    assert [row[0] for row in nets[2:]] == ["NumPy (helpers.scratch.MLP)", "Keras (Sequential)"]
    for row in nets[2:]:
        values = [number(c) for c in row[1:]]
        assert all(v > 0 for v in values)
        assert 0.2 < values[5] <= 1.0  # test accuracy after one epoch on 2,000 images
    assert lessons[0] == ["notebook", "code cells", "wall s", "peak RSS MB", "status"]
    assert lessons[2][0] == "00_tiny.ipynb" and lessons[2][1] == "2"
    assert lessons[2][4] == "ok" and number(lessons[2][3]) > 10


def test_quick_run_writes_nothing_unless_asked(tmp_path):
    args = bench.parse_args(["--quick"])
    assert args.output is None and args.notebooks == [] and args.train_size == 2000
    full = bench.parse_args([])
    assert full.output == str(bench.DEFAULT_OUTPUT) and full.train_size == 55_000
    assert all(Path(p).name[:2].isdigit() for p in full.notebooks)
    with pytest.raises(SystemExit):
        bench.parse_args(["--epochs", "0"])


def test_targets_are_read_from_what_the_lessons_print():
    runs = [
        {"name": "04_training_from_scratch.ipynb", "wall_s": 16.0, "printed": {
            "timing": "training took 5.4 seconds (0.54 seconds per epoch)\n",
            "test": "test accuracy 0.9796, test loss 0.0743\n"}},
        {"name": "05_keras_mlp.ipynb", "wall_s": 170.0, "printed": {
            "final-time": "97.2 s for 12 epochs, 8.10 s per epoch\n",
            "test": "test loss 0.0545, test accuracy 0.9851 (error 1.49%)\n"}},
        {"name": "06_hyperparameter_tuning.ipynb", "wall_s": 179.2, "printed": {}},
    ]
    rows = bench.target_rows(runs)
    assert rows[:4] == [
        ["04", "NumPy training, s", "5.4", "<= 30", "yes"],
        ["04", "test accuracy", "0.9796", ">= 0.975", "yes"],
        ["05", "Keras training, s", "97.2", "<= 90", "NO"],
        ["05", "test accuracy", "0.9851", ">= 0.98", "yes"],
    ]
    assert rows[4] == ["06", "whole notebook, s", "179.2", "<= 300", "yes"]
    assert rows[5] == ["06", "test accuracy", "not found", ">= 0.98", "?"]
    assert bench.target_rows(runs[:1]) == rows[:2]


def test_every_target_matches_its_lessons_committed_output():
    for number, what, cell, pattern, _, _ in bench.TARGETS:
        if not cell:
            continue
        path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
        nb = nbformat.read(path, as_version=4)
        run = {"name": path.name, "wall_s": 0.0, "printed": {
            c.get("id"): "".join(o.get("text", "") for o in c.outputs
                                 if o.output_type == "stream")
            for c in nb.cells if c.cell_type == "code"}}
        row = next(r for r in bench.target_rows([run]) if r[1] == what)
        assert row[2] != "not found", f"{path.name}: cell {cell!r} no longer prints {pattern!r}"


def test_cpu_description_from_cpuinfo_fields():
    fields = {"model name": "AMD EPYC", "cpu family": "25", "model": "17",
              "flags": "fpu sse2 avx avx2 avx512f avx512bw"}
    assert bench.cpu_model(fields) == "AMD EPYC"
    assert bench.cpu_type(fields) == "family 25, model 17, vector units AVX2 + AVX-512"
    assert bench.cpu_type({"flags": "fpu sse2"}) == "family ?, model ?, vector units SSE only"
    assert bench.cpu_model({})  # falls back to platform's guess, never empty


def test_distributed_rows_give_trials_per_minute_and_ratios():
    runs = [{"workers": 1, "trials": 8, "seconds": 60.0, "problems": 0},
            {"workers": 2, "trials": 8, "seconds": 40.0, "problems": 0},
            {"workers": 4, "trials": 8, "seconds": 48.0, "problems": 0}]
    assert bench.distributed_rows(runs) == [["1", "8", "60.0", "8.0", "1.00"],
                                            ["2", "8", "40.0", "12.0", "1.50"],
                                            ["4", "8", "48.0", "10.0", "1.25"]]
    assert bench.distributed_rows(runs[1:])[0][-1] == "?"  # no one-worker run to compare with


def test_distributed_section_of_the_report():
    args = bench.parse_args(["--quick"])
    assert args.distributed_workers == []
    assert bench.parse_args([]).distributed_workers == [1, 2, 4]
    assert bench.parse_args(["--distributed-workers", "1", "2"]).distributed_workers == [1, 2]
    with pytest.raises(SystemExit):
        bench.parse_args(["--distributed-workers", "0"])
    nets = {"Keras (Sequential)": {"epoch_s": 1.0, "train_s": 2.0, "test_acc": 0.9}}
    runs = [{"workers": 1, "trials": 8, "seconds": 60.0, "problems": 0},
            {"workers": 2, "trials": 8, "seconds": 40.0, "problems": 0}]
    text = bench.report({"CPU": "x"}, args, {"all": 10.0, "one": 5.0}, nets, [], runs)
    section = text.split("## Distributed search (KerasTuner chief + workers)")[1]
    workers, *_ = parse_tables(section)
    assert workers[0] == ["workers", "trials", "wall s", "trials/min", "ratio to 1 worker"]
    assert workers[3] == ["2", "8", "40.0", "12.0", "1.50"]
    quiet = bench.report({"CPU": "x"}, args, {"all": 10.0, "one": 5.0}, nets, [], [])
    assert "Not measured in this run" in quiet


def test_lesson_07_is_timed_without_the_model_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_NN_CACHE", str(tmp_path))
    with bench.model_cache_for(Path("07_inside_the_network.ipynb")):
        inside = os.environ["MNIST_NN_CACHE"]
        assert inside != str(tmp_path) and not os.listdir(inside)
    assert os.environ["MNIST_NN_CACHE"] == str(tmp_path)
    with bench.model_cache_for(Path("05_keras_mlp.ipynb")):
        assert os.environ["MNIST_NN_CACHE"] == str(tmp_path)
    monkeypatch.delenv("MNIST_NN_CACHE")
    with bench.model_cache_for(Path("07_inside_the_network.ipynb")):
        assert os.environ["MNIST_NN_CACHE"]
    assert "MNIST_NN_CACHE" not in os.environ
