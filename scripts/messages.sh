#!/usr/bin/env bash
# Regenerate the English catalogue (locale/en) from the Vietnamese source strings.
# tests/emulation/test_translations.py runs this same script on a copy of the tree to check
# that the committed catalogue is up to date, so the options live only here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"${PYTHON:-.venv/bin/python}" manage.py makemessages --locale en --add-location file --no-obsolete \
    --ignore '.venv/*' --ignore 'static/*' --ignore 'staticfiles/*' --ignore 'test-artifacts/*' \
    --ignore 'media/*' --ignore 'tests/*' --ignore 'build/*' --ignore 'node_modules/*' \
    --verbosity "${VERBOSITY:-1}"
