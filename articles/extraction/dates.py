"""Publication dates: from a field value, a line that is only a date, or the URL
(/2016/09/19/); never from a date mentioned in passing, and never invented. No Django here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from .boilerplate import clean_line

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
