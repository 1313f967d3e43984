"""The drugs of a class a person already named with an outcome ("infliximab did not help"),
for the count question about that class: its wording names them, its answer counts them."""
from __future__ import annotations

from typing import Iterable

from core.facts import Fact
from data.terminology import load_terminology
from matching.therapy import RESPONSES


def named_in_class(basis: Iterable[Fact], concept: str | None, detail: str | None) -> list[str]:
    """The different drugs of class ``concept`` the person already named with the asked
    outcome ("infliximab did not help" before "how many biologics did not work?"): the statuses
    the count leaf itself counts (``matching.therapy.RESPONSES``)."""
    if concept is None:
        return []
    term = load_terminology()
    wanted = RESPONSES.get(detail or "any")
    named: list[str] = []
    for f in basis:
        if (f.asserted and f.value is None and f.concept != concept and f.concept not in named
                and term.is_a(f.concept, concept) and (wanted is None or f.status in wanted)):
            named.append(f.concept)
    return named
