"""axe-core on every page type, a phone-sized search page, and the keyboard's way to filters,
in real headless Chromium.

axe pages: home, a search with results, a search with none, a filter's values page, the four
browse lists, an article, a story, the admin sign-in and the upload page. One archive import
for all.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Story

from .conftest import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_type_passes_axe_and_phones_reach_the_filters(
    live_server, browser_archive, axe_context, chromium, django_user_model, screenshot
):
    page = axe_context.new_page()
    base = live_server.url
    problems = []
    for path in (
        "/",
        "/search/?q=said",
        "/search/?q=zzzqqqxxnothing",
        "/search/values/place/?q=said",
        "/sources/",
        "/places/",
        "/organizations/",
        "/people/",
    ):
        page.goto(base + path)
        problems += axe_problems(page)
    page.goto(base + "/search/?q=said")
    page.locator("ol.results h3 a").first.click()
    page.wait_for_url("**/articles/**")
    problems += axe_problems(page)
    story = Story.objects.order_by("-article_count", "id").first()
    page.goto(base + story.get_absolute_url())
    problems += axe_problems(page)

    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-passphrase")
    page.goto(base + "/admin/login/?next=/admin/articles/article/upload/")
    problems += axe_problems(page)
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-passphrase")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url.endswith("/admin/articles/article/upload/")
    problems += axe_problems(page)
    assert problems == []

    # Keyboard: the second stop is "Skip to filters", which lands on the filters.
    page.goto(base + "/search/?q=said")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to filters")
    page.keyboard.press("Enter")
    expect(page.locator("#filters")).to_be_focused()

    # A phone: the filters are reachable from the top, and every target is a finger wide.
    phone = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        mobile = phone.new_page()
        mobile.goto(base + "/search/?q=said&year=undated")
        to_filters = mobile.locator("a.to-filters")
        assert to_filters.is_visible() and to_filters.bounding_box()["y"] < 844
        small = mobile.evaluate(
            """() => [...document.querySelectorAll(
                    '.facet input[type=checkbox], .exclude-label, .chip a, .pagination a, ' +
                    'a.to-filters, a.to-results, .facet-more summary')]
                .filter(e => e.getClientRects().length)
                .map(e => [e.id || e.className || e.textContent.trim(), e.getBoundingClientRect()])
                .filter(([name, box]) => box.width < 24 || box.height < 24
                    || (!name.startsWith('f-') && !name.startsWith('x-')
                        && (box.width < 44 || box.height < 44)))
                .map(([name, box]) => `${name} ${box.width}x${box.height}`)"""
        )
        assert small == []
        to_filters.tap()
        expect(mobile.locator("#filters")).to_be_in_viewport()
        screenshot(mobile, "search-phone-filters")
    finally:
        phone.close()
