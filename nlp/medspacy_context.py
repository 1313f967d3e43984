"""medspaCy's ConText, imported without the parts of medspaCy the pipeline does not use.

``import medspacy.context`` first runs ``medspacy/__init__``, which imports every medspaCy
component (PyRuSH sentence splitter, target matcher, sectionizer, pre- and post-processors,
I/O) and then sets medspaCy's span extensions; and ConText's own modules import
``medspacy.util``, which imports QuickUMLS, which runs ``import nltk``: NLTK's
``__init__`` imports nearly all of NLTK. Together about 0.4 s of the chat's start-up, for
code the pipeline never calls (QuickUMLS touches NLTK only when it runs).

``load_context()`` makes the ``medspacy`` and ``nltk`` package modules without running
their ``__init__`` (*lazy packages*), imports ``medspacy.context`` and sets medspaCy's
span extensions itself (ConText's ``max_scope`` reads ``Span._.window``). ConText is the
same code either way. The packages stay whole for anyone else: the first use of a name a
lazy package does not hold yet (``medspacy.load``, ``nltk.corpus``, ``from medspacy
import components``) runs its ``__init__`` then.
"""
from __future__ import annotations

import importlib
import threading
from types import ModuleType

from nlp.lazy_imports import lazy_package
from nlp.resources import vocabulary

PACKAGE = "medspacy"
# imported by medspaCy's modules at import time, used only when a component runs
LAZY_PACKAGES = (PACKAGE, "nltk")
_lock = threading.Lock()


def load_context() -> ModuleType:
    """The ``medspacy.context`` module (registers the ``medspacy_context`` factory)."""
    with _lock:
        for name in LAZY_PACKAGES:
            lazy_package(name)
        context = importlib.import_module(f"{PACKAGE}.context")
        importlib.import_module(f"{PACKAGE}._extensions").set_extensions()   # idempotent
        _mend_scope_overlap(importlib.import_module(f"{PACKAGE}.context.context_modifier"))
        return context


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two half-open spans share a token (either may hold the other)."""
    return a[0] < b[1] and b[0] < a[1]


# categories that end a scope as a TERMINATE cue does, for the rules naming them in
# terminated_by (data/context_rules.json: CLAUSE, ", they mentioned")
CLAUSE_CATEGORIES = frozenset({"CLAUSE"})
# a treatment's outcome and sequence cues keep medspaCy's test: "fine for a while on
# azathioprine but then it flared" is a failure across the "but"
OUTCOME_PREFIXES = ("THERAPY_", "PRIOR")


def _postposed_now(self, other) -> bool:
    """A treatment's own "now" written right before an outcome said after it ("eltrombopag
    now, not much better", "romiplostim now - no better"): the "now" (a ``still_taken_right_after``
    word of data/nlp/extraction.yaml that is a current cue) says the treatment goes on; it
    does not end the outcome's reach back to it. Only a backward failure cue that begins
    where the "now" ends."""
    return (self.category.upper() == "THERAPY_FAILED" and self.direction.lower() == "backward"
            and other.category.upper() == "THERAPY_CURRENT" and other.modifier_span[1] == self.modifier_span[0]
            and other.rule.literal.lower() in _now_words())


def _now_words() -> frozenset[str]:
    global _NOW_WORDS
    if _NOW_WORDS is None:
        _NOW_WORDS = frozenset(str(w).lower() for w in vocabulary().get("still_taken_right_after") or ())
    return _NOW_WORDS


_NOW_WORDS: frozenset[str] | None = None


def _mend_scope_overlap(module: ModuleType) -> None:
    """medspaCy's ``ConTextModifier.limit_scope`` asks ``tuple_overlaps(own scope, other's
    scope)`` before a terminator may shorten a scope; that test misses a scope lying wholly
    inside the other's. A terminator's scope is its whole sentence, so a cue whose scope
    ``max_scope`` keeps off both ends of the sentence was never cut by it: in "lupus for
    roughly 3 yrs now, i take hydroxychloroquine, my rheumy said belimumab might be next" the
    ", my" did not stop "might be next" (scope 8) from making the hydroxychloroquine a plan.
    Here a TERMINATE cue (and a CLAUSE a rule names in terminated_by, and an outcome cue
    opened by the word that ends a clause: ``"metadata": {"ends_clause": true}``, "but it came
    back") cuts every scope it lies in, except a treatment's outcome or sequence cue. Commas and cues of the same kind
    keep medspaCy's test: many rules name COMMA in terminated_by, and lists such as
    "steroids, azathioprine (no good)" are read through it."""
    cls = module.ConTextModifier
    if getattr(cls.limit_scope, "mended", False):
        return
    original = cls.limit_scope

    def limit_scope(self, other) -> bool:
        if _postposed_now(self, other):
            return False
        if (self.direction.upper() != "TERMINATE" and not self.category.upper().startswith(OUTCOME_PREFIXES)
                and (other.direction.upper() == "TERMINATE" or (other.rule.metadata or {}).get("ends_clause")
                     or (other.category.upper() in CLAUSE_CATEGORIES and other.category.upper() in self.rule.terminated_by))
                and spans_overlap(self.scope_span, other.scope_span)):
            before = self.scope_span
            if self.direction.lower() in ("forward", "bidirectional") and other > self:
                self._scope_end = min(self._scope_end, other.modifier_span[0])
            if self.direction.lower() in ("backward", "bidirectional") and other < self:
                self._scope_start = max(self._scope_start, other.modifier_span[1])
            return before != self.scope_span
        return original(self, other)

    limit_scope.mended = True
    cls.limit_scope = limit_scope
