#!/usr/bin/env bash
# make test: set-up, ruff, the import contract, djhtml, the migrations check, the whole suite on
# PostgreSQL (browser tests included), then the quick-start path again on SQLite (`-m quickstart`:
# the demo province and its logins, migrations, the everyday pages and every test of code that
# branches per database; tests/conftest.py QUICKSTART), which keeps the run within its 15 minutes
# on two cores.
# Every step runs even when an earlier one failed; the exit status is non-zero if any failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
source scripts/postgres.sh

started=$SECONDS
bash scripts/setup.sh test

export DJANGO_ALLOW_ASYNC_UNSAFE=true
workers="${PYTEST_WORKERS:-2}"
# The suite runs in a random order (pytest-randomly) so no test leans on another; the seed is
# printed so a failing order can be replayed with PYTEST_SEED=<seed> make test.
seed="${PYTEST_SEED:-$((RANDOM * 32768 + RANDOM))}"
echo "pytest order: --randomly-seed=$seed"
pytest_args=(-q -n "$workers" -rfE --durations=10 -p no:cacheprovider -p randomly --randomly-seed="$seed")
failed=()

step() {
    local name="$1"
    shift
    say "$name"
    local step_started=$SECONDS
    if "$@"; then
        echo "    ok ($((SECONDS - step_started)) s)"
    else
        echo "    FAILED ($((SECONDS - step_started)) s)"
        failed+=("$name")
    fi
}

step "ruff check" .venv/bin/ruff check .
step "ruff format --check" .venv/bin/ruff format --check .
step "import contract (lint-imports)" .venv/bin/lint-imports --no-cache
step "templates formatted (djhtml --check)" bash -c 'find templates -name "*.html" -print0 | xargs -0 .venv/bin/djhtml --check'
step "makemigrations --check" env -u DATABASE_URL \
    .venv/bin/python manage.py makemigrations --check --dry-run

choose_postgres
# The read replica is a second alias on the same server (tests/emulation/test_replica.py).
step "pytest on PostgreSQL" env DATABASE_URL="$PG_URL" DATABASE_REPLICA_URL="$PG_URL" \
    .venv/bin/pytest "${pytest_args[@]}"
stop_throwaway_cluster
step "pytest on SQLite (quick-start path)" env -u DATABASE_URL -u DATABASE_REPLICA_URL \
    .venv/bin/pytest "${pytest_args[@]}" -m "quickstart and not browser"

elapsed=$((SECONDS - started))
if [ ${#failed[@]} -gt 0 ]; then
    printf '\033[31mmake test FAILED after %dm%02ds: %s\033[0m\n' $((elapsed / 60)) $((elapsed % 60)) \
        "$(IFS=,; echo "${failed[*]}")" >&2
    exit 1
fi
printf '\033[32mmake test passed in %dm%02ds\033[0m\n' $((elapsed / 60)) $((elapsed % 60))
