"""The search page as readers see it in real headless Chromium (issue 17, "What readers see"):
results first on a phone, the pictures one Tab stop each with a visible focus ring, Apply
buttons only where a change does not apply by itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LIGHTHOUSE_PHONE = {"width": 412, "height": 823}


def first_result_bottom(page) -> float:
    """Where the first result's headline ends, from the top of the page."""
    box = page.locator("ol.results li .result-title").first.bounding_box()
    return box["y"] + box["height"] + page.evaluate("scrollY")


def layout_shift(page) -> float:
    """The page's cumulative layout shift so far (what Lighthouse's CLS adds up)."""
    page.wait_for_load_state("load")
    return page.evaluate(
        """() => new Promise(done => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const shift of list.getEntries()) total += shift.value;
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => done(total), 500);
        })"""
    )


def test_on_a_phone_the_first_result_shows_without_scrolling(
    live_server, browser_archive, chromium, screenshot
):
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(f"{live_server.url}/search/?q=said")
        assert first_result_bottom(page) <= PHONE["height"]
        screenshot(page, "search-phone")
        # With filters on (chips, "Clear all filters", a longer heading) too.
        place = page.locator("#facet-place input[type=checkbox]:not(.exclude)").first.get_attribute(
            "value"
        )
        source = page.locator("#facet-source input[type=checkbox]:not(.exclude)").first
        page.goto(
            f"{live_server.url}/search/?q=said&place={place}&source={source.get_attribute('value')}"
        )
        assert page.locator(".chips li").count() == 3
        assert first_result_bottom(page) <= PHONE["height"]
        filtered = page.url
        # The filters are one tap away, the pictures come after the results.
        assert page.locator("a.to-filters").bounding_box()["y"] < PHONE["height"]
        results_end = page.locator("ol.results").bounding_box()
        for picture in (".timeline", ".world-map"):
            box = page.locator(picture).bounding_box()
            assert box["y"] >= results_end["y"] + results_end["height"], picture
            assert box["width"] >= 330, picture  # the column's width, not a thumbnail
        assert page.locator(".share-export .share-url").is_hidden()  # folded
    finally:
        phone.close()
    # Nothing moves once the page shows, scripts included (Lighthouse's phone, 412 px wide).
    for viewport in (PHONE, LIGHTHOUSE_PHONE):
        phone = chromium.new_context(viewport=viewport, is_mobile=True, has_touch=True)
        try:
            page = phone.new_page()
            page.goto(filtered)
            assert layout_shift(page) < 0.01, viewport
        finally:
            phone.close()


def test_on_a_desktop_the_map_has_room_beside_the_results(live_server, browser_archive, chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/search/?q=said")
        box = page.locator("svg.world-map-chart").bounding_box()
        results = page.locator("ol.results").bounding_box()
        assert box["width"] >= 400 and box["x"] > results["x"] + results["width"]
        assert first_result_bottom(page) <= 768
    finally:
        context.close()


def tab_stops(page, limit: int = 600) -> list[str]:
    """What Tab visits from the top of the page until it leaves it: id, class or tag and text."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => { const e = document.activeElement;
                if (e === document.body) return null;
                return (e.id || e.getAttribute('class') || e.tagName) + ' ' +
                    (e.getAttribute('aria-label') || e.textContent.trim()).slice(0, 40); }"""
        )
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


def test_each_picture_is_one_tab_stop_with_arrow_keys_and_a_visible_ring(
    live_server, pictures_archive, browser_context, screenshot
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/")
    countries = page.locator("a.map-country").count()
    bars = page.locator("a.timeline-bar").count()
    assert countries >= 5 and bars >= 2
    stops = tab_stops(page)
    assert sum(s.startswith("map-country") for s in stops) == 1
    assert sum(s.startswith("timeline-bar") for s in stops) == 1
    # Skip to filters, then Tab: the first filter, not the map.
    page.goto(f"{live_server.url}/search/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to filters")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert re.match(r"f-place-", page.evaluate("document.activeElement.id"))

    # Arrow keys walk the map; the country in focus wears a dark ring, not only a colour.
    page.locator("a.map-country[tabindex='0']").focus()
    start = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert moved != start and page.evaluate("document.activeElement.classList[0]") == "map-country"
    assert page.locator("a.map-country[tabindex='0']").count() == 1
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement.querySelector('.country'));
            return [s.stroke, parseFloat(s.strokeWidth)]; }"""
    )
    assert ring[0] == "rgb(27, 31, 35)" and ring[1] >= 2, ring
    screenshot(page, "map-keyboard-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "place=" in page.url

    # The timeline: Right goes to the next bar, End to the last; the bar shows a ring too.
    page.goto(f"{live_server.url}/search/")
    page.locator("a.timeline-bar[tabindex='0']").focus()
    page.keyboard.press("End")
    last = page.locator("a.timeline-bar").last
    assert last.evaluate("el => el === document.activeElement")
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement.querySelector('.bar-hit'));
            return [s.stroke, parseFloat(s.strokeWidth)]; }"""
    )
    assert ring[0] == "rgb(27, 31, 35)" and ring[1] >= 2, ring


def test_apply_buttons_show_only_without_javascript(live_server, browser_archive, chromium):
    for javascript in (True, False):
        context = chromium.new_context(java_script_enabled=javascript)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/search/?q=said")
            applies = page.locator("button.apply")
            assert applies.count() == 3  # beside the sort, above and below the filters
            visible = [applies.nth(n).is_visible() for n in range(3)]
            assert visible == [not javascript] * 3, (javascript, visible)
            # Dates do not apply as they change (a date is typed in three parts): kept.
            assert page.locator("button.apply-dates").is_visible()
        finally:
            context.close()


def page_types(base: str) -> list[str]:
    """One page of every type, from the archive the test imported."""
    from articles.models import Article, Entity

    longest_url = max(Article.objects.exclude(url=""), key=lambda a: len(a.url))
    assert len(longest_url.url) >= 80  # a long unbroken line, the case that overflowed
    place = Entity.objects.filter(kind="place", mentions__isnull=False).first()
    return [
        "/",
        "/search/?q=said",
        f"/search/?q=said&place={place.slug}",
        "/search/?q=zzzqqqxxnothing&place=" + place.slug,
        longest_url.get_absolute_url(),
        f"/places/{place.slug}/",
        "/sources/",
        "/places/",
        "/organizations/",
        "/people/",
        "/search/values/place/?q=said",
        "/compare/?q=said&q=minister",
        "/no-such-page/",
        "/admin/login/",
    ]


def test_no_page_scrolls_sideways_on_a_phone(live_server, browser_archive, chromium, screenshot):
    # Not a "mobile" context: there the layout viewport widens to the content, and a page
    # that overflows would pass.
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        wide = []
        for path in page_types(live_server.url):
            page.goto(live_server.url + path)
            width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            if width[0] > width[1] or width[1] != PHONE["width"]:
                wide.append((path, width))
                screenshot(page, "too-wide-" + path.strip("/").replace("/", "-")[:40])
        assert wide == []
    finally:
        context.close()
