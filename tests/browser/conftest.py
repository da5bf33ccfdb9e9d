"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium, driven by Playwright.

Playwright's own browser download cannot work here, so we launch Debian's build by path;
`make test-deps` (scripts/ensure-test-system-deps.sh) installs it. Screenshots of each flow
go to test-artifacts/ (git-ignored).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from ..conftest import CORPUS, REPO, SEED
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
# axe-core from npm (package-lock.json), installed by `make test-deps`.
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


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
def axe_context(chromium):
    """A browser context whose pages carry axe-core (added before any page script runs, so
    the Content-Security-Policy does not apply to it)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed in node_modules: run `make test-deps`")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    yield context
    context.close()


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""",
        AXE_TAGS,
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['nodes'])}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


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


HUFFPOST = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"


@pytest.fixture
def pictures_archive(chromium, transactional_db, tmp_path):
    """The seed and 40 HuffPost articles from 2018 to 2022, imported for a live server."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    lines = HUFFPOST.read_text(encoding="utf-8").splitlines()[::250][:40]
    sample = tmp_path / "huffpost.jsonl"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clear_archive()
    call_command(
        "import_articles", str(SEED), str(sample), stdout=io.StringIO(), stderr=io.StringIO()
    )
    yield
    clear_archive()
