"""Only the background drugs the inclusion criteria allow.

A trial of a new diabetes medicine asks for a stable background of some drugs in one inclusion
criterion ("Stable daily dose(s) ... of the following antidiabetic drug(s) ...: metformin with
or without sodium-glucose co-transporter 2 (SGLT2) inhibitor") and excludes every other
medicine for the condition in an exclusion criterion that names no drug itself ("Treatment
with any medication for the indication of diabetes or obesity other than stated in the
inclusion criteria within 90 days before screening"). Read alone the exclusion is for the
team; read with the inclusion it is a therapy leaf for each class of the condition's medicines
(``implied_by_therapy`` of data/evidence.yaml: the medicines taken (nearly) only for it) with
the allowed drugs excepted, taken now (the exclusion's window reaches back from screening). A patient on metformin and gliclazide
meets it; one on metformin alone does not (h172, round 36).

``background_rule(exclusion text, inclusion texts)`` is called by the importer
(``registry.criteria_text``), which holds the record's criteria together; the words are
``other_than_inclusion`` in data/nlp/criteria_cues.yaml."""
from __future__ import annotations

from typing import Iterable

from data.condition_names import implied_by_therapy, kind_of
from data.terminology import load_terminology
from nlp.criteria.cues import load_cues
from nlp.pipeline import extract


def background_rule(text: str, inclusions: Iterable[str]) -> dict | None:
    """The exclusion ``text`` of every medicine for a condition other than those the
    inclusion criteria (``inclusions``, their texts) name, as a rule; None when the text is
    no such exclusion, names no condition with medicines of its own, or no inclusion names
    one of its medicines."""
    cues = load_cues()
    found = next((m for p in cues.patterns.get("other_than_inclusion", ()) if (m := p.search(text))), None)
    if found is None:
        return None
    terminology = load_terminology()
    indications = {f.concept for f in extract(found.group("indication"))
                   if f.label == "CONDITION" and f.concept in terminology}
    classes = list(dict.fromkeys(
        therapy for therapy, condition in implied_by_therapy()
        if therapy in terminology and condition in terminology
        and any(kind_of(condition, c, terminology) for c in indications)))
    if not classes:
        return None
    # "metformin with or without SGLT2 inhibitor": the "without" is no absence here
    allowed = list(dict.fromkeys(
        f.concept for line in inclusions for f in extract(line)
        if f.label == "DRUG" and f.concept in terminology
        and any(f.concept == c or terminology.is_a(f.concept, c) for c in classes)))
    if not allowed:
        return None
    leaves = []
    for therapy in classes:
        if therapy in allowed:
            continue            # the class itself allowed: nothing of it excludes
        # taken now: the background the trial asks to be stable (a washout window would make
        # a drug taken now the team's question, and any past use would exclude too much)
        leaf: dict = {"type": "therapy", "concept": therapy, "response": "current"}
        kept = [a for a in allowed if terminology.is_a(a, therapy)]
        if kept:
            leaf["except"] = kept
        leaves.append(leaf)
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else {"any": leaves}

