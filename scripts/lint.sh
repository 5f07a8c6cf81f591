#!/usr/bin/env bash
# The code's own checks, configured in pyproject.toml: ruff (lint and format) over the package,
# the scripts and the tests, and mypy over the package. pre-commit runs the same three.
# Uses the .venv that scripts/test.sh sets up, and sets it up when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/mypy ] || [ ! -x .venv/bin/ruff ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
fi
.venv/bin/ruff check scripts tests
.venv/bin/ruff format --check scripts tests
.venv/bin/mypy
