"""An article's date as readers see it: a published date as it is, an inferred one as such
("about March 2019", "14 Mar 1987 (inferred)"), in pages, JSON, CSV and feeds alike."""

from __future__ import annotations

from django.utils.dateformat import format as date_format

from ..models import Article

# How each kind of inferred date was obtained, in words.
INFERRED_FROM = {
    Article.DateSource.DATELINE: "its dateline",
    Article.DateSource.TEXT: "dates its text names",
    Article.DateSource.URL: "its address",
    Article.DateSource.SEQUENCE: "its place among the outlet's article numbers",
}


def date_label(article: Article, *, long: bool = False) -> str:
    """ "14 Mar 2023"; "14 Mar 1987 (inferred)", "about Mar 2019", "about 2019"; "" undated.

    ``long`` spells the month out and says how an inferred date was obtained."""
    day = article.date
    if day is None:
        return ""
    if not article.date_inferred:
        text = date_format(day, "j F Y" if long else "j M Y")
        if long and article.date_source == Article.DateSource.EDITOR:
            text += " (date set by an editor)"
        return text
    precision = article.date_precision
    if precision == Article.DatePrecision.YEAR:
        text = f"about {day.year}"
    elif precision == Article.DatePrecision.MONTH:
        text = "about " + date_format(day, "F Y" if long else "M Y")
    else:
        text = date_format(day, "j F Y" if long else "j M Y")
    how = INFERRED_FROM.get(article.date_source, "")
    if long:
        return f"{text} (inferred from {how})" if how else f"{text} (inferred)"
    return text if text.startswith("about") else f"{text} (inferred)"


def date_json(article: Article) -> dict | None:
    """The date with how it was obtained, for JSON: None when undated."""
    if article.date is None:
        return None
    return {
        "value": article.date.isoformat(),
        "source": article.date_source,
        "precision": article.date_precision or "day",
        "inferred": article.date_inferred,
        "text": date_label(article, long=True),
        "evidence": article.date_evidence,
    }
