"""The result of judging one rule leaf, and of a whole rule, with the facts it rests on
(the truth values themselves are ``core.truth``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.facts import Fact
from matching.describe import describe_leaf


def quote(fact: Fact) -> dict[str, Any]:
    """Where a fact came from: the text span and the message."""
    return {"text": fact.text, "start": fact.start, "end": fact.end, "source": fact.source}


@dataclass
class LeafResult:
    """The judgement of one leaf: its truth, why (one sentence), the facts used, and the
    key of the question that would settle it when undecided."""

    leaf: dict
    value: str
    reason: str
    facts: list[Fact] = field(default_factory=list)
    ask: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": describe_leaf(self.leaf),
            "result": self.value,
            "reason": self.reason,
            "quotes": [quote(f) for f in self.facts],
        }


@dataclass
class RuleResult:
    """A rule's truth and the leaves that decided it (for a false ``all``, the false leaves;
    for an undecided rule, the undecided ones)."""

    value: str
    leaves: list[LeafResult]
