"""Search benchmark: the whole shared corpus, served by gunicorn as `make run` serves it.

    .venv/bin/python bench/search.py                 # import ../shared/corpus (re-used if built)
    .venv/bin/python bench/search.py --quick-load    # no entity recognition (quick_load below)
    .venv/bin/python bench/search.py --limit 10000 --data-dir var/bench-10k

Steps: (1) import the corpus into a separate data folder (NEWSROOM_DATA_DIR, default
var/bench) with `manage.py import_articles --processes 2`, timed end to end including
indexing; re-used when the folder already holds articles; (2) re-index with
`manage.py rebuild_search_index` while a client keeps searching, to show the live index is
never empty; (3) the 250 queries of ../shared/bench/queries.json in-process through
`articles.search.search_articles`; (4) the same over HTTP against gunicorn
(newsroom/gunicorn_conf.py): full page (with its timeline and map), page with filters, JSON
without facets, landing and browse pages, entity pages, comparisons of four searches, median
and p95 per kind, requests/s at 4 concurrent clients and peak RSS per worker. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
QUERIES = SHARED / "bench" / "queries.json"
PYTHON = REPO / ".venv" / "bin" / "python"


def log(*args):
    print(*args, flush=True)


def percentiles(times_ms: list[float]) -> dict[str, float]:
    """Median, p95 and max of some timings (ms), as the figures below print them."""
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def figures(times_ms: list[float]) -> str:
    if not times_ms:
        return "no samples"
    f = percentiles(times_ms)
    return (
        f"median {f['p50']:6.1f} ms   p95 {f['p95']:6.1f} ms   max {f['max']:6.1f} ms   n={f['n']}"
    )


def load_queries() -> list[tuple[str, str]]:
    data = json.loads(QUERIES.read_text())
    out = [("keyword", " ".join(words)) for words in data["keyword"]]
    out += [("phrase", f'"{" ".join(words)}"') for words in data["phrase"]]
    return out


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=REPO,
        env=env,
        check=check,
        text=True,
        capture_output=True,
    )


def django_setup(data_dir: Path):
    os.environ["NEWSROOM_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


# --- 1. data --------------------------------------------------------------------------------------


def ensure_data(args, env) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")  # as `make run`: DEBUG=0 needs it
    from articles.models import Article

    existing = Article.objects.count()
    if existing:
        log(f"[data] re-using {args.data_dir}: {existing} articles")
        return
    started = time.monotonic()
    if args.quick_load:
        n = quick_load(args.limit, progress=lambda n: None)
        log(
            f"[data] quick-loaded {n} articles in {time.monotonic() - started:.0f} s "
            "(no entity recognition; gold and dictionary entities)"
        )
        from articles import search

        t = time.monotonic()
        search.rebuild_index()
        log(f"[data] indexed in {time.monotonic() - t:.0f} s")
        return
    cmd = ["import_articles", str(SHARED / "corpus"), "--processes", "2", "--quiet-failures"]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    log(f"[data] $ NEWSROOM_DATA_DIR={args.data_dir} python manage.py {' '.join(cmd)}")
    result = manage(env, *cmd, check=False)
    elapsed = time.monotonic() - started
    log(
        "[data] "
        + (
            result.stdout.strip().splitlines()[-1]
            if result.stdout.strip()
            else result.stderr[-500:]
        )
    )
    n = Article.objects.count()
    log(
        f"[data] import incl. indexing: {n} articles in {elapsed:.0f} s "
        f"= {n / elapsed:.1f} articles/s"
    )


# --- 2. re-index while searching ------------------------------------------------------------------


def reindex(env, probe, processes: int = 1) -> dict:
    """Rebuild the index while ``probe()`` keeps counting: seconds, probes, smallest count."""
    seen: list[int] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            try:
                seen.append(probe())
            except Exception as exc:  # noqa: BLE001 - report, keep watching
                seen.append(-1)
                log(f"[reindex] probe failed: {exc}")
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    started = time.monotonic()
    result = manage(env, "rebuild_search_index", "--processes", str(processes))
    elapsed = time.monotonic() - started
    stop.set()
    thread.join()
    log(f"[reindex] $ python manage.py rebuild_search_index -> {result.stdout.strip()}")
    log(
        f"[reindex] {elapsed:.0f} s wall; searches during it: {len(seen)}, "
        f"smallest total seen {min(seen) if seen else 'n/a'} (never 0 = never empty)"
    )
    return {"seconds": elapsed, "probes": len(seen), "smallest": min(seen) if seen else None}


# --- 3. in-process --------------------------------------------------------------------------------


def in_process(queries, filters) -> dict[str, list[float]]:
    """The shared queries through search_articles; timings (ms) per kind of search."""
    from articles import search
    from articles.search import SearchRequest, search_articles

    search.warm_up()  # as every gunicorn worker does before its first reader
    kinds: dict[str, list[float]] = {}

    def timed(kind, request):
        t = time.perf_counter()
        search_articles(request)
        kinds.setdefault(kind, []).append((time.perf_counter() - t) * 1000)

    for i, (kind, q) in enumerate(queries):
        timed(f"{kind} + all facets", SearchRequest(q=q))
        kinds.setdefault("all 250 + all facets", []).append(kinds[f"{kind} + all facets"][-1])
        timed("no facets (JSON)", SearchRequest(q=q, facets=False))
        timed("with filters + facets", SearchRequest(q=q, include=filters[i % len(filters)]))
    for _ in range(30):
        timed("landing (match-all + facets)", SearchRequest())
    for i in range(30):
        timed("match-all + filter", SearchRequest(include=filters[i % len(filters)]))
    log("[in-process] articles.search.search_articles, one process, warm searcher:")
    for kind, times in kinds.items():
        log(f"  {kind:32s} {figures(times)}")
    return kinds


# --- 4. HTTP --------------------------------------------------------------------------------------


def start_gunicorn(
    env, port: int, workers: int, wait: float = 240, code: Path = REPO
) -> subprocess.Popen:
    """gunicorn as `make serve` runs it, from the checkout ``code``, once /healthz answers."""
    env = dict(
        env,
        WEB_CONCURRENCY=str(workers),
        GUNICORN_ACCESS_LOG="/dev/null",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    proc = subprocess.Popen(
        [
            str(code / ".venv" / "bin" / "gunicorn"),
            "-c",
            "newsroom/gunicorn_conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # Each worker opens the index and fills its caches before it answers: on a busy machine
    # that alone can take a minute.
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {proc.stderr.read()[-2000:]}") from None
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError(f"gunicorn did not answer /healthz within {wait:.0f} s")


def fetch(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - t) * 1000, status


def article_urls(count: int) -> list[str]:
    """Pages of ``count`` published articles spread over the archive."""
    from articles.models import Article

    ids = list(Article.objects.filter(is_published=True).values_list("id", flat=True))
    picked = random.Random(3).sample(ids, min(count, len(ids)))
    return [a.get_absolute_url() for a in Article.objects.filter(id__in=picked).order_by("id")]


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def peak_rss_mb(pid: int) -> float:
    return memory_mb(pid)["peak_rss"]


def memory_mb(pid: int) -> dict[str, float]:
    """Resident (RSS), peak resident and proportional (PSS: shared pages divided among the
    processes sharing them, so PSS adds up across workers) memory of a process, in MB."""
    out = {"rss": 0.0, "peak_rss": 0.0, "pss": 0.0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out["peak_rss"] = int(line.split()[1]) / 1024
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            out[key.lower()] = int(rest.split()[0]) / 1024
    return out


def page_paths(queries, filters, entities=()) -> dict[str, list[str]]:
    """Kind of page -> the paths (and querystrings) the HTTP benchmarks ask for."""

    def qs(**params):
        pairs = []
        for key, value in params.items():
            for v in value if isinstance(value, tuple) else (value,):
                pairs.append((key, v))
        return urllib.parse.urlencode(pairs)

    kinds: dict[str, list[str]] = {
        "full page (all filter groups)": [],
        "page with filters": [],
        "JSON, facets=off": [],
        "JSON with facets": [],
    }
    for i, (_, q) in enumerate(queries):
        f = {k: v for k, v in filters[i % len(filters)].items()}
        kinds["full page (all filter groups)"].append(f"/search/?{qs(q=q)}")
        kinds["page with filters"].append(f"/search/?{qs(q=q, **f)}")
        kinds["JSON, facets=off"].append(f"/search/?{qs(q=q, format='json', facets='off')}")
        kinds["JSON with facets"].append(f"/search/?{qs(q=q, format='json')}")
    kinds["phrase, full page"] = [f"/search/?{qs(q=q)}" for kind, q in queries if kind == "phrase"]
    kinds["article page (with related)"] = article_urls(30)
    kinds["landing /search/ (match-all)"] = ["/search/"] * 30
    # Issue 11's pages: targets p95 60 ms (search page with timeline and map: the two kinds
    # above), 80 ms (entity page), 150 ms (compare of four searches).
    if entities:
        kinds["entity page"] = list(entities)
    words = [q for _, q in queries]
    kinds["compare, four searches"] = [
        f"/compare/?{qs(q=tuple(words[i : i + 4]))}" for i in range(0, 240, 4)
    ]
    kinds["home /"] = ["/"] * 20
    for page in ("sources", "places", "organizations", "people"):
        kinds[f"browse /{page}/"] = [f"/{page}/"] * 10
    return kinds


def over_http(
    base: str, queries, filters, clients: int, seconds: float, master: int, entities=()
) -> dict:
    """Timings (ms) per kind of page, requests/s at ``clients`` clients, worker memory."""
    kinds = {
        kind: [base + path for path in paths]
        for kind, paths in page_paths(queries, filters, entities).items()
    }
    for urls in kinds.values():  # warm every worker's searcher and caches
        for url in urls[:4]:
            fetch(url)
    log(f"[http] {base}, gunicorn as `make serve` (newsroom/gunicorn_conf.py), one client:")
    timings: dict[str, list[float]] = {}
    for kind, urls in kinds.items():
        results = [fetch(url) for url in urls]
        bad = sum(1 for _, status in results if status != 200)
        timings[kind] = [t for t, _ in results]
        log(f"  {kind:32s} {figures(timings[kind])}" + (f"  non-200: {bad}" if bad else ""))

    rate, done = concurrent_pages(kinds, clients, seconds)
    memory = {pid: memory_mb(pid) for pid in worker_pids(master)}
    for pid, mb in memory.items():
        log(
            f"[http] worker {pid}: RSS {mb['rss']:.0f} MB (peak {mb['peak_rss']:.0f} MB), "
            f"PSS {mb['pss']:.0f} MB"
        )
    return {
        "timings": timings,
        "requests_per_s": rate,
        "concurrent": done,
        "workers": memory,
        "kinds": kinds,
    }


def concurrent_pages(kinds, clients: int, seconds: float) -> tuple[float, list[float]]:
    """Full and filtered pages from ``clients`` clients at once: requests/s and timings."""
    mixed = kinds["full page (all filter groups)"] + kinds["page with filters"]
    random.Random(7).shuffle(mixed)
    done: list[float] = []
    stop_at = time.monotonic() + seconds

    def client(offset):
        i = offset
        while time.monotonic() < stop_at:
            done.append(fetch(mixed[i % len(mixed)])[0])
            i += clients

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.monotonic() - started
    log(
        f"[http] {clients} concurrent clients, full pages: {len(done) / elapsed:.1f} requests/s "
        f"({figures(done)})"
    )
    return len(done) / elapsed, done


# --- --quick-load: the corpus without entity recognition ----------------------------------------
# Only for search benchmarks while the real import is slow: articles get their outlet, date,
# section and a dictionary-matched set of places/organizations/people (Reuters articles also
# their gold ORGS/PEOPLE tags), so facets and roll-up have realistic shapes.

CORPUS = SHARED / "corpus"

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


def bench_filters() -> list[dict[str, tuple[str, ...]]]:
    """Eight filter combinations from the landing page's most frequent values."""
    from articles.search import SearchRequest, search_articles

    landing = search_articles(SearchRequest())
    log(f"[data] {landing.total} articles in the index")
    top = {name: [f.value for f in counts[:8]] for name, counts in landing.facets.items()}
    filters = []
    for i in range(8):
        f = {}
        if top.get("place"):
            f["place"] = (top["place"][i % len(top["place"])],)
        if i % 2 and top.get("source"):
            f["source"] = (top["source"][i % len(top["source"])],)
        if i % 3 == 0 and top.get("org"):
            f["org"] = (top["org"][i % len(top["org"])],)
        filters.append(f)
    return filters


def entity_paths() -> list[str]:
    """Entity pages to fetch: the most named places, organizations and people, and some from
    further down each list (rank 100 on), which have smaller timelines and co-mentions."""
    from articles.search import SearchRequest, search_articles

    landing = search_articles(SearchRequest())
    paths = []
    for field, segment in (("place", "places"), ("org", "organizations"), ("person", "people")):
        counts = landing.facets.get(field, [])
        slugs = [f.value for f in counts[:20]] + [f.value for f in counts[100:120]]
        paths += [f"/{segment}/{slug}/" for slug in slugs]
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--limit", type=int, default=0, help="import only N documents")
    parser.add_argument(
        "--quick-load",
        action="store_true",
        help="load without entity recognition (quick_load below)",
    )
    parser.add_argument("--skip-reindex", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    args.data_dir = str(Path(args.data_dir).resolve())
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ, NEWSROOM_DATA_DIR=args.data_dir, DJANGO_SETTINGS_MODULE="newsroom.settings"
    )
    django_setup(Path(args.data_dir))
    log(f"[env] {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    ensure_data(args, env)

    from articles.search import SearchRequest, search_articles

    filters = bench_filters()
    queries = load_queries()
    if not args.skip_in_process:
        in_process(queries, filters)

    if args.skip_http:
        if not args.skip_reindex:
            reindex(env, lambda: search_articles(SearchRequest(facets=False)).total)
        return
    proc = start_gunicorn(env, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        over_http(base, queries, filters, args.clients, args.seconds, proc.pid, entity_paths())
        if not args.skip_reindex:

            def probe():
                with urllib.request.urlopen(f"{base}/search/?format=json&facets=off") as r:
                    return int(json.loads(r.read())["total"])

            reindex(env, probe)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
