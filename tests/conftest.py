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
