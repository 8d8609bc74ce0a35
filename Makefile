# The two commands: `make run` (demo portal on http://127.0.0.1:8000) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON := .venv/bin/python

.PHONY: run setup test messages lint clean bench loadtest

run: setup
	@echo
	@echo "Cổng khối thi đua: http://127.0.0.1:8000  (Ctrl+C để dừng)"
	@echo
	$(PYTHON) manage.py runserver 127.0.0.1:8000

setup:
	@bash scripts/setup.sh run

test:
	@bash scripts/test.sh

# Measure pages, PDFs, tally, import and export against DESIGN.md's budgets on a synthetic
# province in a throwaway database (SCALE=small|large|xl; BENCH_ARGS="--json").
bench:
	@bash scripts/setup.sh venv
	$(PYTHON) manage.py bench --scale $(or $(SCALE),large) $(BENCH_ARGS)

# gunicorn (4 workers) on 127.0.0.1 with the xl province, 16 clients x 30 s over the main pages
# with 5 % PDFs, then /healthz; prints the throughput ratio (budget 0.10) and each worker's peak
# memory; fails when any request fails (LOADTEST_ARGS="--clients 32 --duration 60 --scale large").
loadtest:
	@bash scripts/setup.sh venv
	$(PYTHON) scripts/loadtest.py $(LOADTEST_ARGS)

messages:
	@bash scripts/setup.sh venv
	@bash scripts/messages.sh

lint:
	@bash scripts/setup.sh venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	find templates -name "*.html" -print0 | xargs -0 .venv/bin/djhtml --check

clean:
	rm -rf .venv staticfiles test-artifacts .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f locale/*/LC_MESSAGES/*.mo
