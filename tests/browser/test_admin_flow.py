"""An editor's day in real headless Chromium: upload, read the report, correct, merge, search."""

import re
import time
import zipfile

import pytest
from playwright.sync_api import expect

from articles.models import Article, Entity, EntityAlias, EntityRedirect, Mention

from ..conftest import CORPUS, SEED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def corpus_zip(tmp_path, n=3):
    path = tmp_path / "bbc-politics.zip"
    files = sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:n]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.write(f, f"politics/{f.name}")
    return path


def search_shows(page, url: str, article_id: int, *, seconds: float = 10) -> bool:
    """Reload a public search page until the article is (or is not) among its results."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        links = page.locator("ol.results h3 a").evaluate_all("els => els.map(e => e.href)")
        shown = any(re.search(rf"/articles/{article_id}/", href) for href in links)
        if shown or time.monotonic() > deadline:
            return shown
        time.sleep(0.5)


def log_in(page, django_user_model, next_url: str) -> None:
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-passphrase")
    page.set_default_navigation_timeout(120_000)  # the first extraction loads the language model
    page.goto(next_url)
    assert "/admin/login/" in page.url
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-passphrase")
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_editor_uploads_corrects_merges_and_finds_the_change_in_search(
    live_server, clean_index, browser_context, screenshot, django_user_model, tmp_path, shared
):
    page = browser_context.new_page()
    log_in(page, django_user_model, f"{live_server.url}/admin/articles/article/upload/")
    expect(page.locator("h1")).to_have_text("Upload articles")

    # Upload the seed page and a zip of corpus files; read the per-file report.
    page.set_input_files("#id_files", [str(SEED), str(corpus_zip(tmp_path))])
    with page.expect_navigation():
        page.click("input[type=submit][value=Upload]")
    expect(page.locator("#batch-status")).to_contain_text("4 created")
    report = page.locator("#upload-report tbody")
    expect(report.locator("tr")).to_have_count(4)
    expect(report).to_contain_text("bbc-politics.zip!politics/001.txt")
    expect(report).to_contain_text("US deploys new troops to Iraq’s Ain al-Asad base: Report")
    screenshot(page, "admin-upload-report")
    seed = Article.objects.get(source__name="Press TV")

    # Correct the seed's entities: drop AFP, add the militia's English name.
    with page.expect_navigation():
        report.get_by_role("link", name=seed.headline).click()
    afp_row = page.locator("#mentions-group tr.form-row").filter(
        has=page.locator("select option[selected]", has_text=re.compile(r"^AFP$"))
    )
    afp_row.locator("input[name$='-DELETE']").check()
    page.fill("#id_add_organizations", "Hezbollah Brigades")
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    afp = Mention.objects.get(article=seed, entity__name="AFP")
    assert afp.suppressed and afp.changed_by.username == "editor"
    assert Mention.objects.get(article=seed, entity__name="Hezbollah Brigades").origin == "editor"

    # Merge the English name into the militia's own name.
    page.goto(f"{live_server.url}/admin/articles/entity/?kind__exact=organization")
    for name in ("Hezbollah Brigades", "Kata'ib Hezbollah"):
        row = page.locator("#result_list tbody tr").filter(
            has=page.get_by_role("link", name=name, exact=True)
        )
        row.locator("input.action-select").check()
    page.select_option("select[name=action]", "merge_selected")
    with page.expect_navigation():
        page.click("button[name=index]")
    expect(page.locator("h1")).to_have_text("Merge entities")
    page.get_by_label("Kata'ib Hezbollah").check()
    screenshot(page, "admin-merge-choose")
    with page.expect_navigation():
        page.click("input[type=submit][value=Merge]")
    expect(page.locator(".messagelist")).to_contain_text(
        "Merged “Hezbollah Brigades” into “Kata'ib Hezbollah”"
    )
    survivor = Entity.objects.get(kind="organization", name="Kata'ib Hezbollah")
    assert EntityAlias.objects.get(key="hezbollah brigades").entity == survivor
    assert EntityRedirect.objects.get(old_slug="hezbollah-brigades").entity == survivor
    assert not Entity.objects.filter(name="Hezbollah Brigades").exists()
    merged = Mention.objects.get(article=seed, entity=survivor)
    assert merged.count == 3 + 1 and merged.origin == "editor"  # counts summed
    screenshot(page, "admin-merged")

    # The public search follows within seconds.
    base = f"{live_server.url}/search/?q=Ain+al-Asad"
    assert search_shows(page, f"{base}&org={survivor.slug}", seed.pk)
    screenshot(page, "public-search-after-merge")
    assert not search_shows(page, f"{base}&org=afp", seed.pk, seconds=3)
    assert search_shows(
        page,
        f"{live_server.url}/search/?q=Labour+maternity+pay",
        Article.objects.get(original_name="bbc-politics.zip!politics/001.txt").pk,
    )


def test_editor_reviews_a_pasted_page_fixes_it_and_the_fix_is_searchable(
    live_server, clean_index, browser_context, screenshot, django_user_model, shared
):
    page = browser_context.new_page()
    log_in(page, django_user_model, f"{live_server.url}/admin/articles/article/add/")
    expect(page.locator("h1")).to_have_text("Add article")

    page.fill("#id_page", SEED.read_text())
    with page.expect_navigation():
        page.click("input[name=preview]")
    expect(page.locator("h1")).to_have_text("Review the extracted article")
    expect(page.locator("#id_headline")).to_have_value(
        "US deploys new troops to Iraq’s Ain al-Asad base: Report"
    )
    expect(page.locator("#id_source")).to_have_value("Press TV")
    organizations = page.locator("#id_organizations").input_value().splitlines()
    assert "AFP" in organizations
    assert Article.objects.count() == 0  # nothing saved before the editor says so
    screenshot(page, "admin-add-review")

    page.fill("#id_headline", "Quagga battalion lands at Ain al-Asad")
    page.fill("#id_organizations", "\n".join(n for n in organizations if n != "AFP"))
    with page.expect_navigation():
        page.click("input[name=save]")
    expect(page.locator(".messagelist")).to_contain_text("Added “Quagga battalion")
    article = Article.objects.get()
    assert article.locked_fields == ["headline"]
    assert Mention.objects.get(article=article, entity__name="AFP").suppressed

    assert search_shows(page, f"{live_server.url}/search/?q=quagga", article.pk)
    screenshot(page, "public-search-after-review")
