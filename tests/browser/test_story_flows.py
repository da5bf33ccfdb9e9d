"""What a reader does with a story, in real headless Chromium against a live server: a search
shows the story once; the reader opens its other coverage (no JavaScript: details and
summary, by keyboard), goes to the story's page, and turns collapsing off."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Story

from ..conftest import CORPUS
from ..test_search_page import clear_archive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUZZFEED = CORPUS / "buzzfeed_webis_2016" / "articles"
# Trump on the Tulsa shooting (CNN, Politico), and two stories of their own.
FILES = ("0336.xml", "1070.xml", "1212.xml", "1592.xml")


@pytest.fixture
def story_archive(chromium, transactional_db):
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    clear_archive()
    paths = [str(BUZZFEED / name) for name in FILES]
    call_command("import_articles", *paths, stdout=io.StringIO(), stderr=io.StringIO())
    yield
    clear_archive()
    Story.objects.all().delete()


def test_a_reader_opens_a_collapsed_story_by_keyboard_and_turns_collapsing_off(
    live_server, story_archive, browser_context, screenshot
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/search/?q=tulsa")
    expect(page.locator("h1 .total")).to_contain_text("2 articles")
    expect(page.locator("ol.results > li.result")).to_have_count(1)
    summary = page.locator("details.story-more summary")
    expect(summary).to_contain_text("and 1 more from")
    expect(summary).to_contain_text("(2 articles in this story)")
    other = page.locator(".story-others a")
    expect(other).to_be_hidden()

    summary.focus()
    page.keyboard.press("Enter")
    expect(other).to_be_visible()
    screenshot(page, "search-story-open")

    with page.expect_navigation():
        page.locator(".story-link a").click()
    assert "/stories/" in page.url
    expect(page.locator(".coverage h3")).to_have_count(2)  # CNN and Politico
    expect(page.locator(".coverage")).to_contain_text("Trump")

    page.goto(f"{live_server.url}/search/?q=tulsa")
    with page.expect_navigation():
        page.get_by_role("link", name="Every article its own result").click()
    assert page.url.endswith("/search/?q=tulsa&stories=off")
    expect(page.locator("ol.results > li.result")).to_have_count(2)
    expect(page.locator("details.story-more")).to_have_count(0)
    # A filter chosen now keeps the reader's choice.
    with page.expect_navigation():
        page.locator("#facet-source input[type=checkbox]:not(.exclude)").first.check()
    assert "stories=off" in page.url
