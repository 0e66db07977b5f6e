# privgw: `make templates` then `make test` on a fresh clone; nothing else is needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLES := $(sort $(wildcard examples/*.yaml))
TOPOLOGIES := $(sort $(wildcard examples/topologies/*.yaml))
CROSS_ACCOUNT := $(sort $(wildcard examples/cross-account/*.yaml))
PY_PATHS := src tests docsgen $(wildcard bench)

.PHONY: all venv templates test lint docs reference corpus bench deploy-local local-aws format constraints clean

all: templates test

# pip byte-compiles an installed wheel; an editable install is not, and PYTHONDONTWRITEBYTECODE
# may keep Python from caching it: compile privgw's own modules so runs (and timings) match a
# real install. A stale .pyc is never used (Python checks the source's timestamp).
BYTECODE = $(BIN)/python -m compileall -q src/privgw

$(STAMP): setup.cfg pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements/constraints.txt -e '.[test,dev]'
	$(BYTECODE)
	touch $@

venv: $(STAMP)

# checkov gets its own environment: it pins an old boto3 (see requirements/checkov.txt).
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
$(CHECKOV_STAMP): requirements/checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements/checkov.txt
	touch $@

## Build every example in both flavours into templates/ (linted), its request-path diagram
## (templates/NAME.md), and schema/privgw.schema.json.
templates: $(STAMP) schema/privgw.schema.json
	$(BYTECODE)
	$(BIN)/privgw build $(EXAMPLES) $(TOPOLOGIES) $(CROSS_ACCOUNT) --relative-to examples --output-dir templates \
		--format yaml --flavour all --diagrams --quiet

# The schema follows the config model: rewritten when a module of it (or the install) changes.
schema/privgw.schema.json: $(STAMP) $(wildcard src/privgw/config/*.py)
	$(BIN)/privgw schema --output $@

## The whole test suite (includes the staleness check of templates/ and schema/).
test: $(STAMP) $(CHECKOV_STAMP)
	PRIVGW_CHECKOV=$(CURDIR)/$(CHECKOV_VENV)/bin/checkov $(BIN)/python -m pytest

## Rewrite the expected files of tests/golden/corpus (error texts, golden templates) from what privgw
## does now; review the diff before committing.
corpus: $(STAMP)
	$(BIN)/python -m tests.support.corpus

# The documentation site's tools get their own environment (their pins are not privgw's).
DOCS_VENV  := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed
$(DOCS_STAMP): requirements/docs.txt
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements/docs.txt
	touch $@

## Rewrite the generated reference pages (docs/reference/: config, CLI, rules, errors) from the
## code; a test fails when they are stale.
reference: $(STAMP)
	$(BIN)/python -m docsgen

## The documentation site (docs/, mkdocs.yml) into site/; any warning fails the build.
# (NO_MKDOCS_2_WARNING: Material prints its end-of-life notice, not a build warning, unless set.)
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict --quiet

## Static checks: ruff (lint + format) and mypy --strict.
lint: $(STAMP)
	$(BIN)/ruff check $(PY_PATHS)
	$(BIN)/ruff format --check $(PY_PATHS)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format $(PY_PATHS)
	$(BIN)/ruff check --fix $(PY_PATHS)

## Deploy every example (plain and SAM) and the topologies, in dependency order, to a local
## CloudFormation endpoint (patched moto) with privgw deploy.
deploy-local: $(STAMP)
	$(BIN)/python -m tests.support.localaws.demo

## Run the local CloudFormation endpoint (patched moto on 127.0.0.1:$(PORT)) until Ctrl-C.
PORT ?= 5055
local-aws: $(STAMP)
	$(BIN)/python -m tests.support.localaws.server --port $(PORT) --announce

## Benchmarks: timings, scaling and the CDK/SAM baselines, printed, written to bench/results.md
## and copied into the README's Benchmarks section.
bench: $(STAMP)
	$(BYTECODE)
	@if command -v npm >/dev/null; then \
		echo "installing the AWS CDK baseline into bench/cdk (pinned in its package.json)"; \
		npm install --prefix bench/cdk --no-package-lock --no-audit --no-fund --silent \
			|| echo "npm install failed: the CDK baseline will be skipped"; \
	else echo "npm not found: the CDK baseline will be skipped"; fi
	$(BIN)/python -m bench.run --output bench/results.md
	$(BIN)/python -m bench.readme

## Re-pin requirements/constraints.txt after changing dependencies in setup.cfg.
constraints:
	rm -rf .venv-resolve && $(PYTHON) -m venv .venv-resolve
	.venv-resolve/bin/python -m pip install --quiet -e '.[test,dev]'
	{ head -n 3 requirements/constraints.txt; \
	  .venv-resolve/bin/python -m pip freeze --exclude-editable | grep -v '^privgw'; \
	} > requirements/constraints.txt.new
	mv requirements/constraints.txt.new requirements/constraints.txt
	rm -rf .venv-resolve

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(DOCS_VENV) site build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
