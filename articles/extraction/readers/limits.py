"""How much is read: the limits on one file and one archive, and how a refusal words them.

Pure, no Django; the site's settings (NEWSROOM_MAX_FILE_BYTES, ...) are passed in by callers.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MB
    max_archive_bytes: int = 500 * MB
    max_archive_entries: int = 20000
    # The longest article (characters) the caller stores, or None. A one-article file far
    # longer is refused as soon as it is decoded, before it is parsed (see formats.read_data).
    max_article_chars: int | None = None


def size_text(n: int) -> str:
    if n >= 1024 * MB:
        return f"{n / (1024 * MB):.1f} GB"
    if n >= MB:
        value = n / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def over_limit(what: str, n: int, limit: int) -> str:
    return f"{what} {size_text(n)}, over the {size_text(limit)} limit"
