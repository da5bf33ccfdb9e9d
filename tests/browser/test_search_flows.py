"""What a reader does on the search page, in real headless Chromium against a live server."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def state(page) -> dict:
    """What the reader sees: heading, result links, every facet value's count."""
    return {
        "h1": page.locator("h1").inner_text(),
        "results": page.locator("ol.results h3 a").evaluate_all("els => els.map(e => e.href)"),
        "facets": page.locator(".facet-value").evaluate_all(
            "els => els.map(e => e.textContent.replace(/\\s+/g, ' ').trim())"
        ),
    }


def first_value(page, field: str, *, exclude: bool = False, skip: int = 0) -> str:
    box = "input.exclude" if exclude else "input[type=checkbox]:not(.exclude)"
    return page.locator(f"#facet-{field} {box}").nth(skip).get_attribute("id")


def test_query_filters_exclusion_and_copied_link_reopen_the_same_view(
    live_server, browser_archive, browser_context, chromium, screenshot
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/")
    page.fill("#q", "said")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert re.search(r"/search/\?q=said$", page.url)

    # Leave out the outlet with the fewest results first, so articles remain to narrow.
    sources = page.locator("#facet-source input.exclude").count()
    assert sources >= 2
    source = first_value(page, "source", exclude=True, skip=sources - 1)
    with page.expect_navigation():
        page.check(f"#{source}")
    assert "source=-" in page.url
    assert page.locator(".chip-excluded").count() == 1

    place = first_value(page, "place")
    with page.expect_navigation():
        page.check(f"#{place}")
    assert "place=" in page.url and page.locator(f"#{place}").is_checked()

    org = first_value(page, "org")
    with page.expect_navigation():
        page.check(f"#{org}")
    assert re.search(
        r"/search/\?q=said&place=[-a-z0-9]+&org=[-a-z0-9]+&source=-[-a-z0-9]+$", page.url
    )
    seen = state(page)
    assert "not" in seen["h1"] and seen["results"]
    screenshot(page, "search-filtered")

    page.click(".share-export summary")  # sharing is folded below the results
    page.click("button.copy-link")
    expect(page.locator(".copy-status")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url

    fresh = chromium.new_context()
    try:
        again = fresh.new_page()
        again.goto(copied)
        assert again.url == copied
        assert state(again) == seen
        screenshot(again, "search-filtered-reopened")
    finally:
        fresh.close()


def test_filters_work_by_keyboard_alone(live_server, browser_archive, browser_context, screenshot):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/?q=troops")
    target = first_value(page, "place")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target:
            break
    else:
        pytest.fail(f"Tab never reached the checkbox #{target}")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "place=" in page.url
    # The page reloaded with the filter applied, and the focus is back on the checkbox.
    expect(page.locator(f"#{target}")).to_be_focused()
    expect(page.locator(f"#{target}")).to_be_checked()
    screenshot(page, "search-keyboard-filter")

    # The chip that removes the place filter is reachable and works with Enter.
    chip = page.locator(".chips a[aria-label^='Remove filter Place']")
    chip.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "place=" not in page.url

    # A long list opens from the keyboard and its filter box narrows it.
    page.goto(f"{live_server.url}/search/")
    summary = page.locator("#facet-person summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-person"
    rows = page.locator("#more-person li")
    listed = rows.count()
    assert listed > 0 and rows.first.is_visible()
    wanted = rows.first.locator("label").inner_text().split()[0]
    page.keyboard.type(wanted)  # filters as you type: rows that do not match disappear
    visible = [rows.nth(n).is_visible() for n in range(listed)]
    assert 0 < sum(visible) < listed
    assert all(
        wanted.lower() in rows.nth(n).inner_text().lower() for n in range(listed) if visible[n]
    )
    page.keyboard.type("zzzz-nobody")
    expect(rows.first).to_be_hidden()
    for _ in range(len(wanted + "zzzz-nobody")):
        page.keyboard.press("Backspace")
    assert all(rows.nth(n).is_visible() for n in range(listed))
    screenshot(page, "search-keyboard-more")
    # Enter asks the server: the values page, narrowed to the name.
    page.keyboard.type(wanted)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/values/person/" in page.url and f"find={wanted}" in page.url


def test_filters_work_without_javascript(live_server, browser_archive, chromium, screenshot):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/search/?q=troops")
        assert page.locator("button.copy-link").is_hidden()
        source = first_value(page, "source")
        page.check(f"#{source}")
        with page.expect_navigation():
            page.locator("aside button.apply").first.click()
        assert re.search(r"/search/\?q=troops&source=[-a-z0-9]+$", page.url)
        assert page.locator(f"#{source}").is_checked()
        screenshot(page, "search-without-javascript")
        # A long list's "Find" box asks the values page, keeping the search.
        page.goto(f"{live_server.url}/search/?q=said")
        page.click("#facet-person summary")
        page.fill("#filter-person", "a")
        with page.expect_navigation():
            page.press("#filter-person", "Enter")
        assert re.search(r"/search/values/person/\?(find=a&q=said|q=said&find=a)$", page.url)
        assert page.locator("ul.directory li").count() > 0
    finally:
        context.close()


def test_from_home_to_a_place_its_search_an_article_and_back(
    live_server, browser_archive, browser_context, screenshot
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/")
    screenshot(page, "home")
    place = page.locator("#h-places + ul.directory a").first
    name = place.inner_text()
    with page.expect_navigation():
        place.click()
    assert re.search(r"/places/[-a-z0-9]+/$", page.url)  # its page
    assert page.locator("h1").inner_text() == name
    with page.expect_navigation():
        page.locator(".entity-facts a").first.click()  # "N articles": its search
    assert re.search(r"/search/\?place=[-a-z0-9]+$", page.url)
    assert page.locator("h1").inner_text().startswith(name)

    with page.expect_navigation():
        page.locator("ol.results h3 a").first.click()
    assert "/articles/" in page.url
    screenshot(page, "article")
    entity = page.locator(".body a.entity").first
    with page.expect_navigation():
        entity.click()
    assert re.search(r"/(places|organizations|people)/[-a-z0-9]+/$", page.url)
    assert page.locator("ol.results li").count() >= 1

    with page.expect_navigation():
        page.click("text=Places")
    screenshot(page, "browse-places")
    page.fill("#browse-q", name[:4])
    with page.expect_navigation():
        page.press("#browse-q", "Enter")
    # A country is the heading of its places, any other place is listed under its country.
    found = page.locator(f".directory a:has-text('{name}'), .country-group h2 a:has-text('{name}')")
    assert found.count() >= 1
