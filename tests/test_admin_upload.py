"""Uploading articles in the admin: staff only, reviewed before saving, refusals leave nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.ingest import checks, uploads
from articles.models import Article, Mention, UploadBatch, UploadResult

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/articles/article/upload/"
ADD_URL = "/admin/articles/article/add/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")


@pytest.fixture
def editor_client(client, editor, clean_index):
    client.force_login(editor)
    return client


def upload(client, *files: tuple[str, bytes], follow=True):
    return client.post(
        UPLOAD_URL,
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
        follow=follow,
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def corpus_files(n: int) -> dict[str, bytes]:
    files = sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:n]
    return {f"politics/{f.name}": f.read_bytes() for f in files}


# --- Who may upload -------------------------------------------------------------------


@pytest.mark.parametrize("url", [UPLOAD_URL, ADD_URL, "/admin/articles/uploadbatch/add/"])
def test_upload_pages_send_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_users_cannot_upload(client, django_user_model, shared):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    response = upload(client, ("seed.txt", SEED.read_bytes()), follow=False)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Article.objects.count() == 0


def test_staff_without_the_add_permission_is_refused(client, django_user_model, shared):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    client.force_login(user)
    response = upload(client, ("seed.txt", SEED.read_bytes()), follow=False)
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_upload_without_a_csrf_token_is_refused(editor, shared):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = upload(client, ("seed.txt", SEED.read_bytes()), follow=False)
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_add_article_without_a_csrf_token_is_refused(editor, shared):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(ADD_URL, {"page": SEED.read_text()})
    assert response.status_code == 403


def test_upload_form_carries_a_csrf_token(editor_client):
    page = editor_client.get(UPLOAD_URL).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'type="file"' in page and "multiple" in page


# --- Batch upload and its report ------------------------------------------------------


def test_uploading_the_seed_reports_it_created_with_links(editor_client, shared):
    response = upload(editor_client, ("000_deae15c0e1e0842a.txt", SEED.read_bytes()))
    page = response.content.decode()
    article = Article.objects.get()
    assert "1 created" in page
    assert f"/admin/articles/article/{article.pk}/change/" in page
    assert f"/articles/{article.pk}/" in page
    assert article.original_name == "000_deae15c0e1e0842a.txt"


def test_uploading_the_same_file_again_reports_a_duplicate_linked_to_the_original(
    editor_client, shared
):
    upload(editor_client, ("seed.txt", SEED.read_bytes()))
    response = upload(editor_client, ("seed-again.txt", SEED.read_bytes()))
    page = response.content.decode()
    article = Article.objects.get()
    assert "0 created" in page and "1 duplicate" in page
    assert f"/admin/articles/article/{article.pk}/change/" in page
    assert Article.objects.count() == 1


def test_a_zip_of_corpus_files_reports_each_document(editor_client, shared):
    files = corpus_files(3)
    response = upload(
        editor_client,
        ("bbc.zip", zip_bytes(files)),
        ("empty.txt", b""),
    )
    page = response.content.decode()
    assert Article.objects.count() == 3
    for name in files:
        assert f"bbc.zip!{name}" in page
    assert "empty.txt is empty" in page
    batch = UploadBatch.objects.get()
    assert (batch.created_count, batch.failed_count, batch.status) == (3, 1, "done")


def test_several_formats_in_one_upload(editor_client, shared):
    jsonl = (CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl").read_bytes()
    two_lines = b"\n".join(jsonl.splitlines()[:2]) + b"\n"
    response = upload(
        editor_client,
        ("huffpost.jsonl", two_lines),
        ("seed.txt", SEED.read_bytes()),
    )
    assert "3 created" in response.content.decode()


# --- Refusals: clear message, nothing half-written ------------------------------------


def assert_refused(response, *phrases):
    page = response.content.decode()
    for phrase in phrases:
        assert phrase in page, page[-3000:]
    assert Article.objects.count() == 0
    assert Mention.objects.count() == 0


def test_empty_file_is_refused(editor_client):
    assert_refused(upload(editor_client, ("empty.txt", b"")), "empty.txt is empty")


def test_whitespace_only_file_is_refused(editor_client):
    assert_refused(upload(editor_client, ("blank.txt", b"  \n\n ")), "blank.txt", "empty file")


def test_binary_file_is_refused(editor_client):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert_refused(upload(editor_client, ("photo.txt", png)), "photo.txt", "binary file")


def test_file_over_the_size_limit_is_refused(editor_client, settings, shared):
    settings.NEWSROOM_MAX_FILE_BYTES = 1000
    assert_refused(
        upload(editor_client, ("seed.txt", SEED.read_bytes())),
        "seed.txt is",
        "over the 1000\xa0bytes limit for one file",
    )


def test_unreadable_encoding_is_refused(editor_client):
    broken = b"\xef\xbb\xbfHeadline\n\nSome text \xff\xfe\xfa not UTF-8 after all.\n"
    assert_refused(
        upload(editor_client, ("broken.txt", broken)), "broken.txt", "save the file as UTF-8"
    )


def test_zip_with_an_entry_escaping_its_folder_is_refused_whole(editor_client, shared):
    archive = zip_bytes({**corpus_files(2), "../../etc/evil.txt": b"Headline\n\nBody text."})
    assert_refused(
        upload(editor_client, ("evil.zip", archive)),
        "evil.zip",
        "would unpack outside the archive",
        "nothing from it was stored",
    )


def test_zip_unpacking_over_the_archive_limit_is_refused(editor_client, settings):
    settings.NEWSROOM_MAX_ARCHIVE_BYTES = 100_000
    bomb = zip_bytes({"bomb.txt": b"a" * 1_000_000})
    assert len(bomb) < 100_000
    assert_refused(upload(editor_client, ("bomb.zip", bomb)), "bomb.zip", "unpacks to")


def test_zip_with_too_many_entries_is_refused(editor_client, settings):
    settings.NEWSROOM_MAX_ARCHIVE_ENTRIES = 5
    many = zip_bytes({f"a{i}.txt": f"Headline {i}\n\nBody {i}.".encode() for i in range(6)})
    assert_refused(upload(editor_client, ("many.zip", many)), "many.zip", "the limit is 5;")


def test_damaged_zip_is_refused(editor_client, shared):
    archive = zip_bytes(corpus_files(2))
    assert_refused(upload(editor_client, ("cut.zip", archive[: len(archive) // 2])), "cut.zip")


def test_request_over_the_upload_limit_is_refused_before_reading(editor_client, settings, shared):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 2000
    response = upload(editor_client, ("seed.txt", SEED.read_bytes()))
    assert response.status_code == 413
    assert_refused(response, "limit for one upload")
    assert UploadBatch.objects.count() == 0


def test_too_many_files_in_one_request_is_refused_with_advice(editor_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = upload(
        editor_client, *[(f"f{i}.txt", f"Headline {i}\n\nBody.".encode()) for i in range(3)]
    )
    assert response.status_code == 400
    assert_refused(response, "Upload at most 2 files at once", "zip")


def csrf_client(editor) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(UPLOAD_URL)
    return client, client.cookies["csrftoken"].value


def test_with_csrf_checks_a_valid_token_uploads(editor, clean_index, shared):
    client, token = csrf_client(editor)
    response = client.post(
        UPLOAD_URL,
        {
            "csrfmiddlewaretoken": token,
            "files": [SimpleUploadedFile("seed.txt", SEED.read_bytes())],
        },
        follow=True,
    )
    assert "1 created" in response.content.decode()


def test_with_csrf_checks_too_many_files_still_get_a_message(editor, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client, token = csrf_client(editor)
    files = [SimpleUploadedFile(f"f{i}.txt", f"Headline {i}\n\nBody.".encode()) for i in range(3)]
    response = client.post(UPLOAD_URL, {"csrfmiddlewaretoken": token, "files": files})
    assert response.status_code == 400
    assert "Upload at most 2 files at once" in response.content.decode()
    assert Article.objects.count() == 0


def test_with_csrf_checks_an_oversized_upload_gets_a_message(editor, settings, shared):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 2000
    client, token = csrf_client(editor)
    response = client.post(
        UPLOAD_URL,
        {"csrfmiddlewaretoken": token, "files": [SimpleUploadedFile("s.txt", SEED.read_bytes())]},
    )
    assert response.status_code == 413
    assert "limit for one upload" in response.content.decode()


def test_upload_with_no_file_says_so(editor_client):
    response = editor_client.post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


# --- Background batches: progress, leaving, resuming ----------------------------------


def test_large_batch_runs_in_the_background_and_resumes_without_duplicates(
    editor_client, settings, shared
):
    settings.NEWSROOM_UPLOAD_INLINE_BYTES = 0  # everything goes to the background
    files = [(name.split("/")[-1], data) for name, data in corpus_files(3).items()]
    response = upload(editor_client, *files)
    assert "Waiting: 0 of 3 files read" in response.content.decode()
    assert 'http-equiv="refresh"' in response.content.decode()
    batch = UploadBatch.objects.get()

    # A worker processes one file, then the process dies.
    uploads.process_batch(batch.pk, max_files=1)
    assert Article.objects.count() == 1
    page = editor_client.get(f"/admin/articles/uploadbatch/{batch.pk}/report/").content.decode()
    assert "1 of 3 files read" in page and "Resume upload" in page

    # Someone uploads one of the remaining files on its own meanwhile.
    upload(editor_client, files[2])
    uploads.process_batch(UploadBatch.objects.latest("id").pk)

    # Resuming does not read the finished file again; the file uploaded meanwhile is a duplicate.
    uploads.process_batch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 2, 1)
    assert Article.objects.count() == 3
    assert UploadResult.objects.filter(batch=batch).count() == 3
    page = editor_client.get(f"/admin/articles/uploadbatch/{batch.pk}/report/").content.decode()
    assert "Finished:" in page and 'http-equiv="refresh"' not in page


def test_resuming_a_file_interrupted_midway_skips_documents_already_reported(editor_client, shared):
    archive = zip_bytes(corpus_files(3))
    batch = uploads.create_batch([SimpleUploadedFile("bbc.zip", archive)])
    upload_file = batch.files.get()
    items, refusal = checks.read_upload("bbc.zip", io.BytesIO(archive))
    items = list(items)
    assert refusal is None
    # The process died after storing the first document of the archive.
    first = next(
        uploads.store_documents(
            items[:1],
            record=lambda outcome, _: UploadResult.objects.create(
                batch=batch,
                upload=upload_file,
                label=outcome.label,
                outcome=outcome.outcome,
                article_id=outcome.article_id,
            ),
        )
    )
    assert first.outcome == "created"

    uploads.process_batch(batch.pk)

    outcomes = list(batch.results.values_list("outcome", flat=True))
    assert outcomes == ["created", "created", "created"]
    assert Article.objects.count() == 3


def test_a_batch_already_being_processed_is_not_processed_twice(editor, shared):
    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())], editor)
    with uploads.batch_lock(batch.pk) as mine:
        assert mine
        assert uploads.process_batch(batch.pk) is False
    assert Article.objects.count() == 0


# --- "Add article": review before saving ----------------------------------------------


def test_add_article_shows_the_extraction_for_review_and_saves_nothing_yet(editor_client, shared):
    response = editor_client.post(ADD_URL, {"page": SEED.read_text()})
    page = response.content.decode()
    assert "Review the extracted article" in page
    assert "US deploys new troops to Iraq’s Ain al-Asad base: Report" in page
    assert "Press TV" in page
    assert "Iraq" in page and "Pentagon" in page
    assert Article.objects.count() == 0


def review_data(page_response, **changes) -> dict:
    form = page_response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_editor_corrections_at_review_are_saved_and_locked(editor_client, editor, shared):
    review = editor_client.post(ADD_URL, {"page": SEED.read_text()})
    form = review.context["form"]
    organizations = [n for n in form["organizations"].value().splitlines() if n != "Pentagon"]
    data = review_data(
        review,
        headline="US sends troops to Ain al-Asad",
        section="Middle East",
        organizations="\n".join([*organizations, "Ain al-Asad Watch Group"]),
    )
    response = editor_client.post(ADD_URL, data, follow=True)
    assert "Added “" in response.content.decode()

    article = Article.objects.get()
    assert article.headline == "US sends troops to Ain al-Asad"
    assert set(article.locked_fields) == {"headline", "section"}
    assert Mention.objects.get(article=article, entity__name="Pentagon").suppressed
    added = Mention.objects.get(article=article, entity__name="Ain al-Asad Watch Group")
    assert (added.origin, added.changed_by) == ("editor", editor)

    from articles.ingest import reextract_article

    reextract_article(article)
    article.refresh_from_db()
    assert article.headline == "US sends troops to Ain al-Asad"
    assert Mention.objects.get(article=article, entity__name="Pentagon").suppressed
    assert article.mentions.filter(entity__name="Ain al-Asad Watch Group").exists()


def test_add_article_from_one_file(editor_client, shared):
    review = editor_client.post(
        ADD_URL, {"file": SimpleUploadedFile("seed.txt", SEED.read_bytes())}
    )
    response = editor_client.post(ADD_URL, review_data(review), follow=True)
    assert response.status_code == 200
    article = Article.objects.get()
    assert article.locked_fields == []
    assert article.source.name == "Press TV"


def test_adding_an_article_already_in_the_archive_links_to_it(editor_client, shared):
    upload(editor_client, ("seed.txt", SEED.read_bytes()))
    review = editor_client.post(ADD_URL, {"page": SEED.read_text()})
    response = editor_client.post(ADD_URL, review_data(review), follow=True)
    assert "already in the archive" in response.content.decode()
    assert Article.objects.count() == 1


def test_add_article_refuses_a_binary_file_with_the_reason(editor_client):
    response = editor_client.post(
        ADD_URL, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n" + bytes(range(256)))}
    )
    assert "binary file" in response.content.decode()
    assert Article.objects.count() == 0


def test_add_article_refuses_a_file_holding_many_articles(editor_client, shared):
    jsonl = (CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl").read_bytes()
    data = b"\n".join(jsonl.splitlines()[:3]) + b"\n"
    response = editor_client.post(ADD_URL, {"file": SimpleUploadedFile("h.jsonl", data)})
    assert "holds 3 articles" in response.content.decode()
    assert Article.objects.count() == 0


def test_add_article_with_nothing_given_asks_for_a_page(editor_client):
    response = editor_client.post(ADD_URL, {"page": ""})
    assert "Paste a page or choose a file." in response.content.decode()


def test_tampered_review_payload_is_refused(editor_client, shared):
    review = editor_client.post(ADD_URL, {"page": SEED.read_text()})
    data = review_data(review)
    data["payload"] = data["payload"][:-3] + "xyz"
    response = editor_client.post(ADD_URL, data, follow=True)
    assert Article.objects.count() == 0
    assert "paste the page again" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_background_batch_finishes_in_a_thread_after_the_request(
    client, django_user_model, settings, clean_index, shared
):
    import time

    settings.NEWSROOM_UPLOAD_INLINE_BYTES = 0
    client.force_login(django_user_model.objects.create_superuser("bg", "bg@example.org", "pw"))
    files = [(name.split("/")[-1], data) for name, data in corpus_files(2).items()]
    first = upload(client, *files, follow=False)
    report_url = first["Location"]
    # Generous: the thread loads the spaCy pipeline and extracts on a 2-core machine that may
    # be running other jobs (60 s was once not enough there); a hung batch still fails.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        page = client.get(report_url).content.decode()
        if "Finished:" in page:
            break
        time.sleep(0.5)
    batch = UploadBatch.objects.get()
    assert "Finished:" in page, (batch.status, batch.created_count, batch.failed_count)
    assert "2 created" in page
    assert Article.objects.count() == 2


def test_index_worker_resumes_an_unfinished_batch(editor, clean_index, shared):
    from django.core.management import call_command

    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())], editor)
    call_command("index_worker", "--once")
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 1)
    assert not batch.files.get().stored  # the stored original is removed once done


def test_articles_added_by_an_upload_record_who_added_them(editor_client, editor, shared):
    from django.contrib.admin.models import ADDITION, LogEntry

    upload(editor_client, ("seed.txt", SEED.read_bytes()))
    article = Article.objects.get()
    entry = LogEntry.objects.get(
        content_type__model="article", object_id=str(article.pk), action_flag=ADDITION
    )
    assert entry.user == editor
    assert "Added by upload" in entry.change_message


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/upload/",
        "/admin/articles/article/add/",
        "/admin/articles/entity/",
        "/admin/articles/entityredirect/",
        "/admin/articles/uploadbatch/",
        "/admin/articles/indextask/",
    ],
)
def test_editor_admin_pages_open(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code == 200


def test_article_change_page_and_batch_pages_open(editor_client, shared):
    upload(editor_client, ("seed.txt", SEED.read_bytes()))
    article = Article.objects.get()
    batch = UploadBatch.objects.get()
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    assert "Add entities" in page.content.decode()
    assert editor_client.get(f"/admin/articles/uploadbatch/{batch.pk}/change/").status_code == 302
    changelist = editor_client.get("/admin/articles/article/").content.decode()
    assert "Upload articles" in changelist


def test_resuming_a_batch_needs_the_permission_to_add_articles(client, django_user_model, shared):
    from django.contrib.auth.models import Permission

    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())])
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_uploadbatch"))
    client.force_login(viewer)
    url = f"/admin/articles/uploadbatch/{batch.pk}/report/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Resume upload" not in page.content.decode()
    assert "An editor who may add articles can resume it." in page.content.decode()
    assert client.post(url, {"resume": "Resume upload"}).status_code == 403
    batch.refresh_from_db()
    assert (batch.status, batch.files_done) == ("pending", 0)
    assert Article.objects.count() == 0


def test_resume_leaves_the_batch_to_the_worker_when_uploads_run_there(
    editor_client, settings, shared
):
    settings.NEWSROOM_UPLOAD_IN_THREAD = False
    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())])
    url = f"/admin/articles/uploadbatch/{batch.pk}/report/"

    page = editor_client.post(url, {"resume": "Resume upload"}, follow=True)

    assert "The index worker resumes this upload within seconds" in page.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.files_done) == ("pending", 0)  # no thread in the web process
    from django.core.management import call_command

    call_command("index_worker", "--once")
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 1)


def test_a_plain_text_upload_reads_its_dateline_and_byline(editor_client):
    """Issue 19: "ROTTERDAM, 14 March 2023" gave no date and the byline became an entity."""
    from .test_authors import ROTTERDAM

    response = upload(editor_client, ("rotterdam.txt", ROTTERDAM.encode("utf-8")))
    assert "1 created" in response.content.decode()
    article = Article.objects.get()
    assert article.source.name == "Reuters"  # "(Reuters)" in its dateline
    assert (article.date.isoformat(), article.date_source) == ("2023-03-14", "dateline")
    assert [a.name for a in article.author_list] == ["Anna de Vries", "Peter Jansen"]
    names = set(article.mentions.values_list("entity__name", flat=True))
    assert "Rotterdam" in names and not names & {"Anna de Vries", "Peter Jansen"}
