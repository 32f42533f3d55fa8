# VASCERN patient assistant. `make help` lists the everyday commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT   ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHON_RASA  ?= $(PYENV_ROOT)/versions/3.10.13/bin/python3.10   # Rasa 3.6 needs Python <= 3.10
PYTHON_APP   ?= python3.11
RASA_VENV    := .venv-rasa
APP_VENV     := .venv
RASA         := $(RASA_VENV)/bin/rasa
PY           := $(APP_VENV)/bin/python
RASA_PY      := $(RASA_VENV)/bin/python
MODEL_HASH    = $(shell $(PY) scripts/model_hash.py)
MODEL         = models/$(MODEL_HASH).tar.gz
export PYTHONPATH := $(CURDIR)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup system model index safety-model run run-prod test lint bench lock clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(RASA_VENV)/.installed: requirements/rasa.lock
	@echo "==> creating $(RASA_VENV) (Python 3.10, Rasa 3.6): a few minutes the first time"
	test -x $(RASA_PY) || $(PYTHON_RASA) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install --progress-bar on -q --upgrade pip
	$(RASA_PY) -m pip install --progress-bar on -r requirements/rasa.lock
	touch $@

$(APP_VENV)/.installed: requirements/app.lock
	@echo "==> creating $(APP_VENV) (Python 3.11: action server, web, knowledge index)"
	test -x $(PY) || $(PYTHON_APP) -m venv $(APP_VENV)
	$(PY) -m pip install --progress-bar on -q --upgrade pip
	$(PY) -m pip install --progress-bar on torch==2.13.0   # CPU build, from local disk
	$(PY) -m pip install --progress-bar on -r requirements/app.lock
	touch $@

setup: $(RASA_VENV)/.installed $(APP_VENV)/.installed  ## create both virtual environments

# Debian packages the tests need: Chromium (browser tests), PostgreSQL (storage on both databases),
# Redis (Rasa's lock store in run-prod), docker-compose (to check docker-compose.yml).
system:  ## install Chromium, PostgreSQL, Redis and docker-compose from Debian if missing
	@missing=""; test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  test -x /usr/bin/redis-server || missing="$$missing redis-server"; \
	  test -x /usr/bin/docker-compose || missing="$$missing docker-compose"; \
	  if [ -n "$$missing" ]; then echo "==> installing$$missing (Debian)"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; fi

# Chart.js for the console's dashboard, vendored from npm (pinned by package-lock.json).
CONSOLE_VENDOR := web/console/static/vendor/chart.umd.min.js
$(CONSOLE_VENDOR): web/console/package-lock.json
	npm ci --prefix web/console --no-audit --no-fund
	mkdir -p $(@D) && cp web/console/node_modules/chart.js/dist/chart.umd.min.js $@

# axe-core for the accessibility checks of the browser tests, pinned by package-lock.json.
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $@

model: setup  ## train the Rasa model if its inputs changed (content hash)
	@if [ -f $(MODEL) ]; then echo "==> model $(MODEL) is up to date"; else \
	  echo "==> training $(MODEL)"; \
	  $(RASA) train --fixed-model-name $(MODEL_HASH) --out models --num-threads 2 && \
	  echo "==> trained $(MODEL)"; fi

index: setup  ## build the knowledge index if the content changed
	VASCERN_TORCH_THREADS=$$(nproc) $(PY) -m knowledge build   # the build embeds in batches: every core helps

safety-model: setup  ## train and calibrate the safety model if its inputs changed
	$(PY) -m safety.train

var/rasa-token:
	mkdir -p var && $(PY) -c "import secrets; print(secrets.token_urlsafe(32))" > $@ && chmod 600 $@

run: model index safety-model var/rasa-token $(CONSOLE_VENDOR)  ## install what is missing, train if needed, start everything
	$(PY) -m scripts.supervise run --model $(MODEL)

run-prod: model index safety-model system var/rasa-token $(CONSOLE_VENDOR)  ## the production topology without Docker: PostgreSQL, Redis, two Rasa, actions, web
	$(PY) -m scripts.supervise prod --model $(MODEL)

test: model index safety-model system tests/browser/node_modules/.installed $(CONSOLE_VENDOR)  ## validate data, run every test suite and the conversation tests
	$(PY) -m knowledge validate
	$(PY) -m knowledge.directory
	$(RASA) data validate --max-history 3
	$(PY) -m ruff check .
	MODEL=$(MODEL) $(RASA_PY) -m pytest tests/bot -q -p no:cacheprovider -W "ignore::pytest.PytestConfigWarning"
	MODEL=$(MODEL) $(PY) -m pytest tests -q --ignore=tests/bot
	$(RASA) test core --stories tests/stories --model $(MODEL) --out results/core \
	  --e2e --fail-on-prediction-errors

lint:  ## ruff
	$(PY) -m ruff check .

bench: model index safety-model  ## benchmarks: safety, retrieval, per-turn latency, beside a minimal Rasa bot, profiles
	$(PY) -m bench.safety
	$(PY) -m bench.retrieval
	MODEL=$(MODEL) $(PY) -m bench.latency --train
	MODEL=$(MODEL) $(PY) -m bench.baseline
	MODEL=$(MODEL) $(PY) -m bench.profile

lock:  ## re-freeze the pinned requirements from the current venvs
	$(RASA_PY) -m pip freeze | sed '1i # pip freeze of .venv-rasa (Python 3.10). Regenerate: make lock' > requirements/rasa.lock
	$(PY) -m pip freeze | grep -v '^torch==' | sed '1i # pip freeze of .venv (Python 3.11), without torch (installed first as torch==2.13.0). Regenerate: make lock' > requirements/app.lock

clean:  ## remove trained models, the index and test output (not the venvs)
	rm -rf models var/index var/topics var/safety results
