"""The archive's machinery in the admin: upload batches and their reports, the index queue."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse

from ..forms.parameters import whole_number
from ..models import (
    IndexTask,
    UploadBatch,
)
from ..search.queue import drain
from . import upload_views


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "created_by",
        "created_at",
        "files_done",
        "file_count",
        "created_count",
        "duplicate_count",
        "failed_count",
    ]
    list_filter = ["status"]

    def get_urls(self):
        return [
            path(
                "<int:batch_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="articles_uploadbatch_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, batch_id):
        return upload_views.batch_report_view(self, request, batch_id)

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:articles_article_upload"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch_id = whole_number(object_id)
        if batch_id is None:  # "²" or "abc": no batch has that number (reverse would fail)
            raise Http404("No upload batch with this number.")
        return HttpResponseRedirect(reverse("admin:articles_uploadbatch_report", args=[batch_id]))

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndexTask)
class IndexTaskAdmin(admin.ModelAdmin):
    list_display = ["article_id", "action", "created", "attempts", "not_before", "last_error"]
    readonly_fields = ["article_id", "action", "created", "attempts", "not_before", "last_error"]
    actions = ["retry_now"]

    @admin.action(description="Retry now", permissions=["retry"])
    def retry_now(self, request, queryset):
        queryset.update(not_before=None)
        done = drain(blocking=False)
        left = IndexTask.objects.count()
        self.message_user(
            request,
            f"Indexed {done} article(s); {left} task(s) still queued"
            + (" (see the last error of each)." if left else "."),
            messages.WARNING if left else messages.SUCCESS,
        )

    def has_retry_permission(self, request) -> bool:
        """Retrying changes the tasks, then indexes and removes them. The admin shows tasks
        read-only (has_change_permission), so ask for the model permission itself."""
        opts = self.opts
        return request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename('change', opts)}"
        ) and request.user.has_perm(f"{opts.app_label}.{get_permission_codename('delete', opts)}")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
