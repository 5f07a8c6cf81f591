"""WCAG 2.2 AA in a real browser: axe-core (axe-playwright-python) in Debian's Chromium.

One build of the sample site, served over HTTP. axe-core runs on every kind of page (an
article, the home, board, editorial-policy, about, specialties and a specialty's page, 404), in
the light and the dark scheme, at desktop (1366 px) and phone (390 px) widths, and again on the
article with a choice made and the trust block and review history open, and on the home page
with the search dialog open: no violation of any impact may remain (minor and moderate ones
too). Then what axe cannot judge: the skip link lands on the question, a focused choice never
looks chosen. Screenshots of the article page (desktop and phone, light and dark) go to
test-artifacts/ (git-ignored) for guides/site.md."""

from __future__ import annotations

import pytest

from support.browser import require_browser, served, settled
from support.site_html import REPO, approved_articles, copy_project, mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.build, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],  # the passes are not looked at: not collecting them halves the run
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    project = copy_project(tmp_path_factory.mktemp("a11y") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, _ = approved_articles(project)
    assert articles
    with served(project / "site") as base:
        yield base, articles[0]


def _search(page, word: str) -> None:
    """Open the search dialog and type `word` until results show (keystrokes before Pagefind has
    loaded are not searched)."""
    page.get_by_role("button", name="Search").click()
    box = page.locator("#editorial-search-ui input")
    box.wait_for()
    for _ in range(5):
        box.fill("")
        box.press_sequentially(word, delay=20)
        try:
            page.wait_for_selector(".pagefind-ui__result", timeout=3000)
            break
        except Exception:  # noqa: BLE001 - not loaded yet: type again
            continue
    page.wait_for_selector(".pagefind-ui__result", timeout=3000)


def _violations(page) -> list[str]:
    """Every violation axe-core finds, of any impact (minor, moderate, serious, critical)."""
    from axe_playwright_python.sync_playwright import Axe

    settled(page)  # colours are measured as a reader sees them at rest, never mid-fade
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['nodes'][0]['failureSummary'][:300]}"
        for v in results.response["violations"]
    ]


def _pages(article, specialty: str) -> tuple[str, ...]:
    """One page of every kind the site has."""
    return (
        f"articles/{article.slug}/",
        "",
        "board/",
        "editorial-policy/",
        "about/",
        "specialties/",
        f"specialties/{specialty}/",
        "404.html",
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_violation_of_any_impact_on_any_kind_of_page(site, browser, scheme, width):
    base, article = site
    context = browser.new_context(viewport=VIEWPORTS[width], color_scheme=scheme)
    page = context.new_page()
    found = {}
    try:
        for url in _pages(article, article.meta["specialties"][0]):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            found[url or "home"] = _violations(page)
        assert len(found) == 8
        page.goto(f"{base}articles/{article.slug}/")  # a choice made, the trust block and history open
        page.get_by_role("button", name="Patient or caregiver").click()
        page.locator(".editorial-trust__summary").click()
        page.locator("details.editorial-history > summary").click()
        found["article, chosen, trust and history open"] = _violations(page)
        page.goto(base)  # the search dialog open, with results
        _search(page, "sepsis")
        found["search open"] = _violations(page)
    finally:
        context.close()
    assert all(not v for v in found.values()), {k: v for k, v in found.items() if v}


def test_skip_link_lands_on_the_question(site, browser):
    base, article = site
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        for _ in range(3):  # on a loaded machine the first key can come before the page takes focus
            page.goto(f"{base}articles/{article.slug}/")
            page.wait_for_load_state("networkidle")  # the theme's scripts have set the page up
            page.keyboard.press("Tab")
            skip = page.evaluate(
                "() => [document.activeElement.classList.contains('md-skip'),"
                " document.activeElement.textContent.trim()]"
            )
            if skip[0]:
                break
        assert skip == [True, "Skip to content"]  # the first stop, whenever the page has focus
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash === '#question'")
        # the question comes to the top of the window, the trust block below it; on a busy machine
        # the scroll lands a moment after the hash changes
        page.wait_for_function(
            "(() => { const t = document.getElementById('question').getBoundingClientRect().top;"
            " return 0 <= t && t < 200; })()",
            timeout=20_000,
        )
        page.keyboard.press("Tab")  # the next stop is inside the trust block, not the answer's sections
        where = page.evaluate(
            "() => [!!document.activeElement.closest('.editorial-trust'),"
            " document.activeElement.outerHTML.slice(0, 120)]"
        )
        assert where[0], f"Tab after the skip link went to {where[1]}"
    finally:
        context.close()


def test_a_focused_choice_never_looks_chosen(site, browser):
    """The chosen button is filled and ticked; keyboard focus only draws a ring around a button."""
    base, article = site
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    style = """sel => { const el = document.querySelector(sel); const s = getComputedStyle(el);
        return {bg: s.backgroundColor, outline: s.outlineStyle, weight: s.fontWeight,
                tick: getComputedStyle(el, '::before').content, pressed: el.getAttribute('aria-pressed')}; }"""
    try:
        page.goto(f"{base}articles/{article.slug}/")
        settled(page)
        both = page.evaluate(style, "[data-editorial-choose='both']")
        assert both["pressed"] == "true" and both["tick"] not in ("none", "normal")  # nothing chosen yet: "Show both"
        page.focus("[data-editorial-choose='clinician']")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus (focus-visible) on the unchosen button
        settled(page)
        focused = page.evaluate(style, "[data-editorial-choose='clinician']")
        assert focused["pressed"] == "false"
        assert focused["outline"] != "none"
        assert focused["bg"] in ("rgba(0, 0, 0, 0)", "transparent") and focused["tick"] in ("none", "normal")
        assert focused["bg"] != both["bg"] and focused["weight"] != both["weight"]
        help_text = page.locator("#editorial-audience-help").inner_text()
        assert "changes" in help_text and page.get_by_role("group", name="Which best describes you?").is_visible()
        page.keyboard.press("Enter")
        settled(page)
        chosen = page.evaluate(style, "[data-editorial-choose='clinician']")
        assert chosen["pressed"] == "true" and chosen["bg"] == both["bg"]
        page.get_by_role("button", name="Show both").click()
        assert page.locator('[data-editorial-summary="patient"]').is_visible()
        assert page.locator('[data-editorial-summary="clinician"]').is_visible()
    finally:
        context.close()


def test_screenshots_of_the_article_page(site, browser):
    base, article = site
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in SCHEMES:
        for width, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            try:
                page.goto(f"{base}articles/{article.slug}/")
                page.wait_for_load_state("networkidle")
                settled(page)
                page.screenshot(path=str(ARTIFACTS / f"article-{width}-{scheme}.png"))
                page.screenshot(path=str(ARTIFACTS / f"article-{width}-{scheme}-full.png"), full_page=True)
            finally:
                context.close()
            assert (ARTIFACTS / f"article-{width}-{scheme}.png").stat().st_size > 10_000
