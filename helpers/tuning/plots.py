"""The plot of a sweep: validation accuracy and training time against a setting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from helpers.plots import describe
from helpers.tuning.config import DEFAULTS, _is_number, _unknown, format_value
from helpers.tuning.results import _check_rows, spread

_LABELS = {"lr": "learning rate", "batch_size": "batch size", "hidden": "hidden layers",
           "dropout": "dropout rate"}


def _tick(param: str, value: Any) -> str:
    """Return a short axis label: hidden layers as ``128-128`` (``none`` for no layer)."""
    if param == "hidden":
        return "-".join(str(u) for u in value) or "none"
    return format_value(param, value)


def _sweep_text(rows: list[Mapping[str, Any]], param: str, label: str) -> str:
    """Return what a sweep's plot shows: each value's (mean) accuracy, no ranking, the times."""
    stats = spread(rows, param)
    runs = max(s_["runs"] for s_ in stats)
    secs = sorted({f"{r['seconds']:.1f}" for r in rows}, key=float)
    mean = "mean " if runs > 1 else ""
    each = ", ".join(f"{_tick(param, s_[param])} {s_['mean']:.3f}" for s_ in stats)
    return (f"validation accuracy (left) and training time (right) for {label} "
            f"{', '.join(_tick(param, s_[param]) for s_ in stats)}"
            f"{f', each run {runs} times' if runs > 1 else ''}. The {mean}validation accuracy "
            f"of each: {each}; "
            + (f"a run took {secs[0]} to {secs[-1]} s." if len(secs) > 1
               else f"each run took {secs[0]} s."))


def plot_sweep(rows: Sequence[Mapping[str, Any]], param: str, *, logx: bool | None = None,
               title: str | None = None) -> Figure:
    """Plot a sweep: validation accuracy (left) and training seconds (right) against ``param``.

    Numbers go on a numeric axis (log scale for ``lr`` and ``batch_size`` unless ``logx``
    says otherwise); single hidden layers on a log axis of units; anything else by name.
    Rows of a sweep over several seeds show each run faintly, and the mean with a bar from
    the lowest to the highest run.
    """
    if param not in DEFAULTS:
        raise _unknown(param, "param")
    rows = _check_rows(rows, param)
    _check_rows(rows, "val_accuracy")
    _check_rows(rows, "seconds")
    values = [r[param] for r in rows]
    label = _LABELS.get(param, param)
    if param == "hidden" and all(len(v) == 1 for v in values):
        xs: list[Any] = [v[0] for v in values]
        label, numeric = "units in the hidden layer", True
        logx = True if logx is None else logx
    else:
        numeric = all(_is_number(v) for v in values)
        order = [v for i, v in enumerate(values) if v not in values[:i]]
        xs = values if numeric else [order.index(v) for v in values]
        if logx is None:
            logx = numeric and param in ("lr", "batch_size")
    if logx and not numeric:
        raise ValueError(f"logx=True needs numeric values of {param!r}, got {values!r}.")
    acc = [r["val_accuracy"] for r in rows]
    secs = [r["seconds"] for r in rows]
    unique = [v for i, v in enumerate(values) if v not in values[:i]]
    repeated = len(unique) < len(values)
    if repeated:  # several seeds per value: each run faint, the mean with its full range
        ux = [xs[values.index(v)] for v in unique]
        stats = {s_[param]: s_ for s_ in spread(rows, param)}
        means = [stats[v]["mean"] for v in unique]
        low = [stats[v]["mean"] - stats[v]["low"] for v in unique]
        high = [stats[v]["high"] - stats[v]["mean"] for v in unique]
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.0))
    for ax, ys, name, color in ((axes[0], acc, "validation accuracy", "C0"),
                                (axes[1], secs, "training time (s)", "C1")):
        if repeated:
            ax.plot(xs, ys, "o", color=color, ms=4, alpha=0.4)
            if ys is acc:
                ax.errorbar(ux, means, yerr=[low, high], fmt="o-" if numeric else "o",
                            color=color, ms=6, capsize=4, label="mean, lowest to highest")
                ax.legend(fontsize=8, loc="lower left")
        else:
            ax.plot(xs, ys, "o-" if numeric else "o", color=color, ms=6)
        ax.set_xlabel(label)
        ax.set_ylabel(name)
        if logx:
            ax.set_xscale("log")
        shown = ux if repeated else xs
        shown_values = unique if repeated else values
        if numeric:
            ax.set_xticks(shown, [format_value(param, v) for v in shown_values])
            ax.minorticks_off()
        else:
            ax.set_xticks(shown, [_tick(param, v) for v in shown_values])
            ax.set_xlim(-0.5, len(shown) - 0.5)
    for x, y in (zip(ux, means, strict=True) if repeated else zip(xs, acc, strict=True)):
        axes[0].annotate(f"{y:.3f}", (x, y), textcoords="offset points", xytext=(8, 6),
                         ha="left" if repeated else "center", fontsize=8)
    axes[0].margins(y=0.15)
    axes[1].set_ylim(bottom=0)
    fig.suptitle(title or f"Sweep of {label}")
    return describe(fig, f"{fig.get_suptitle()}: {_sweep_text(rows, param, label)}")
