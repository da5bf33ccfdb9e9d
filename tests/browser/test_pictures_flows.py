"""The pictures in real headless Chromium: a reader clicks a timeline bar, a country and a
"mentioned with" link, and finds as many articles as the picture said; the pages work by
keyboard, fit a 390 px screen and pass axe-core (no serious or critical violation).

axe-core comes from npm (package.json, installed into node_modules/ by make); conftest.py's
axe_context adds it to every page before the page's own scripts.
"""

from __future__ import annotations

import re

import pytest

from .conftest import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def total_shown(page) -> int:
    """The number of articles the search page's heading says."""
    heading = page.locator("h1 .total").inner_text()
    match = re.search(r"([\d,]+) article", heading)
    return int(match.group(1).replace(",", "")) if match else 0


def click_and_count(page, link) -> tuple[int, int]:
    """(the count a picture's link carries, the total on the page it opens)."""
    promised = int(link.get_attribute("data-count"))
    with page.expect_navigation():
        link.click()
    return promised, total_shown(page)


def test_bars_countries_and_company_find_what_the_picture_said(
    live_server, pictures_archive, browser_context, screenshot
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/")
    screenshot(page, "pictures-search")
    bar = page.locator("a.timeline-bar").last
    # One bar is a Tab stop (the arrow keys reach the others): test_reader_layout.py.
    assert page.locator("a.timeline-bar[tabindex='0']").count() == 1
    promised, found = click_and_count(page, bar)
    assert promised == found > 0
    assert "from=" in page.url and "to=" in page.url

    page.goto(f"{live_server.url}/search/")
    country = page.locator("a.map-country").first
    promised, found = click_and_count(page, country)
    assert promised == found > 0
    assert re.search(r"/search/\?place=[-a-z0-9]+$", page.url)

    page.goto(f"{live_server.url}/places/united-states/")
    screenshot(page, "pictures-entity")
    company = page.locator("a.co-mention").first
    promised, found = click_and_count(page, company)
    assert promised == found > 0
    assert "place=united-states" in page.url


def test_a_bar_opens_by_keyboard(live_server, pictures_archive, browser_context):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/")
    bar = page.locator("a.timeline-bar").first
    bar.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert total_shown(page) == int(bar.get_attribute("data-count") or 0) or "from=" in page.url


PAGES = ("/search/?q=trump", "/places/united-states/", "/compare/?q=trump&q=covid")


def test_the_pictures_fit_a_phone(live_server, pictures_archive, chromium, screenshot):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        screenshot(page, "pictures-compare-390")
    finally:
        context.close()


def test_axe_core_finds_no_serious_violation(live_server, pictures_archive, axe_context):
    page = axe_context.new_page()
    problems = []
    for path in (*PAGES, "/search/", "/compare/", "/places/nowhere-at-all/"):
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += axe_problems(page)
    assert problems == []
