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
    assert "6,237,696" in stdout  # the CNN's FLOPs per image
    assert "64 images of 12x12x16 through Conv2D(32, 5x5" in stdout
    tables = parse_tables(stdout)
    assert len(tables) == 3  # yardsticks, networks, lessons
    for t in tables:
        assert len({len(row) for row in t}) == 1, "every row has the header's columns"
        assert set("".join(t[1])) <= set(":-"), "second row is the header rule"
    yardsticks, nets, lessons = tables
    assert yardsticks[0] == ["yardstick", "threads", "GFLOP/s"]
    assert [row[:2] for row in yardsticks[2:]] == [
        ["NumPy matmul 256x256", "all cores"], ["NumPy matmul 256x256", "one"],
        ["TensorFlow Conv2D forward", "all cores"]]
    assert all(number(row[2]) > 0 for row in yardsticks[2:])
    assert nets[0] == bench.NETWORK_HEADER
    assert [row[0] for row in nets[2:]] == ["NumPy (helpers.scratch.MLP)", "Keras (Sequential)",
                                            "Keras CNN (lesson 08)"]
    of_conv = bench.NETWORK_HEADER.index("% of conv")
    for row in nets[2:]:
        values = dict(zip(bench.NETWORK_HEADER[1:], row[1:], strict=True))
        assert all(number(v) > 0 for k, v in values.items() if k != "% of conv")
        assert 0.2 < number(values["test accuracy"]) <= 1.0  # one epoch on 2,000 images
        assert values["epochs"] == "1"
    assert [row[of_conv] for row in nets[2:4]] == ["-", "-"]
    assert number(nets[4][of_conv]) > 0
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


@pytest.mark.parametrize("lesson", sorted({t[0] for t in bench.TARGETS}))
def test_every_target_matches_its_lessons_committed_output(lesson):
    found = sorted((ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))
    if not found:
        pytest.skip(f"lesson {lesson}'s notebook is not in this checkout yet")
    path = found[0]
    for number, what, cell, pattern, _, _ in bench.TARGETS:
        if number != lesson or not cell:
            continue
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


def test_lesson_08_is_timed_without_the_model_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_NN_CACHE", str(tmp_path))
    with bench.model_cache_for(Path("08_convolutional_network.ipynb")):
        assert os.environ["MNIST_NN_CACHE"] != str(tmp_path)
    assert os.environ["MNIST_NN_CACHE"] == str(tmp_path)


def test_lesson_08_targets_read_its_wall_time_and_test_accuracy():
    run = {"name": "08_convolutional_network.ipynb", "wall_s": 251.3, "printed": {
        "test": "CNN test loss 0.0281, test accuracy 0.9912 (error 0.88%)\n"}}
    assert bench.target_rows([run]) == [
        ["08", "whole notebook, no cache, s", "251.3", "<= 240", "NO"],
        ["08", "test accuracy", "0.9912", ">= 0.99", "yes"],
    ]


# ------------------------------------------------------------------ the CNN and its FLOPs

# Lesson 08's CNN counted by hand: multiply-adds per image of each weighted layer.
CONV1 = 24 * 24 * 16 * (5 * 5 * 1)  # 24x24 outputs ("valid"), 16 filters of 5x5x1
CONV2 = 8 * 8 * 32 * (5 * 5 * 16)  # after 2x2 pooling (12x12): 8x8 outputs, 32 filters of 5x5x16
DENSE1 = (4 * 4 * 32) * 128  # after 2x2 pooling again: 4x4x32 = 512 inputs
DENSE2 = 128 * 10


@pytest.fixture(scope="module")
def cnn():
    from tools import environment

    environment.apply()  # quiet TensorFlow before it is imported
    return bench.cnn_layers()


def test_layer_macs_of_the_cnn_match_a_hand_count(cnn):
    assert [m for _, m in bench.layer_macs(cnn)] == [CONV1, CONV2, DENSE1, DENSE2]
    assert (CONV1, CONV2, DENSE1, DENSE2) == (230_400, 819_200, 65_536, 1_280)


def test_cnn_flops_per_image_match_a_hand_count(cnn):
    total = CONV1 + CONV2 + DENSE1 + DENSE2
    forward = 2 * total
    weight_grads = 2 * total
    input_grads = 2 * (CONV2 + DENSE1 + DENSE2)  # none into the data (below the first conv)
    assert bench.model_flops_per_image(cnn) == forward + weight_grads + input_grads == 6_237_696
    text = bench.flop_formula(bench.layer_macs(cnn))
    assert "230,400 + 819,200 + 65,536 + 1,280 = 1,116,416" in text
    assert text.endswith(": 6,237,696")


def test_model_flops_of_a_dense_model_equal_the_mlp_formula(cnn):
    import keras

    mlp = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(128, activation="relu"),
                            keras.layers.Dense(10)])
    assert bench.model_flops_per_image(mlp) == bench.flops_per_image() == 409_088
    tiny = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    assert bench.model_flops_per_image(tiny) == bench.flops_per_image((4, 3))


def test_layer_macs_refuse_layers_they_cannot_count(cnn):
    import keras

    normed = keras.Sequential([keras.Input(shape=(4,)), keras.layers.BatchNormalization(),
                               keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="BatchNormalization.*extend layer_macs"):
        bench.layer_macs(normed)
    with pytest.raises(ValueError, match="no Conv2D or Dense layer"):
        bench.layer_macs(keras.Sequential([keras.Input(shape=(4,)), keras.layers.ReLU()]))


def test_convolution_yardstick_takes_the_cnns_costliest_conv_layer(cnn):
    shape = bench.conv_shape(cnn)
    assert shape == {"input": (12, 12, 16), "filters": 32, "kernel": (5, 5), "strides": (1, 1),
                     "padding": "valid"}
    assert bench.describe_conv(shape, 512) == (
        '512 images of 12x12x16 through Conv2D(32, 5x5, padding "valid")')
    assert bench.conv_gflops({**shape, "input": (6, 6, 2)}, batch=2, repeats=1) > 0
    with pytest.raises(ValueError, match="batch"):
        bench.conv_gflops(shape, batch=0, repeats=1)


def test_cnn_epochs_default_to_the_lessons_and_follow_epochs():
    assert bench.parse_args([]).cnn_epochs == bench.CNN_EPOCHS == 4
    assert bench.parse_args([]).epochs == bench.EPOCHS
    assert bench.parse_args(["--quick"]).cnn_epochs == 1
    args = bench.parse_args(["--epochs", "2", "--train-size", "500"])
    assert (args.epochs, args.cnn_epochs, args.train_size) == (2, 2, 500)


FAKE_NETS = {
    "Keras (Sequential)": {"epoch_s": 2.0, "train_s": 20.0, "test_acc": 0.978, "epochs": 10},
    bench.CNN_NAME: {"epoch_s": 40.0, "train_s": 120.0, "test_acc": 0.9912, "epochs": 3,
                     "flops_per_image": 17_519_104, "formula": "FLOPs per image = ..."},
}


def test_network_rows_give_each_share_of_the_yardsticks():
    n = 55_000
    rows = bench.network_rows(FAKE_NETS, n, {"all": 100.0, "one": 50.0}, conv=40.0)
    mlp = n * 409_088 / 2.0 / 1e9  # 11.25 GFLOP/s
    cnn = n * 17_519_104 / 40.0 / 1e9  # 24.09 GFLOP/s
    assert rows[0] == ["Keras (Sequential)", "2.00", "27,500", f"{mlp:.2f}",
                       f"{mlp:.1f}", f"{2 * mlp:.1f}", "-", "0.9780", "10", "20.00"]
    assert rows[1] == [bench.CNN_NAME, "40.00", "1,375", f"{cnn:.2f}", f"{cnn:.1f}",
                       f"{2 * cnn:.1f}", f"{100 * cnn / 40:.1f}", "0.9912", "3", "120.00"]
    assert rows[1][3:7] == ["24.09", "24.1", "48.2", "60.2"]
    unmeasured = bench.network_rows(FAKE_NETS, n, {"all": 100.0, "one": 50.0}, conv=None)
    assert unmeasured[1][6] == "-"
    assert bench.network_rows({"x": {"epoch_s": 1.0, "train_s": 1.0, "test_acc": 0.5}}, 10,
                              {"all": 1.0, "one": 1.0}, None)[0][8] == "?"


def test_report_shows_the_conv_yardstick_and_the_cnn_beside_the_mlp():
    args = bench.parse_args(["--quick", "--train-size", "55000"])
    conv = {"gflops": 40.0, "what": "512 images of 14x14x16 through Conv2D(32, 5x5)",
            "repeats": 5}
    text = bench.report({"CPU": "x"}, args, {"all": 100.0, "one": 50.0}, FAKE_NETS, [], [], conv)
    yardsticks, nets = parse_tables(text)
    assert yardsticks[-1] == ["TensorFlow Conv2D forward", "all cores", "40.0"]
    assert "best of 5 float32 forward passes of 512 images of 14x14x16" in text
    assert nets[0] == bench.NETWORK_HEADER and "% of conv" in nets[0]
    assert [row[0] for row in nets[2:]] == list(FAKE_NETS)
    assert nets[3][6] == "60.2"
    assert f"{bench.CNN_NAME}: FLOPs per image = ...; 963.55 GFLOP per epoch" in text
    without = bench.report({"CPU": "x"}, args, {"all": 100.0, "one": 50.0}, FAKE_NETS, [], [])
    yardsticks, nets = parse_tables(without)
    assert len(yardsticks) == 4 and nets[3][6] == "-"
