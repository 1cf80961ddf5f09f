"""KerasTuner glue: a tuner's trials as rows, and running without tensorboard."""

from __future__ import annotations

import importlib.util
from typing import Any

from helpers.tuning.config import Row, _check_positive_int


def tuner_rows(tuner: Any, num_trials: int | None = None) -> list[Row]:
    """Return a KerasTuner tuner's trials as rows in the order they ran: trial, values, score.

    ``val_accuracy`` is the tuner's score: the best epoch's validation accuracy. With
    ``num_trials``, only the best that many, still in the order they ran (``best`` picks one).
    """
    if not hasattr(tuner, "oracle"):
        raise TypeError(f"tuner must be a KerasTuner tuner (e.g. keras_tuner.RandomSearch), "
                        f"got {type(tuner).__name__}.")
    total = len(tuner.oracle.trials)
    if total == 0:
        raise ValueError("the tuner has no trials yet; call tuner.search(...) first.")
    n = total if num_trials is None else _check_positive_int(num_trials, "num_trials")
    rows = []
    for trial in tuner.oracle.get_best_trials(n):
        if trial.score is None:
            continue
        rows.append({"trial": int(trial.trial_id) + 1, **trial.hyperparameters.values,
                     "val_accuracy": float(trial.score)})
    return sorted(rows, key=lambda row: row["trial"])


def tensorboard_optional(tuner: Any) -> Any:
    """Let a KerasTuner tuner run where the tensorboard package is not installed; return it.

    KerasTuner 1.4 imports tensorboard before every trial, even without a TensorBoard
    callback, and TensorFlow 2.20+ no longer installs tensorboard. Where it is missing,
    this skips that step unless a TensorBoard callback is used; otherwise nothing changes.
    """
    if not hasattr(tuner, "_configure_tensorboard_dir"):
        raise TypeError(f"tuner must be a KerasTuner tuner (e.g. keras_tuner.RandomSearch), "
                        f"got {type(tuner).__name__}.")
    if importlib.util.find_spec("tensorboard") is not None:
        return tuner
    original = tuner._configure_tensorboard_dir

    def configure(callbacks: list[Any], trial: Any, execution: int = 0) -> None:
        if any(type(c).__name__ == "TensorBoard" for c in callbacks):
            original(callbacks, trial, execution)  # the clear "No module named" error

    tuner._configure_tensorboard_dir = configure
    return tuner
