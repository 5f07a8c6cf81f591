"""The suite's own rules (tests/conftest.py), proven on a small suite run by a real pytest: a
skipped test fails the run, every test under acceptance/ is marked `acceptance`, and a missing
Chromium fails the browser tests instead of skipping them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import browser

TESTS = Path(__file__).resolve().parents[1]

SKIPPING = """\
import pytest


def test_passes():
    pass


def test_skips_itself():
    pytest.skip("no browser on this machine")


@pytest.mark.skipif(True, reason="a condition that holds here")
def test_skipped_by_a_mark():
    pass


@pytest.mark.xfail(reason="known to be broken")
def test_expected_to_fail():
    assert False
"""


def _suite(root: Path) -> Path:
    """A suite with this suite's configuration, conftest.py and support/, and one test file in
    each folder."""
    suite = root / "tests"
    shutil.copy(TESTS.parent / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(TESTS / "support", suite / "support", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(TESTS / "conftest.py", suite / "conftest.py")
    for folder in ("unit", "acceptance"):
        (suite / folder).mkdir()
        (suite / folder / "__init__.py").touch()
    (suite / "unit" / "test_example.py").write_text(SKIPPING)
    (suite / "acceptance" / "test_product.py").write_text("def test_the_product():\n    pass\n")
    return suite


def _pytest(suite: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args, str(suite)],
        cwd=suite.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skipped_test_fails_the_run_and_acceptance_tests_are_marked_by_folder(tmp_path: Path):
    done = _pytest(_suite(tmp_path), "-rA", "-m", "not acceptance")
    assert done.returncode == 1, done.stdout + done.stderr
    # a skip or an xfail in the test fails it; a skip in its setup (a skipif mark) is an error; the test
    # under acceptance/ is the one `-m "not acceptance"` leaves out
    assert done.stdout.splitlines()[-1].startswith("2 failed, 1 passed, 1 deselected, 1 error in "), done.stdout
    assert "skipped, which this suite counts as failed: no browser on this machine" in done.stdout
    assert "skipped, which this suite counts as failed: a condition that holds here" in done.stdout
    assert "an expected failure (xfail), which this suite counts as failed: known to be broken" in done.stdout
    assert "PASSED tests/unit/test_example.py::test_passes" in done.stdout and "test_product" not in done.stdout


def test_a_missing_chromium_fails_the_browser_tests(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(pytest.fail.Exception, match=r"is missing: install Debian's `chromium` package"):
        browser.require_browser()
