"""medspaCy ConText with our rules (``data/context_rules.json``).

ConText gives each fact span its modifiers: negation, uncertainty, history, hypothesis and
family (the standard categories, which set ``is_negated`` and friends), plus our own
categories read by ``nlp.components.status``: therapy outcome (THERAPY_FAILED,
THERAPY_INTOLERANT, THERAPY_CURRENT) and results (RESULT_POSITIVE, INFECTION_ACTIVE).
The rules are loaded through ``nlp.resources`` (validated; ``terminated_by`` supported,
which medspaCy's own JSON reader does not accept). A negation rule with metadata
``{"past": true}`` ("never had", "has not received") speaks about all of the past: the
fact it negates is also historical (``past_negation``).
"""
from __future__ import annotations

from spacy.language import Language

from nlp.resources import context_rules

CONTEXT_PIPE = "medspacy_context"


def _rule(raw: dict):
    from medspacy.context import ConTextRule

    return ConTextRule(
        literal=raw["literal"],
        category=raw["category"],
        pattern=raw.get("pattern"),
        direction=raw["direction"],
        allowed_types=set(raw["allowed_types"]) if raw.get("allowed_types") else None,
        excluded_types=set(raw["excluded_types"]) if raw.get("excluded_types") else None,
        max_scope=raw.get("max_scope"),
        max_targets=raw.get("max_targets"),
        terminated_by=set(raw["terminated_by"]) if raw.get("terminated_by") else None,
        metadata=raw.get("metadata"),
    )


def past_negation(span) -> bool:
    """Negated by a cue about all of the past ("never had a biologic")."""
    return any(m.category == "NEGATED_EXISTENCE" and (m.rule.metadata or {}).get("past") for m in span._.modifiers)


def add_context(nlp: Language) -> None:
    """Append medspaCy's ConText to ``nlp`` with the rules of data/context_rules.json."""
    import medspacy.context  # noqa: F401  (registers the "medspacy_context" factory)

    context = nlp.add_pipe(CONTEXT_PIPE, config={"rules": None})
    context.add([_rule(raw) for raw in context_rules()])
