"""Where haystack looks for an app's search indexes; the index itself is
articles.search.documents.ArticleIndex."""

from .search.documents import ArticleIndex

__all__ = ["ArticleIndex"]
