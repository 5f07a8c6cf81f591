#!/usr/bin/env bash
# Set up a virtual environment with the project and its test tools, then run the whole suite
# on two workers (pytest-xdist; `--dist loadfile` keeps each test file, and so its module-scoped
# builds, on one worker). Extra arguments go to pytest: `bash scripts/test.sh -m "not slow"`,
# `bash scripts/test.sh tests/unit`, `bash scripts/test.sh -n 0 tests/acceptance/test_rules.py`.
# A skipped test fails the run (tests/conftest.py): a run without its browser tests is not green.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium (they never download a browser): install it when
# it is missing, as root or through sudo, or stop here saying how.
if [ ! -x /usr/bin/chromium ]; then
  echo "scripts/test.sh: installing Debian's chromium for the browser tests" >&2
  install=(apt-get install -y -qq chromium)
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null || true
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "scripts/test.sh: /usr/bin/chromium is missing and could not be installed;" \
      "install Debian's package (sudo apt-get install chromium), then run the tests again" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# pip compiles an installed package's bytecode, not an editable one's: do it here, or every
# process compiles the package again (PYTHONDONTWRITEBYTECODE machines never keep it)
.venv/bin/python -m compileall -q scripts/editorial >/dev/null
export PATH="$PWD/.venv/bin:$PATH"
exec python -m pytest -n 2 --dist loadfile "$@"
