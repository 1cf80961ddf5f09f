# The commands a person types. `make lab` to learn, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NB ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

# The offline copy of MNIST beside this checkout, if there is one and nothing else is set.
SHARED_MNIST := $(abspath ../shared/data/mnist.npz)
ifeq ($(MNIST_PATH),)
ifneq ($(wildcard $(SHARED_MNIST)),)
export MNIST_PATH := $(SHARED_MNIST)
endif
endif
# Same environment for the tests and for regenerating outputs.
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: help setup lab test outputs generate lint bench clean

help:
	@echo "make lab      set up (first time only) and open JupyterLab on the lessons"
	@echo "make test     set up, then run unit tests, notebook structure tests and nbval"
	@echo "make setup    create .venv and install requirements + helpers (idempotent)"
	@echo "make outputs  re-execute lessons in place in fresh kernels (NB=path to pick one)"
	@echo "make generate write README table and lesson navigation from lessons.toml"
	@echo "make lint     ruff over helpers, tests and tools"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

# pytest exits 5 when it collected no tests: that is a failure, not a pass.
test: setup
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests"; exit 1; fi; \
	exit $$status

generate: setup
	$(PY) tools/generate.py

outputs: setup generate
	$(PY) tools/execute.py $(NB)

lint: setup
	$(VENV)/bin/ruff check helpers tests tools

# Performance figures: a table on screen and in benchmarks/RESULTS.md (several minutes).
bench: setup
	$(PY) tools/bench.py

clean:
	rm -rf $(VENV) student .pytest_cache

# Student copies in student/ (not committed): solutions removed, exercise outputs cleared.
.PHONY: student
student: setup
	$(PY) tools/student.py
