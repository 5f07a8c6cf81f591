#!/usr/bin/env bash
# The code's own checks, configured in pyproject.toml: ruff (lint and format) over the package,
# the scripts and the tests, mypy over the package, and the layer contracts (import-linter).
# pre-commit runs the same.
# Uses the .venv that scripts/test.sh sets up, and sets it up when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/mypy ] || [ ! -x .venv/bin/ruff ] || [ ! -x .venv/bin/lint-imports ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
fi
.venv/bin/ruff check scripts tests
.venv/bin/ruff format --check scripts tests
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
