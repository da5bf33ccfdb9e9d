"""A search page from SolrCloud in one request (two with a timeline).

The generic haystack engine asks one request per part of a page: the results, facets, one
more per selected filter group (disjunctive counts), and four for the timeline. On a cluster
each is a round of requests to every shard, so here one request carries the page of results,
the total, every facet group (a selected group's filter is tagged and left out of its own
counts: ``{!tag}`` / ``{!ex}``), the span of the matches' dates and the undated count; the
timeline's range facet follows once its unit is known.

The words, filters and dates arrive as the generic engine translates them (its
SearchQuerySet, as haystack's Solr backend would send it); only the facet groups' own filters
are written here, so they can be tagged.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

from haystack.inputs import Exact

from ..periods import UNITS, filled, timeline_span
from ..types import EngineQuery, EngineResult, FacetCounts, FacetLimits, Timeline
from ..vocabulary import DATES_INFERRED, FILTER_FIELDS

_GAPS = {"day": "+1DAY", "month": "+1MONTH", "year": "+1YEAR"}


def translated(engine, query: EngineQuery, sort: str) -> tuple[str, list[str], str]:
    """(q, fq, sort) as the generic engine's SearchQuerySet would send them, with each
    selected facet group's filter tagged with its name. The sort ("" for relevance) puts
    undated articles last both ways: dates sort missing-last (schema.xml)."""
    sqs = engine._queryset(replace(query, include={}), sort)
    q = sqs.query.build_query()
    params = engine.backend.build_search_kwargs(q, **sqs.query.build_params())
    fq = list(params.get("fq", ()))
    for name, values in query.include.items():
        quoted = " OR ".join(Exact(v).prepare(sqs.query) for v in values)
        fq.append(f"{{!tag={name}}}{name}_exact:({quoted})")
    return q, fq, params.get("sort") or ""


def search(
    engine,
    query: EngineQuery,
    sort,
    offset,
    limit,
    facets,
    timeline,
    facets_within=(),
    limits: FacetLimits | None = None,
) -> EngineResult:
    """``engine``: the SolrSearchEngine (its translation of the query and its client).
    ``facets_within``: selected fields also counted with their own selection applied.
    ``limits``: only the values a page shows (``_limited``); None: every value."""
    within = [name for name in facets_within if name in query.include] if facets else []
    q, fq, order = translated(engine, query, sort)
    request: dict = {"fq": fq, "start": offset, "rows": limit}
    if order:
        request["sort"] = order
    if facets and limits is not None:
        request.update(_limited(query, limits, within))
    elif facets:
        request.update(
            {
                "facet": "true",
                "facet.field": [
                    f"{{!ex={name}}}{name}_exact" if name in query.include else f"{name}_exact"
                    for name in FILTER_FIELDS
                ]
                + [f"{{!key={name}_within}}{name}_exact" for name in within],
                "facet.limit": -1,
                "facet.mincount": 1,
            }
        )
    dated_only = bool(query.date_from or query.date_to)
    if timeline:
        request.update({"stats": "true", "stats.field": "{!min=true max=true}published"})
        if not dated_only:  # a date filter leaves the undated out
            request.update({"facet": "true", "facet.query": "{!key=undated}-published:[* TO *]"})
    found = engine.backend.conn.search(q, **request)
    raw = found.raw_response
    hits = [(int(d["article_id"]), float(d.get("score") or 0.0)) for d in found.docs]
    counts = {}
    if facets and limits is not None:
        exact = engine.live_shards() == 1
        counts = {name: _limited_counts(raw, name, limits, exact) for name in limits.fields}
    elif facets:
        fields = raw.get("facet_counts", {}).get("facet_fields", {})
        for name in FILTER_FIELDS:
            counts[name] = _pairs(fields.get(f"{name}_exact"))
    result = EngineResult(int(found.hits), hits, counts)
    if within and limits is not None:
        result.facets_within = {
            name: _limited_counts(raw, name, limits, exact, WITHIN) for name in within
        }
    elif within:  # EngineResult.facets_within, where the engine interface has it
        result.facets_within = {name: _pairs(fields.get(f"{name}_within")) for name in within}
    if timeline:
        undated = 0
        if not dated_only:
            undated = int(raw["facet_counts"]["facet_queries"].get("undated", 0))
        stats = raw.get("stats", {}).get("stats_fields", {}).get("published") or {}
        result.timeline = _timeline(engine, q, fq, query, timeline, stats, undated)
    return result


WITHIN = "__within"  # key suffix of a field counted within the matches (facets_within)
ASKED = "__asked"  # key suffix of the values counted by name
# Solr's distributed numBuckets is a HyperLogLog (log2m 13, regwidth 6) whose explicit
# representation (every value's 64-bit hash, so exact) holds up to this many values.
EXACT_HLL_VALUES = 768


def _limited(query: EngineQuery, limits: FacetLimits, within: list[str]) -> dict:
    """Request parameters for FacetLimits: each field's top values through the JSON Facet
    API (its own limit per field, refined on a sharded collection so the counts shown are
    exact, the number of distinct values as numBuckets); the values asked for by name
    through classic field facets restricted to those terms (``{!terms=...}``). A field with a
    selection is counted without it (``excludeTags``), as on every engine."""
    json_facets: dict = {}
    fields: list[str] = []
    params: dict = {}
    for name in limits.fields:
        for key, excluded in ((name, name in query.include), (name + WITHIN, False)):
            if key != name and name not in within:
                continue
            top = limits.limit(name)
            facet: dict = {
                "type": "terms",
                "field": f"{name}_exact",
                "limit": -1 if top is None else top,
                "mincount": 1,
                "refine": True,
                "numBuckets": top is not None,
            }
            if excluded:
                facet["domain"] = {"excludeTags": name}
            json_facets[key] = facet
            asked = limits.values.get(name, ())
            if asked and top is not None:
                params[f"{name}{ASKED}_terms"] = ",".join(_escape_term(v) for v in asked)
                ex = f" ex={name}" if excluded else ""
                fields.append(f"{{!key={key}{ASKED}{ex} terms=${name}{ASKED}_terms}}{name}_exact")
                params[f"f.{name}_exact.facet.limit"] = -1
    out: dict = {"json.facet": json.dumps(json_facets, separators=(",", ":"))}
    if fields:
        out.update({"facet": "true", "facet.field": fields, "facet.mincount": 1, **params})
    return out


def _limited_counts(
    raw: dict, name: str, limits: FacetLimits, exact: bool, suffix: str = ""
) -> FacetCounts:
    """FacetCounts of one field from the answer to ``_limited``. ``exact``: numBuckets was
    counted on one shard (a sharded collection estimates it past EXACT_HLL_VALUES)."""
    facet = (raw.get("facets") or {}).get(name + suffix) or {}
    buckets = facet.get("buckets") or []
    pairs = sorted(
        ((str(b["val"]), int(b["count"])) for b in buckets if b.get("count")),
        key=lambda p: (-p[1], p[0]),
    )
    top = limits.limit(name)
    if top is None:
        return FacetCounts(pairs)
    fields = raw.get("facet_counts", {}).get("facet_fields", {})
    counted = dict(_pairs(fields.get(f"{name}{suffix}{ASKED}")))
    if len(pairs) < top:  # every value came back: none to estimate
        return FacetCounts(pairs, counted=counted)
    distinct = int(facet.get("numBuckets") or 0)
    exact = exact or distinct <= EXACT_HLL_VALUES
    return FacetCounts(pairs[:top], distinct=distinct, counted=counted, distinct_exact=exact)


def _escape_term(value: str) -> str:
    """One value in the comma-separated list of a ``{!terms=...}`` local parameter."""
    return value.replace("\\", "\\\\").replace(",", "\\,")


def _timeline(engine, q, fq, query, unit, stats, undated) -> Timeline:
    first, last = _day(stats.get("min")), _day(stats.get("max"))
    if first is None or last is None:
        return Timeline(unit if unit in UNITS else "year", (), undated)
    unit, start, end = timeline_span(first, last, unit, query.date_from, query.date_to)

    def per_period(filters: list[str]) -> list[tuple[date, int]]:
        found = engine.backend.conn.search(
            q,
            fq=filters,
            rows=0,
            facet="true",
            **{
                "facet.range": "published",
                "facet.range.start": f"{start.isoformat()}T00:00:00Z",
                "facet.range.end": f"{end.isoformat()}T00:00:00Z",
                "facet.range.gap": _GAPS[unit],
                "facet.mincount": 0,
            },
        )
        ranges = found.raw_response["facet_counts"]["facet_ranges"]["published"]["counts"]
        counts = [(_day(k), int(c)) for k, c in zip(ranges[::2], ranges[1::2], strict=True)]
        return filled([(d, c) for d, c in counts if d], unit)

    periods = tuple(per_period(fq))
    settled = query.inferred_settled()  # what the dates filter settles is not asked again
    if settled is not None:
        return Timeline(unit, periods, undated, tuple(c if settled else 0 for _, c in periods))
    inferred = dict(per_period([*fq, f"dates_exact:{DATES_INFERRED}"]))
    return Timeline(unit, periods, undated, tuple(inferred.get(day, 0) for day, _ in periods))


def _pairs(flat) -> list[tuple[str, int]]:
    """Solr's [value, count, value, count, ...] as pairs, count desc then value."""
    flat = flat or []
    pairs = [(str(v), int(c)) for v, c in zip(flat[::2], flat[1::2], strict=True) if c]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value) >= 10:
        return date.fromisoformat(value[:10])
    return None
