"""What a document says about itself: headline, section, caption, body, outlet, date, URL.

``parse_document`` turns a ``RawDocument`` into a ``ParsedArticle``:

- "html": trafilatura extracts the main text and the page's title/date/url/site name.
- "text" (a page saved as text, like the Press TV seed): the first lines are read as
  breadcrumb ("News / Iraq" -> section "Iraq", the last element), date line, headline and
  photo caption; the rest is the body, without site boilerplate.
- structured formats (JSON Lines, CSV, corpus readers): the fields the reader found, with
  the body cleaned of the same boilerplate.

Boilerplate rules are data (``boilerplate.BOILERPLATE``): generic ones plus per-outlet ones.
``published`` is the date the source states (:mod:`dates`): a structured field or a date line
at the top of the page, never a date mentioned in passing, never the URL's; a value that is no
plausible date is dropped and ``date_note`` says why. Dates inferred from the URL or the text
are :mod:`dating`'s, each with how it was obtained.
No Django here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .boilerplate import (
    clean_body,
    clean_line,
    compiled_rules,
    remove_boilerplate,
    split_paragraphs,
)
from .bylines import MAX_BYLINE_CHARS, Byline, is_byline_line, read_byline
from .dates import date_line, read_date
from .outlets import KNOWN_OUTLETS, recognise_outlet
from .readers import record_fields
from .types import ParsedArticle, RawDocument
from .wirecodes import clean_parsed, strip_markup_residue, strip_typesetting_codes


def safe_url(value) -> str:
    """The article's address when it is a plain http(s) URL with a host, else "".

    Pages render it as a link: "javascript:", "data:" and other schemes must never get there.
    """
    url = str(value or "").strip()
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


# ---------------------------------------------------------------------------------------------
# The top of a saved page: breadcrumb, headline, caption

_BREADCRUMB_SPLIT = re.compile(r"\s+(?:/|>|»|›|\||::|→)\s+")
_CAPTION = re.compile(
    r"\((?:photo|picture|image|file photo|photo credit)s?\s*(?:by|:|via|credit)\s*[^)]{1,60}\)"
    r"|\((?:[A-Z][\w.&' -]{0,30}\s+)?(?:file )?(?:photo|picture|image|pic)s?"
    r"(?:\s*/\s*[^)]{1,60})?\)"
    r"|\b(?:file )?photo\s*(?:by|:|credit:)\s*[A-Z]"
    r"|\b(?:reuters|afp|ap|getty|epa|ips|tasnim|irna|mehr|fars|xinhua|anadolu)(?: file)?"
    r" (?:photo|picture|image)\b"
    r"|\b(?:file photo|photo credit|image credit|image source|picture credit)\b"
    r"|\((?:AFP|AP|Reuters|Getty Images|EPA|IRNA|Tasnim|Xinhua)(?:/[^)]{0,40})?\)\s*$"
    r"|\bvia Getty Images\b|\bGetty Images\s*$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(r"^(?:(?:url|link|source|permalink)\s*:\s*)?(https?://\S+/\S+)$", re.I)
_HEADLINE_MAX = 250
KNOWN_NAMES = {outlet.name for outlet in KNOWN_OUTLETS}


def looks_like_caption(line: str) -> bool:
    return len(line) <= 500 and bool(_CAPTION.search(line))


_DATELINE_START = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:\s*\([A-Za-z .]+\))?\s*[-–—:]")


def looks_like_headline(line: str) -> bool:
    """A short line that is not the story's first sentence ("TEHRAN – Iran said on ...")."""
    if len(line) > _HEADLINE_MAX or _DATELINE_START.match(line):
        return False
    words = len(line.split())
    return not (line.endswith(".") and words >= 12 and not line.endswith(" ."))


_SCRIPTS = {
    "ar": re.compile("[\u0600-\u06ff]"),
    "ru": re.compile("[\u0400-\u04ff]"),
    "he": re.compile("[\u0590-\u05ff]"),
    "zh": re.compile("[\u4e00-\u9fff]"),
}
_NON_LATIN = re.compile("[\u0400-\u06ff\u4e00-\u9fff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_PERSIAN_LETTER = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی


def guess_language(text: str) -> str:
    """'en' unless the letters are mostly of another script (Arabic/Persian, Cyrillic, ...)."""
    sample = text[:3000]
    if sample.isascii() or not _NON_LATIN.search(sample):
        return "en"
    latin = len(_LATIN_LETTER.findall(sample))
    script, count = max(
        ((name, len(pattern.findall(sample))) for name, pattern in _SCRIPTS.items()),
        key=lambda item: item[1],
    )
    if count < 20 or count <= latin:
        return "en"
    if script == "ar" and len(_PERSIAN_LETTER.findall(sample)) > count * 0.03:
        return "fa"
    return script


def breadcrumb_section(line: str) -> str | None:
    """'News / Iraq' -> 'Iraq' (the last, most specific element); None when not a breadcrumb."""
    if len(line) > 100 or line.endswith((".", "?", "!", ":")):
        return None
    parts = [p.strip() for p in _BREADCRUMB_SPLIT.split(line)]
    if len(parts) < 2 or len(parts) > 6:
        return None
    if any(not p or len(p) > 30 or len(p.split()) > 3 for p in parts):
        return None  # "Floods hit the north | Example Tribune" is a title line, not a trail
    return parts[-1]


def _first_sentence_title(body: str) -> str:
    first = body.strip().split("\n", 1)[0]
    match = re.match(r"(.{20,}?[.!?])(?:\s|$)", first)
    title = match.group(1) if match else first
    if len(title) > 150:
        title = title[:150].rsplit(" ", 1)[0] + "…"
    return title.strip()


# ---------------------------------------------------------------------------------------------
# Parsers per kind of document


# Formats whose bodies are clean already: no boilerplate to remove.
CLEAN_CORPUS_FORMATS = {"conll", "reuters-sgml"}


def parse_document(raw: RawDocument) -> ParsedArticle:
    """Headline, section, caption, body, outlet, date and URL of one document, without
    wire codes or markup residue (:mod:`wirecodes`)."""
    if raw.format == "html":
        article = _parse_html(raw)
    elif raw.format == "text":
        # codes above the headline would be read as the headline
        text = strip_typesetting_codes(strip_markup_residue(raw.text))
        article = _parse_text_page(text, raw.fields)
    else:
        article = _parse_fields(raw)
    return clean_parsed(article, raw.format)


def _parse_text_page(text: str, fields: dict | None = None) -> ParsedArticle:
    fields = fields or {}
    paragraphs = split_paragraphs(text)
    source, domain = recognise_outlet(
        text=text, url=str(fields.get("url", "")), hint=str(fields.get("source", ""))
    )
    section = ""
    published = None
    url = ""
    title = ""
    caption = ""
    byline = Byline()
    byline_text = ""
    header: list[str] = []
    index = 0
    # breadcrumb, date and URL lines before the headline
    while index < len(paragraphs) and index < 6:
        line = paragraphs[index]
        crumb = breadcrumb_section(line) if not section else None
        when = date_line(line) if published is None else None
        link = _URL_LINE.match(line) if not url else None
        if crumb:
            section = crumb
        elif not byline_text and is_byline_line(line):
            byline_text, byline = line, read_byline(line)
        elif when:
            published = when
        elif link:
            url = link.group(1)
        elif len(line) < 200 and compiled_rules(source).line.fullmatch(line):
            pass  # boilerplate above the headline (menus, "Share")
        elif len(line) < 40 and recognise_outlet(hint=line)[0] in KNOWN_NAMES:
            if not source:  # the site's name printed above the headline
                source, domain = recognise_outlet(hint=line)
        else:
            break
        header.append(line)
        index += 1
    rest = paragraphs[index:]
    if len(rest) > 1 and looks_like_headline(rest[0]):
        title = rest.pop(0)
    # date / URL lines and the photo caption just under the headline
    for _ in range(3):
        if not rest:
            break
        line = rest[0]
        when = date_line(line) if published is None else None
        link = _URL_LINE.match(line) if not url else None
        if not byline_text and is_byline_line(line):
            byline_text, byline = line, read_byline(line)
        elif when:
            published = when
        elif link:
            url = link.group(1)
        elif not caption and looks_like_caption(line):
            caption = line
        else:
            break
        rest.pop(0)
    if not url:  # an article link printed elsewhere on the page (footer "Source: ...")
        for line in rest[-5:]:
            link = _URL_LINE.match(line)
            if link:
                url = link.group(1)
                rest.remove(line)
                break
    if url and not domain:
        source, domain = recognise_outlet(text=text, url=url)
    if not source and rest:
        source, domain = _dateline_agency(rest[0]) or (source, domain)
    body = "\n\n".join(remove_boilerplate(rest, source))
    if not title:
        title = _first_sentence_title(body)
    date_note = ""
    if published is None:
        published, date_note = read_date(fields.get("published"))
    return ParsedArticle(
        title=title,
        body=body,
        caption=caption,
        section=fields.get("section") or section,
        source=source,
        source_domain=domain,
        published=published,
        url=safe_url(url),
        language=guess_language(body),
        date_note=date_note,
        authors=byline.names,
        byline=byline_text[:MAX_BYLINE_CHARS] if byline.names else "",
        notes=byline.dropped,
    )


_DATELINE_AGENCY = re.compile(
    r"^[A-Z][A-Za-z .'’-]{1,40},?[^(\n]{0,30}\((?P<agency>[A-Za-z][A-Za-z .&]{1,30})\)\s*[-–—:]"
)


def _dateline_agency(paragraph: str) -> tuple[str, str] | None:
    """The outlet a dateline names: "ROTTERDAM, 14 March 2023 (Reuters) –" -> Reuters."""
    match = _DATELINE_AGENCY.match(paragraph)
    if not match:
        return None
    source, domain = recognise_outlet(hint=match.group("agency"))
    return (source, domain) if source in KNOWN_NAMES else None


def _section_name(value) -> str:
    """'U.S. NEWS' -> 'U.S. News', 'business' -> 'Business'; other spellings kept."""
    text = clean_line(str(value or ""))
    if not text:
        return ""
    if text.isupper() or text.islower():
        words = []
        for word in text.split(" "):
            if "." in word or len(word) <= 2 and word.isupper() and word not in ("OF", "TO", "IN"):
                words.append(word.upper())
            elif word.lower() in ("and", "of", "the", "in", "to", "for", "&") and words:
                words.append(word.lower())
            else:
                words.append(word.capitalize())
        text = " ".join(words)
    return text


def _parse_fields(raw: RawDocument) -> ParsedArticle:
    fields = raw.fields
    if raw.format == "newsroom-export":
        # the object as exported; its field names are read like any JSON record's
        fields = record_fields({k: v for k, v in fields.items() if k != "type"})
    url = str(fields.get("url") or "").strip()
    body_text = str(fields.get("body") or "")
    source, domain = recognise_outlet(
        text=body_text[-2000:], url=url, hint=str(fields.get("source") or "")
    )
    if raw.format in CLEAN_CORPUS_FORMATS:
        # edited wire copy: nothing to remove, and repeated lines (tables, scores) are content
        separator = "\n" if raw.format == "conll" else "\n\n"
        lines = (clean_line(line) for line in body_text.split(separator))
        body = separator.join(line for line in lines if line)
    else:
        body = clean_body(body_text, source)
    title = clean_line(str(fields.get("title") or ""))
    if not title and body:
        title = _first_sentence_title(body)
    if not body:
        body = title  # a headline-only item (Reuters briefs, empty BuzzFeed pages)
    byline_text = str(fields.get("authors") or "")
    byline = read_byline(byline_text)
    published, date_note = read_date(fields.get("published"))
    if published is None and raw.format == "conll":
        for line in body.split("\n")[1:4]:  # after the headline, maybe a byline
            published = date_line(line)
            if published:
                break
    return ParsedArticle(
        title=title,
        body=body,
        caption=clean_line(str(fields.get("caption") or "")),
        section=_section_name(fields.get("section")),
        source=source,
        source_domain=domain,
        published=published,
        url=safe_url(url),
        language=str(fields.get("language") or guess_language(body)),
        date_note=date_note,
        authors=byline.names,
        byline=byline_text[:MAX_BYLINE_CHARS] if byline.names else "",
        notes=byline.dropped,
    )


def _html_section_and_caption(page: str) -> tuple[str, str]:
    """The page's declared section (article:section) and its first figure caption."""
    try:
        import lxml.html  # 60 ms to import: only for HTML pages, after trafilatura loaded it

        tree = lxml.html.fromstring(page.encode("utf-8"))
    except Exception:  # trafilatura read the page already; these two are extras
        return "", ""
    section = ""
    for meta in tree.iterfind(".//meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "article:section":
            section = _section_name(meta.get("content"))
            break
    caption = ""
    for node in tree.iterfind(".//figcaption"):
        caption = clean_line(node.text_content())
        if caption:
            break
    return section, caption


def _parse_html(raw: RawDocument) -> ParsedArticle:
    import trafilatura  # 0.35 s to import: only for HTML pages

    document = trafilatura.bare_extraction(
        raw.text,
        url=raw.fields.get("url") or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    data = document.as_dict() if hasattr(document, "as_dict") else (document or {})
    url = str(data.get("url") or raw.fields.get("url") or "")
    hint = str(raw.fields.get("source") or data.get("sitename") or "")
    source, domain = recognise_outlet(text=raw.text[-20000:], url=url, hint=hint)
    body = clean_body(data.get("text") or "", source, keep_lines=True)
    title = clean_line(data.get("title") or "")
    first, _, after = body.partition("\n\n")
    if title and first.casefold() == title.casefold():
        body = after  # the <h1> repeats the title
    if not title and body:
        title = _first_sentence_title(body)
    categories = data.get("categories") or []
    if isinstance(categories, str):
        categories = [c for c in re.split(r"[;,]", categories) if c.strip()]
    section, caption = _html_section_and_caption(raw.text)
    published, date_note = read_date(data.get("date"))
    byline_text = str(data.get("author") or raw.fields.get("authors") or "")
    byline = read_byline(byline_text)
    return ParsedArticle(
        title=title,
        body=body,
        caption=caption,
        section=section or (_section_name(categories[0]) if categories else ""),
        source=source,
        source_domain=domain,
        published=published,
        url=safe_url(url),
        language=str(data.get("language") or "en")[:8] or "en",
        date_note=date_note,
        authors=byline.names,
        byline=byline_text[:MAX_BYLINE_CHARS] if byline.names else "",
        notes=byline.dropped,
    )
