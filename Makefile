# The two commands: `make run` (demo portal on http://127.0.0.1:8000) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON := .venv/bin/python

.PHONY: run setup test messages lint clean

run: setup
	@echo
	@echo "Cổng khối thi đua: http://127.0.0.1:8000  (Ctrl+C để dừng)"
	@echo
	$(PYTHON) manage.py runserver 127.0.0.1:8000

setup:
	@bash scripts/setup.sh run

test:
	@bash scripts/test.sh

messages:
	@bash scripts/setup.sh venv
	@bash scripts/messages.sh

lint:
	@bash scripts/setup.sh venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

clean:
	rm -rf .venv staticfiles test-artifacts .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f locale/*/LC_MESSAGES/*.mo
