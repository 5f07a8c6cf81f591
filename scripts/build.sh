#!/usr/bin/env bash
# Set up a virtual environment with the project, then build the public site from content/ into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
export PATH="$PWD/.venv/bin:$PATH"
editorial validate
exec mkdocs build "$@"
