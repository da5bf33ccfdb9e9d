"""The editors' admin (Django finds it as articles.admin): articles with reviewed uploads,
entity corrections that last, upload batches and the index queue."""

from . import articles, decisions, entities, operations  # noqa: F401  (each registers its ModelAdmins)
