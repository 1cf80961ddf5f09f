"""Tests for helpers.tuning: real training on a tiny MNIST subset, and every bad input."""

from __future__ import annotations

import random
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import helpers  # noqa: E402

helpers.setup_notebook(verbose=False)

import matplotlib.pyplot as plt  # noqa: E402

from helpers import data, tuning  # noqa: E402

FAST = {"epochs": 1, "hidden": (16,), "batch_size": 32, "lr": 3e-3}
TIME = re.compile(r"\(\d+\.\d s\)$")
# A trial line ends in its accuracy, or says it diverged (tiny test data can end below 0.5).
RESULT = re.compile(r"(val_accuracy \d\.\d{4}|diverged: val_accuracy below 0\.5)  \(")


@pytest.fixture(scope="module")
def tiny() -> data.MnistSplits:
    """1,000 training and 500 validation images of real MNIST."""
    return tuning.subset(data.prepare_mnist(), n_train=1000, n_val=500)


@pytest.fixture(scope="module")
def lr_rows(tiny: data.MnistSplits) -> list[dict]:
    return tuning.sweep("lr", [1e-3, 1.0], FAST, tiny, verbose=False)


# --- configs and models ---------------------------------------------------------------------

def test_make_config_fills_defaults_and_normalises() -> None:
    cfg = tuning.make_config({"lr": 3e-3}, hidden=256, activation="ReLU")
    assert cfg == {**tuning.DEFAULTS, "lr": 3e-3, "hidden": (256,), "activation": "relu"}
    assert tuning.make_config() == tuning.DEFAULTS
    assert tuning.make_config(hidden=[64, 32])["hidden"] == (64, 32)


@pytest.mark.parametrize("changes, error, words", [
    ({"learning_rate": 1e-3}, ValueError, "known ones"),
    ({"lr": 0.0}, ValueError, "positive"),
    ({"lr": float("nan")}, ValueError, "positive"),
    ({"lr": "fast"}, TypeError, "learning rate"),
    ({"dropout": 1.0}, ValueError, "[0, 1)"),
    ({"dropout": -0.1}, ValueError, "[0, 1)"),
    ({"activation": "softsign"}, ValueError, "relu"),
    ({"optimizer": "lbfgs"}, ValueError, "adam"),
    ({"hidden": (128, 0)}, ValueError, "positive"),
    ({"hidden": "128"}, TypeError, "tuple of layer sizes"),
    ({"hidden": (128.0,)}, TypeError, "tuple of layer sizes"),
    ({"batch_size": 0}, ValueError, "at least 1"),
    ({"epochs": 0}, ValueError, "at least 1"),
    ({"epochs": 2.5}, TypeError, "whole number"),
    ({"epochs": True}, TypeError, "whole number"),
])
def test_make_config_rejects_bad_values(changes: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        tuning.make_config(changes)
    first = next(iter(changes))
    with pytest.raises(error, match=re.escape(first)):
        tuning.make_config(changes)


def test_make_config_rejects_non_dict() -> None:
    with pytest.raises(TypeError, match="config must be a dict"):
        tuning.make_config([("lr", 1e-3)])


def test_build_mlp_layers_and_compile() -> None:
    model = tuning.build_mlp(hidden=(32, 16), activation="tanh", lr=0.01, dropout=0.2,
                             optimizer="sgd")
    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == tuning.count_params((32, 16))
    assert type(model.optimizer).__name__ == "SGD"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.layers[0].kernel_initializer.__class__.__name__ == "GlorotUniform"
    relu = tuning.build_mlp(hidden=(8,))
    assert relu.layers[0].kernel_initializer.__class__.__name__ == "HeNormal"
    assert [type(layer).__name__ for layer in relu.layers] == ["Dense", "Dense"]


def test_many_batches_per_call_train_bit_for_bit_like_one(tiny: data.MnistSplits) -> None:
    """steps_per_execution only saves overhead: weights and history are exactly the same."""
    from helpers.setup import seed_everything
    from helpers.training import STEPS_PER_EXECUTION

    runs = []
    for steps in (1, STEPS_PER_EXECUTION):
        seed_everything(7)
        model = tuning.build_mlp(hidden=(32,), dropout=0.2, decay_steps=80)
        model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"],
                      steps_per_execution=steps)
        seed_everything(7)
        history = model.fit(tiny.x_train, tiny.y_train, epochs=2, batch_size=32, verbose=0,
                            validation_data=(tiny.x_val, tiny.y_val)).history
        runs.append((history, model.get_weights()))
    assert STEPS_PER_EXECUTION > 1
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(u, v) for u, v in zip(runs[0][1], runs[1][1], strict=True))


def test_build_mlp_without_hidden_layers_is_softmax_regression() -> None:
    model = tuning.build_mlp(hidden=())
    assert model.count_params() == 785 * 10 == tuning.count_params(())


def test_build_mlp_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="activation"):
        tuning.build_mlp(activation="step")
    with pytest.raises(ValueError, match="dropout"):
        tuning.build_mlp(dropout=1.5)


def test_count_params_matches_formula() -> None:
    assert tuning.count_params((128,)) == 785 * 128 + 129 * 10 == 101_770
    assert tuning.count_params(256) == 785 * 256 + 257 * 10
    with pytest.raises(TypeError, match="hidden"):
        tuning.count_params("big")


def test_format_value() -> None:
    assert tuning.format_value("lr", 1e-3) == "0.001"
    assert tuning.format_value("lr", 0.0023456) == "0.0023"
    assert tuning.format_value("hidden", (128,)) == "(128,)"
    assert tuning.format_value("hidden", (256, 128)) == "(256, 128)"
    assert tuning.format_value("hidden", ()) == "()"
    assert tuning.format_value("dropout", 0.0) == "0"
    assert tuning.format_value("val_accuracy", 0.95123) == "0.9512"
    assert tuning.format_value("seconds", 3.14159) == "3.1 s"
    assert tuning.format_value("batch_size", 128) == "128"


# --- LogUniform -----------------------------------------------------------------------------

def test_log_uniform_samples_in_range_rounded_and_seeded() -> None:
    dist = tuning.LogUniform(1e-4, 1e-1)
    a = [dist.sample(random.Random(1)) for _ in range(1)]
    b = [dist.sample(random.Random(1)) for _ in range(1)]
    assert a == b
    rng = random.Random(0)
    values = [dist.sample(rng) for _ in range(300)]
    assert all(9e-5 <= v <= 0.1 for v in values)
    assert all(float(f"{v:.2g}") == v for v in values)
    # even on a log scale: about a third in each decade
    decades = np.histogram(np.log10(values), bins=[-4, -3, -2, -1])[0]
    assert decades.min() > 60


@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-1.0, 1.0), (1e-2, 1e-3), (1e-3, 1e-3),
                                       ("a", 1.0), (1e-3, float("inf"))])
def test_log_uniform_rejects_bad_range(low: object, high: object) -> None:
    with pytest.raises(ValueError, match="LogUniform"):
        tuning.LogUniform(low, high)


# --- training -------------------------------------------------------------------------------

def test_train_and_score_row_and_repeatability(tiny: data.MnistSplits,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    row = tuning.train_and_score(FAST, tiny)
    line = capsys.readouterr().out.strip()
    assert line.startswith("hidden=(16,)  activation=relu  lr=0.003  dropout=0  optimizer=adam  "
                           "batch_size=32  epochs=1  ->")
    assert f"->  val_accuracy {row['val_accuracy']:.4f}" in line
    assert TIME.search(line)
    assert set(row) == set(tuning.HYPERPARAMETERS) | set(tuning.RESULTS)
    assert row["hidden"] == (16,) and row["epochs"] == 1
    assert row["params"] == tuning.count_params((16,))
    assert 0.5 < row["val_accuracy"] <= 1.0  # learned something in one epoch
    assert 0.0 < row["train_accuracy"] <= 1.0
    assert row["val_loss"] > 0 and row["seconds"] > 0
    assert row["val_accuracy"] * 500 == pytest.approx(round(row["val_accuracy"] * 500))
    again = tuning.train_and_score(FAST, tiny, verbose=False, show=["lr"])
    assert capsys.readouterr().out == ""
    assert again["val_accuracy"] == row["val_accuracy"]
    assert again["val_loss"] == row["val_loss"]


def test_train_and_score_seed_changes_result(tiny: data.MnistSplits) -> None:
    a = tuning.train_and_score(FAST, tiny, seed=1, verbose=False)
    b = tuning.train_and_score(FAST, tiny, seed=2, verbose=False)
    assert a["val_loss"] != b["val_loss"]


def test_train_and_score_show_picks_settings(tiny: data.MnistSplits,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    tuning.train_and_score(FAST, tiny, show=["lr", "hidden"])
    assert RESULT.match(capsys.readouterr().out.removeprefix("lr=0.003  hidden=(16,)  ->  "))


def test_train_and_score_rejects_bad_inputs(tiny: data.MnistSplits) -> None:
    with pytest.raises(ValueError, match="known ones"):
        tuning.train_and_score({"units": 16}, tiny)
    with pytest.raises(TypeError, match="x_train, y_train, x_val and y_val"):
        tuning.train_and_score(FAST, (tiny.x_train, tiny.y_train))
    bad = tiny._replace(x_train=tiny.x_train.reshape(-1, 28, 28))
    with pytest.raises(ValueError, match=re.escape("data.x_train must have shape (N, 784)")):
        tuning.train_and_score(FAST, bad)
    bad = tiny._replace(y_val=tiny.y_val[:10])
    with pytest.raises(ValueError, match="data.y_val"):
        tuning.train_and_score(FAST, bad)
    with pytest.raises(ValueError, match="seed"):
        tuning.train_and_score(FAST, tiny, seed=-1)
    with pytest.raises(ValueError, match="show"):
        tuning.train_and_score(FAST, tiny, show=["speed"])


def test_sweep_rows_order_and_lines(lr_rows: list[dict], tiny: data.MnistSplits,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert [r["lr"] for r in lr_rows] == [1e-3, 1.0]
    assert [r["trial"] for r in lr_rows] == [1, 2]
    assert all(r["hidden"] == (16,) for r in lr_rows)
    assert lr_rows[0]["val_accuracy"] > lr_rows[1]["val_accuracy"]  # lr = 1 fails
    rows = tuning.sweep("hidden", [8, (8, 8)], FAST, tiny)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert RESULT.match(lines[0].removeprefix("trial 1/2  hidden=(8,)  ->  "))
    assert RESULT.match(lines[1].removeprefix("trial 2/2  hidden=(8, 8)  ->  "))
    assert all(TIME.search(line) for line in lines)
    assert [r["hidden"] for r in rows] == [(8,), (8, 8)]


def test_sweep_over_seeds_rows_lines_and_spread(tiny: data.MnistSplits,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rows = tuning.sweep("lr", [1e-3, 3e-3], FAST, tiny, seeds=(1, 2))
    lines = capsys.readouterr().out.strip().splitlines()
    assert [(r["lr"], r["seed"], r["trial"]) for r in rows] == [
        (1e-3, 1, 1), (1e-3, 2, 2), (3e-3, 1, 3), (3e-3, 2, 4)]
    assert lines[1].startswith("trial 2/4  lr=0.001  seed=2  ->  ")
    again = tuning.train_and_score({**FAST, "lr": 1e-3}, tiny, seed=2, verbose=False)
    assert again["val_accuracy"] == rows[1]["val_accuracy"]
    table = tuning.spread(rows, "lr")
    assert [t["lr"] for t in table] == [1e-3, 3e-3] and all(t["runs"] == 2 for t in table)
    accs = [r["val_accuracy"] for r in rows[:2]]
    assert table[0]["low"] == min(accs) and table[0]["high"] == max(accs)
    assert table[0]["mean"] == pytest.approx(sum(accs) / 2)
    fig = tuning.plot_sweep(rows, "lr")
    left = fig.axes[0]
    assert [t.get_text() for t in left.get_xticklabels()] == ["0.001", "0.003"]
    assert left.get_legend() is not None
    plt.close(fig)
    with pytest.raises(TypeError, match="seeds"):
        tuning.sweep("lr", [1e-3], FAST, tiny, seeds=3)
    with pytest.raises(ValueError, match="repeats a seed"):
        tuning.sweep("lr", [1e-3], FAST, tiny, seeds=(1, 1))
    with pytest.raises(ValueError, match="seed must be"):
        tuning.sweep("lr", [1e-3], FAST, tiny, seeds=(-1,))
    with pytest.raises(ValueError, match="rows is empty"):
        tuning.spread([], "lr")


def test_plot_sweep_repeated_categories() -> None:
    rows = [{"activation": a, "seed": s, "val_accuracy": 0.9 + 0.01 * s, "seconds": 1.0}
            for a in ("tanh", "relu") for s in (0, 1)]
    fig = tuning.plot_sweep(rows, "activation")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["tanh", "relu"]
    plt.close(fig)


def test_sweep_rejects_bad_inputs(tiny: data.MnistSplits) -> None:
    with pytest.raises(ValueError, match="param has an unknown hyperparameter 'rate'"):
        tuning.sweep("rate", [0.1], FAST, tiny)
    with pytest.raises(ValueError, match="empty list"):
        tuning.sweep("lr", [], FAST, tiny)
    with pytest.raises(TypeError, match="list of values"):
        tuning.sweep("lr", 0.001, FAST, tiny)
    with pytest.raises(TypeError, match="list of values"):
        tuning.sweep("activation", "relu", FAST, tiny)
    with pytest.raises(ValueError, match="twice"):
        tuning.sweep("lr", [1e-3, 0.001], FAST, tiny)
    with pytest.raises(ValueError, match=re.escape("values['lr']")):
        tuning.sweep("lr", [1e-3, -1.0], FAST, tiny)
    with pytest.raises(ValueError, match="epochs"):
        tuning.sweep("lr", [1e-3], {"epochs": 0}, tiny)
    with pytest.raises(TypeError, match="data"):
        tuning.sweep("lr", [1e-3], FAST, None)


def test_grid_search_tries_every_combination(tiny: data.MnistSplits,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    space = {"hidden": [8, 16], "dropout": [0.0, 0.5]}
    rows = tuning.grid_search(space, {"epochs": 1, "batch_size": 200}, tiny)
    combos = [(r["hidden"], r["dropout"]) for r in rows]
    assert combos == [((8,), 0.0), ((8,), 0.5), ((16,), 0.0), ((16,), 0.5)]
    lines = capsys.readouterr().out.strip().splitlines()
    assert RESULT.match(lines[2].removeprefix("trial 3/4  hidden=(16,)  dropout=0  ->  "))
    assert tuning.grid_size(space) == 4


def test_grid_search_rejects_bad_inputs(tiny: data.MnistSplits) -> None:
    with pytest.raises(ValueError, match="space is empty"):
        tuning.grid_search({}, FAST, tiny)
    with pytest.raises(TypeError, match="space must be a dict"):
        tuning.grid_search([("lr", [1e-3])], FAST, tiny)
    with pytest.raises(ValueError, match=r"space has an unknown .*'learning_rate'.*'lr'"):
        tuning.grid_search({"learning_rate": [1e-3]}, FAST, tiny)
    with pytest.raises(ValueError, match=re.escape("space['lr'] is an empty list")):
        tuning.grid_search({"lr": []}, FAST, tiny)
    with pytest.raises(ValueError, match="LogUniform is for random_search"):
        tuning.grid_search({"lr": tuning.LogUniform(1e-4, 1e-2)}, FAST, tiny)
    with pytest.raises(ValueError, match="more than max_trials=3"):
        tuning.grid_search({"lr": [1e-3, 1e-2], "hidden": [8, 16]}, FAST, tiny, max_trials=3)
    with pytest.raises(ValueError, match="max_trials"):
        tuning.grid_search({"lr": [1e-3]}, FAST, tiny, max_trials=0)
    with pytest.raises(ValueError, match="known ones"):
        tuning.grid_search({"lr": [1e-3]}, {"size": 3}, tiny)
    with pytest.raises(ValueError, match="space is empty"):
        tuning.grid_size({})


def test_random_search_seeded_distinct_and_in_space(tiny: data.MnistSplits) -> None:
    space = {"lr": tuning.LogUniform(1e-3, 1e-2), "hidden": [8, 16], "dropout": [0.0, 0.2]}
    rows = tuning.random_search(space, 2, FAST, tiny, seed=7, verbose=False)
    configs = [(r["lr"], r["hidden"], r["dropout"]) for r in rows]
    assert len(set(configs)) == 2
    assert all(1e-3 * 0.95 <= r["lr"] <= 1e-2 and r["hidden"] in [(8,), (16,)] for r in rows)
    assert [r["epochs"] for r in rows] == [1, 1]
    again = tuning.random_search(space, 2, FAST, tiny, seed=7, verbose=False)
    assert [(r["lr"], r["hidden"], r["dropout"], r["val_accuracy"]) for r in again] == [
        (r["lr"], r["hidden"], r["dropout"], r["val_accuracy"]) for r in rows]


def test_random_search_covers_a_small_space_exactly(tiny: data.MnistSplits) -> None:
    rows = tuning.random_search({"hidden": [8, 16]}, 2, FAST, tiny, verbose=False)
    assert sorted(r["hidden"] for r in rows) == [(8,), (16,)]


def test_random_search_rejects_bad_inputs(tiny: data.MnistSplits) -> None:
    space = {"hidden": [8, 16]}
    with pytest.raises(ValueError, match="n_trials must be at least 1"):
        tuning.random_search(space, 0, FAST, tiny)
    with pytest.raises(TypeError, match="n_trials"):
        tuning.random_search(space, 2.0, FAST, tiny)
    with pytest.raises(ValueError, match="more than the 2 distinct combinations"):
        tuning.random_search(space, 3, FAST, tiny)
    with pytest.raises(ValueError, match="space is empty"):
        tuning.random_search({}, 2, FAST, tiny)
    with pytest.raises(ValueError, match="only for 'lr'"):
        tuning.random_search({"dropout": tuning.LogUniform(0.1, 0.5)}, 2, FAST, tiny)
    with pytest.raises(ValueError, match=re.escape("space['hidden'] is an empty list")):
        tuning.random_search({"hidden": []}, 1, FAST, tiny)
    with pytest.raises(ValueError, match="seed"):
        tuning.random_search(space, 1, FAST, tiny, seed=-3)


# --- results --------------------------------------------------------------------------------

ROWS = [
    {"trial": 1, "hidden": (128,), "lr": 1e-3, "dropout": 0.0, "val_accuracy": 0.9512,
     "seconds": 3.25},
    {"trial": 2, "hidden": (256, 128), "lr": 1e-3, "dropout": 0.2, "val_accuracy": 0.9624,
     "seconds": 12.5},
    {"trial": 3, "hidden": (128,), "lr": 1e-3, "dropout": 0.2, "val_accuracy": 0.9624,
     "seconds": 4.0},
]


def test_best_picks_highest_first_on_tie() -> None:
    top = tuning.best(ROWS)
    assert top["trial"] == 2
    top["trial"] = 99  # a copy
    assert ROWS[1]["trial"] == 2
    assert tuning.best(ROWS, key="seconds")["trial"] == 2


def test_best_rejects_bad_rows() -> None:
    with pytest.raises(ValueError, match="rows is empty"):
        tuning.best([])
    with pytest.raises(TypeError, match="list of dicts"):
        tuning.best({"val_accuracy": 0.9})
    with pytest.raises(ValueError, match="'val_loss'"):
        tuning.best(ROWS, key="val_loss")


def test_format_table_default_columns_and_alignment() -> None:
    table = tuning.format_table(ROWS)
    lines = table.splitlines()
    assert lines[0].split() == ["trial", "hidden", "dropout", "val_accuracy", "seconds"]
    assert set(lines[1]) == {"-"} and len(lines[1]) == len(lines[0])
    assert lines[2] == "    1  (128,)      0              0.9512  3.2 s"
    assert lines[3].endswith("0.9624  12.5 s")
    # every line has its columns at the same places; only the time at the end differs
    assert len({line.index("0.9") for line in lines[2:]}) == 1


def test_format_table_sorting_and_columns() -> None:
    lines = tuning.format_table(ROWS, sort_by="val_accuracy").splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["2", "3", "1"]
    lines = tuning.format_table(ROWS, columns=["lr", "val_accuracy"]).splitlines()
    assert lines[0] == "lr     val_accuracy" and lines[2] == "0.001        0.9512"


def test_format_table_time_masks_to_a_stable_table() -> None:
    """Masking times the way nbval's sanitizer does gives the same text for any timings."""
    slow = [{**r, "seconds": r["seconds"] * 37.1} for r in ROWS]
    mask = re.compile(r"\d+(\.\d+)? ?(s|sec|seconds)\b")
    assert mask.sub("N s", tuning.format_table(ROWS)) == mask.sub(
        "N s", tuning.format_table(slow))


def test_format_table_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="rows is empty"):
        tuning.format_table([])
    with pytest.raises(ValueError, match="not in every row"):
        tuning.format_table(ROWS, columns=["optimizer"])
    with pytest.raises(ValueError, match="not in every row"):
        tuning.format_table(ROWS, columns=[])
    with pytest.raises(ValueError, match="'val_loss'"):
        tuning.format_table(ROWS, sort_by="val_loss")
    with pytest.raises(TypeError, match="list of dicts"):
        tuning.format_table("rows")


def test_subset() -> None:
    x = np.zeros((50, 784), np.float32)
    y = np.arange(50) % 10
    splits = data.MnistSplits(x, y, x[:20], y[:20], x[:5], y[:5])
    small = tuning.subset(splits, 10)
    assert small.x_train.shape == (10, 784) and small.x_val.shape == (20, 784)
    assert np.array_equal(small.y_train, y[:10]) and small.x_test is splits.x_test
    assert tuning.subset(splits, 10, n_val=4).y_val.shape == (4,)
    with pytest.raises(ValueError, match="n_train=51 is more than the 50"):
        tuning.subset(splits, 51)
    with pytest.raises(ValueError, match="n_val=21"):
        tuning.subset(splits, 10, n_val=21)
    with pytest.raises(ValueError, match="n_train must be at least 1"):
        tuning.subset(splits, 0)
    with pytest.raises(TypeError, match="data must have"):
        tuning.subset((x, y), 10)


def test_plot_sweep_log_axis_for_lr(lr_rows: list[dict]) -> None:
    fig = tuning.plot_sweep(lr_rows, "lr")
    left, right = fig.axes
    assert left.get_xscale() == "log" and right.get_xscale() == "log"
    assert left.get_ylabel() == "validation accuracy"
    assert right.get_ylabel() == "training time (s)"
    assert list(left.lines[0].get_ydata()) == [r["val_accuracy"] for r in lr_rows]
    assert [t.get_text() for t in left.get_xticklabels()] == ["0.001", "1"]
    plt.close(fig)


def test_plot_sweep_categorical_and_width_axes() -> None:
    rows = [{"hidden": h, "val_accuracy": a, "seconds": 1.0}
            for h, a in [((), 0.9), ((64,), 0.95), ((64, 64), 0.96)]]
    fig = tuning.plot_sweep(rows, "hidden", title="depth")
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "64", "64-64"]
    assert fig._suptitle.get_text() == "depth"
    plt.close(fig)
    rows = [{"hidden": (u,), "val_accuracy": 0.9, "seconds": 1.0} for u in (16, 64, 256)]
    fig = tuning.plot_sweep(rows, "hidden")
    assert fig.axes[0].get_xscale() == "log"
    assert fig.axes[0].get_xlabel() == "units in the hidden layer"
    plt.close(fig)
    rows = [{"activation": a, "val_accuracy": 0.9, "seconds": 1.0} for a in ("tanh", "relu")]
    fig = tuning.plot_sweep(rows, "activation", logx=False)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["tanh", "relu"]
    plt.close(fig)


def test_plot_sweep_describes_every_value_without_ranking_them() -> None:
    from helpers.plots import description

    rows = [{"activation": a, "seed": s, "val_accuracy": acc + 0.01 * s, "seconds": 1.0 + s}
            for a, acc in (("tanh", 0.9), ("relu", 0.93), ("sigmoid", 0.8)) for s in (0, 1)]
    fig = tuning.plot_sweep(rows, "activation")
    alt = description(fig)
    plt.close(fig)
    means = {a: np.mean([r["val_accuracy"] for r in rows if r["activation"] == a])
             for a in ("tanh", "relu", "sigmoid")}
    assert alt.startswith("Sweep of activation: validation accuracy (left) and training time "
                          "(right) for activation tanh, relu, sigmoid, each run 2 times.")
    assert (f"The mean validation accuracy of each: tanh {means['tanh']:.3f}, relu "
            f"{means['relu']:.3f}, sigmoid {means['sigmoid']:.3f}; a run took 1.0 to 2.0 s.") in alt
    rows = [{"hidden": h, "val_accuracy": acc, "seconds": 1.25}
            for h, acc in [((), 0.9), ((64,), 0.95), ((64, 64), 0.96)]]
    fig = tuning.plot_sweep(rows, "hidden", title="depth")
    alt = description(fig)
    plt.close(fig)
    assert alt.startswith("depth: validation accuracy (left) and training time (right) for "
                          "hidden layers none, 64, 64-64.")
    assert ("The validation accuracy of each: none 0.900, 64 0.950, 64-64 0.960; "
            f"each run took {rows[0]['seconds']:.1f} s.") in alt


def test_plot_sweep_rejects_bad_input() -> None:
    rows = [{"activation": "relu", "val_accuracy": 0.9, "seconds": 1.0}]
    with pytest.raises(ValueError, match="logx=True needs numeric"):
        tuning.plot_sweep(rows, "activation", logx=True)
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        tuning.plot_sweep(rows, "colour")
    with pytest.raises(ValueError, match="'lr'"):
        tuning.plot_sweep(rows, "lr")
    with pytest.raises(ValueError, match="'seconds'"):
        tuning.plot_sweep([{"activation": "relu", "val_accuracy": 0.9}], "activation")
    with pytest.raises(ValueError, match="rows is empty"):
        tuning.plot_sweep([], "lr")


# --- KerasTuner -----------------------------------------------------------------------------

# KerasTuner 1.4.8 itself calls deprecated threading and NumPy APIs.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_keras_tuner_search_rows(tiny: data.MnistSplits, tmp_path: object,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import keras_tuner as kt

    from helpers.setup import seed_everything

    def build(hp: kt.HyperParameters) -> object:
        seed_everything(42)
        return tuning.build_mlp(hidden=(hp.Choice("units", [16, 32]),),
                                lr=hp.Choice("lr", [3e-3, 1e-2]))

    tuner = kt.RandomSearch(build, objective="val_accuracy", max_trials=2, seed=1,
                            directory=str(tmp_path), project_name="t", overwrite=True)
    assert tuning.tensorboard_optional(tuner) is tuner
    tuner.search(tiny.x_train, tiny.y_train, epochs=1, batch_size=32,
                 validation_data=(tiny.x_val, tiny.y_val), verbose=0)
    assert capsys.readouterr().out == ""
    rows = tuning.tuner_rows(tuner)
    assert len(rows) == 2
    assert min(r["val_accuracy"] for r in rows) > 0.3  # chance is 0.1
    assert set(rows[0]) == {"trial", "units", "lr", "val_accuracy"}
    assert [r["trial"] for r in rows] == [1, 2]  # in the order they ran, whatever they scored
    top = tuning.tuner_rows(tuner, num_trials=1)
    assert top == [tuning.best(rows)]
    lines = tuning.format_table(rows).splitlines()
    assert lines[0].split()[0] == "trial" and lines[0].split()[-1] == "val_accuracy"
    with pytest.raises(ValueError, match="num_trials"):
        tuning.tuner_rows(tuner, num_trials=0)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_keras_tuner_helpers_reject_non_tuners(tmp_path: object) -> None:
    import keras_tuner as kt

    with pytest.raises(TypeError, match="KerasTuner tuner"):
        tuning.tuner_rows(object())
    with pytest.raises(TypeError, match="KerasTuner tuner"):
        tuning.tensorboard_optional("tuner")
    tuner = kt.RandomSearch(lambda hp: tuning.build_mlp(hidden=(8,)), objective="val_accuracy",
                            max_trials=1, directory=str(tmp_path), project_name="e",
                            overwrite=True)
    with pytest.raises(ValueError, match="no trials yet"):
        tuning.tuner_rows(tuner)


def test_a_diverged_trial_is_named_not_given_a_chaotic_number() -> None:
    row = {"lr": 1.0, "val_accuracy": 0.2680, "seconds": 1.3}
    line = tuning.format_trial(row, ["lr"], 5, 5)
    assert line == "trial 5/5  lr=1  ->  diverged: val_accuracy below 0.5  (1.3 s)"
    learned = tuning.format_trial({**row, "val_accuracy": 0.9360}, ["lr"], 3, 5)
    assert "val_accuracy 0.9360" in learned and "diverged" not in learned
