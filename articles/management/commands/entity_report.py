"""The most named places, organizations and people, each with what looks wrong about it.

Flags: "likely duplicate of X" (a variant spelling, an acronym or the same initials as a
more named entity), "likely not an entity" (a dateline code, a word mostly written in lower
case, a unit or calendar word), "kind doubtful" and "country doubtful" (a region or sea filed
under one country). The same evidence `resolve_entities` weighs, read-only.
"""

from django.core.management.base import BaseCommand

from articles.ingest.reconcile import evidence, rules
from articles.ingest.reconcile.curated import curated


class Command(BaseCommand):
    help = "Print the top N entities of each kind, with flags (likely duplicate, not an entity)."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=50, help="entities per kind (default 50)")
        parser.add_argument("--kind", choices=["place", "organization", "person"], action="append")

    def handle(self, *args, **options):
        ev = evidence.load()
        flags: dict[int, list[str]] = {}
        for p in rules.propose(ev, curated()):
            flags.setdefault(p.subject.id, []).append(_flag(p))
        for kind in options["kind"] or ["place", "organization", "person"]:
            top = sorted(
                (n for n in ev.names.values() if n.kind == kind and n.articles),
                key=lambda n: (-n.articles, n.name),
            )[: options["top"]]
            self.stdout.write(f"\n{kind.capitalize()} — top {len(top)}")
            for n, name in enumerate(top, 1):
                where = f" [{name.country or '—'}]" if kind == "place" else ""
                flag = "; ".join(flags.get(name.id, []))
                self.stdout.write(
                    f"{n:4d}. {name.name}{where} — {name.articles:,} articles"
                    + (f"   ⚑ {flag}" if flag else "")
                )


def _flag(p: rules.Proposal) -> str:
    sure = "" if p.automatic else " (unsure)"
    if p.verdict == rules.SAME:
        return f"likely duplicate of {p.target.name}{sure}: {p.reason}"
    if p.verdict == rules.NOT_ENTITY:
        return f"likely not an entity{sure}: {p.reason}"
    if p.verdict == rules.KIND:
        return f"kind doubtful, likely {p.kind}{sure}: {p.reason}"
    if p.verdict == rules.COUNTRY:
        return f"country doubtful, likely {p.country or 'none'}{sure}: {p.reason}"
    return f"better name: {p.rename}"
