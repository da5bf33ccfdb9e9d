"""Characters no text should carry: control characters and lone UTF-16 surrogates.

One definition for every place that cleans text (readers, corpus readers, forms), so they
agree on what a control character is. Pure functions, no Django.
"""

from __future__ import annotations

import re

# C0 controls and DEL, except the whitespace text keeps: tab, line feed, carriage return.
_CONTROL_RANGES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL_CHARACTERS = re.compile(rf"[{_CONTROL_RANGES}]")

# Characters no article contains on purpose and that break what comes after: lone UTF-16
# surrogates (JSON "\ud800") cannot be encoded, so the tokenizer and the database fail on
# them; C0 controls (NUL, ESC...) other than tab and line breaks are invisible debris that
# PostgreSQL refuses (NUL) and HTML cannot show.
_UNSAFE_CHARACTERS = re.compile(rf"[{_CONTROL_RANGES}\ud800-\udfff]")


def strip_control_characters(text: str) -> str:
    """``text`` without C0 control characters and DEL; tab and line breaks are kept."""
    return CONTROL_CHARACTERS.sub("", text)


def _safe_character(match: re.Match) -> str:
    char = match.group(0)
    if char >= "\ud800":
        return "\ufffd"  # the replacement character marks where something was lost
    return "\n" if char in "\x0b\x0c" else ""  # vertical tab, form feed: line breaks


def sanitize_text(text: str) -> str:
    """Text without lone surrogates (replaced by U+FFFD) and C0 controls except \\t \\n \\r
    (vertical tab and form feed become line breaks)."""
    if not _UNSAFE_CHARACTERS.search(text):
        return text
    return _UNSAFE_CHARACTERS.sub(_safe_character, text)
