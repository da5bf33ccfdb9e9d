"""Load ../shared/corpus straight into the database, bypassing entity recognition.

Only for search benchmarks while the real import is slow: articles get their outlet, date,
section and a dictionary-matched set of places/organizations/people (Reuters articles also
their gold PLACES/ORGS/PEOPLE tags), so facets and roll-up have realistic shapes. The real
benchmark path is `manage.py import_articles` (see bench/search.py).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date, datetime
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

PLACES = {  # name -> (country, feature)
    "Iraq": ("IQ", "country"),
    "Baghdad": ("IQ", "city"),
    "Kirkuk": ("IQ", "city"),
    "Basra": ("IQ", "city"),
    "Mosul": ("IQ", "city"),
    "Erbil": ("IQ", "city"),
    "Iran": ("IR", "country"),
    "Tehran": ("IR", "city"),
    "Isfahan": ("IR", "city"),
    "Mashhad": ("IR", "city"),
    "Tabriz": ("IR", "city"),
    "Shiraz": ("IR", "city"),
    "United States": ("US", "country"),
    "Washington": ("US", "city"),
    "New York": ("US", "city"),
    "Chicago": ("US", "city"),
    "Texas": ("US", "region"),
    "California": ("US", "region"),
    "Los Angeles": ("US", "city"),
    "United Kingdom": ("GB", "country"),
    "London": ("GB", "city"),
    "Britain": ("GB", "country"),
    "Japan": ("JP", "country"),
    "Tokyo": ("JP", "city"),
    "China": ("CN", "country"),
    "Beijing": ("CN", "city"),
    "Germany": ("DE", "country"),
    "Frankfurt": ("DE", "city"),
    "Bonn": ("DE", "city"),
    "France": ("FR", "country"),
    "Paris": ("FR", "city"),
    "Russia": ("RU", "country"),
    "Moscow": ("RU", "city"),
    "Syria": ("SY", "country"),
    "Damascus": ("SY", "city"),
    "Aleppo": ("SY", "city"),
    "Lebanon": ("LB", "country"),
    "Beirut": ("LB", "city"),
    "Israel": ("IL", "country"),
    "Saudi Arabia": ("SA", "country"),
    "Riyadh": ("SA", "city"),
    "Turkey": ("TR", "country"),
    "Ankara": ("TR", "city"),
    "Istanbul": ("TR", "city"),
    "Brazil": ("BR", "country"),
    "Canada": ("CA", "country"),
    "Toronto": ("CA", "city"),
    "Australia": ("AU", "country"),
    "Sydney": ("AU", "city"),
    "India": ("IN", "country"),
    "New Delhi": ("IN", "city"),
    "Pakistan": ("PK", "country"),
    "Afghanistan": ("AF", "country"),
    "Kabul": ("AF", "city"),
    "Yemen": ("YE", "country"),
    "Sanaa": ("YE", "city"),
    "Egypt": ("EG", "country"),
    "Cairo": ("EG", "city"),
    "Mexico": ("MX", "country"),
    "Venezuela": ("VE", "country"),
    "Argentina": ("AR", "country"),
    "Ukraine": ("UA", "country"),
    "Kiev": ("UA", "city"),
    "Italy": ("IT", "country"),
    "Rome": ("IT", "city"),
    "Spain": ("ES", "country"),
    "Madrid": ("ES", "city"),
    "South Korea": ("KR", "country"),
    "Seoul": ("KR", "city"),
    "Qatar": ("QA", "country"),
    "Doha": ("QA", "city"),
    "Ain al-Asad": ("IQ", "other"),
}
COUNTRY_SLUG = {"US": "united-states", "GB": "united-kingdom"}
ORGS = [
    "Pentagon",
    "United Nations",
    "NATO",
    "OPEC",
    "European Union",
    "World Bank",
    "International Monetary Fund",
    "Federal Reserve",
    "Kata'ib Hezbollah",
    "Hezbollah",
    "Hamas",
    "Congress",
    "Senate",
    "White House",
    "IRGC",
    "Google",
    "Microsoft",
    "Apple",
    "Amazon",
    "Facebook",
    "Reuters",
    "BBC",
    "Press TV",
    "Supreme Court",
    "FBI",
    "CIA",
    "Democratic Party",
    "Republican Party",
    "Labour",
    "Conservative Party",
    "EU",
    "Hashd al-Sha'abi",
    "Time Warner",
    "General Motors",
    "IBM",
    "Chrysler",
    "Exxon",
]
PEOPLE = [
    "Donald Trump",
    "Joe Biden",
    "Barack Obama",
    "Hillary Clinton",
    "Tony Blair",
    "Gordon Brown",
    "Vladimir Putin",
    "Hassan Rouhani",
    "Ali Khamenei",
    "Javad Zarif",
    "Bashar al-Assad",
    "Ronald Reagan",
    "James Baker",
    "Paul Volcker",
    "Alan Greenspan",
    "Margaret Thatcher",
    "Helmut Kohl",
    "Yasuhiro Nakasone",
    "Mahmoud Ahmadinejad",
    "Qasem Soleimani",
    "Nancy Pelosi",
    "Kamala Harris",
    "Boris Johnson",
    "Emmanuel Macron",
]


def _slug(name: str) -> str:
    from articles.extraction.names import name_slug

    return name_slug(name)


def read_corpus(limit: int = 0):
    """Yield dicts: source, headline, body, section, url, published, gold (kind, name) list."""
    n = 0

    def done():
        return limit and n >= limit

    reuters = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
    for path in sorted((CORPUS / "reuters21578").glob("reut2-*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for block in reuters.findall(raw):

            def tag(name, b=block):
                m = re.search(rf"<{name}>(.*?)</{name}>", b, re.S)
                return html.unescape(m.group(1)).strip() if m else ""

            def ds(name, b=block):
                return re.findall(r"<D>(.*?)</D>", tag(name, b))

            body = tag("BODY").replace("\x03", "").replace(" Reuter", "")
            title = tag("TITLE")
            if not body or not title:
                continue
            d = tag("DATE")
            try:
                published = datetime.strptime(d.split()[0], "%d-%b-%Y").date()
            except (ValueError, IndexError):
                published = None
            gold = [("organization", o.upper()) for o in ds("ORGS")]
            gold += [("person", p.replace("-", " ").title()) for p in ds("PEOPLE")]
            topics = ds("TOPICS")
            yield dict(
                source="Reuters",
                headline=title.title(),
                body=body,
                section=topics[0] if topics else "",
                url="",
                published=published,
                gold=gold,
            )
            n += 1
            if done():
                return
    for path in sorted((CORPUS / "bbc_news").glob("*/*.txt")):
        lines = path.read_text(encoding="latin-1").splitlines()
        yield dict(
            source="BBC News",
            headline=lines[0].strip(),
            body="\n".join(lines[1:]).strip(),
            section=path.parent.name,
            url="",
            published=date(2005, 1 + (n % 12), 1 + (n % 28)),
            gold=[],
        )
        n += 1
        if done():
            return
    with open(CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl") as fh:
        for line in fh:
            r = json.loads(line)
            yield dict(
                source="HuffPost",
                headline=r["headline"],
                body=r["short_description"] or r["headline"],
                section=r["category"].title(),
                url=r["link"],
                published=date.fromisoformat(r["date"]),
                gold=[],
            )
            n += 1
            if done():
                return
    with open(CORPUS / "tehran_times" / "tehran_times.jsonl") as fh:
        for line in fh:
            r = json.loads(line)
            yield dict(
                source="Tehran Times",
                headline=r["slug_title"],
                body=r["text"],
                section="",
                url=r["url"],
                published=date(2008 + (r["id"] % 15), 1 + (r["id"] % 12), 1 + (r["id"] % 28)),
                gold=[],
            )
            n += 1
            if done():
                return


def quick_load(limit: int = 0, progress=print) -> int:
    from django.db import transaction

    from articles.models import Article, Entity, Mention, Source

    names = [(n, "place") for n in PLACES] + [(n, "organization") for n in ORGS]
    names += [(n, "person") for n in PEOPLE]
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n, _ in sorted(names, key=lambda x: -len(x[0]))) + r")\b"
    )
    kind_of = dict(names)
    entities: dict[tuple[str, str], int] = {}

    def entity_id(kind: str, name: str) -> int:
        from articles.extraction.names import name_key

        key = (kind, name_key(name))
        if key not in entities:
            country, feature = PLACES.get(name, ("", "")) if kind == "place" else ("", "")
            slug = COUNTRY_SLUG.get(country, _slug(name)) if feature == "country" else _slug(name)
            e = Entity.objects.filter(kind=kind, slug=slug).first()
            if e is None:
                e, _ = Entity.objects.get_or_create(
                    kind=kind,
                    key=key[1],
                    defaults=dict(name=name, slug=slug, country=country, feature=feature),
                )
            entities[key] = e.id
        return entities[key]

    sources = {}
    seen: set[str] = set(Article.objects.values_list("fingerprint", flat=True))
    batch: list[tuple[Article, dict]] = []
    total = 0

    def flush():
        nonlocal batch
        with transaction.atomic():
            created = Article.objects.bulk_create([a for a, _ in batch])
            mentions = []
            for art, (_, (_, counts)) in zip(created, batch, strict=True):
                for eid, c in counts.items():
                    mentions.append(Mention(article_id=art.id, entity_id=eid, count=c))
            Mention.objects.bulk_create(mentions)
        batch = []

    for doc in read_corpus(limit):
        src = sources.get(doc["source"])
        if src is None:
            src, _ = Source.objects.get_or_create(
                name=doc["source"], defaults={"slug": _slug(doc["source"])}
            )
            sources[doc["source"]] = src
        text = doc["headline"] + "\n" + doc["body"]
        fp = hashlib.sha256(text.encode()).hexdigest()
        if fp in seen:
            continue
        seen.add(fp)
        counts: dict[int, int] = {}
        for m in pattern.finditer(text):
            eid = entity_id(kind_of[m.group(1)], m.group(1))
            counts[eid] = counts.get(eid, 0) + 1
        for kind, name in doc["gold"]:
            eid = entity_id(kind, name)
            counts[eid] = counts.get(eid, 0) + 1
        art = Article(
            source=src,
            headline=doc["headline"][:500],
            slug=_slug(doc["headline"])[:80],
            body=doc["body"],
            section=doc["section"][:200],
            url=doc["url"][:1000],
            published=doc["published"],
            fingerprint=fp,
        )
        batch.append((art, (None, counts)))
        total += 1
        if len(batch) >= 2000:
            flush()
            progress(total)
    if batch:
        flush()
    return total
