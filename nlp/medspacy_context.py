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
# cues that end a treatment outcome's reach, wherever their scope lies, in a rule that names them
# in terminated_by: a remission between a treatment and a relapse says the treatment worked ("did
# the chemo, had radiotherapy, in remission for a yr then relapsed": neither failed; h170, round 36)
OUTCOME_ENDS = frozenset({"REMISSION"})
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


class _Traits:
    """What ``limit_scope`` reads of a ConText rule, read once per rule (medspaCy's
    ``ConTextRule`` upper-cases its category and direction when it is made; they are not
    changed after)."""

    __slots__ = ("rule", "category", "direction", "terminate", "outcome", "ends_clause", "cut", "transparent")

    def __init__(self, rule):
        self.rule = rule
        self.category = rule.category.upper()
        self.direction = rule.direction.upper()
        self.terminate = self.direction == "TERMINATE"
        self.outcome = self.category.startswith(OUTCOME_PREFIXES)
        self.ends_clause = bool((rule.metadata or {}).get("ends_clause"))
        # an outcome cue a clause's end cuts all the same (``"metadata": {"cut_at_clause": true}``:
        # "consolidation with nelarabine; MRD still 0.4%": the "still" is the MRD's)
        self.cut = bool((rule.metadata or {}).get("cut_at_clause"))
        # a cue that cuts no other kind's scope (``"metadata": {"transparent": true}``: "azathioprine
        # so far, not helping much": the "so far" of taking now leaves the failure's reach back)
        self.transparent = bool((rule.metadata or {}).get("transparent"))


_TRAITS: dict[int, _Traits] = {}


def _traits(rule) -> _Traits:
    traits = _TRAITS.get(id(rule))
    if traits is None or traits.rule is not rule:
        traits = _TRAITS[id(rule)] = _Traits(rule)
    return traits


def tuple_overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """medspaCy's ``tuple_overlaps`` (``medspacy.util``): ``b`` starts or ends inside ``a``."""
    return a[0] <= b[0] < a[1] or a[0] < b[1] <= a[1]


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
        # medspaCy's update_scopes asks this of every pair of a text's cues: the tests that
        # answer False without a change are made first, from each rule's traits read once
        # (``_traits``); the same answers and scopes as the tests written out in full
        scope, others = (self._scope_start, self._scope_end), (other._scope_start, other._scope_end)
        if not (spans_overlap(scope, others) or tuple_overlaps(scope, others)):
            return False        # neither test below can pass (medspaCy's asks tuple_overlaps first)
        rule, other_rule = self._context_rule, other._context_rule
        mine, theirs = _traits(rule), _traits(other_rule)
        if mine.terminate:
            return False        # below: never mended, and medspaCy's leaves a TERMINATE cue alone
        if mine.category == "THERAPY_FAILED" and _postposed_now(self, other):
            return False
        if ((not mine.outcome or mine.cut)
                and (theirs.terminate or theirs.ends_clause
                     or (theirs.category in CLAUSE_CATEGORIES and theirs.category in rule.terminated_by))
                and spans_overlap(scope, others)) or (
                mine.outcome and theirs.category in OUTCOME_ENDS and theirs.category in rule.terminated_by
                and spans_overlap(scope, others)):
            if mine.direction in ("FORWARD", "BIDIRECTIONAL") and other._start > self._start:
                self._scope_end = min(self._scope_end, other._start)
            if mine.direction in ("BACKWARD", "BIDIRECTIONAL") and other._end < self._end:
                self._scope_start = max(self._scope_start, other._end)
            return scope != (self._scope_start, self._scope_end)
        if theirs.transparent and theirs.category != mine.category:
            return False
        if not theirs.terminate and theirs.category not in rule.terminated_by and theirs.category != mine.category:
            return False        # medspaCy's: no cue that may cut this one's scope
        return original(self, other)

    limit_scope.mended = True
    cls.limit_scope = limit_scope
