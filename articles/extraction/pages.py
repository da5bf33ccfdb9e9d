"""What a document says about itself: headline, section, caption, body, outlet, date, URL.

``parse_document`` turns a ``RawDocument`` into a ``ParsedArticle``:

- "html": trafilatura extracts the main text and the page's title/date/url/site name.
- "text" (a page saved as text, like the Press TV seed): the first lines are read as
  breadcrumb ("News / Iraq" -> section "Iraq", the last element), date line, headline and
  photo caption; the rest is the body, without site boilerplate.
- structured formats (JSON Lines, CSV, corpus readers): the fields the reader found, with
  the body cleaned of the same boilerplate.

Boilerplate rules are data (``BOILERPLATE``): generic ones plus per-outlet ones. Dates come
from structured fields, a date line at the top of the page, or the URL (/2016/09/19/); never
from a date mentioned in passing in the body, and never invented. No Django here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from .outlets import KNOWN_OUTLETS, recognise_outlet
from .readers import record_fields
from .types import ParsedArticle, RawDocument

# ---------------------------------------------------------------------------------------------
# Boilerplate rules (data)


@dataclass(frozen=True)
class BoilerplateRules:
    # a whole line (paragraph) matching one of these is dropped
    lines: tuple[str, ...] = ()
    # a line matching one of these starts the site footer: it and everything after go
    footer_starts: tuple[str, ...] = ()
    # removed wherever they appear inside a paragraph (licence sentences glued to text)
    inline: tuple[str, ...] = ()
    # removed at the very end of the body only
    trailing: tuple[str, ...] = ()


_Q = "['’]"  # straight or curly apostrophe

BOILERPLATE: dict[str, BoilerplateRules] = {
    "": BoilerplateRules(  # any outlet
        lines=(
            r"share (this|the) (article|story|post|page)!?",
            r"share( on| via)? (facebook|twitter|whatsapp|telegram|email|linkedin)",
            r"(share|tweet|email|print|comments?|reply|whatsapp|telegram)",
            r"follow us on (twitter|facebook|instagram|telegram|x|youtube|google news)\b.*",
            r"(like|follow) us on facebook\b.*",
            r"(please )?subscribe to (our|the) (newsletter|channel|youtube channel|feed)\b.*",
            r"sign up for (our|the) (free )?newsletters?\b.*",
            r"click here to (subscribe|read more|sign up|download)\b.*",
            r"(advertisement|advertising|sponsored content|ad)",
            r"(read|see) (more|also)\s*:?",
            r"(related|related (news|articles|stories|posts|content))\s*:?",
            r"(you may|you might) also like\s*:?",
            r"(download|get) (our|the) (free )?(mobile )?app\b.*",
            # app links: "Download the Press TV app for Android and iOS"
            r"(download|get|install) (the|our)( free| new| official)? [\w .&'’-]{0,40}?"
            r"\bapps?\b.{0,80}",
            r"(available|download it|get it) on (the )?(app store|google play)\b.{0,80}",
            # social links and their headers: "Follow Al Jazeera English:", "Share this:"
            r"(follow|share|like|join) [\w .&'’-]{1,40}\s*:",
            r"(follow|like|join) (us|[\w .&'’-]{1,40}?) on (twitter|facebook|instagram|telegram|x"
            r"|youtube|tiktok|linkedin|whatsapp|threads|google news)\b.{0,80}",
            # "SOURCE: AL JAZEERA AND NEWS AGENCIES", "Source: Reuters"
            r"sources?\s*:\s*[^.:]{1,80}",
            r"((copyright|©|\(c\))\s*){1,3}(19|20)\d{2}\b.{0,100}",
            r"©\s*[\w .&'’-]{1,80}",
            r".{0,100}\ball rights reserved\.?",
            r"all content by .{1,80} is licensed under a creative commons .{0,120}",
            # "This article is licensed under a Creative Commons Attribution 4.0 International
            # License"
            r".{0,100}\b(is|are) (licensed|available|published|distributed) under (a|the) "
            r"creative commons( [\w.-]+){0,8} licen[cs]e( \([^)]{0,30}\))?\.?",
            r"this (article|story) (was|has been) (originally )?(published|posted) (on|by) .{0,80}",
            r"(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/?",  # a bare site address
            r"(loading|loading\.\.\.|please wait\.*)",
            r"featured image (via|from|credit|:).{0,120}",
            r"(the )?document has moved here\.?|(301 )?moved permanently",  # a saved redirect
            r"the views (and opinions )?expressed (in|on|here)\b.{0,120}"
            r"\b(are (solely|those|the)|(do|does|are) not necessarily)\b.{0,150}",
            r"(please go to .{0,60} to )?read the rest of (the|this) (story|article)\b.{0,120}",
            r"(continue|keep) reading (at|on) .{0,80}",
            r"(reposted|republished|reprinted) with permission (from|of) .{0,80}",
            r"(read the )?full story here\s*:?",
            r"[*#~=_\-–—•·]{3,}",  # separators
            r"Â",  # a no-break space mangled twice
            r"(by [^.]{1,60}\s)?(like|follow) \w+( \w+)? on (facebook|twitter|instagram)\b"
            r"[^.]{0,80}\.?",
            r"(embed|image|photo|video|watch|listen)\s*:?",
            # WordPress embeds left as shortcodes: [scribd id=1 key=k], [youtube]...[/youtube]
            r"\[(scribd|embed|youtube|video|audio|gallery|tweet|caption|iframe|playlist)\b[^\]]*\]"
            r"(.{0,300}\[/\w+\])?",
        ),
        footer_starts=(
            r"(read|see) more (news|stories|articles) (on|from|at)\b.*",
            r"(related|more) (news|articles|stories)\s*:?",
            r"tags?\s*:.*",
            r"comments? \(\d+\)",
            r"leave a (comment|reply)",
        ),
        inline=(
            r"All Content by [A-Z][\w ]{1,60} is licensed under a Creative Commons "
            r"Attribution[\w .]{0,40}?License\.?",
            r"(?:This|The) (?:article|story|work|content|text) is licensed under a Creative "
            r"Commons [\w .-]{0,60}?Licen[cs]e\.?",
        ),
    ),
    "Press TV": BoilerplateRules(
        lines=(
            rf"press tv{_Q}?s? (news )?(roku|app|android|ios|apple tv|website).*",
            r"press tv news roku",
            r"www\.presstv\.(ir|com|co\.uk|tv)",
        ),
        footer_starts=(
            rf"press tv{_Q}s website can also be accessed at the following alternate"
            r" addresses\s*:?",
            r"share this article",
        ),
    ),
    "Tehran Times": BoilerplateRules(
        # editors' initials the crawler caught before the footer: "... said. SP/PA"
        trailing=(r"(?:^|\s+)(?:[A-Z]{1,3}/[A-Z]{1,3}(/[A-Z]{1,3})?|END)\.?\s*$",),
    ),
    "Mehr News Agency": BoilerplateRules(
        trailing=(r"(?:^|\s+)(?:[A-Z]{1,3}/[A-Z]{1,3}(/[A-Z]{1,3})?|END)\.?\s*$",),
    ),
    "Reuters": BoilerplateRules(trailing=(r"\s+Reuter\s*$",)),
    "Politico": BoilerplateRules(
        lines=(r"story continued below",),
        footer_starts=(
            r"log in to access content and manage your profile\b.*",
            r"subscribe to the playbook family\b.*",
        ),
    ),
    "Eagle Rising": BoilerplateRules(
        lines=(r"subscribe",),
        footer_starts=(r"get your daily dose of eagle rising\b.*",),
    ),
}


@dataclass
class _CompiledRules:
    line: re.Pattern
    footer: re.Pattern
    inline: re.Pattern | None
    trailing: re.Pattern | None


_COMPILED: dict[str, _CompiledRules] = {}


def _rules_for(outlet: str) -> _CompiledRules:
    compiled = _COMPILED.get(outlet)
    if compiled is None:
        generic = BOILERPLATE[""]
        own = BOILERPLATE.get(outlet, BoilerplateRules())

        def either(patterns: tuple[str, ...], flags=re.IGNORECASE) -> re.Pattern | None:
            return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None

        compiled = _CompiledRules(
            line=either(generic.lines + own.lines) or re.compile(r"(?!)"),
            footer=either(generic.footer_starts + own.footer_starts) or re.compile(r"(?!)"),
            inline=either(generic.inline + own.inline, 0),
            trailing=either(generic.trailing + own.trailing, 0),
        )
        _COMPILED[outlet] = compiled
    return compiled


# ---------------------------------------------------------------------------------------------
# Whitespace and paragraphs

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n\s*\n")


# "(CNN)Hillary Clinton said…": a wire credit glued to the first word (BuzzFeed's CNN copy),
# which the tagger reads as one name "CNN)Hillary Clinton".
_GLUED_CREDIT = re.compile(r"^([^()\n]{0,40}\([A-Z][A-Za-z.]{1,15}\))(?=[\w\"“‘'])")


def clean_line(line: str) -> str:
    """One line with single spaces (no-break and other Unicode spaces too), no invisibles."""
    if not line.isascii() and _INVISIBLE.search(line):
        line = _INVISIBLE.sub("", line)
    if ")" in line[:60]:
        line = _GLUED_CREDIT.sub(r"\1 ", line)
    return " ".join(line.split())


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


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: blocks between blank lines; in blocks that are not hard-wrapped
    prose, each line is its own paragraph (saved pages put one element per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines = [clean_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) >= 3 and _hard_wrapped(lines):
            paragraphs.extend(_reflow(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _reflow(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines; a line well short of the wrap width ends a paragraph (so a
    headline or a last line stays apart)."""
    width = max(len(line) for line in lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < 0.7 * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    lengths = sorted(len(line) for line in lines[:-1])
    median = lengths[len(lengths) // 2]
    return 40 <= median <= 100 and max(lengths) <= 110


def remove_boilerplate(paragraphs: list[str], outlet: str) -> list[str]:
    """Drop boilerplate lines, the site footer, licence sentences and repeated paragraphs."""
    rules = _rules_for(outlet)
    kept: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        if rules.inline is not None:
            cut = rules.inline.sub("", paragraph)
            if len(cut) != len(paragraph):
                paragraph = clean_line(cut)
            if not paragraph:
                continue
        if len(paragraph) < 600 and rules.footer.fullmatch(paragraph) and kept:
            break
        if len(paragraph) < 300 and rules.line.fullmatch(paragraph):
            continue
        key = paragraph.casefold()
        if key in seen:
            continue  # crawlers repeat paragraphs
        if len(key) > 80 and len(kept) < 200 and any(key in k for k in seen if len(k) > len(key)):
            continue  # a crawler's tail copy of text already kept
        seen.add(key)
        kept.append(paragraph)
    if kept and rules.trailing is not None:
        last = kept[-1]
        tail = rules.trailing.search(last, max(0, len(last) - 80))
        if tail:
            kept[-1] = last[: tail.start()].strip()
            if not kept[-1]:
                kept.pop()
    return kept


def clean_body(text: str, outlet: str = "", *, keep_lines: bool = False) -> str:
    """Body text without boilerplate: single spaces, a blank line between paragraphs."""
    if keep_lines:
        paragraphs = [clean_line(line) for line in text.split("\n")]
        paragraphs = [p for p in paragraphs if p]
    else:
        paragraphs = split_paragraphs(text)
    return "\n\n".join(remove_boilerplate(paragraphs, outlet))


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:gmt|utc|[a-z]{2,4}t|[+-]\d{2}:?\d{2}))?)?"
)
_DATE_PATTERNS = [
    # 2020-03-22, 2020-03-22T10:34:00Z, 2020/03/22
    re.compile(
        r"(?P<year>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2}|gmt|utc)?)?",
        re.I,
    ),
    # Sunday, 22 March 2020 10:34 AM ; 26-FEB-1987 15:01:01.79
    re.compile(
        _WEEKDAY
        + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s-]+"
        + _MONTH
        + r"[\s,-]+(?P<year>(?:19|20)\d{2})"
        + _TIME,
        re.I,
    ),
    # March 22, 2020 ; Sun, Mar 22 2020 10:34
    re.compile(
        _WEEKDAY
        + _MONTH
        + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})"
        + _TIME,
        re.I,
    ),
]
_DATE_LINE_PREFIX = re.compile(
    r"^(?:(?:published|posted|updated|last updated|date|dated|released|first published)"
    r"(?:\s+on)?\s*:?\s*)",
    re.I,
)
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<day>0?[1-9]|[12]\d|3[01])(?=[/_-]|$)"
)
_TRAILING_ZONE = re.compile(r"\s*(?:\(?(?:gmt|utc|[a-z]{2,4}t)\)?)?\s*$", re.I)


def parse_date(value) -> date | None:
    """A calendar date from a field value or a line that is only a date; None otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        try:  # epoch seconds (or milliseconds)
            seconds = value / 1000 if value > 10**11 else value
            return datetime.fromtimestamp(seconds, tz=UTC).date() if seconds > 0 else None
        except (OverflowError, OSError, ValueError):
            return None
    text = clean_line(str(value)).strip(" .,;")
    text = _DATE_LINE_PREFIX.sub("", text)
    if not re.search(r"\d{4}-\d", text):
        text = _TRAILING_ZONE.sub("", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _make_date(match)
    try:  # RFC 2822 (feeds, e-mail style headers)
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _make_date(match: re.Match) -> date | None:
    groups = match.groupdict()
    month = _MONTHS.get(groups["month"].lower().rstrip(".")) if groups.get("month") else None
    if month is None and groups.get("m"):
        month = int(groups["m"])
    try:
        found = date(int(groups["year"]), month or 0, int(groups["day"]))
    except (TypeError, ValueError):
        return None
    if not 1900 <= found.year <= date.today().year + 1:
        return None
    return found


def date_from_url(url: str) -> date | None:
    match = _URL_DATE.search(url or "")
    return _make_date(match) if match else None


_PLACE_DATE_LINE = re.compile(
    r"^[A-Z][A-Za-z .,'()-]{1,60}\s+(?P<date>(?:19|20)\d{2}-\d{2}-\d{2})$"
)


def date_line(line: str) -> date | None:
    """The date of a line that is only a date: "Sunday, 22 March 2020 10:34 AM",
    "LONDON 1996-08-30"."""
    if len(line) > 80:
        return None
    place = _PLACE_DATE_LINE.match(line)
    if place:
        return parse_date(place.group("date"))
    return parse_date(line)


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
    """Headline, section, caption, body, outlet, date and URL of one document."""
    if raw.format == "html":
        return _parse_html(raw)
    if raw.format == "text":
        return _parse_text_page(raw.text, raw.fields)
    return _parse_fields(raw)


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
        elif when:
            published = when
        elif link:
            url = link.group(1)
        elif len(line) < 200 and _rules_for(source).line.fullmatch(line):
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
        if when:
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
    body = "\n\n".join(remove_boilerplate(rest, source))
    if not title:
        title = _first_sentence_title(body)
    if published is None:
        published = parse_date(fields.get("published")) or date_from_url(url)
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
    )


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
    published = parse_date(fields.get("published"))
    if published is None and raw.format == "conll":
        for line in body.split("\n")[1:4]:  # after the headline, maybe a byline
            published = date_line(line)
            if published:
                break
    if published is None:
        published = date_from_url(url)
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
    )


def _html_section_and_caption(page: str) -> tuple[str, str]:
    """The page's declared section (article:section) and its first figure caption."""
    try:
        import lxml.html

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
    import trafilatura

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
    published = parse_date(data.get("date")) or date_from_url(url)
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
    )
