"""The articles app: its signals are connected once every app is loaded."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "News archive"

    def ready(self) -> None:
        # Django's documented place to connect signals: importing the module registers its
        # receivers (the index queue follows saves and deletes; cached counts are retired).
        from . import signals  # noqa: F401
