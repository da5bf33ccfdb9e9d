"""Parameters every page reads alike: whole numbers, dates, search words, ``format`` and
``page``; and the clean-up of a pasted link's control characters.

A number, a date or a format that is none never raises: the page says so and goes on
without it (issue 3, "Links worth sharing"; issue 17, odd input).
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from django import forms

from ..extraction.text import strip_control_characters

MAX_QUERY_CHARS = 1000
# Every link of a results page repeats the search words: 670 emoji (8 KB in a link) made a
# 1.6 MB page (issue 17). As written in a link: UTF-8, percent-encoded.
MAX_QUERY_LINK_BYTES = 1000
MAX_PAGE = 500
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(text: str) -> int | None:
    """The number ``text`` writes in ASCII digits (at most nine), or None.

    Every number read from a URL goes through here: ``str.isdigit()`` says yes to
    superscripts and circled digits that ``int()`` refuses, ``int()`` reads Arabic-Indic and
    full-width digits, and a thousand-digit page number is no page either.
    """
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


class LenientDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "Dates are written YYYY-MM-DD, for example 2020-03-29.",
    }

    def to_python(self, value):
        if isinstance(value, str) and not value.strip():
            return None  # "from= " is no date asked for, as "from=" is not
        # strptime's %Y reads any Unicode decimal digits ("٢٠٢٠"); the API takes ASCII only.
        if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def cut_query(q: str) -> tuple[str, str]:
    """The search words within MAX_QUERY_CHARS characters and MAX_QUERY_LINK_BYTES bytes as a
    link writes them, cut after a whole word where there is one; and the note saying so, or
    "" when nothing was cut."""
    if len(q) <= MAX_QUERY_CHARS and len(quote_plus(q)) <= MAX_QUERY_LINK_BYTES:
        return q, ""
    size = end = 0
    for end, char in enumerate(q[:MAX_QUERY_CHARS], start=1):
        size += len(quote_plus(char))
        if size > MAX_QUERY_LINK_BYTES:
            end -= 1
            break
    cut = q[:end]
    if q[end : end + 1] not in ("", " ") and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.strip()
    return cut, (
        f"The search words were cut to their first {len(cut):,} characters: a search keeps at "
        f"most {MAX_QUERY_CHARS:,} characters, or {MAX_QUERY_LINK_BYTES:,} bytes once written "
        "in a link."
    )


def without_control_characters(data):
    """``data`` without control characters (a NUL byte from a pasted link) in any value,
    and the names of the parameters that had one."""
    changed: set[str] = set()
    if not hasattr(data, "lists"):
        return data, changed
    cleaned = data.copy()  # a QueryDict's copy is mutable
    for name, values in data.lists():
        stripped = [strip_control_characters(v) for v in values]
        if stripped != values:
            cleaned.setlist(name, stripped)
            changed.add(name)
    return cleaned, changed


def parse_page_format(querydict, formats: tuple[str, ...] = ("html", "json")) -> tuple[str, list]:
    """(format, notes) of a page whose only parameter is ``format`` (an entity's page).

    Unknown parameters and formats are ignored with a note, like the search's."""
    notes = []
    unknown = [name for name in querydict if name != "format"]
    for name in unknown[:5]:
        shown = name if len(name) <= 40 else name[:40] + "…"
        notes.append(f"Unknown parameter {shown!r} was ignored.")
    fmt = strip_control_characters(querydict.get("format", "")).strip().lower() or formats[0]
    if fmt not in formats:
        shown = fmt if len(fmt) <= 20 else fmt[:20] + "…"
        notes.append(f"Unknown format {shown!r} was ignored: use {' or '.join(formats[1:])}.")
        fmt = formats[0]
    return fmt, notes


def parse_listing_page(querydict) -> tuple[str, int, list]:
    """(format, page, notes) of a paged listing (what an entity is mentioned with): like
    ``parse_page_format``, with ``page`` (1 to MAX_PAGE) too."""
    rest = querydict.copy()  # a QueryDict: its pop gives every value
    raw = strip_control_characters((rest.pop("page", None) or [""])[-1]).strip()
    fmt, notes = parse_page_format(rest)
    page = whole_number(raw) if raw else 1
    if page is None or not 1 <= page <= MAX_PAGE:
        notes.append(f"Page {raw[:20]!r} does not exist: showing the first page.")
        page = 1
    return fmt, page, notes
