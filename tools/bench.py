"""Benchmark the lessons and the networks; print a table and write benchmarks/RESULTS.md.

Usage: python -m tools.bench [--quick] [--notebooks PATH ...] [--output PATH] [--epochs N]

What it measures, on this machine, in one run:
- NumPy's float32 matrix-multiply throughput (best of several n x n @ n x n products),
  on all cores and on one thread: the yardstick for the networks below;
- TensorFlow's float32 convolution throughput (best of several forward passes of a batch
  through the CNN's most expensive Conv2D layer): the second yardstick, for the CNN;
- one training epoch of the 784-128-10 network (batch 128, SGD as in lesson 04), in NumPy
  (helpers.scratch.MLP) and in Keras, and of lesson 08's CNN (Adam), after a warm-up:
  images/s, GFLOP/s and that as a share of each yardstick; then the test accuracy of each
  after the lesson's epochs;
- every lesson executed as the tests execute it (a copy in memory, fresh kernel, nbclient,
  same environment): wall time and the peak resident memory of the kernel's process tree.
- lesson 06's KerasTuner search run distributed (helpers.distributed: a chief and 1, 2
  and 4 worker processes on loopback): trials per minute, and that as a ratio to one worker.

`make bench` runs it in full (several minutes). `--quick` is a smoke run of well under a minute:
a small subset, no notebooks, and no file written unless --output is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.text import column_widths, table_lines
from tools import environment

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "RESULTS.md"

# Lesson 04's network and training settings; the Keras twin uses the same.
SIZES = (784, 128, 10)
BATCH = 128
LR = 0.05
MOMENTUM = 0.9
EPOCHS = 10

# Lesson 08's CNN: Adam with cosine decay from CNN_LR over the run, batch 128, 4 epochs.
CNN_LR = 2e-3
CNN_EPOCHS = 4
CNN_NAME = "Keras CNN (lesson 08)"
# The convolution yardstick: this many images through the CNN's most expensive Conv2D layer.
CONV_BATCH = 512


def flops_per_image(sizes: tuple[int, ...] = SIZES) -> int:
    """Return the matmul FLOPs of one training step per image (forward + backward).

    Forward: 2 * n_in * n_out per Dense layer. Backward: 2 * n_in * n_out for each
    layer's weight gradient, and the same again for the gradient passed down to the
    layer below (not needed for the first layer, whose input is the data).
    """
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    forward = sum(2 * a * b for a, b in pairs)
    weight_grads = sum(2 * a * b for a, b in pairs)
    input_grads = sum(2 * a * b for a, b in pairs[1:])
    return forward + weight_grads + input_grads


FLOP_FORMULA = (
    "FLOPs per epoch = N * [forward 2*(784*128 + 128*10)"
    " + backward 2*(784*128 + 128*10) (weight gradients) + 2*(128*10) (gradient into the "
    "hidden layer)] = N * 2*(2*784*128 + 3*128*10) = N * 409,088"
)


def cnn_layers():
    """Return lesson 08's CNN, uncompiled and unseeded: its architecture lives here only."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(16, 5, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 5, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(10),
    ], name="cnn")


def layer_macs(model) -> list[tuple[str, int]]:
    """Return (layer name, multiply-adds per image) for each Conv2D and Dense layer, in order.

    Conv2D: out_h * out_w * filters * k_h * k_w * in_channels (one multiply-add per kernel
    weight per output value; groups and dilation not supported). Dense: n_in * n_out.
    Other layers (reshape, pooling, dropout, flatten) have no weights to multiply by.
    """
    import keras

    macs = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            if getattr(layer, "groups", 1) != 1 or layer.data_format != "channels_last":
                raise ValueError(f"layer {layer.name!r}: only channels_last, ungrouped Conv2D "
                                 "layers are counted; change the CNN or extend layer_macs")
            k_h, k_w, c_in, filters = layer.kernel.shape
            _, out_h, out_w, _ = layer.output.shape
            macs.append((layer.name, int(out_h * out_w * filters * k_h * k_w * c_in)))
        elif isinstance(layer, keras.layers.Dense):
            n_in, n_out = layer.kernel.shape
            macs.append((layer.name, int(n_in * n_out)))
        elif layer.weights:
            raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) has weights but "
                             "layer_macs does not count it; extend layer_macs")
    if not macs:
        raise ValueError("the model has no Conv2D or Dense layer to count; pass a built model")
    return macs


def model_flops_per_image(model) -> int:
    """Return one training step's FLOPs per image from the model's Conv2D and Dense layers.

    With M_i the multiply-adds of weighted layer i (layer_macs) and M_1 the first's:
    forward 2 * sum(M_i); backward 2 * sum(M_i) for the weight gradients, and the same again
    for the gradients passed down to the layer below, except for the first layer, whose
    input is the data: total = 2 * sum(M_i) + 2 * sum(M_i) + 2 * (sum(M_i) - M_1).
    For a Dense-only model this is flops_per_image(sizes). Biases, activations, pooling,
    dropout, the loss and the optimizer's update are left out (well under 1% for the CNN).
    """
    macs = [m for _, m in layer_macs(model)]
    return 2 * sum(macs) + 2 * sum(macs) + 2 * (sum(macs) - macs[0])


def flop_formula(macs: list[tuple[str, int]]) -> str:
    """Return the FLOPs-per-image sum of model_flops_per_image written out with the numbers."""
    total = sum(m for _, m in macs)
    flops = 4 * total + 2 * (total - macs[0][1])
    terms = " + ".join(f"{m:,}" for _, m in macs)
    return (f"FLOPs per image = 2*M (forward) + 2*M (weight gradients) + 2*(M - M_1) (gradients "
            f"passed down; none into the data), with M = multiply-adds of the Conv2D and Dense "
            f"layers = {terms} = {total:,} and M_1 = {macs[0][1]:,} (the first layer's): "
            f"{flops:,}")


# ------------------------------------------------------------------ machine


def cpuinfo() -> dict[str, str]:
    """Return the first CPU's fields of /proc/cpuinfo ({} where there is none)."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return fields


def cpu_model(fields: dict[str, str]) -> str:
    """Return the CPU model name (or platform's guess where /proc/cpuinfo has none)."""
    return fields.get("model name") or platform.processor() or platform.machine()


def cpu_type(fields: dict[str, str]) -> str:
    """Return the CPU family, model and widest vector units (they decide float rounding)."""
    flags = fields.get("flags", "").split()
    vector = [name for flag, name in [("avx2", "AVX2"), ("avx512f", "AVX-512")] if flag in flags]
    return (f"family {fields.get('cpu family', '?')}, model {fields.get('model', '?')}, "
            f"vector units {' + '.join(vector) or 'SSE only'}")


def machine() -> dict[str, str]:
    """Return the machine description: CPU, cores, versions, date, load."""
    import keras
    import numpy as np
    import tensorflow as tf

    fields = cpuinfo()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "CPU": cpu_model(fields),
        "CPU type": cpu_type(fields),
        "Cores available": str(cores),
        "Load average at start (1, 5, 15 min)": load,
        "Python": platform.python_version(),
        "TensorFlow": tf.__version__,
        "Keras": keras.__version__,
        "NumPy": np.__version__,
        "Date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


# ------------------------------------------------------------------ matmul yardstick


def matmul_gflops(n: int, repeats: int) -> float:
    """Return the best float32 n x n @ n x n throughput in GFLOP/s (2 * n**3 FLOPs each)."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b  # warm-up: threads started, pages touched
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def conv_shape(model) -> dict[str, object]:
    """Return the input shape and settings of the model's most expensive Conv2D layer."""
    import keras

    macs = dict(layer_macs(model))
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    if not convs:
        raise ValueError("the model has no Conv2D layer to take the convolution yardstick from")
    layer = max(convs, key=lambda c: macs[c.name])
    return {"input": tuple(int(d) for d in layer.input.shape[1:]), "filters": layer.filters,
            "kernel": tuple(layer.kernel_size), "strides": tuple(layer.strides),
            "padding": layer.padding}


def conv_gflops(shape: dict[str, object], batch: int, repeats: int) -> float:
    """Return the best float32 throughput in GFLOP/s of one Conv2D forward pass (2 * MACs).

    The layer of ``shape`` (conv_shape) without bias or activation, on ``batch`` random
    images, timed ``repeats`` times after a warm-up; TensorFlow uses all cores.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    if batch < 1 or repeats < 1:
        raise ValueError(f"batch ({batch}) and repeats ({repeats}) must be >= 1")
    h, w, c_in = shape["input"]  # type: ignore[misc]
    layer = keras.layers.Conv2D(shape["filters"], shape["kernel"], strides=shape["strides"],
                                padding=shape["padding"], use_bias=False)
    x = tf.constant(np.random.default_rng(0).random((batch, h, w, c_in), dtype=np.float32))
    out = layer(x)  # warm-up: builds the layer, picks the kernel, touches the memory
    _, out_h, out_w, filters = out.shape
    k_h, k_w = shape["kernel"]  # type: ignore[misc]
    flops = 2 * batch * out_h * out_w * filters * k_h * k_w * c_in
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        out = layer(x)
        float(out[0, 0, 0, 0])  # the result is there (eager ops on the CPU are synchronous)
        best = min(best, time.perf_counter() - start)
    return flops / best / 1e9


def describe_conv(shape: dict[str, object], batch: int) -> str:
    """Return e.g. '512 images of 14x14x16 through Conv2D(32, 5x5, padding "same")'."""
    h, w, c_in = shape["input"]  # type: ignore[misc]
    k_h, k_w = shape["kernel"]  # type: ignore[misc]
    strides = "" if shape["strides"] == (1, 1) else f", strides {shape['strides']}"
    return (f"{batch:,} images of {h}x{w}x{c_in} through Conv2D({shape['filters']}, "
            f"{k_h}x{k_w}, padding \"{shape['padding']}\"{strides})")


# ------------------------------------------------------------------ the networks


def _data(train_size: int):
    """Return flat, scaled MNIST: the first ``train_size`` of the 55,000, and the test set."""
    from helpers.data import prepare_mnist

    d = prepare_mnist()
    return d.x_train[:train_size], d.y_train[:train_size], d.x_test, d.y_test


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_numpy(x, y, x_test, y_test, epochs: int, warmup: int) -> dict[str, object]:
    """Time one epoch of helpers.scratch.MLP after a warm-up; train a fresh one for accuracy."""
    from helpers.scratch import MLP

    net = MLP(SIZES, seed=0)
    net.fit(x[:warmup], y[:warmup], epochs=1, batch_size=BATCH, lr=LR, momentum=MOMENTUM,
            verbose=False)
    epoch_s = _timed(lambda: net.fit(x, y, epochs=1, batch_size=BATCH, lr=LR,
                                     momentum=MOMENTUM, verbose=False))
    net = MLP(SIZES, seed=0)
    train_s = _timed(lambda: net.fit(x, y, epochs=epochs, batch_size=BATCH, lr=LR,
                                     momentum=MOMENTUM, verbose=False))
    return {"epoch_s": epoch_s, "train_s": train_s, "test_acc": net.evaluate(x_test, y_test)[1],
            "epochs": epochs}


def _keras_model():
    import keras

    from helpers.setup import seed_everything

    seed_everything(42)
    model = keras.Sequential([keras.Input(shape=(SIZES[0],))]
                             + [keras.layers.Dense(u, activation="relu") for u in SIZES[1:-1]]
                             + [keras.layers.Dense(SIZES[-1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LR, momentum=MOMENTUM),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def bench_keras(x, y, x_test, y_test, epochs: int, warmup: int) -> dict[str, object]:
    """Time one epoch of the Keras twin after a warm-up; train a fresh one for accuracy."""
    model = _keras_model()
    model.fit(x[:warmup], y[:warmup], epochs=1, batch_size=BATCH, verbose=0)  # traces fit
    epoch_s = _timed(lambda: model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0))
    model = _keras_model()
    train_s = _timed(lambda: model.fit(x, y, epochs=epochs, batch_size=BATCH, verbose=0))
    test_acc = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1]
    return {"epoch_s": epoch_s, "train_s": train_s, "test_acc": float(test_acc), "epochs": epochs}


def _cnn_model(train_size: int, epochs: int):
    """Return lesson 08's CNN, seeded and compiled as the lesson compiles it."""
    import keras

    from helpers.setup import seed_everything

    seed_everything(42)
    model = cnn_layers()
    steps = -(-train_size // BATCH)
    schedule = keras.optimizers.schedules.CosineDecay(CNN_LR, decay_steps=epochs * steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def bench_cnn(x, y, x_test, y_test, epochs: int, warmup: int) -> dict[str, object]:
    """Time one epoch of lesson 08's CNN after a warm-up; train a fresh one for accuracy."""
    model = _cnn_model(len(x), epochs)
    model.fit(x[:warmup], y[:warmup], epochs=1, batch_size=BATCH, verbose=0)  # traces fit
    epoch_s = _timed(lambda: model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0))
    macs = layer_macs(model)
    model = _cnn_model(len(x), epochs)
    train_s = _timed(lambda: model.fit(x, y, epochs=epochs, batch_size=BATCH, verbose=0))
    test_acc = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1]
    return {"epoch_s": epoch_s, "train_s": train_s, "test_acc": float(test_acc),
            "epochs": epochs, "flops_per_image": model_flops_per_image(model),
            "formula": flop_formula(macs)}


# ------------------------------------------------------------------ distributed search

# The distributed search timed: lesson 06's KerasTuner space and data subset, 8 trials, so
# that 4 workers get two rounds each.
DISTRIBUTED_TRIALS = 8
DISTRIBUTED_WORKERS = (1, 2, 4)


def bench_distributed(counts: list[int], trials: int = DISTRIBUTED_TRIALS, n_train: int = 12_000,
                      epochs: int = 2) -> list[dict[str, float]]:
    """Run the same seeded search on a chief and each number of workers; return the timings."""
    from helpers.distributed import Search, tune_distributed

    search = Search(trials=trials, n_train=n_train, epochs=epochs)
    runs = []
    for workers in counts:
        print(f"bench: distributed search, {workers} worker(s) ...", file=sys.stderr, flush=True)
        result = tune_distributed(workers, search, verbose=False)
        runs.append({"workers": workers, "trials": len(result.rows), "seconds": result.seconds,
                     "problems": len(result.problems)})
    return runs


def distributed_rows(runs: list[dict[str, float]]) -> list[list[str]]:
    """Return one table row per run: workers, trials, wall s, trials/min, ratio to one worker."""
    rate = {r["workers"]: 60 * r["trials"] / r["seconds"] for r in runs}
    base = rate.get(1)
    rows = []
    for r in runs:
        ratio = f"{rate[r['workers']] / base:.2f}" if base else "?"
        rows.append([str(r["workers"]), f"{r['trials']:.0f}", f"{r['seconds']:.1f}",
                     f"{rate[r['workers']]:.1f}", ratio])
    return rows


# ------------------------------------------------------------------ notebooks


class PeakRss:
    """Sample the resident memory of a process and its children in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        """Start sampling the process tree rooted at ``pid``."""
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def _run(self, pid: int) -> None:
        import psutil

        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        """Stop sampling and return the peak in bytes."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.peak


def run_notebook(path: Path, timeout: int = 1800) -> dict[str, object]:
    """Execute a copy of a lesson in a fresh kernel as the tests do; return time and memory."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from tools.execute import notebook_client

    nb = nbformat.read(path, as_version=4)  # executed in memory; the file is not touched
    client = notebook_client(nb, path.parent, timeout=timeout)
    sampler = PeakRss()

    def on_start(**_: object) -> None:
        sampler.start(client.km.provisioner.pid)

    client.on_notebook_start = on_start
    status = "ok"
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        status = f"error: {str(exc).strip().splitlines()[-1][:80]}"
    wall = time.perf_counter() - start
    peak = sampler.stop()
    cells = sum(c.cell_type == "code" for c in nb.cells)
    printed = {c.get("id"): "".join(o.get("text", "") for o in c.get("outputs", [])
                                    if o.get("output_type") == "stream")
               for c in nb.cells if c.cell_type == "code"}
    return {"name": path.name, "cells": cells, "wall_s": wall, "peak_mb": peak / 2**20,
            "status": status, "printed": printed}


# The targets of ../shared/design/LESSONS.md, read from what each lesson prints when run:
# (lesson, what, cell id or "" for the whole notebook's wall time, regex, "<=" or ">=", limit)
TARGETS: list[tuple[str, str, str, str, str, float]] = [
    ("04", "NumPy training, s", "timing", r"training took ([\d.]+) seconds", "<=", 30.0),
    ("04", "test accuracy", "test", r"test accuracy ([\d.]+)", ">=", 0.975),
    ("05", "Keras training, s", "final-time", r"^([\d.]+) s for", "<=", 90.0),
    ("05", "test accuracy", "test", r"test accuracy ([\d.]+)", ">=", 0.980),
    ("06", "whole notebook, s", "", "", "<=", 300.0),
    ("06", "test accuracy", "test", r"test accuracy ([\d.]+)", ">=", 0.980),
    ("07", "whole notebook, no cache, s", "", "", "<=", 90.0),
    ("07", "test accuracy", "accuracy", r"test accuracy ([\d.]+)", ">=", 0.980),
    ("08", "whole notebook, no cache, s", "", "", "<=", 240.0),
    ("08", "test accuracy", "test", r"test accuracy ([\d.]+)", ">=", 0.990),
]

# Lessons that load lesson 05's network from its cache run with an empty one here, so
# that their time includes training it, as when a learner opens them first.
NO_CACHE_LESSONS = {"07", "08"}


@contextmanager
def model_cache_for(path: Path) -> Iterator[None]:
    """Point ``MNIST_NN_CACHE`` at an empty folder while a lesson of NO_CACHE_LESSONS runs."""
    if path.name[:2] not in NO_CACHE_LESSONS:
        yield
        return
    old = os.environ.get("MNIST_NN_CACHE")
    with tempfile.TemporaryDirectory(prefix="bench-model-cache-") as empty:
        os.environ["MNIST_NN_CACHE"] = empty
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("MNIST_NN_CACHE", None)
            else:
                os.environ["MNIST_NN_CACHE"] = old


def target_rows(notebooks: list[dict[str, object]]) -> list[list[str]]:
    """Return one row per target whose lesson ran: measured value, target, met or not."""
    import re

    by_number = {str(r["name"])[:2]: r for r in notebooks}
    rows = []
    for number, what, cell, pattern, op, limit in TARGETS:
        run = by_number.get(number)
        if run is None:
            continue
        if not cell:
            value: float | None = float(run["wall_s"])  # type: ignore[arg-type]
        else:
            found = re.search(pattern, run["printed"].get(cell, ""), re.M)  # type: ignore[union-attr]
            value = float(found.group(1)) if found else None
        if value is None:
            rows.append([number, what, "not found", f"{op} {limit:g}", "?"])
            continue
        met = value <= limit if op == "<=" else value >= limit
        shown = f"{value:.4f}" if limit < 1 else f"{value:.1f}"
        rows.append([number, what, shown, f"{op} {limit:g}", "yes" if met else "NO"])
    return rows


# ------------------------------------------------------------------ report


def table(header: list[str], rows: list[list[str]]) -> str:
    """Return a Markdown table (numbers right-aligned)."""
    top, *lines = table_lines([header, *rows], "<" + ">" * (len(header) - 1), sep=" | ",
                              strip=False)
    widths = column_widths([header, *rows])
    rule = "|" + "|".join("-" * (w + 1) + ":" if i else ":" + "-" * (w + 1)
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([f"| {top} |", rule, *(f"| {line} |" for line in lines)])


def network_rows(nets: dict[str, dict], n: int, peak: dict[str, float],
                 conv: float | None) -> list[list[str]]:
    """Return one table row per network: timings, GFLOP/s and its share of each yardstick.

    A network's FLOPs per image is its ``flops_per_image`` (default: the MLP's); the share
    of the convolution yardstick ``conv`` (GFLOP/s) is given for networks with a
    ``formula`` of their own (the CNN), '-' for the MLPs and where it was not measured.
    """
    best = max(peak.values())
    rows = []
    for name, r in nets.items():
        gflops = n * r.get("flops_per_image", flops_per_image()) / r["epoch_s"] / 1e9
        of_conv = f"{100 * gflops / conv:.1f}" if conv and "formula" in r else "-"
        epochs = r.get("epochs")
        rows.append([name, f"{r['epoch_s']:.2f}", f"{n / r['epoch_s']:,.0f}", f"{gflops:.2f}",
                     f"{100 * gflops / best:.1f}", f"{100 * gflops / peak['one']:.1f}", of_conv,
                     f"{r['test_acc']:.4f}", "?" if epochs is None else f"{epochs:d}",
                     f"{r['train_s']:.2f}"])
    return rows


NETWORK_HEADER = ["network", "epoch s", "images/s", "GFLOP/s", "% of best matmul",
                  "% of matmul (one thread)", "% of conv", "test accuracy", "epochs", "train s"]


def report(info: dict[str, str], args: argparse.Namespace, peak: dict[str, float],
           nets: dict[str, dict], notebooks: list[dict[str, object]],
           distributed: list[dict[str, float]] | None = None,
           conv: dict[str, object] | None = None) -> str:
    """Return the whole report as Markdown (``conv``: the convolution yardstick, if measured)."""
    n = args.train_size
    flops = n * flops_per_image()
    best = max(peak.values())
    conv_rate = float(conv["gflops"]) if conv else None  # type: ignore[arg-type]
    images = "all 55,000" if n == 55_000 else f"the first {n:,} of the 55,000"
    out = ["# Benchmarks", "",
           "Written by `make bench` (tools/bench.py). Numbers depend on the machine and on "
           "whatever else runs on it: see the load average below.", "", "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    yardsticks = [[f"NumPy matmul {args.matmul_size}x{args.matmul_size}", "all cores",
                   f"{peak['all']:.1f}"],
                  [f"NumPy matmul {args.matmul_size}x{args.matmul_size}", "one",
                   f"{peak['one']:.1f}"]]
    if conv:
        yardsticks.append(["TensorFlow Conv2D forward", "all cores", f"{conv_rate:.1f}"])
    out += ["", "## Matrix-multiply and convolution throughput (the yardsticks)", "",
            f"Matmul: best of {args.matmul_repeats} float32 {args.matmul_size}x"
            f"{args.matmul_size} @ {args.matmul_size}x{args.matmul_size} products with NumPy "
            f"(2*n^3 FLOPs each)."]
    if conv:
        out[-1] += (f" Conv2D: best of {conv['repeats']} float32 forward passes of "
                    f"{conv['what']} with TensorFlow, no bias or activation (the CNN's most "
                    "expensive layer; 2 FLOPs per multiply-add).")
    out += ["", table(["yardstick", "threads", "GFLOP/s"], yardsticks),
            "", f"The matmul yardstick below is the best of the first two, {best:.1f} GFLOP/s "
            "(on a busy machine all cores can lose to one thread). The NumPy network runs on "
            "one thread, so its share of the one-thread figure is given too. The CNN's "
            "share of the Conv2D figure is how close its training comes to TensorFlow's "
            "own convolution speed on this machine.",
            "", "## Training the networks", "",
            f"The 784-128-10 network: batch {BATCH}, SGD with learning rate {LR} and momentum "
            f"{MOMENTUM} (lesson 04's settings). Lesson 08's CNN (`cnn_layers` in "
            f"tools/bench.py): batch {BATCH}, Adam with cosine decay from {CNN_LR:g} over the "
            "run, cross-entropy from logits (the lesson's settings). All on "
            f"{images} training images. *Epoch* is one "
            "epoch timed after a warm-up; *test accuracy* and *train s* come from a fresh "
            "network trained for *epochs* epochs. "
            "The NumPy network runs its BLAS on one thread (helpers.scratch.one_blas_thread); "
            "Keras uses all cores.", "",
            f"MLP: {FLOP_FORMULA}: {flops / 1e9:.2f} GFLOP for N = {n:,} (matrix products only; "
            "bias, ReLU, softmax and the update add under 0.5%)."]
    for name, r in nets.items():
        if "formula" in r:
            out += ["", f"{name}: {r['formula']}; {n * r['flops_per_image'] / 1e9:.2f} GFLOP "
                    f"per epoch for N = {n:,} (convolutions and matrix products only)."]
    out += ["", table(NETWORK_HEADER, network_rows(nets, n, peak, conv_rate))]
    out += ["", "## Lessons", ""]
    if notebooks:
        out += ["Each lesson executed top to bottom in a fresh kernel with nbclient, as "
                "`make test` and `make outputs` do (a copy in memory; the file is not "
                "changed). Wall time includes starting the kernel; memory is the peak "
                "resident set of the kernel and its child processes, sampled every 50 ms.", "",
                table(["notebook", "code cells", "wall s", "peak RSS MB", "status"],
                      [[str(r["name"]), str(r["cells"]), f"{r['wall_s']:.1f}",
                        f"{r['peak_mb']:.0f}", str(r["status"])] for r in notebooks])]
        targets = target_rows(notebooks)
        if targets:
            out += ["", "## Targets", "",
                    "The targets of the lesson spec (LESSONS.md: 2 CPU cores), read from what "
                    "each lesson printed in the run above.", "",
                    table(["lesson", "what", "measured", "target", "met"], targets)]
    else:
        out += ["No lessons were executed in this run."]
    out += ["", "## Distributed search (KerasTuner chief + workers)", ""]
    if distributed:
        out += [f"Lesson 06's KerasTuner search (same space and seed; {DISTRIBUTED_TRIALS} "
                "trials of 2 epochs on 12,000 images) run by `helpers.distributed`: a chief and "
                "N worker processes on 127.0.0.1, each worker loading MNIST itself. Trials per "
                "minute over the whole run, start-up of every process included, as a user of "
                "`make tune-distributed` waits for it; the ratio is to one worker. The workers "
                "share this machine's cores.", "",
                table(["workers", "trials", "wall s", "trials/min", "ratio to 1 worker"],
                      distributed_rows(distributed))]
    else:
        out += ["Not measured in this run (`make bench` measures it)."]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    out += ["", f"Load average at the end (1, 5, 15 min): {load}.", ""]
    return "\n".join(out)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--quick", action="store_true",
                   help="smoke run (under a minute): 2,000 images, 1 epoch, small yardsticks, "
                        "no notebooks, no file unless --output")
    p.add_argument("--notebooks", nargs="*", default=None,
                   help="lessons to execute (default: all; with --quick: none)")
    p.add_argument("--output", default=None,
                   help=f"where to write the report (default: {DEFAULT_OUTPUT.relative_to(ROOT)};"
                        " with --quick: nowhere)")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"epochs for accuracy ({EPOCHS} for the MLPs, {CNN_EPOCHS} for the CNN; "
                        "with --quick: 1)")
    p.add_argument("--train-size", type=int, default=None, help="training images (55,000)")
    p.add_argument("--distributed-workers", type=int, nargs="*", default=None,
                   help="worker counts for the distributed search (1 2 4; with --quick: none)")
    args = p.parse_args(argv)
    q = args.quick
    # --epochs applies to every network; by default each gets its lesson's epochs.
    args.cnn_epochs = args.epochs if args.epochs is not None else 1 if q else CNN_EPOCHS
    if args.epochs is None:
        args.epochs = 1 if q else EPOCHS
    if args.train_size is None:
        args.train_size = 2000 if q else 55_000
    args.matmul_size = 256 if q else 2048
    args.matmul_repeats = 2 if q else 5
    args.conv_batch = 64 if q else CONV_BATCH
    args.conv_repeats = 2 if q else 5
    if args.notebooks is None:
        args.notebooks = [] if q else sorted(str(p) for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.distributed_workers is None:
        args.distributed_workers = [] if q else list(DISTRIBUTED_WORKERS)
    if any(n < 1 for n in args.distributed_workers):
        p.error("--distributed-workers must be counts >= 1")
    if args.output is None and not q:
        args.output = str(DEFAULT_OUTPUT)
    if args.epochs < 1 or not 1 <= args.train_size <= 55_000:
        p.error("--epochs must be >= 1 and --train-size in 1..55000")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    environment.apply()  # quiet TensorFlow (set before it is imported), MNIST_PATH
    info = machine()
    print(f"bench: {info['CPU']}, {info['Cores available']} cores", file=sys.stderr, flush=True)

    import helpers.scratch as scratch

    print("bench: matmul ...", file=sys.stderr, flush=True)
    peak = {"all": matmul_gflops(args.matmul_size, args.matmul_repeats)}
    with scratch.one_blas_thread():
        peak["one"] = matmul_gflops(args.matmul_size, args.matmul_repeats)

    from helpers.setup import seed_everything

    print("bench: convolution ...", file=sys.stderr, flush=True)
    seed_everything(42)  # the same TensorFlow settings (deterministic ops) as the training
    shape = conv_shape(cnn_layers())
    conv = {"gflops": conv_gflops(shape, args.conv_batch, args.conv_repeats),
            "what": describe_conv(shape, args.conv_batch), "repeats": args.conv_repeats}

    x, y, x_test, y_test = _data(args.train_size)
    # The warm-up ends on a short batch of the same size as the timed epoch's last one, so
    # Keras traces its train step for both batch shapes before the clock starts.
    warmup = min(len(x), 4 * BATCH + len(x) % BATCH)
    nets = {}
    print("bench: NumPy network ...", file=sys.stderr, flush=True)
    nets["NumPy (helpers.scratch.MLP)"] = bench_numpy(x, y, x_test, y_test, args.epochs, warmup)
    print("bench: Keras network ...", file=sys.stderr, flush=True)
    nets["Keras (Sequential)"] = bench_keras(x, y, x_test, y_test, args.epochs, warmup)
    print("bench: Keras CNN ...", file=sys.stderr, flush=True)
    nets[CNN_NAME] = bench_cnn(x, y, x_test, y_test, args.cnn_epochs, warmup)

    notebooks = []
    for path in args.notebooks:
        print(f"bench: executing {path} ...", file=sys.stderr, flush=True)
        with model_cache_for(Path(path)):
            notebooks.append(run_notebook(Path(path)))

    distributed = bench_distributed(args.distributed_workers) if args.distributed_workers else []

    text = report(info, args, peak, nets, notebooks, distributed, conv)
    print(text)
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"bench: wrote {out}", file=sys.stderr)
    failed = [r["name"] for r in notebooks if r["status"] != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
