from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from . import site_files
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]


def page_not_found(request, exception):
    # Django's handler would pass the exception to the template; ours shows nothing of it.
    return defaults.page_not_found(request, None)


# templates/404.html and templates/500.html; 500.html is rendered without context, so an
# error page cannot show settings, paths or the failing query.
handler404 = page_not_found
handler500 = defaults.server_error
