"""The audience picker in a real browser: Playwright driving Debian's Chromium.

Serves a real build of the sample site with `python -m http.server`, picks "Patient or
caregiver", reloads, and checks the patient summary and disclaimer are what a reader sees.
Screenshots of the home page and an article go to test-artifacts/ (gitignored)."""

from __future__ import annotations

import pytest

from support.browser import require_browser, served
from support.site_html import REPO, approved_articles, copy_project, mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.build, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    project = copy_project(tmp_path_factory.mktemp("browser") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, _ = approved_articles(project)
    patient_articles = [
        a for a in articles if "patient" in a.meta.get("audience", []) and a.meta.get("patient_summary")
    ]
    assert patient_articles, "the sample needs an approved article with a patient summary"
    with served(project / "site") as base:
        yield base, patient_articles[0]


def test_patient_choice_is_remembered_and_shows_patient_text(site, browser):
    base, article = site
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
