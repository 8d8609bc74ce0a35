#!/usr/bin/env bash
# Prepare a checkout so the portal runs: system packages, .venv, compiled translations and the
# SQLite demo database. Usage: scripts/setup.sh run|test|venv
#   venv  only the packages the portal needs and the virtualenv
#   run   venv + compiled messages + migrated SQLite database with the demo province (make run)
#   test  run + the packages the test suite needs (poppler-utils, chromium) (make test)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

mode="${1:-run}"
case "$mode" in run | test | venv) ;; *) die "usage: scripts/setup.sh run|test|venv" ;; esac

python="$(find_python)"

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext)
[ "$mode" = test ] && packages+=(poppler-utils chromium)
# Debian ships venv/ensurepip separately; without it `python3.11 -m venv` cannot bootstrap pip.
if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
    packages+=(python3.11-venv)
fi
ensure_packages "${packages[@]}"

# The virtualenv, reinstalled only when pyproject.toml changed (its hash is kept in a stamp).
stamp=.venv/.pyproject.sha256
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    say "Creating .venv with $python"
    rm -rf .venv
    "$python" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "Installing Python packages (pip install -e '.[dev]')"
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    echo "$wanted" >"$stamp"
fi
[ "$mode" = venv ] && exit 0

say "Compiling translations"
.venv/bin/python manage.py compilemessages --ignore '.venv' --ignore 'node_modules' --verbosity 0

# The quick-start database. `make test` checks this path too, always on SQLite: a DATABASE_URL
# meant for the test run must not receive the demo province.
if [ "$mode" = test ]; then
    database=(env -u DATABASE_URL)
else
    database=(env)
fi
say "Migrating the database and loading the demo province"
"${database[@]}" .venv/bin/python manage.py migrate --noinput --verbosity 0
if [ "$mode" = test ]; then
    "${database[@]}" .venv/bin/python manage.py seed_demo --verbosity 0
else
    "${database[@]}" .venv/bin/python manage.py seed_demo
fi
