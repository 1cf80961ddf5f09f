"""The tolerance-aware comparison (tools/nbval_tolerance.py): parsing, rules, and nbval runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.nbval_tolerance import (
    ToleranceError,
    compare_outputs,
    compare_text,
    split_numbers,
    tolerance_of,
)

ROOT = Path(__file__).resolve().parents[1]
TOL = tolerance_of({"tolerance": {"abs": 0.003, "loss": {"rel": 0.05}}})


def test_numbers_and_their_labels():
    masked, numbers, labels = split_numbers(
        "epoch  2/10  loss 0.1407  val_accuracy 0.9566 W1 (784, 128) 150,828 img/s 1.5e-07 "
        "TensorFlow 2.21.0 \u22120.5")
    assert numbers == ["2", "10", "0.1407", "0.9566", "784", "128", "150,828", "1.5e-07",
                       "\u22120.5"]
    assert labels[:5] == ["epoch", "", "loss", "val_accuracy", "w1"]
    assert split_numbers("206 of 10,000 misclassified")[2] == ["of", "of"]
    assert "W1" in masked and "2.21.0" in masked and "0.1407" not in masked


def test_padding_may_shift_but_words_may_not():
    assert compare_text("loss  9.9 acc 0.98", "loss 10.1 acc 0.98",
                        tolerance_of({"tolerance": {"rel": 0.05}})) == []
    assert compare_text("loss 0.31 accuracy 0.98", "loss 0.31 accurracy 0.98", TOL)
    assert compare_text("3 classes", "3 classes.", TOL)
    assert compare_text("a 1 b", "a 1 2 b", TOL), "a number more is a change of text"


def test_accuracy_moved_half_a_point_fails_and_small_moves_pass():
    assert compare_text("val_accuracy 0.9832", "val_accuracy 0.9812", TOL) == []
    problems = compare_text("val_accuracy 0.9832", "val_accuracy 0.9782", TOL)
    assert problems and "val_accuracy 0.9832" in problems[0] and "abs 0.003" in problems[0]


def test_loss_rule_is_relative_and_applies_after_its_word():
    assert compare_text("val_loss 0.1000", "val_loss 0.1040", TOL) == []
    assert compare_text("val_loss 0.1000", "val_loss 0.1100", TOL), "10% on a loss fails"
    assert compare_text("accuracy 0.1000", "accuracy 0.1040", TOL), "not a loss: abs rule"


def test_cells_without_tolerance_metadata_get_none():
    assert tolerance_of({}) is None
    assert tolerance_of({"tags": ["x"]}) is None


@pytest.mark.parametrize("spec, message", [
    ([0.1], "not a mapping"),
    ({}, "not a mapping"),
    ({"abs": -1}, "finite number >= 0"),
    ({"abs": float("nan")}, "finite number >= 0"),
    ({"rel": True}, "finite number >= 0"),
    ({"abs": 0}, "exact comparison"),
    ({"tol": 0.1}, "not of the form"),
    ({"Loss": {"rel": 0.1}}, "lower-case word"),
    ({"loss": {"rell": 0.1}}, "not of the form"),
])
def test_malformed_tolerances_name_the_problem_and_the_fix(spec, message):
    with pytest.raises(ToleranceError, match=message) as err:
        tolerance_of({"tolerance": spec}, "lesson.ipynb::Cell 3")
    assert "lesson.ipynb::Cell 3" in str(err.value) and '"tolerance"' in str(err.value)


def test_output_fields_and_counts_must_match():
    out = nbformat.v4.new_output("stream", name="stdout", text="acc 0.98\n")
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"},
                                    execution_count=1)
    assert compare_outputs([out], [out], TOL, ("metadata",)) == []
    assert compare_outputs([out, result], [out], TOL, ("metadata", "execution_count"))
    assert compare_outputs([out], [out, out], TOL, ("metadata",)), "2 stored, 1 new"


def nbval(path: Path) -> subprocess.CompletedProcess:
    """Run nbval with the project's plugin on one notebook, as `make test` does."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
           "-o", "addopts=", "-p", "tools.nbval_tolerance", "--nbval", "--nbval-current-env",
           str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=path.parent, env=env,
                          timeout=300)


def notebook(stored_text: str, tolerance: dict | None) -> nbformat.NotebookNode:
    """Return a one-cell notebook printing 'accuracy 0.9832', with ``stored_text`` stored."""
    cell = nbformat.v4.new_code_cell('print("accuracy 0.9832")', execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    if tolerance:
        cell.metadata["tolerance"] = tolerance
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.mark.parametrize("stored, tolerance, passes", [
    ("accuracy 0.9832\n", None, True),
    ("accuracy 0.9830\n", None, False),  # no metadata: exact, as nbval is
    ("accuracy 0.9830\n", {"abs": 0.003}, True),
    ("accuracy 0.9782\n", {"abs": 0.003}, False),  # half a point off
    ("accuracy: 0.9832\n", {"abs": 0.003}, False),  # the words changed
])
def test_nbval_with_the_plugin(tmp_path, stored, tolerance, passes):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(notebook(stored, tolerance), path)
    proc = nbval(path)
    assert (proc.returncode == 0) == passes, proc.stdout[-2000:]
    if not passes and tolerance:
        assert "beyond" in proc.stdout or "differs beyond its numbers" in proc.stdout


def test_a_cell_cannot_both_declare_a_tolerance_and_be_ignored(tmp_path):
    nb = notebook("accuracy 0.9832\n", {"abs": 0.003})
    nb.cells[0].metadata["tags"] = ["nbval-ignore-output"]
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    proc = nbval(path)
    assert proc.returncode != 0 and "keep one" in proc.stdout + proc.stderr


# --- "vary": numbers that are not compared; "checks": what a cell must satisfy -------------

def timed_notebook(stored_text: str, source: str, metadata: dict) -> nbformat.NotebookNode:
    """Return a one-cell notebook running ``source`` with ``stored_text`` stored."""
    nb = notebook(stored_text, None)
    nb.cells[0].source = source
    nb.cells[0].metadata.update(metadata)
    return nb


VARY = {"vary": {"took": "wall-clock time differs from run to run"}}


@pytest.mark.parametrize("stored, passes", [
    ("took 12.5 s for 3 epochs\n", True),   # another time: not compared
    ("took 1.2 s for 4 epochs\n", False),   # the epochs still are
    ("took 1.2 s for 3 epoch\n", False),    # and so are the words
])
def test_varying_numbers_are_skipped_and_the_rest_compared(tmp_path, stored, passes):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(timed_notebook(stored, 'print("took 3.4 s for 3 epochs")', VARY), path)
    proc = nbval(path)
    assert (proc.returncode == 0) == passes, proc.stdout[-2000:]


@pytest.mark.parametrize("checks, passes, message", [
    (["accuracy >= 0.98", "isinstance(accuracy, float)"], True, ""),
    (["accuracy >= 0.99"], False, "check 'accuracy >= 0.99' is false"),
    (["missing > 0"], False, "raised NameError"),
])
def test_checks_run_in_the_kernel_after_the_cell(tmp_path, checks, passes, message):
    source = 'accuracy = 0.9832\nprint(f"accuracy {accuracy}")'
    path = tmp_path / "lesson.ipynb"
    nbformat.write(timed_notebook("accuracy 0.9832\n", source, {"checks": checks}), path)
    proc = nbval(path)
    assert (proc.returncode == 0) == passes, proc.stdout[-2000:]
    assert message in proc.stdout


@pytest.mark.parametrize("metadata, message", [
    ({"checks": "x > 0"}, "must be a list of Python expressions"),
    ({"checks": ["x >"]}, "is not a Python expression"),
    ({"checks": ["ok, 'message'"]}, "is a tuple, which is always true"),
    ({"vary": ["took"]}, "must map lower-case labels to the reason"),
    ({"vary": {"took": ""}}, "must map lower-case labels to the reason"),
])
def test_malformed_checks_and_vary_name_the_fix(metadata, message):
    from tools.nbval_tolerance import checks_of

    with pytest.raises(ToleranceError, match=message):
        checks_of(metadata)
        tolerance_of(metadata)


def test_an_exact_label_rule_wins_over_a_longer_word_that_contains_it():
    tol = tolerance_of({"tolerance": {"s": {"abs": 5}, "loss": {"rel": 0.01}}})
    assert tol.for_label("s").abs == 5
    assert tol.for_label("val_loss").rel == 0.01


def test_one_bound_per_number_in_output_order():
    tol = tolerance_of({"tolerance": {"each": [0.0, 0.01, 0.0001]}})
    stored = [nbformat.v4.new_output("stream", name="stdout",
                                     text="epoch 1 acc 0.95\nerr 0.0010\n")]

    def got(acc: str, err: str) -> list:
        return [nbformat.v4.new_output("stream", name="stdout",
                                       text=f"epoch 1 acc {acc}\nerr {err}\n")]

    assert compare_outputs(got("0.959", "0.0011"), stored, tol, ()) == []
    assert compare_outputs(got("0.961", "0.0010"), stored, tol, ())  # beyond 0.01
    assert compare_outputs(got("0.95", "0.0012"), stored, tol, ())  # beyond 0.0001
    four = tolerance_of({"tolerance": {"each": [0.0, 0.01, 0.0001, 1.0]}})
    assert "4 bounds but the cell prints 3" in " ".join(compare_outputs(
        got("0.95", "0.0010"), stored, four, ()))


@pytest.mark.parametrize("spec", [{"each": []}, {"each": [0.1, -1]}, {"each": [0.1], "abs": 1},
                                  {"each": [0, 0]}, {"each": "0.1"}])
def test_malformed_bounds_are_named(spec):
    with pytest.raises(ToleranceError):
        tolerance_of({"tolerance": spec})
