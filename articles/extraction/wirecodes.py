"""Wire-service codes and markup residue, taken out of headlines, captions and bodies.

What the shared corpus carries (issue 20, item 4):

- typesetting codes of a newspaper's layout system at the top of a Tehran Times text:
  a take number ("-01"), desk codes ("[pol]", "[ed]") and paragraph tags ("@H= " headline,
  "@K= " kicker) before the words they style;
- Reuters wire furniture: the "REUTER" sign-off with the operator's initials ("REUTER...",
  "REUTER JPR"), the desk's telephone line ("-- London Newsroom +44 171 542 7658"), the
  correction stamp "[ CORRECTED 05:30 GMT ]", and Reuters-21578's angle brackets around
  company names and tickers ("<Pratt and Whitney>", "STANDARD OIL <SRD>"), shown here as the
  name and as "(SRD)", the way Reuters prints a ticker today;
- markup residue: "^M" (a carriage return printed as text), HTML character references
  never decoded ("&#163;1.8m" in BBC headlines), stray inline HTML tags.

Pure functions, no Django. ``clean_parsed`` is the one entry point extraction calls, so a
re-extraction cleans stored articles too.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from .types import ParsedArticle

# --- markup residue (any outlet) ---------------------------------------------------------

# "^M" then a word goes on with a space ("Pratt^M and Whitney"); at a line end it just goes.
_CARET_M = re.compile(r"\^M(?:[ \t]+|(?=\w))|[ \t]*\^M")
_CHARACTER_REFERENCE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Lower-case inline tags only: Reuters' upper-case tickers (<I>, <B>) are not markup.
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|font|sup|sub|small|big|br|p|div|img)(?:\s[^<>]{0,300})?/?>"
)
_SPACES = re.compile(r"[ \t]{2,}")


def _decode_reference(match: re.Match) -> str:
    decoded = html.unescape(match.group(0))
    return match.group(0) if decoded == match.group(0) else decoded


def strip_markup_residue(text: str) -> str:
    """``text`` without "^M", undecoded character references or stray inline HTML tags."""
    if not text:
        return text
    cleaned = _CARET_M.sub(_caret_m, text) if "^M" in text else text
    if "&" in cleaned:
        cleaned = _CHARACTER_REFERENCE.sub(_decode_reference, cleaned)
    if "<" in cleaned and _HTML_TAG.search(cleaned):
        lines = (_SPACES.sub(" ", line).strip() for line in _HTML_TAG.sub("", cleaned).split("\n"))
        cleaned = "\n".join(lines)
    return cleaned if cleaned is text else cleaned.strip()


def _caret_m(match: re.Match) -> str:
    return " " if match.group(0).startswith("^M") else ""


# --- typesetting codes (a layout system's tags left in the text) --------------------------

# A paragraph tag: "@H= ", "@K= ", "@SUB= " at the start of a line.
_PARAGRAPH_TAG = re.compile(r"(?m)^@[A-Z]{1,4}\s*=\s*")
# Lines that are only a code, above the text: "-01" (a take or page), "[pol]" (a desk).
_CODE_LINE = re.compile(r"-\d{1,3}|\[[a-z]{2,5}\]")


def strip_typesetting_codes(text: str, title: str = "") -> str:
    """``text`` without the codes a layout system left in it; the styled words stay.

    A headline-tagged line ("@H= ...") that repeats ``title`` goes with its tag.
    """
    if not text or not (_PARAGRAPH_TAG.search(text) or _CODE_LINE.fullmatch(_first_line(text))):
        return text
    lines = text.split("\n")
    while lines and (not lines[0].strip() or _CODE_LINE.fullmatch(lines[0].strip())):
        lines.pop(0)
    out = []
    headline = _words(title)
    for line in lines:
        tagged = _PARAGRAPH_TAG.match(line)
        if tagged:
            line = line[tagged.end() :]
            if tagged.group(0).startswith("@H") and headline and _words(line) == headline:
                continue
        out.append(line)
    return "\n".join(out).strip("\n")


def _first_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0].strip()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- Reuters wire furniture ----------------------------------------------------------------

# <Pratt and Whitney> (a company), <SRD> (its ticker); a name may run over a line break.
_COMPANY_MARK = re.compile(r"<(\S[^<>]{0,98}\S|\S)>")
_TICKER = re.compile(r"[A-Z0-9][A-Z0-9.&/-]{0,9}")
_CORRECTION_STAMP = re.compile(r"(?m)^\[\s*CORRECTED\s+\d{1,2}:\d{2}\s+GMT\s*\]\s*\n?")
# The last words of a wire story: "REUTER", "REUTER...", "Reuter", "REUTER TAW" (operator).
_SIGNOFF = re.compile(r"\s*\b(?i:reuter)\b\s*(?:\.{2,3})?(?:\s+[A-Z]{1,4})?\s*$")
# The desk's contact line that ends a story: "-- Sydney Newsroom 61-2 9373-1800",
# "--- Patricia Lezama , Mexico City newroom ( 525 ) 728 9554", "-- U.S. Municipal Desk ...".
_CONTACT_LINE = re.compile(
    r"-{2,3}\s.*(?:\b(?:news?room|desk|bureau)\b.*\d|\+\d{1,3}[\s\d()-]{6,}|\d{3}[-\s]\d{4})",
    re.IGNORECASE,
)


def _company_mark(match: re.Match) -> str:
    inner = re.sub(r"\s+", " ", match.group(1)).strip()
    if _TICKER.fullmatch(inner):
        return f"({inner})"
    return inner


def reuters_company_marks(text: str) -> str:
    """ "STANDARD OIL <SRD>" -> "STANDARD OIL (SRD)"; "<Pratt and Whitney>" -> the name."""
    return _COMPANY_MARK.sub(_company_mark, text) if "<" in text else text


def strip_wire_furniture(body: str) -> str:
    """A Reuters story without its correction stamp, sign-off and desk contact line."""
    body = _CORRECTION_STAMP.sub("", body)
    for _ in range(3):  # a contact line, then a sign-off, in either order
        before = body
        body = _SIGNOFF.sub("", body)
        head, _, last = body.rstrip().rpartition("\n")
        if head and _CONTACT_LINE.match(last.strip()):
            body = head
        elif not head and _CONTACT_LINE.fullmatch(last.strip()):
            body = ""
        body = body.rstrip()
        if body == before:
            break
    return body


# --- one article ---------------------------------------------------------------------------

# Formats in Reuters-21578's conventions (angle-bracketed company names and tickers).
_COMPANY_MARK_FORMATS = {"reuters-sgml"}


def clean_parsed(article: ParsedArticle, fmt: str) -> ParsedArticle:
    """The article with wire codes and markup residue taken out of headline, caption, body."""
    title, body, caption = article.title, article.body, article.caption
    wire = article.source == "Reuters" or fmt in ("reuters-sgml", "conll")
    if fmt in _COMPANY_MARK_FORMATS:
        title, body = reuters_company_marks(title), reuters_company_marks(body)
    title = strip_markup_residue(title).strip()
    caption = strip_markup_residue(caption)
    body = strip_typesetting_codes(strip_markup_residue(body), title)
    if wire:
        body = strip_wire_furniture(body)
    if not body.strip():
        body = title
    if (title, body, caption) == (article.title, article.body, article.caption):
        return article
    return replace(article, title=title, body=body, caption=caption)
