"""Publication dates as a source states them: from a field value or a line that is only a
date; never from a date mentioned in passing, and never invented. A value that is no
plausible date (year 0, 9999, in the future) is dropped with its reason (``read_date``).
Dates inferred from the URL or the text are :mod:`.dating`'s. No Django here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from .boilerplate import clean_line

MONTHS = {
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
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:gmt|utc|[a-z]{2,4}t|[+-]\d{2}:?\d{2}))?)?"
)
_DATE_PATTERNS = [
    # 2020-03-22, 2020-03-22T10:34:00Z, 2020/03/22
    re.compile(
        r"(?P<year>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})"
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
# Reuters-21578 <DATE> values end in typesetting debris: "27-MAR-1987 00:02:59.13&#5;&#5;RM".
_TRAILING_REFERENCES = re.compile(r"(?:&#\d{1,3};)+.*$", re.S)
_WIRE_DATE_FIRST = re.compile(r"(?P<day>\d{1,2})-" + _MONTH + r"-(?P<year>\d{4})\b", re.I)
FIRST_YEAR = 1900
# Publication dates after today (by more than the time zones apart) are errors in the data.
FUTURE_SLACK = timedelta(days=2)


def plausible(day: date) -> bool:
    return FIRST_YEAR <= day.year and day <= date.today() + FUTURE_SLACK


def read_date(value) -> tuple[date | None, str]:
    """(date, "") for a plausible date; (None, why it was dropped) for a value that is no
    plausible publication date ("0000-00-00", year 9999, next year); (None, "") for none."""
    if value is None or value == "" or value == 0:
        return None, ""
    found = _any_date(value)
    if found is not None and plausible(found):
        return found, ""
    shown = str(value)[:40]
    if found is None:
        return None, f"the source's date {shown!r} is not a date that can be read"
    if found.year < FIRST_YEAR:
        return None, f"the source's date {shown!r} is before {FIRST_YEAR}"
    return None, f"the source's date {shown!r} is in the future"


def parse_date(value) -> date | None:
    """A plausible calendar date from a field value or a line that is only a date; None
    otherwise."""
    return read_date(value)[0]


def _any_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:  # epoch seconds (or milliseconds)
            seconds = value / 1000 if value > 10**11 else value
            return datetime.fromtimestamp(seconds, tz=UTC).date() if seconds > 0 else None
        except (OverflowError, OSError, ValueError):
            return None
    text = _TRAILING_REFERENCES.sub("", str(value))
    text = clean_line(text).strip(" .,;")
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
        pass
    # "9-APR-1987 00:00:00.00    # date added b...": a wire date with notes typed after it
    match = _WIRE_DATE_FIRST.match(text)
    return _make_date(match) if match else None


def _make_date(match: re.Match) -> date | None:
    groups = match.groupdict()
    month = MONTHS.get(groups["month"].lower().rstrip(".")) if groups.get("month") else None
    if month is None and groups.get("m"):
        month = int(groups["m"])
    try:
        return date(int(groups["year"]), month or 0, int(groups["day"]))
    except (TypeError, ValueError):
        return None


def date_from_url(url: str) -> date | None:
    match = _URL_DATE.search(url or "")
    found = _make_date(match) if match else None
    return found if found and plausible(found) else None


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
