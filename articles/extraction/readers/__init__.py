"""Files in, documents out: every input format the archive accepts, read safely.

``read_paths`` walks files, folders and .zip archives and yields one ``RawDocument`` per
article, or a ``ReadFailure`` that says in plain words what is wrong with a file and what to
do. One bad file (or one bad record of a multi-document file) never stops the rest.

Formats are told apart by content first, file name second:

- "text": a web page saved as text (headline, caption, body, site boilerplate); parsed later
  by ``article_fields.parse_document``.
- "html": an HTML page, kept whole in ``text``; trafilatura extracts it later.
- "jsonl" / "csv": one article per line or row, with the common field names (see
  ``FIELD_NAMES``); HuffPost and Tehran Times dumps are JSON Lines of this kind.
- "newsroom-export": JSON Lines objects with ``"type": "article"``, passed on whole.
- "reuters-sgml": Reuters-21578 ``reut2-*.sgm``, one document per <REUTERS> element.
- "bbc": the BBC News corpus, ``<section>/NNN.txt`` with the headline on the first line.
- "buzzfeed-xml": BuzzFeed-Webis 2016 ``articles/NNNN.xml``.
- "conll": CoNLL-2003 ``eng.*`` token files, one document per -DOCSTART-.

Limits: ``max_file_bytes`` applies to one document file; JSON Lines files (on disk or in a
zip) are streamed line by line instead, each line within the limit, so a 94 MB dump of 33,000
articles is read while a 31 MB single page is refused.

Archives: .zip only, read one level deep. A zip inside a zip is refused with a message
(unpack it and upload the inner archive itself), so that archive limits cannot be dodged by
nesting. Entry names that leave the archive folder and symbolic links are refused; declared
sizes are checked before reading and actual bytes are counted while reading, because a zip
bomb can lie about its sizes.

Modules: :mod:`.files` (files and folders, the entry points), :mod:`.archives` (zips),
:mod:`.limits`, :mod:`.decoding` (bytes to safe text), :mod:`.formats` (which reader a file
needs), :mod:`.records` (JSON Lines, JSON, CSV), :mod:`.corpora` (Reuters, BBC, BuzzFeed,
CoNLL).
"""

from __future__ import annotations

from ..text import sanitize_text
from .archives import declared_size, entry_count_refusal, read_zip
from .corpora import (
    BUZZFEED_PORTALS,
    REUTERS_GOLD_LISTS,
    iob1_entities,
    read_bbc,
    read_buzzfeed_xml,
    read_conll,
    read_reuters_sgml,
    reflow_wire_text,
)
from .decoding import BINARY_SIGNATURES, binary_kind, decode_text, repair_mojibake, sanitize_item
from .files import count_documents, read_bytes, read_paths, read_stream
from .formats import (
    BBC_SECTIONS,
    HELPER_FILE_PATTERNS,
    READERS,
    detect_format,
    is_helper_file,
    read_data,
    read_html,
    read_text,
)
from .limits import MB, Limits
from .records import FIELD_NAMES, read_csv, read_jsonl, readable_slug, record_fields

__all__ = [
    "BBC_SECTIONS",
    "BINARY_SIGNATURES",
    "BUZZFEED_PORTALS",
    "FIELD_NAMES",
    "HELPER_FILE_PATTERNS",
    "MB",
    "READERS",
    "REUTERS_GOLD_LISTS",
    "Limits",
    "binary_kind",
    "count_documents",
    "declared_size",
    "decode_text",
    "detect_format",
    "entry_count_refusal",
    "iob1_entities",
    "is_helper_file",
    "read_bbc",
    "read_buzzfeed_xml",
    "read_bytes",
    "read_conll",
    "read_csv",
    "read_data",
    "read_html",
    "read_jsonl",
    "read_paths",
    "read_stream",
    "read_reuters_sgml",
    "read_text",
    "read_zip",
    "readable_slug",
    "record_fields",
    "reflow_wire_text",
    "repair_mojibake",
    "sanitize_item",
    "sanitize_text",
]
