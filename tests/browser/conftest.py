"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium, driven by Playwright.

Playwright's own browser download cannot work here, so we launch Debian's build by path;
`make test-deps` (scripts/ensure-test-system-deps.sh) installs it. Screenshots of each flow
go to test-artifacts/ (git-ignored).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from ..conftest import REPO
from ..test_search_page import clear_archive, corpus_slice

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium: run `make test-deps`")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the test thread from here on;
    # Django refuses ORM calls there (even creating the test database) unless told the code
    # is really synchronous.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(
        permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def browser_archive(chromium, transactional_db):
    """The corpus slice, imported and indexed for a live server test."""
    clear_archive()
    call_command("import_articles", *corpus_slice(), stdout=io.StringIO(), stderr=io.StringIO())
    yield
    clear_archive()
