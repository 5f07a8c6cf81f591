#!/usr/bin/env bash
# Set up a virtual environment with the project, then build the public site from content/ into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
# pip compiles an installed package's bytecode, not an editable one's: do it here, or every
# process compiles the package again (PYTHONDONTWRITEBYTECODE machines never keep it)
.venv/bin/python -m compileall -q scripts/editorial >/dev/null
export PATH="$PWD/.venv/bin:$PATH"
editorial validate
exec mkdocs build "$@"
