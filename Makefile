# Two commands (see README): `make demo` runs the main job on the sample study, `make test` the tests.
# Both set up .venv first; torch is pinned to the CPU build by constraints.txt.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.fivep-installed
export PYTHAINLP_OFFLINE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[topics,notebooks,cluster,dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/fivep run data/sample --out fivep-out

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_tagging.py
	$(PY) benchmarks/bench_run.py
	$(PY) benchmarks/bench_anchor.py
	$(PY) benchmarks/bench_hostile.py
	$(PY) benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) fivep-out data/sample/.fivep
