"""Shared fixtures: real corpus paths, a clean Whoosh index per test."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_deae15c0e1e0842a.txt"
CORPUS = SHARED / "corpus"


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture
def clean_index(settings):
    """A real, empty Whoosh index in the test's temporary data folder."""
    from haystack import connections

    connections.reload("default")
    backend = connections["default"].get_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture(autouse=True)
def segment_postings_as_in_a_large_archive(monkeypatch):
    """Tests index a handful of articles: their segments and words get the decoded text
    postings a large archive's segments and common words get (articles.search.whoosh.
    segment_arrays, text_postings), so the suite searches the way a production archive
    does. test_search_engine checks that small segments answer alike."""
    from articles.search.whoosh import segment_arrays, text_postings

    monkeypatch.setattr(segment_arrays, "TEXT_POSTINGS_MIN_DOCS", 0)
    monkeypatch.setattr(text_postings, "MIN_TERM_DOCS", 1)
