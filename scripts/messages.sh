#!/usr/bin/env bash
# Rebuild the zh_Hans catalog: extract, fill from scripts/zh_hans*.json, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
case $PY in /*) ;; *) PY=$PWD/$PY ;; esac
$PY manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --no-obsolete --no-location >/dev/null
$PY scripts/fill_po.py "$@"
cd xinfang && $PY ../manage.py compilemessages -l zh_Hans >/dev/null
