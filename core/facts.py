"""Typed facts extracted from text, and the patient profile merged from them.

These types are the contract between ``nlp/`` (which fills them) and ``matching/`` (which
judges criteria against them). They are plain dataclasses so they serialise to JSON as is.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Iterable, Iterator

# Fact labels. The concept of a fact is an id from data/terminology (or, for AGE, SEX,
# PREGNANCY, WEIGHT, LOCATION, a fixed id named below).
LABELS = (
    "CONDITION",   # concept: a condition id (conditions.yaml)
    "DRUG",        # concept: a therapy id (therapies.yaml), drug or drug class
    "PROCEDURE",   # concept: a procedure id (therapies.yaml, kind: procedure)
    "LAB",         # concept: an analyte id (labs.yaml); value/unit/normalised/comparator
    "SCORE",       # concept: a score id (scores.yaml); value
    "INFECTION",   # concept: an infection id (infections.yaml); status positive/negative/active
    "BIOMARKER",   # concept: a biomarker id (biomarkers.yaml); status positive/negative; value %
    "AGE",         # concept "age"; value in years
    "SEX",         # concept "female" | "male"
    "PREGNANCY",   # concept "pregnant" | "lactating" | "planning"
    "WEIGHT",      # concept "weight"; value in kg (value_normalized)
    "LOCATION",    # concept: a place name as written (for the nearest site)
    "STAGE",       # concept: the stage of the patient's cancer as the stage leaf writes it
                   # ("IV", "IIIB"; nlp/components/stages.py)
    "TOXICITY",    # concept "toxicity": the worst side effect of earlier cancer treatment still
                   # there (matching/toxicity.py): negated none left; status "cosmetic" only hair
                   # loss or nail changes; value 1 mild, 2 limits daily life
    "ALLERGY",     # concept: a therapy id the patient is allergic to, or ANY_DRUG ("no known drug
                   # allergies": negated); status: the reaction when said ("anaphylaxis", "rash")
)
# the concept of an ALLERGY fact that speaks for every drug ("NKDA", "no drug allergies")
ANY_DRUG = "any_drug"

# Drug / procedure status values
STATUS_FAILED = "failed"          # tried, did not work (refractory, relapsed on it)
STATUS_INTOLERANT = "intolerant"  # stopped for side effects / toxicity
STATUS_CURRENT = "current"        # taking it now
# a lab result said in words, with no number ("creatinine is normal", "platelets were low")
LAB_QUALITIES = ("normal", "low", "high")
# a lab's direction said with no number ("her CK keeps climbing", "platelets dropping again";
# h115, round 25): which way it moves, no level; matching never judges a threshold on it
LAB_TRENDS = ("rising", "falling")
# infection / biomarker status values: "positive", "negative", "active"


@dataclass
class Fact:
    """One thing the text says about the patient, with where it says it."""

    label: str
    concept: str
    text: str
    start: int = 0
    end: int = 0
    # context (medspaCy ConText)
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertain: bool = False
    # measurements
    value: float | None = None
    unit: str | None = None
    value_normalized: float | None = None
    unit_normalized: str | None = None
    comparator: str | None = None        # "<", "<=", ">", ">=", "=="; None means "="
    # a range ("platelets 20-30", "hb between 8 and 9"): its top, in the unit of ``value``
    # (the bottom is ``value``, with comparator ">=": a reader that ignores this field reads
    # "at least the bottom", which is still true)
    value_high: float | None = None
    uln_multiple: float | None = None    # "3x ULN": value expressed as a multiple of ULN
    # therapies, infections, biomarkers: failed / intolerant / current / positive / negative / active
    status: str | None = None
    # time: ISO date (YYYY, YYYY-MM or YYYY-MM-DD) of onset / diagnosis / last dose,
    # and a duration in days ("for 6 years") when that is what the text gives
    date: str | None = None
    duration_days: float | None = None
    # a treatment still taken now although its status says it failed ("still on prednisone
    # even though it doesn't work"): the one status keeps the outcome, this keeps "now"
    ongoing: bool = False
    # provenance: which message (event) of the conversation the fact came from
    source: str | None = None
    implausible: bool = False            # value outside the analyte's plausible range
    # a family fact that is the writer's own illness, a relative writing ("asking for my
    # husband ... i have diabetes myself"): shown as the writer's, not as the patient's family
    # history (h165, round 35)
    writer: bool = False

    @property
    def said_in_words(self) -> bool:
        """A lab result given as a word (``LAB_QUALITIES``, or a direction of ``LAB_TRENDS``),
        not as a value."""
        return self.value is None and self.uln_multiple is None and self.status in LAB_QUALITIES + LAB_TRENDS

    @property
    def asserted(self) -> bool:
        """The fact is said to hold for this patient (not negated, not hypothetical, not family)."""
        return not (self.negated or self.hypothetical or self.family)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fact":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


_PLACE = frozenset({"text", "start", "end"})       # where a mention is, not what it says
_OUTCOMES = frozenset({"failed", "intolerant"})    # how a treatment went, kept by a later bare mention


@dataclass
class Profile:
    """Everything known about one patient, merged across messages.

    Later facts about the same thing replace earlier ones (a correction wins), except for
    facts that accumulate (several drugs, several conditions). ``key`` says what "the same
    thing" is for each label.
    """

    facts: list[Fact] = field(default_factory=list)

    @staticmethod
    def key(fact: Fact) -> tuple:
        if fact.label in ("AGE", "SEX", "WEIGHT"):
            return (fact.label,) if not fact.family else (fact.label, "family")   # a relative's age never replaces the patient's
        if fact.label == "PREGNANCY":
            return (fact.label, fact.concept)
        if fact.label in ("LAB", "SCORE"):
            return (fact.label, fact.concept)
        return (fact.label, fact.concept, fact.family, fact.hypothetical)

    @classmethod
    def merge(cls, batches: Iterable[Iterable[Fact]]) -> "Profile":
        """Merge facts from several messages in order; a later fact about the same key wins,
        keeping what it does not say again (``carried``)."""
        merged: dict[tuple, Fact] = {}
        for batch in batches:
            for fact in batch:
                old = merged.pop(cls.key(fact), None)
                merged[cls.key(fact)] = fact if old is None else cls.carried(old, fact)
        return cls(list(merged.values()))

    @staticmethod
    def carried(old: Fact, new: Fact) -> Fact:
        """A later mention of a treatment that says nothing of how it went ("he had 7+3 and
        then FLAG-Ida" after "AML that came back after chemo") keeps the outcome and the time
        already known; one that says how it went, or denies or doubts it, replaces it. A
        disease named again with no time keeps the time known."""
        if (new.label in ("DRUG", "PROCEDURE") and new.status is None and old.status in _OUTCOMES
                and not (new.negated or new.uncertain or old.negated or old.uncertain)):
            return replace(new, status=old.status, ongoing=old.ongoing and not new.historical,
                           date=new.date or old.date,
                           duration_days=old.duration_days if new.duration_days is None else new.duration_days)
        if (new.label in ("CONDITION", "INFECTION") and new.date is None and new.duration_days is None
                and (old.date is not None or old.duration_days is not None)
                and not (new.negated or new.uncertain or old.negated or old.uncertain)):
            # "is car-t even a thing for uc?" after "UC, diagnosed 8 months ago": the disease named
            # again with no time keeps the time known (lead, round 32)
            return replace(new, date=old.date, duration_days=old.duration_days)
        return new

    @classmethod
    def of_text(cls, facts: Iterable[Fact]) -> "Profile":
        """The facts of one text (a letter): every mention kept, except a mention that says
        exactly what an earlier one said (the same thing with the same assertion, value,
        status and time; only its words and place differ): a drug named twice, once with its
        outcome, keeps both; a letter naming lupus 300 times is judged on one mention."""
        kept: dict[tuple, Fact] = {}
        for fact in facts:
            kept.setdefault(tuple(v for k, v in fact.__dict__.items() if k not in _PLACE), fact)
        return cls(list(kept.values()))

    def add(self, facts: Iterable[Fact]) -> "Profile":
        return Profile.merge([self.facts, list(facts)])

    def remove(self, label: str, concept: str) -> "Profile":
        return Profile([f for f in self.facts if not (f.label == label and f.concept == concept)])

    # --- lookups used by matching ---
    def of(self, *labels: str) -> Iterator[Fact]:
        return (f for f in self.facts if f.label in labels)

    def first(self, label: str) -> Fact | None:
        return next(self.of(label), None)

    def lab(self, analyte: str) -> Fact | None:
        return next((f for f in self.of("LAB") if f.concept == analyte and not f.implausible), None)

    def score(self, score: str) -> Fact | None:
        return next((f for f in self.of("SCORE") if f.concept == score), None)

    def own(self, label: str) -> Fact | None:
        """The first fact of ``label`` about the patient (not a relative's age or sex)."""
        return next((f for f in self.of(label) if not f.family), None)

    @property
    def age(self) -> float | None:
        fact = self.own("AGE")
        return None if fact is None or fact.implausible else fact.value

    @property
    def sex(self) -> str | None:
        fact = self.own("SEX")
        return fact.concept if fact else None

    @property
    def weight_kg(self) -> float | None:
        fact = self.own("WEIGHT")
        return None if fact is None or fact.implausible else fact.value_normalized

    def to_dict(self) -> dict[str, Any]:
        return {"facts": [f.to_dict() for f in self.facts]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Profile":
        return cls([Fact.from_dict(f) for f in data.get("facts", [])])


def facts_key(facts: Iterable[Fact]) -> tuple:
    """A hashable key of facts, every field included (memos of what facts decide)."""
    return tuple(tuple(_hashable(v) for v in vars(fact).values()) for fact in facts)


def _hashable(value: object) -> object:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)
