"""Ingest: extracted articles into the database, and editors' uploads.

- ``storing``: one extracted article → rows, one transaction each; bulk imports;
- ``resolution``: which stored outlet or entity an extracted name is;
- ``reextract``: extraction run again, every editor correction kept;
- ``checks``, ``uploads``, ``review``: editors' files, batches and the reviewed "Add article";
- ``columns``: values cut to their columns, fingerprints and keys.
"""

from .reextract import EXTRACTED_FIELDS, reextract_article, reextract_articles
from .resolution import ArchivePeople, EntityResolver, SourceResolver
from .storing import ImportReport, extract_with_settings, import_documents, store_article

__all__ = [
    "EXTRACTED_FIELDS",
    "ArchivePeople",
    "EntityResolver",
    "ImportReport",
    "SourceResolver",
    "extract_with_settings",
    "import_documents",
    "reextract_article",
    "reextract_articles",
    "store_article",
]
