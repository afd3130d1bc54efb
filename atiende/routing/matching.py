"""Which routing rule a ticket matches, and whom to give it to (pure: no ORM).

Rules and facts arrive as plain values; services load them. Kept apart so the choice of agent
(round robin, least load, capacity, skills) is tested without a database and reads in one place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Lower case without accents: "Facturación" and "FACTURACION" read alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Facts:
    """What rules may look at on an arriving ticket."""

    language: str = ""  # the requester's, e.g. "en" ("en-US" reads as "en")
    segment: str = ""
    sector_id: int | None = None
    plan_id: int | None = None
    channel: str = ""
    text: str = ""  # subject and first message, folded
    custom_fields: Mapping[str, object] = field(default_factory=dict)
    facts: Mapping[str, object] = field(default_factory=dict)  # tickets/facts.py, those rules name


@dataclass(frozen=True)
class RuleSpec:
    id: int
    languages: Sequence[str] = ()
    segments: Sequence[str] = ()
    sector_ids: frozenset[int] = frozenset()
    plan_ids: frozenset[int] = frozenset()
    channels: Sequence[str] = ()
    keywords: Sequence[str] = ()
    field_key: str = ""
    field_value: str = ""
    facts: Mapping[str, Sequence[str]] = field(default_factory=dict)  # fact -> values, any of which holds


def base_language(code: str) -> str:
    return (code or "").split("-")[0].split("_")[0].strip().lower()


def rule_matches(rule: RuleSpec, facts: Facts) -> bool:
    """Every condition the rule sets holds (an empty condition holds for anything)."""
    if rule.languages and base_language(facts.language) not in {base_language(lang) for lang in rule.languages}:
        return False
    if rule.segments and facts.segment not in rule.segments:
        return False
    if rule.sector_ids and facts.sector_id not in rule.sector_ids:
        return False
    if rule.plan_ids and facts.plan_id not in rule.plan_ids:
        return False
    if rule.channels and facts.channel not in rule.channels:
        return False
    if rule.keywords and not any(fold(word) and fold(word) in facts.text for word in rule.keywords):
        return False
    if rule.field_key and fold(str(facts.custom_fields.get(rule.field_key, ""))) != fold(rule.field_value):
        return False
    return all(not wanted or facts.facts.get(name) in wanted for name, wanted in rule.facts.items())


def first_match(rules: Sequence[RuleSpec], facts: Facts) -> RuleSpec | None:
    return next((rule for rule in rules if rule_matches(rule, facts)), None)


@dataclass(frozen=True)
class Candidate:
    """A member of the team who is available now and has the skill the ticket needs."""

    agent_id: int
    load: int  # open tickets assigned to them
    capacity: int


def choose_round_robin(candidates: Sequence[Candidate], last_agent_id: int | None) -> Candidate | None:
    """The next agent after the last one served (by id, wrapping), skipping those at capacity."""
    free = sorted((c for c in candidates if c.load < c.capacity), key=lambda c: c.agent_id)
    if not free:
        return None
    after = [c for c in free if last_agent_id is None or c.agent_id > last_agent_id]
    return (after or free)[0]


def choose_least_load(candidates: Sequence[Candidate]) -> Candidate | None:
    """The agent with the fewest open tickets relative to capacity; ties to the lowest id."""
    free = [c for c in candidates if c.load < c.capacity]
    if not free:
        return None
    return min(free, key=lambda c: (c.load / c.capacity, c.load, c.agent_id))
