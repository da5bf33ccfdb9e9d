"""Admin pages beyond plain model editing: the reviewed "Add article", batch uploads and reports.

Thin: forms check input; services in articles.ingest (uploads, review) and
articles.corrections do the work.
All views are wrapped by ``admin_site.admin_view`` (staff login, CSRF) in articles.admin.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_protect

from ..extraction.types import RawDocument, ReadFailure
from ..ingest import checks, review, uploads
from ..models import UploadBatch

PAYLOAD_SALT = "articles.admin.add-article"


# --- Forms -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple> (Django docs: "Uploading multiple
    files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("allow_empty_file", True)  # refused per file, with its name
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Text, HTML, JSON Lines, CSV, Reuters SGML, BBC, BuzzFeed XML or CoNLL "
        "files, or .zip archives of them.",
    )


class SourcePageForm(forms.Form):
    page = forms.CharField(
        label="Paste a page",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text="The text or HTML of one article, as copied from the web page.",
    )
    file = forms.FileField(label="…or choose one file", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("page", "").strip() and not data.get("file"):
            raise forms.ValidationError("Paste a page or choose a file.")
        if data.get("page", "").strip() and data.get("file"):
            raise forms.ValidationError("Paste a page or choose a file, not both.")
        return data

    def name_and_bytes(self) -> tuple[str, bytes]:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.name, b"".join(upload.chunks())
        page = self.cleaned_data["page"].strip()
        name = "pasted.html" if page.lstrip().startswith("<") else "pasted.txt"
        return name, page.encode("utf-8")


def names_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text="One name per line. Remove a line to drop it, add a line to add one.",
    )


class ReviewForm(forms.Form):
    headline = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 90}))
    source = forms.CharField(label="Outlet", max_length=200, required=False)
    section = forms.CharField(max_length=200, required=False)
    published = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    places = names_field("Places")
    organizations = names_field("Organizations")
    people = names_field("People")
    payload = forms.CharField(widget=forms.HiddenInput)

    def clean_payload(self):
        try:
            return signing.loads(self.cleaned_data["payload"], salt=PAYLOAD_SALT)
        except signing.BadSignature as exc:
            raise forms.ValidationError("The page was changed in transit: start again.") from exc

    @staticmethod
    def lines(value: str) -> list[str]:
        return [" ".join(line.split()) for line in value.splitlines() if line.strip()]

    def reviewed(self) -> dict:
        data = self.cleaned_data
        return {
            "headline": data["headline"].strip(),
            "source": data["source"].strip(),
            "section": data["section"].strip(),
            "published": data["published"],
            "place": self.lines(data["places"]),
            "organization": self.lines(data["organizations"]),
            "person": self.lines(data["people"]),
        }


def pack(raw: RawDocument) -> str:
    return signing.dumps(
        {
            "origin": raw.origin,
            "format": raw.format,
            "text": raw.text,
            "fields": raw.fields,
            "ordinal": raw.ordinal,
        },
        salt=PAYLOAD_SALT,
        compress=True,
        serializer=_JSONWithDates,
    )


class _JSONWithDates(signing.JSONSerializer):
    def dumps(self, obj):
        return json.dumps(obj, default=str, separators=(",", ":")).encode("latin-1")


def unpack(payload: dict) -> RawDocument:
    return RawDocument(
        origin=payload["origin"],
        format=payload["format"],
        text=payload.get("text") or "",
        fields=payload.get("fields") or {},
        ordinal=payload.get("ordinal"),
    )


# --- Helpers -----------------------------------------------------------------------------


def refuse_oversized_request(request) -> str | None:
    """Refuse before Django reads the body: cheaper and gives a message instead of a 400."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = checks.max_request_bytes()
    if length > limit:
        return (
            f"This upload is {filesizeformat(length)}, over the {filesizeformat(limit)} "
            "limit for one upload: send the files in several smaller uploads."
        )
    return None


def read_files(request) -> tuple[dict, dict, str | None]:
    """request.POST and request.FILES, or a message saying why they could not be read."""
    try:
        return request.POST, request.FILES, None
    except TooManyFilesSent:
        return (
            {},
            {},
            (
                f"Upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once, "
                "or put them in a .zip archive."
            ),
        )
    except RequestDataTooBig:
        return {}, {}, "This upload is too large: send the files in several smaller uploads."


def article_links(article_id: int | None) -> dict:
    if not article_id:
        return {}
    return {
        "admin_url": reverse("admin:articles_article_change", args=[article_id]),
        "public_url": reverse("articles:detail-short", args=[article_id]),
    }


# --- Views -------------------------------------------------------------------------------


def add_article_view(model_admin, request):
    """Step 1: a pasted page or one file. Step 2: review the extraction. Step 3: save."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Add article",
        "has_view_permission": True,
    }
    if request.method != "POST":
        return TemplateResponse(
            request, "admin/articles/article/add_source.html", {**context, "form": SourcePageForm()}
        )
    error = refuse_oversized_request(request)
    if not error:
        post, files, error = read_files(request)
    if error:
        return TemplateResponse(
            request,
            "admin/articles/article/add_source.html",
            {**context, "form": SourcePageForm(), "refusal": error},
            status=400,
        )
    if "payload" in post:
        return _save_reviewed(model_admin, request, context)
    form = SourcePageForm(post, files)
    if form.is_valid():
        name, data = form.name_and_bytes()
        raw, refusal = review.read_single_document(name, data)
        extracted = review.extract_single(raw) if raw else None
        if isinstance(extracted, ReadFailure):
            refusal = f"{name}: {extracted.reason}"
        if refusal:
            form.add_error(None, refusal)
        else:
            return _review_page(request, context, raw, extracted)
    return TemplateResponse(
        request, "admin/articles/article/add_source.html", {**context, "form": form}
    )


def _review_page(request, context, raw, extracted, form=None):
    if form is None:
        values = review.extracted_values(extracted)
        names = review.canonical_names(extracted)
        form = ReviewForm(
            initial={
                **values,
                "places": "\n".join(names["place"]),
                "organizations": "\n".join(names["organization"]),
                "people": "\n".join(names["person"]),
                "payload": pack(raw),
            }
        )
    return TemplateResponse(
        request,
        "admin/articles/article/add_review.html",
        {
            **context,
            "title": "Review the extracted article",
            "form": form,
            "body": extracted.parsed.body,
            "original_name": raw.origin,
        },
    )


def _save_reviewed(model_admin, request, context):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raw = None
        try:
            raw = unpack(signing.loads(request.POST.get("payload", ""), salt=PAYLOAD_SALT))
        except signing.BadSignature:
            pass
        if raw is None:
            messages.error(request, "The review form was damaged: paste the page again.")
            return HttpResponseRedirect(request.path)
        return _review_page(request, context, raw, review.extract_single(raw), form=form)
    raw = unpack(form.cleaned_data["payload"])
    extracted = review.extract_single(raw)
    if isinstance(extracted, ReadFailure):
        messages.error(request, f"{raw.origin}: {extracted.reason}")
        return HttpResponseRedirect(request.path)
    article, created = review.create_reviewed_article(extracted, form.reviewed(), request.user)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if created:
        messages.success(
            request,
            format_html('Added “<a href="{}">{}</a>”.', change_url, article.headline),
        )
    else:
        messages.warning(
            request,
            format_html(
                'This article is already in the archive: “<a href="{}">{}</a>”. Nothing was added.',
                change_url,
                article.headline,
            ),
        )
    return HttpResponseRedirect(change_url)


def upload_view(model_admin, request):
    """Many files or a .zip: stored as a batch, then processed now or in the background.

    Registered csrf_exempt so that an upload too large, or with too many files, is refused
    with a message before anything parses its body (CsrfViewMiddleware would read it first
    and answer a bare 400); the CSRF check itself runs right after, via csrf_protect.
    """
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    if request.method == "POST":
        error = refuse_oversized_request(request)
        if error:
            return _upload_page(model_admin, request, refusal=error, status=413)
        try:
            return csrf_protect(lambda req: _upload(model_admin, req))(request)
        except TooManyFilesSent:
            error = (
                f"Upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once, "
                "or put them in a .zip archive."
            )
        except RequestDataTooBig:
            error = "This upload is too large: send the files in several smaller uploads."
        return _upload_page(model_admin, request, refusal=error, status=400)
    return _upload_page(model_admin, request)


def _upload_page(model_admin, request, *, form=None, refusal: str = "", status: int = 200):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Upload articles",
        "max_file_bytes": settings.NEWSROOM_MAX_FILE_BYTES,
        "max_archive_bytes": settings.NEWSROOM_MAX_ARCHIVE_BYTES,
        "max_archive_entries": settings.NEWSROOM_MAX_ARCHIVE_ENTRIES,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "form": form or UploadForm(),
        "refusal": refusal,
    }
    return TemplateResponse(
        request, "admin/articles/uploadbatch/upload.html", context, status=status
    )


def _upload(model_admin, request):
    post, files, error = read_files(request)
    if error:
        return _upload_page(model_admin, request, refusal=error, status=400)
    form = UploadForm(post, files)
    if not form.is_valid():
        return _upload_page(model_admin, request, form=form, status=400)
    batch = uploads.create_batch(form.cleaned_data["files"], user=request.user)
    model_admin.log_addition(request, batch, f"Uploaded {batch.file_count} file(s).")
    if uploads.batch_is_small(batch):
        uploads.process_batch(batch.pk)
    elif settings.NEWSROOM_UPLOAD_IN_THREAD:
        transaction.on_commit(lambda: uploads.start_in_background(batch.pk))
    return HttpResponseRedirect(reverse("admin:articles_uploadbatch_report", args=[batch.pk]))


def batch_report_view(model_admin, request, batch_id: int):
    batch = get_object_or_404(UploadBatch, pk=batch_id)
    if not model_admin.has_view_permission(request, batch):
        raise PermissionDenied
    may_resume = request.user.has_perm("articles.add_article")  # as for uploading
    if request.method == "POST" and "resume" in request.POST:
        if not may_resume:
            raise PermissionDenied
        if uploads.batch_is_running(batch):
            pass
        elif settings.NEWSROOM_UPLOAD_IN_THREAD:
            uploads.start_in_background(batch.pk)
            messages.info(request, "Resuming the upload: finished files are not read again.")
        else:  # the index worker resumes batches nobody is working on
            messages.info(
                request,
                "The index worker resumes this upload within seconds; "
                "finished files are not read again.",
            )
        return HttpResponseRedirect(request.path)
    results = []
    for result in batch.results.select_related("article", "upload"):
        results.append({"result": result, **article_links(result.article_id)})
    running = uploads.batch_is_running(batch)
    stalled = batch.status != UploadBatch.Status.DONE and not running
    return TemplateResponse(
        request,
        "admin/articles/uploadbatch/report.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": f"Upload {batch.pk}",
            "batch": batch,
            "results": results,
            "running": running,
            "stalled": stalled,
            "may_resume": may_resume,
            "refresh": batch.status != UploadBatch.Status.DONE,
        },
    )
