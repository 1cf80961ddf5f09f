"""The tolerance-aware comparison (tools/nbval_tolerance.py): parsing, rules, and nbval runs."""

from __future__ import annotations

import os
import re
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


def new_notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Return a notebook of ``cells`` with a Python 3 kernelspec."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def case_cell(stored_text: str, metadata: dict,
              source: str = 'print("accuracy 0.9832")') -> nbformat.NotebookNode:
    """Return a code cell running ``source`` with ``stored_text`` stored and ``metadata``."""
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    cell.metadata.update(metadata)
    return cell


# Each case is one cell of one notebook, and one nbval run checks them all: what a cell must
# satisfy is the cell's own (its output, its metadata, the checks run after it), so the cases
# do not interact, and a kernel and nbval start once instead of once per case.
VARY = {"vary": {"took": "wall-clock time differs from run to run"}}
TIMED = 'print("took 3.4 s for 3 epochs")'
CHECKED = 'accuracy = 0.9832\nprint(f"accuracy {accuracy}")'
CASES: dict[str, tuple[nbformat.NotebookNode, bool, str]] = {
    # the plugin's tolerances: (cell, passes, text the failure report must contain)
    "exact-stored": (case_cell("accuracy 0.9832\n", {}), True, ""),
    "no-metadata-exact": (case_cell("accuracy 0.9830\n", {}), False, ""),  # as nbval is
    "within-abs": (case_cell("accuracy 0.9830\n", {"tolerance": {"abs": 0.003}}), True, ""),
    "half-a-point-off": (case_cell("accuracy 0.9782\n", {"tolerance": {"abs": 0.003}}), False,
                         "beyond"),
    "words-changed": (case_cell("accuracy: 0.9832\n", {"tolerance": {"abs": 0.003}}), False,
                      "differs beyond its numbers"),
    # "vary": numbers that are not compared; the rest of the cell is
    "vary-another-time": (case_cell("took 12.5 s for 3 epochs\n", VARY, TIMED), True, ""),
    "vary-epochs-compared": (case_cell("took 1.2 s for 4 epochs\n", VARY, TIMED), False, ""),
    "vary-words-compared": (case_cell("took 1.2 s for 3 epoch\n", VARY, TIMED), False, ""),
    # "checks": what a cell must satisfy, run in the kernel after the cell
    "checks-hold": (case_cell("accuracy 0.9832\n", {"checks": [
        "accuracy >= 0.98", "isinstance(accuracy, float)"]}, CHECKED), True, ""),
    "check-false": (case_cell("accuracy 0.9832\n", {"checks": ["accuracy >= 0.99"]}, CHECKED),
                    False, "check 'accuracy >= 0.99' is false"),
    "check-raises": (case_cell("accuracy 0.9832\n", {"checks": ["missing > 0"]}, CHECKED),
                     False, "raised NameError"),
}


@pytest.fixture(scope="module")
def nbval_of_every_case(tmp_path_factory) -> dict[str, tuple[bool, str]]:
    """Run nbval once over a notebook of every case; return {case: (passed, its report)}."""
    path = tmp_path_factory.mktemp("cases") / "lesson.ipynb"
    nbformat.write(new_notebook([cell for cell, _, _ in CASES.values()]), path)
    proc = nbval(path)
    report = proc.stdout
    results = {}
    for k, name in enumerate(CASES):
        section = re.search(rf"_+ lesson\.ipynb::Cell {k} _+\n(.*?)(?=\n_{{5,}} |\n=+ |\Z)",
                            report, re.S)
        results[name] = (section is None, section.group(1) if section else "")
    failed = sum(not passed for passed, _ in results.values())
    assert f"{failed} failed" in report or (failed == 0 and proc.returncode == 0), report[-3000:]
    return results


@pytest.mark.parametrize("case", list(CASES))
def test_nbval_with_the_plugin(nbval_of_every_case, case):
    _, passes, message = CASES[case]
    passed, report = nbval_of_every_case[case]
    assert passed == passes, report[-2000:]
    assert message in report


def test_a_cell_cannot_both_declare_a_tolerance_and_be_ignored(tmp_path):
    cell = case_cell("accuracy 0.9832\n", {"tolerance": {"abs": 0.003},
                                           "tags": ["nbval-ignore-output"]})
    path = tmp_path / "lesson.ipynb"
    nbformat.write(new_notebook([cell]), path)
    proc = nbval(path)
    assert proc.returncode != 0 and "keep one" in proc.stdout + proc.stderr


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
