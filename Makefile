# Two entry points for a fresh machine with only Python 3.11 and make:
#   make demo   full conformance run against the embedded emulator; reports in reports/
#   make test   the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/conformance run --report-dir reports

# worksteal: a worker that runs out of tests takes queued ones from the other (the slow end-to-end
# tests otherwise queue up behind one worker while the other idles).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=40

clean:
	rm -rf $(VENV) reports/*.json reports/*.xml reports/*.md.tmp
