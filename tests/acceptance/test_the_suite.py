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


def test_a_skipped_test_fails_the_run(tmp_path: Path):
    done = _pytest(_suite(tmp_path), "-rA")
    assert done.returncode == 1, done.stdout + done.stderr
    # a skip in the test fails it; a skip in its setup (a skipif mark) is an error
    assert done.stdout.splitlines()[-1].startswith("1 failed, 2 passed, 1 error in "), done.stdout
    assert "skipped, which this suite counts as failed: no browser on this machine" in done.stdout
    assert "skipped, which this suite counts as failed: a condition that holds here" in done.stdout


def test_every_test_under_acceptance_is_marked_so(tmp_path: Path):
    suite = _suite(tmp_path)
    acceptance = _pytest(suite, "--collect-only", "-m", "acceptance")
    unit = _pytest(suite, "--collect-only", "-m", "not acceptance")
    assert [line for line in acceptance.stdout.splitlines() if "::" in line] == [
        "tests/acceptance/test_product.py::test_the_product"
    ], acceptance.stdout
    assert {line.split("::")[0] for line in unit.stdout.splitlines() if "::" in line} == {
        "tests/unit/test_example.py"
    }, unit.stdout


def test_a_missing_chromium_fails_the_browser_tests(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(pytest.fail.Exception, match=r"is missing: install Debian's `chromium` package"):
        browser.require_browser()
