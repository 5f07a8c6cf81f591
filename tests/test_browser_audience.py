"""The audience picker in a real browser: Playwright driving Debian's Chromium.

Serves a real build of the sample site with `python -m http.server`, picks "Patient or
caregiver", reloads, and checks the patient summary and disclaimer are what a reader sees.
Screenshots of the home page and an article go to test-artifacts/ (gitignored)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_html import REPO, approved_articles, copy_project, mkdocs_build

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"


def _require_browser():
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's `chromium` package (the browser tests never download one)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _require_browser()
    project = copy_project(tmp_path_factory.mktemp("browser") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, _ = approved_articles(project)
    patient_articles = [a for a in articles if "patient" in a.meta.get("audience", []) and a.meta.get("patient_summary")]
    assert patient_articles, "the sample needs an approved article with a patient summary"
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=project / "site", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base, patient_articles[0]
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def test_patient_choice_is_remembered_and_shows_patient_text(served, browser):
    base, article = served
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        url = f"{base}articles/{article.slug}/"
        page.goto(url)
        page.get_by_role("button", name="Patient or caregiver").click()
        page.reload()

        patient = page.locator('[data-editorial-summary="patient"]')
        clinician = page.locator('[data-editorial-summary="clinician"]')
        assert patient.is_visible() and not clinician.is_visible()
        assert " ".join(article.meta["patient_summary"].split()) in " ".join(patient.inner_text().split())
        assert page.locator('[data-editorial-disclaimer="patient"]').is_visible()
        assert not page.locator('[data-editorial-disclaimer="clinician"]').is_visible()
        assert page.get_by_role("button", name="Patient or caregiver").get_attribute("aria-pressed") == "true"

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "article-patient.png"), full_page=True)

        # a later visit (new page, same browser profile) still knows the choice
        page.goto(base)
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
        page.get_by_role("link", name=article.title).first.click()
        page.wait_for_url(url)
        assert page.locator('[data-editorial-summary="patient"]').is_visible()

        page.get_by_role("button", name="Healthcare professional").click()
        assert page.locator('[data-editorial-summary="clinician"]').is_visible()
        assert not page.locator('[data-editorial-summary="patient"]').is_visible()
        assert page.locator('[data-editorial-disclaimer="clinician"]').is_visible()
        page.screenshot(path=str(ARTIFACTS / "article-clinician.png"), full_page=True)
    finally:
        context.close()
    assert (ARTIFACTS / "home.png").stat().st_size > 0 and (ARTIFACTS / "article-patient.png").stat().st_size > 0
