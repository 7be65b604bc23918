# StackPlan: `make run` plans a real example on the bundled data; `make test` runs the tests.
SWIFT ?= swift
DB ?= stackplan.sqlite
BIN := .build/debug/stackplan
SYSTEM_PACKAGES := libglpk-dev libsqlite3-dev graphviz jq
# apt-get needs root; use sudo when it is there and we are not root.
SUDO := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)

.PHONY: setup build run test docs docs-check clean bench serve
# Pages whose examples run from the repository's root, and pages that take the bundled catalogue as imported.
DOC_PAGES := docs/commands.md docs/interchange.md docs/csv-format.md
IMPORTED_DOC_PAGES := docs/advisor.md docs/cpd.md docs/data-format.md

## setup: install the C libraries StackPlan links (GLPK, SQLite) when they are missing
setup:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; \
	fi

## build: compile the stackplan command
build: setup
	$(SWIFT) build --product stackplan

## run: load the bundled catalogue into SQLite and plan two learners' routes
run: build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN) import data/catalogue.json --db $(DB)
	@echo
	@echo '$$ stackplan plan --target ucp-pgdip-ipc --learner data/learners/sofia.json --objective cost,workload'
	@$(BIN) plan --target ucp-pgdip-ipc --learner data/learners/sofia.json --objective cost,workload --db $(DB)
	@echo
	@echo '$$ stackplan frontier --target ucp-pgdip-ipc --learner data/learners/sofia.json   # faster routes cost more'
	@$(BIN) frontier --target ucp-pgdip-ipc --learner data/learners/sofia.json --db $(DB)
	@echo
	@echo '$$ stackplan plan --target ucp-msc-ipc --learner data/learners/sofia.json   # over her 900 hours: no plan, and why'
	@$(BIN) plan --target ucp-msc-ipc --learner data/learners/sofia.json --db $(DB) || true

## serve: build and start the JSON API (docs/api.md) on the bundled data, importing it into a new database first; Ctrl-C stops it
HOST ?= 127.0.0.1
PORT ?= 8080
serve: build
	@test -s $(DB) || $(BIN) import data/catalogue.json --db $(DB)
	$(BIN) serve --db $(DB) --host $(HOST) --port $(PORT)

## test: run every test (beside a throwaway PostgreSQL server: scripts/with-postgres.sh), then check that every documented example still prints what its page shows
test: setup
	$(SWIFT) build --build-tests
	STACKPLAN_REQUIRE_POSTGRES=1 scripts/with-postgres.sh $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory docs-check

.PHONY: test-browser
BROWSER_PACKAGES := chromium chromium-driver
## test-browser: drive every web page's journey in headless Chromium (Selenium) against a server of its own on a free loopback port; installs chromium, chromium-driver and selenium when missing (a few minutes)
test-browser: setup
	@missing=""; for package in $(BROWSER_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; \
	fi
	@python3 -c 'import selenium' 2>/dev/null || { echo "installing selenium"; \
		python3 -m pip install --quiet selenium 2>/dev/null || python3 -m pip install --quiet --break-system-packages selenium 2>/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-selenium; }; }
	$(SWIFT) build --product stackplan
	python3 Tests/Browser/run.py --binary $(BIN) $(if $(SCREENSHOTS),--screenshots $(SCREENSHOTS))

## docs: re-run every example in docs/ and paste its real output
docs: build
	python3 scripts/refresh-doc-examples.py $(DOC_PAGES)
	python3 scripts/refresh-doc-examples.py --imported $(IMPORTED_DOC_PAGES)
	python3 scripts/refresh-api-examples.py

## docs-check: re-run every example in docs/ and list each whose output differs from its page (about 2 minutes)
docs-check:
	@test -x $(BIN) || $(SWIFT) build --product stackplan
	@status=0; \
	python3 scripts/refresh-doc-examples.py --check $(DOC_PAGES) || status=1; \
	python3 scripts/refresh-doc-examples.py --check --imported $(IMPORTED_DOC_PAGES) || status=1; \
	if [ $$status != 0 ]; then echo "documented examples differ: run 'make docs' and review the change"; fi; \
	exit $$status

.PHONY: bench-cpd
## bench-cpd: bulk CPD check throughput and peak memory on 100,000 and 1,000,000 generated records
bench-cpd: setup
	scripts/bench-cpd.sh

## clean: remove build products and the default database
clean:
	rm -rf .build $(DB) $(DB)-wal $(DB)-shm

## bench: build a release binary and measure import and planning on generated catalogues of 1k, 10k and 100k credentials, then schedule plans (bench-schedule); SIZES="1000 10000 100000 1000000" adds the million, with a check that its plans equal the plans on every candidate
SIZES ?= 1000 10000 100000
bench: export SIZES := $(SIZES)
bench: setup
	@dpkg -s time >/dev/null 2>&1 || { echo "installing time"; $(SUDO) apt-get update && $(SUDO) apt-get install -y time; }
	bench/run.sh

.PHONY: bench-serve
## bench-serve: the HTTP service over loopback with wrk: plan throughput and p50/p99 for 1 and 2 clients on the bundled and a generated 100k catalogue, memory over 10,000 requests, 8 saved-plan writers for 60 s read back (bench/serve.py)
bench-serve: setup
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk"; $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk; }
	@[ "$${SKIP_BUILD:-0}" = 1 ] || $(SWIFT) build -c release --product stackplan
	python3 bench/serve.py

.PHONY: fuzz-api
## fuzz-api: schemathesis against docs/openapi.json on a server of its own (temporary database, a demo learner's token); fails on any 5xx or a response the document does not allow (about 3 minutes)
fuzz-api: setup
	@python3 -c "import schemathesis" 2>/dev/null || { echo "installing schemathesis"; python3 -m pip install --quiet schemathesis; }
	@test -x $(BIN) || $(SWIFT) build --product stackplan
	python3 scripts/fuzz-api.py

.PHONY: bench-schedule
## bench-schedule: only the schedule part of bench: plans and frontiers in calendar time on the bundled catalogue and generated ones of 10k and 100k credentials
# bench's recipe with PARTS set: a target's variables reach its prerequisites' recipes.
bench-schedule: export PARTS = schedule
bench-schedule: bench

.PHONY: bench-postgres
## bench-postgres: the PostgreSQL store against SQLite (import and plan at 100k, two instances under load, kill -9 of one); heavy, run it once
bench-postgres: setup
	scripts/bench-postgres.sh
