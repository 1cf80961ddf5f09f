"""Checks for lesson 06, Hyperparameter tuning."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    check_integer,
    malformed,
    multiple_choice,
    right,
    unanswered,
    wrong,
)
from helpers.neuron import count_params
from helpers.tuning import DIVERGED_BELOW  # below it a network diverged rather than learned

# The seed-to-seed sd of one trial's validation accuracy: 0.0009-0.0044, median about 0.003,
# over 7 seeds for each of lesson 06's accuracies above 0.9 in the calibration runs
# (docs/portability.md). Two single runs differ by luck with sd sqrt(2) * 0.003; twice that
# is the noise.
SEED_SD = 0.003
SINGLE_RUN_NOISE = 2 * math.sqrt(2) * SEED_SD

WHY_NOT_TEST_OPTIONS = ("a", "b", "c", "d")
WHY_NOT_TEST = "c"


def parameter_count(answer: Any, hidden: Sequence[int] = (256, 128)) -> Feedback:
    """Check the number of weights and biases of an MLP 784 -> hidden... -> 10."""
    sizes = [784, *hidden, 10]
    expected = count_params(sizes)
    what = f"the parameter count of the {' -> '.join(map(str, sizes))} network"
    return check_integer(answer, expected, what=what,
                         hint="each Dense layer has (inputs + 1) x outputs parameters: one "
                              "weight per input and output, plus one bias per output. Add "
                              "the layers up.")


def _rows_problem(rows: Any, param: str) -> Feedback | None:
    """Return feedback if ``rows`` is not a sweep's list of rows over ``param``, else None."""
    if (todo := unanswered(rows, f"the rows of your {param} sweep")) is not None:
        return todo
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not rows or not all(
            isinstance(r, Mapping) and param in r and "val_accuracy" in r for r in rows):
        return malformed(f"pass the list of rows your sweep returned, e.g. "
                         f"rows = tuning.sweep('{param}', [...], base, small); each row is a "
                         f"dict with '{param}' and 'val_accuracy'.")
    return None


_number = validate.real_number


def chosen_lr(answer: Any, rows: Any) -> Feedback:
    """Check a learning rate chosen from a sweep over several seeds, for one long training.

    Sound: no seed diverged, and its runs overlap those of the rate with the best mean
    (a smaller gap is within seed-to-seed noise).
    """
    if (problem := _rows_problem(rows, "lr")) is not None:
        return problem
    if (todo := unanswered(answer, "the learning rate you choose")) is not None:
        return todo
    lr = _number(answer)
    values = sorted({float(r["lr"]) for r in rows})
    if lr is None:
        return malformed(f"give the learning rate as a number, one of {values}; you gave a "
                         f"{type(answer).__name__}.")
    runs: dict[float, list[float]] = {}
    for r in rows:
        runs.setdefault(float(r["lr"]), []).append(float(r["val_accuracy"]))
    if min(len(v) for v in runs.values()) < 2:
        return malformed("these rows have one run per learning rate; pass lr_rows, the sweep "
                         "with seeds=(42, 142, 242), so that you can see the noise.")
    match = [v for v in runs if np.isclose(v, lr, rtol=1e-6)]
    if not match:
        return malformed(f"{lr:g} is not one of the swept learning rates {values}.")
    mine = runs[match[0]]
    if min(mine) < DIVERGED_BELOW:
        return wrong(f"lr = {lr:g} diverged in at least one of its runs.",
                     "a rate that fails with some seeds is a gamble for a long training; "
                     "choose one that learned with every seed.")
    safe = {v: xs for v, xs in runs.items() if min(xs) >= DIVERGED_BELOW}
    top = max(safe, key=lambda v: float(np.mean(safe[v])))
    best = safe[top]
    if max(mine) < min(best):
        return wrong(f"even the best run of lr = {lr:g} ({max(mine):.4f}) is below the worst "
                     f"run of lr = {top:g} ({min(best):.4f}): that gap is larger than the "
                     "noise between seeds.",
                     "compare the ranges (error bars), not single runs.")
    if np.isclose(lr, top, rtol=1e-6):
        return right(f"A sound choice: lr = {lr:g} has the best mean validation accuracy, "
                     f"{np.mean(mine):.4f} over {len(mine)} seeds, and learned with each.")
    return right(f"A sound choice: lr = {lr:g} (mean {np.mean(mine):.4f}) overlaps the runs "
                 f"of lr = {top:g} (mean {np.mean(best):.4f}); the sweep cannot tell them "
                 "apart, so either is defensible.")


why_not_test = multiple_choice(
    __name__, "why_not_test", WHY_NOT_TEST, WHY_NOT_TEST_OPTIONS,
    hint="the test set's job is to give an unbiased estimate for new data. What "
         "happens to that estimate when the test set also picks the winner?",
    doc="Check the multiple-choice question on why we do not choose by test accuracy.")


def tuned_dropout(answer: Any, rows: Any) -> Feedback:
    """Check a dropout rate chosen from a sweep: the best on validation or within the noise."""
    if (problem := _rows_problem(rows, "dropout")) is not None:
        return problem
    if (todo := unanswered(answer, "(chosen dropout rate, its validation accuracy)")) is not None:
        return todo
    if isinstance(answer, np.ndarray) and answer.size == 2:
        answer = answer.ravel().tolist()
    if isinstance(answer, str | bytes) or not isinstance(answer, Sequence) or len(answer) != 2:
        return malformed("answer should be a pair (dropout rate, validation accuracy), "
                         "e.g. (0.2, 0.9512).")
    rate, acc = _number(answer[0]), _number(answer[1])
    if rate is None or acc is None:
        return malformed("both parts of the answer must be numbers: (dropout rate, "
                         "validation accuracy).")
    rates = sorted({float(r["dropout"]) for r in rows})
    if len(rates) < 3:
        return wrong(f"your sweep tried only {len(rates)} dropout rate(s) {rates}.",
                     "try at least three rates, e.g. [0.0, 0.2, 0.4, 0.6].")
    if not 0.0 <= rate < 1.0:
        return malformed(f"a dropout rate is in [0, 1); you gave {rate:g}.")
    runs = {r: [float(row["val_accuracy"]) for row in rows
                if np.isclose(float(row["dropout"]), r)] for r in rates}
    mine = next((accs for r, accs in runs.items() if np.isclose(r, rate)), None)
    if mine is None:
        return malformed(f"{rate:g} is not one of the rates you swept: {rates}.")
    several = len(mine) > 1  # a sweep with seeds=(...): judge each rate by its mean
    value = float(np.mean(mine))
    if not np.isclose(acc, value, atol=5e-5):
        return wrong(f"the validation accuracy of dropout {rate:g} in your rows is "
                     f"{value:.4f}{' (the mean of its runs)' if several else ''}, not {acc:.4f}.",
                     "report the val_accuracy of the rate you chose (not a test accuracy: "
                     "the test set stays untouched while you tune)"
                     + ("; with several seeds, the mean of its runs." if several else "."))
    top = max(runs, key=lambda r: np.mean(runs[r]))
    best = float(np.mean(runs[top]))
    if value < best:
        if several and max(mine) >= min(runs[top]):
            return right(f"A sound choice: dropout {rate:g} (mean {value:.4f}) overlaps the runs "
                         f"of dropout {top:g} (mean {best:.4f}); the sweep "
                         "cannot tell them apart.")
        if not several and best - value <= SINGLE_RUN_NOISE:
            return right(f"A sound choice: dropout {rate:g} ({value:.4f}) is within the "
                         f"seed-to-seed noise of dropout {top:g} ({best:.4f}): single runs "
                         f"up to about {SINGLE_RUN_NOISE:.3f} apart can swap places under "
                         "another seed, so the sweep cannot tell them apart.")
        noise = ("" if several else f", by more than the seed-to-seed noise of single runs "
                 f"(about {SINGLE_RUN_NOISE:.3f})")
        return wrong(f"dropout {top:g} scored higher on validation "
                     f"({best:.4f} > {value:.4f}){noise}.",
                     "choose the rate with the highest validation accuracy, or one whose "
                     "accuracy is within the noise of it.")
    return right(f"Correct: dropout {rate:g} has the best validation accuracy of your sweep, "
                 f"{acc:.4f}.")
