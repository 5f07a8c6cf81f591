#!/usr/bin/env bash
# Set up a virtual environment with the project and its test tools, then run the whole suite
# on two workers (pytest-xdist; `--dist loadfile` keeps each test file, and so its module-scoped
# builds, on one worker). Extra arguments go to pytest: `bash scripts/test.sh -m "not slow"`,
# `bash scripts/test.sh -n 0 tests/test_rules.py`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# pip compiles an installed package's bytecode, not an editable one's: do it here, or every
# process compiles the package again (PYTHONDONTWRITEBYTECODE machines never keep it)
.venv/bin/python -m compileall -q scripts/editorial >/dev/null
export PATH="$PWD/.venv/bin:$PATH"
exec python -m pytest -n 2 --dist loadfile "$@"
