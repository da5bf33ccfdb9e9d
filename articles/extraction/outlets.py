"""Which outlet published a page: from a stated source, the URL, or the site's own boilerplate.

The known outlets are data (``KNOWN_OUTLETS``); an unknown domain still gives a readable
name ("dailynews.example.co.uk" -> "Dailynews Example"), so every article with a URL has a
source. No Django here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str  # main domain, stored as the outlet's canonical domain
    other_domains: tuple[str, ...] = ()
    # other ways a source field, a corpus label or a byline names it (compared folded)
    aliases: tuple[str, ...] = ()
    # phrases only this outlet's own pages carry (footers, licence lines); regexes
    markers: tuple[str, ...] = field(default=())


KNOWN_OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        "Press TV",
        "presstv.ir",
        ("presstv.com", "presstv.co.uk", "presstv.tv"),
        ("presstv", "press tv news"),
        (r"Press TV['’]s website", r"\bwww\.presstv\.(?:ir|com|co\.uk)\b", r"Press TV News Roku"),
    ),
    Outlet(
        "Reuters",
        "reuters.com",
        ("reuters.co.uk", "reut.rs"),
        ("reuter", "thomson reuters"),
        (r"Thomson Reuters Trust Principles",),
    ),
    Outlet(
        "BBC News",
        "bbc.co.uk",
        ("bbc.com", "bbc.in"),
        ("bbc", "bbc news online", "bbc world service"),
    ),
    Outlet(
        "Tehran Times",
        "tehrantimes.com",
        (),
        ("the tehran times",),
        (r"\bwww\.tehrantimes\.com\b",),
    ),
    Outlet(
        "Mehr News Agency",
        "mehrnews.com",
        (),
        ("mehr news", "mehr"),
        (r"\bwww\.mehrnews\.com\b",),
    ),
    Outlet(
        "HuffPost",
        "huffpost.com",
        ("huffingtonpost.com", "huffingtonpost.co.uk", "huffingtonpost.ca", "huffpo.st"),
        ("huffington post", "the huffington post", "huffpo", "huffingtonpost"),
    ),
    Outlet("Politico", "politico.com", ("politico.eu", "politi.co"), ("politico europe",)),
    Outlet(
        "CNN",
        "cnn.com",
        ("cnn.it",),
        ("cable news network", "cnn international"),
        (r"©\s*\d{4}\s*Cable News Network",),
    ),
    Outlet("ABC News", "abcnews.go.com", ("abcnews.com", "abcn.ws"), ("abc",)),
    Outlet("Right Wing News", "rightwingnews.com", (), ("right-wing-news", "rightwingnews")),
    Outlet("Eagle Rising", "eaglerising.com", (), ("eagle-rising", "eaglerising")),
    Outlet("Addicting Info", "addictinginfo.org", ("addictinginfo.com",), ("addicting-info",)),
    Outlet("Freedom Daily", "freedomdaily.com", (), ("freedom-daily",)),
    Outlet("Occupy Democrats", "occupydemocrats.com", (), ("occupy-democrats",)),
    Outlet("The Other 98%", "theother98.com", (), ("the-other-98", "other 98", "the other 98")),
    Outlet(
        "Al Jazeera",
        "aljazeera.com",
        ("aljazeera.net",),
        ("al-jazeera", "aljazeera", "al jazeera english"),
        (
            r"Al Jazeera Media Network",
            r"Follow Al Jazeera English",
            r"^SOURCE:\s*AL JAZEERA(?: AND NEWS AGENCIES)?\s*$",
        ),
    ),
    Outlet(
        "Associated Press",
        "apnews.com",
        ("ap.org",),
        ("ap", "the associated press", "ap news"),
        (r"Copyright \d{4} The Associated Press",),
    ),
    Outlet("AFP", "afp.com", (), ("agence france-presse", "agence france presse")),
    Outlet("The New York Times", "nytimes.com", ("nyti.ms",), ("new york times", "nyt")),
    Outlet("The Washington Post", "washingtonpost.com", (), ("washington post",)),
    Outlet("The Guardian", "theguardian.com", ("guardian.co.uk",), ("guardian",)),
    Outlet("Fox News", "foxnews.com", (), ("fox",)),
    Outlet("NPR", "npr.org", (), ("national public radio",)),
    Outlet("Bloomberg", "bloomberg.com", (), ("bloomberg news",)),
    Outlet("Al Arabiya", "alarabiya.net", (), ("al-arabiya",)),
    Outlet("Xinhua", "xinhuanet.com", ("news.cn",), ("xinhua news agency",)),
    Outlet("IRNA", "irna.ir", (), ("islamic republic news agency",)),
    Outlet("Fars News Agency", "farsnews.ir", (), ("fars news", "fars")),
    Outlet("Tasnim News Agency", "tasnimnews.com", (), ("tasnim",)),
)

# Second-level labels under which registrable domains sit one level deeper (bbc.co.uk).
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"}
_SUBDOMAIN_PREFIXES = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.", "edition.", "en.")


def fold(name: str) -> str:
    """'The Other 98%' and 'the-other-98' meet: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", " ", name.lower()).strip()


@lru_cache(maxsize=1)
def _labels() -> dict[str, Outlet]:
    """An outlet's own domain label, whatever the country suffix: "huffingtonpost" of
    huffingtonpost.in as of huffingtonpost.co.uk (labels of five letters or more)."""
    out: dict[str, Outlet] = {}
    for outlet in KNOWN_OUTLETS:
        for domain in (outlet.domain, *outlet.other_domains):
            label = main_domain(domain).split(".")[0]
            if len(label) >= 5:
                out.setdefault(label, outlet)
    return out


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, Outlet], dict[str, Outlet], re.Pattern, list[Outlet]]:
    by_name: dict[str, Outlet] = {}
    by_domain: dict[str, Outlet] = {}
    for outlet in KNOWN_OUTLETS:
        for name in (outlet.name, *outlet.aliases):
            by_name.setdefault(fold(name), outlet)
        for domain in (outlet.domain, *outlet.other_domains):
            by_domain[domain] = outlet
            by_name.setdefault(fold(domain), outlet)
    marked = [o for o in KNOWN_OUTLETS if o.markers]
    markers = re.compile(
        "|".join(f"(?P<m{i}>{'|'.join(o.markers)})" for i, o in enumerate(marked)),
        re.IGNORECASE | re.MULTILINE,
    )
    return by_name, by_domain, markers, marked


# A site footer's copyright line: "© Copyright 2020 Press TV", "Copyright © 2021 Kabul
# Gazette. All rights reserved." A year is required: photo credits ("© Reuters") have none.
_COPYRIGHT = re.compile(
    r"(?:^|>)[ \t]*(?:(?i:©|\(c\)|&copy;|copyright)[ \t]*){1,3}"
    r"(?:19|20)\d{2}(?:[ \t]*[-–][ \t]*(?:19|20)\d{2})?[ \t,]*"
    r"(?P<name>[A-Z][\w&'’-]*(?:[ \t]+[\w&'’-]+){0,5}?)"
    r"[ \t]*(?:[.,|<]|(?i:all rights reserved)|$)",
    re.M,
)


def copyright_holder(text: str) -> str:
    """The name in the last copyright line of a page ("© Copyright 2020 Press TV" ->
    "Press TV"), or ""."""
    found = ""
    for match in _COPYRIGHT.finditer(text):
        found = match.group("name")
    return found


def is_outlet_name(name: str) -> bool:
    """Is this exactly how a known outlet is named ("Al Jazeera", "Press TV", "BBC")?"""
    by_name, _, _, _ = _indexes()
    return fold(name) in by_name


def host_of(url: str) -> str:
    """'https://www.BBC.co.uk/news/x' -> 'www.bbc.co.uk'; '' when there is no host."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return ""
    return host


def main_domain(host: str) -> str:
    """The registrable part of a host: 'edition.cnn.com' -> 'cnn.com', 'news.bbc.co.uk' ->
    'bbc.co.uk'."""
    labels = host.lower().strip(".").split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def outlet_for_host(host: str) -> Outlet | None:
    _, by_domain, _, _ = _indexes()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        outlet = by_domain.get(".".join(labels[i:]))
        if outlet:
            return outlet
    return _labels().get(main_domain(host).split(".")[0])


def name_from_domain(domain: str) -> str:
    """A readable name for an unknown outlet: 'dailynews-example.co.uk' -> 'Dailynews Example'."""
    labels = domain.split(".")
    core = (
        labels[:-2]
        if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL
        else labels[:-1]
    )
    words = re.split(r"[-_.]+", ".".join(core) or domain)
    return " ".join(w.capitalize() for w in words if w)


def recognise_outlet(text: str = "", url: str = "", hint: str = "") -> tuple[str, str]:
    """(outlet name, main domain) of a page, or ("", "") when nothing says.

    Evidence in order of trust: an explicit source field or corpus label (``hint``), the
    URL's domain, then boilerplate only the outlet's own site prints (``text``), then the
    holder named in the page's copyright line. A hint or copyright holder that names no known
    outlet is kept as written; an unknown domain gives a name derived from it.
    """
    by_name, _, markers, marked = _indexes()
    host = host_of(url)
    hint = re.sub(r"\s+", " ", hint or "").strip()
    if hint:
        outlet = by_name.get(fold(hint))
        if outlet is None and host_of(hint) and " " not in hint:
            found = outlet_for_host(host_of(hint))
            if found:
                return found.name, found.domain
            domain = main_domain(host_of(hint))
            return name_from_domain(domain), domain
        if outlet:
            return outlet.name, outlet.domain
        if host:
            return hint, main_domain(host)
        return hint, ""
    if host:
        outlet = outlet_for_host(host)
        if outlet:
            return outlet.name, outlet.domain
        domain = main_domain(host)
        return name_from_domain(domain), domain
    if text:
        match = markers.search(text)
        if match:
            outlet = marked[int(match.lastgroup[1:])]
            return outlet.name, outlet.domain
        holder = copyright_holder(text[-3000:])
        if holder:
            words = holder.split()
            for n in range(len(words), 0, -1):  # "Al Jazeera English", "Press TV Ltd"
                outlet = by_name.get(fold(" ".join(words[:n])))
                if outlet:
                    return outlet.name, outlet.domain
            return holder, ""
    return "", ""
