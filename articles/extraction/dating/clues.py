"""What an article's own words and address say about when it was written.

Clues, not dates: a dateline's day and month ("SALVADOR, Feb 26 -"), full dates and days of a
month written near the top ("on June 30", "Monday, March 14, 2023"), weekdays ("said on
Wednesday"), the years the text names, a date in the URL (/2016/09/19/ or /2016/09/) and an
article number in it (/news/407375/). :mod:`.inference` weighs them. No Django here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from ..dates import MONTHS, plausible

# The top of an article, where the dates of what it reports are written.
LEAD_CHARS = 1200

_MONTH_NAMES = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_NAMES}|[A-Z][A-Z]{{2,8}}(?=\.?\s+\d))\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAME = r"(?P<weekday>Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"

# "March 14, 2023", "14 March 2023", "Monday, March 14, 2023", "2023-03-14"
_FULL_DATES = (
    re.compile(rf"(?:{_WEEKDAY_NAME},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"(?:{_WEEKDAY_NAME},?\s+)?\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b"),
)
# "June 30", "30 June", "Monday (March 14)": no year after them
_NO_YEAR = r"(?!,?\s+(?:1[89]|20)\d\d\b)(?![\d,.]*\d)"
_MONTH_DAYS = (
    re.compile(rf"(?:{_WEEKDAY_NAME},?\s+\(?)?\b{_MONTH}\s+{_DAY}\b{_NO_YEAR}"),
    re.compile(rf"(?:{_WEEKDAY_NAME},?\s+\(?)?\b{_DAY}\s+{_MONTH}\b{_NO_YEAR}"),
)
# Two dates joined as a range ("March 21, 2017-March 20, 2018") are a period, not an event;
# so is a date that bounds one ("since March 21", "by March 20, 2022") or a calendar's year
# ("the Iranian calendar year 1396 (March 21, 2017 ...").
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*")
_BOUND_BEFORE = re.compile(
    r"(?:\b(?:since|starting|started|from|between|by|until|till|through|before|after|ending|"
    r"ended|ends|begins|began)\s+(?:on\s+)?|\b(?:calendar|iranian|persian|fiscal)\s+year\b"
    r"[^.]{0,60})$",
    re.IGNORECASE,
)
_WEEKDAY_MENTION = re.compile(
    r"\b(?:on|last|early|late|since|from)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b"
)
_YEAR_MENTION = re.compile(r"(?<![\d,.$£€-])\b(?:1[89]|20)\d\d\b(?![\d,.%-]\d|s\b)")
# "SALVADOR, Feb 26 -", "TEHRAN, Jan. 5 (MNA) --", "WASHINGTON, March 3, 1997 (Reuters) -"
_DATELINES = tuple(
    re.compile(
        rf"^(?P<place>[A-Z][A-Za-z .'’-]{{1,40}}?),?\s+{day_month}(?:,?\s+{_YEAR})?\s*"
        r"(?:\([^)\n]{1,30}\))?\s*(?:-{1,2}|–|—|:)\s"
    )
    for day_month in (rf"{_MONTH}\s+{_DAY}", rf"{_DAY}\s+{_MONTH}")
)
_URL_DAY = re.compile(
    r"/(?P<year>(?:19|20)\d\d)[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<day>0?[1-9]|[12]\d|3[01])(?=[/_-]|$)"
)
_URL_MONTH = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<m>0[1-9]|1[0-2])/(?!\d)")
# /news/2807/slug, /2807/slug; story?id=42176433; /story/2016/09/slug-228340
_PATH_NUMBER = re.compile(r"^/(?P<prefix>(?:[a-z][a-z-]*/){0,2})(?P<number>\d{3,10})(?:/(?!\d)|$)")
_SLUG_NUMBER = re.compile(r"^/(?P<prefix>[a-z][a-z-]*/).*-(?P<number>\d{5,10})/?$")


@dataclass(frozen=True)
class MonthDay:
    """A day of a month written without its year."""

    month: int
    day: int
    weekday: int | None  # a weekday written with it, 0 = Monday
    words: str

    def in_year(self, year: int) -> date | None:
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class FullDate:
    day: date
    weekday_agrees: bool | None  # None: no weekday written with it
    words: str


@dataclass(frozen=True)
class UrlDate:
    day: date  # the first of the month when only year and month are in the URL
    precision: str  # "day" | "month"
    words: str


@dataclass(frozen=True)
class ArticleNumber:
    """A number in an article's address that an outlet gives its articles in turn."""

    series: str  # the outlet's host and the shape of the address: "tehrantimes.com/news/#"
    number: int


@dataclass(frozen=True)
class DateClues:
    url: UrlDate | None = None
    dateline: MonthDay | FullDate | None = None
    full_dates: tuple[FullDate, ...] = ()  # in the lead, ranges left out
    month_days: tuple[MonthDay, ...] = ()  # in the lead, without a year
    weekdays: tuple[int, ...] = ()  # "on Wednesday" in the lead, 0 = Monday
    years: tuple[tuple[int, int], ...] = field(default=())  # (year, times written), any year
    number: ArticleNumber | None = None

    @property
    def latest_year(self) -> int | None:
        return max((y for y, _ in self.years), default=None)


def date_clues(title: str, body: str, url: str = "") -> DateClues:
    """The clues to an article's date in its headline, body and address."""
    lead = f"{title}\n{body[:LEAD_CHARS]}"
    return DateClues(
        url=url_date(url),
        dateline=dateline_date(body),
        full_dates=tuple(full_dates(lead)),
        month_days=tuple(month_days(lead)),
        weekdays=tuple(_weekday(m.group(0).split()[-1]) for m in _WEEKDAY_MENTION.finditer(lead)),
        years=tuple(sorted(Counter(int(y) for y in _YEAR_MENTION.findall(body)).items())),
        number=article_number(url),
    )


def _month(name: str) -> int | None:
    return MONTHS.get(name.lower().rstrip("."))


def _weekday(name: str | None) -> int | None:
    if not name:
        return None
    prefix = name.lower().rstrip(".")[:3]
    return next((i for i, day in enumerate(WEEKDAYS) if day.startswith(prefix)), None)


def _full_date(match: re.Match) -> FullDate | None:
    groups = match.groupdict()
    month = _month(groups["month"]) if groups.get("month") else int(groups["m"])
    try:
        day = date(int(groups["year"]), month or 0, int(groups["day"]))
    except (TypeError, ValueError):
        return None
    if not plausible(day):
        return None
    weekday = _weekday(groups.get("weekday"))
    agrees = None if weekday is None else weekday == day.weekday()
    return FullDate(day, agrees, match.group(0))


def full_dates(text: str) -> list[FullDate]:
    """Dates with a year in ``text``, in order, without the ends of a range of dates."""
    found: list[tuple[int, int, FullDate]] = []
    for pattern in _FULL_DATES:
        for match in pattern.finditer(text):
            parsed = _full_date(match)
            if parsed and not any(s <= match.start() < e for s, e, _ in found):
                found.append((match.start(), match.end(), parsed))
    found.sort(key=lambda item: item[0])
    in_range: set[int] = set()
    for (_, end, _), (start, _, _) in zip(found, found[1:], strict=False):
        if _RANGE_JOIN.fullmatch(text[end:start]):
            in_range.update((end, start))
    return [
        d
        for s, e, d in found
        if s not in in_range and e not in in_range and not _bounds_a_period(text, s)
    ]


def _bounds_a_period(text: str, start: int) -> bool:
    return bool(_BOUND_BEFORE.search(text[max(0, start - 90) : start]))


def month_days(text: str) -> list[MonthDay]:
    """Days of a month written without a year ("on June 30", "30 June")."""
    out: list[tuple[int, MonthDay]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _MONTH_DAYS:
        for match in pattern.finditer(text):
            month, day = _month(match.group("month")), int(match.group("day"))
            if not month or not 1 <= day <= 31 or any(s <= match.start() < e for s, e in taken):
                continue
            if _bounds_a_period(text, match.start()):
                continue
            if MonthDay(month, day, None, "").in_year(2000) is None:  # 2000: a leap year
                continue
            taken.append(match.span())
            weekday = _weekday(match.groupdict().get("weekday"))
            out.append((match.start(), MonthDay(month, day, weekday, match.group(0))))
    return [md for _, md in sorted(out, key=lambda item: item[0])]


def dateline_date(body: str) -> MonthDay | FullDate | None:
    """The day and month (and year, when written) of a dateline opening the body."""
    match = next((m for p in _DATELINES if (m := p.match(body[:120]))), None)
    if not match:
        return None
    month, day = _month(match.group("month")), int(match.group("day"))
    words = match.group(0).strip(" -–—:")
    if not month:
        return None
    if match.group("year"):
        try:
            found = date(int(match.group("year")), month, day)
        except ValueError:
            return None
        return FullDate(found, None, words) if plausible(found) else None
    partial = MonthDay(month, day, None, words)
    return partial if partial.in_year(2000) else None


def url_date(url: str) -> UrlDate | None:
    """The date in an article's address: /2016/09/19/ (a day) or /2016/09/ (a month)."""
    path = urlsplit(url).path if url else ""
    for pattern, precision in ((_URL_DAY, "day"), (_URL_MONTH, "month")):
        match = pattern.search(path)
        if not match:
            continue
        try:
            day = date(
                int(match.group("year")),
                int(match.group("m")),
                int(match.groupdict().get("day") or 1),
            )
        except ValueError:
            continue
        if plausible(day):
            return UrlDate(day, precision, match.group(0).rstrip("/-_") + "/")
    return None


def article_number(url: str) -> ArticleNumber | None:
    """The article number in an address: /news/407375/slug, story?id=42176433, slug-228340."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    match = _PATH_NUMBER.match(parts.path)
    if match:
        return ArticleNumber(f"{host}/{match.group('prefix')}#", int(match.group("number")))
    for key, value in parse_qsl(parts.query):
        if key.lower() == "id" and value.isascii() and value.isdigit() and 5 <= len(value) <= 10:
            last = parts.path.rstrip("/").rsplit("/", 1)[-1]
            return ArticleNumber(f"{host}/…/{last}?id=#", int(value))
    match = _SLUG_NUMBER.match(parts.path)
    if match:
        return ArticleNumber(f"{host}/{match.group('prefix')}…-#", int(match.group("number")))
    return None
