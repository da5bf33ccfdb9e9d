"""The comparison in real headless Chromium, on a phone and a desktop (issue 17, "Compare
looks unfinished"; issue 18, "Researchers' series"): date boxes a finger can use, a scale
with labels, a marker per line, a table that says it scrolls; a reader splits a search by
outlet and week, and a filter value that names nothing offers its closest values."""

from __future__ import annotations

import pytest

from .conftest import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPARE = "/compare/?q=trump&q=covid"


def test_the_comparison_reads_on_a_phone(live_server, pictures_archive, chromium, screenshot):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/compare/?q=trump&q=covid&q=biden&q=election&period=year")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for box in page.locator('input[type="date"]').all():
            assert box.bounding_box()["height"] >= 36  # not the browser's bare 20 px box
        ticks = page.locator(".compare-plot").first.locator(".y-axis li")
        assert ticks.count() >= 2 and ticks.first.inner_text() == "0"
        top, bottom = ticks.last.bounding_box(), ticks.first.bounding_box()
        assert top["y"] < bottom["y"] and top["x"] >= 0  # labelled from nought up, on screen
        region = page.locator(".table-scroll")
        assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # four searches: it scrolls
        assert page.locator("#compare-table-hint").is_visible()
        region.focus()
        page.keyboard.press("ArrowRight")  # by keyboard too
        for _ in range(20):  # the scroll may be animated
            if region.evaluate("r => r.scrollLeft") > 0:
                break
            page.wait_for_timeout(50)
        assert region.evaluate("r => r.scrollLeft") > 0
        assert page.locator(".series-marker").count() >= 2
        screenshot(page, "compare-390")
    finally:
        context.close()


def test_the_comparison_on_a_desktop_keeps_the_hint_for_narrow_screens(
    live_server,
    pictures_archive,
    browser_context,
    screenshot,
):
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + COMPARE)
    assert not page.locator("#compare-table-hint").is_visible()
    labels = page.locator(".compare-plot").first.locator(".y-axis li").all_inner_texts()
    assert labels[0] == "0" and len(labels) >= 2
    screenshot(page, "compare-1366")


def test_a_reader_splits_a_search_by_outlet_and_year(
    live_server,
    pictures_archive,
    browser_context,
):
    page = browser_context.new_page()
    page.goto(live_server.url + "/compare/?q=trump")
    page.select_option("#compare-by", "source")
    page.select_option("#compare-period", "year")
    with page.expect_navigation():
        page.locator(".compare-form button[type=submit]").click()
    assert "by=source" in page.url and "period=year" in page.url
    assert page.locator("h1").inner_text() == "Compare outlets over time"
    assert page.locator(".compare-legend li").count() >= 1  # this archive: one outlet


def test_a_filter_that_names_nothing_offers_its_closest_values(
    live_server,
    pictures_archive,
    browser_context,
):
    page = browser_context.new_page()
    page.goto(live_server.url + "/search/?q=trump&place=united-statse")
    assert "No place called 'united-statse' in this archive" in page.locator(".zero").inner_text()
    closest = page.locator(".unmatched a", has_text="Place: United States")
    promised = int(
        closest.locator("xpath=..").locator(".count").inner_text().split()[0].replace(",", "")
    )
    with page.expect_navigation():
        closest.click()
    assert "place=united-states" in page.url
    assert f"{promised:,} article" in page.locator("h1").inner_text()


def test_axe_core_finds_no_serious_violation_on_the_new_pages(
    live_server,
    pictures_archive,
    axe_context,
):
    page = axe_context.new_page()
    problems = []
    for path in (
        "/compare/?q=trump&by=source&period=week",
        "/compare/?q=trump&place=atlantis",
        "/search/?q=trump&place=atlantis&from=yesterday",
        "/places/united-states/with/people/",
        "/places/atlantis/",
    ):
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += axe_problems(page)
    assert problems == []
