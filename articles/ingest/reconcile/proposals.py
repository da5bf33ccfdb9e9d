"""What a rule proposes about one stored entity, and how sure it is (reconcile.rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import Name

AUTO = 0.85
SUGGEST = 0.5
SAME, DIFFERENT, NOT_ENTITY, KIND, COUNTRY = "same", "different", "not_entity", "kind", "country"
ENTITY, RENAME = "entity", "rename"  # an editor's "this is an entity"; a better display name
VARIANT_SPELLING = "a variant spelling"  # one match key (stale_merges undoes an older one)
DEBRIS = "a dateline's debris"  # "TEHRAN- The World Bank": merged, but no alias of Tehran


@dataclass
class Proposal:
    verdict: str
    subject: Name
    target: Name | None = None  # SAME: the entity it is (any kind)
    kind: str = ""  # KIND: the right kind
    country: str = ""  # COUNTRY: ISO code, "" for a place spanning countries
    feature: str = ""
    rename: str = ""  # RENAME: the name to show
    score: float = 1.0
    reason: str = ""
    evidence: dict = field(default_factory=dict)

    @property
    def automatic(self) -> bool:
        return self.score >= AUTO
