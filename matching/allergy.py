"""The allergy leaf: an allergy or hypersensitivity to a drug or drug class ("Known
hypersensitivity to fludarabine or its excipients").

True when the patient states an allergy to the substance or to a kind of it ("allergic to
amoxicillin" against a leaf on penicillins). An allergy to a class the substance belongs to
("allergic to antibiotics" against a leaf on amoxicillin) leaves it unknown and asked: people
name a class for one member of it.
False when the patient said there are no drug allergies ("NKDA", ``ANY_DRUG`` negated) or
no allergy to the substance or a class above it. An allergy said with doubt ("I might be
allergic to it") and anything not said leave the leaf unknown, and it is asked; an
intolerance (a side effect, "the nausea was too much") is no allergy and says nothing here.
"""
from __future__ import annotations

from core.facts import ANY_DRUG, Fact
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evidence import Evidence
from matching.leaf_result import LeafResult

LABELS = ("ALLERGY",)


def allergy(ev: Evidence, leaf: dict) -> LeafResult:
    substance = leaf["substance"]
    name = ev.label(substance)
    ask = f"allergy:{substance}"
    is_a = ev.terminology.is_a
    facts = [f for f in ev.facts(*LABELS) if not (f.family or f.hypothetical)]

    def covers(fact: Fact) -> bool:         # the substance or a kind of it
        return fact.concept == substance or is_a(fact.concept, substance)

    asserted = [f for f in facts if not f.negated and f.concept != ANY_DRUG]
    present = [f for f in asserted if covers(f)]
    sure = [f for f in present if not f.uncertain]
    if sure:
        reaction = f" ({sure[0].status})" if sure[0].status else ""
        return LeafResult(leaf, TRUE, f"allergy to {ev.label(sure[0].concept)}{reaction} stated", sure[:1])
    if present:
        return LeafResult(leaf, UNKNOWN, f"an allergy to {name} is mentioned as possible, not confirmed",
                          present[:1], ask=ask)
    broader = [f for f in asserted if is_a(substance, f.concept)]
    if broader:
        return LeafResult(leaf, UNKNOWN, f"an allergy to {ev.label(broader[0].concept)} is stated; whether it "
                          f"includes {name} is not", broader[:1], ask=ask)
    # "not allergic to penicillins" speaks for amoxicillin; "not allergic to amoxicillin" not
    # for every penicillin; "no known drug allergies" for every drug
    none = [f for f in facts if f.negated and (f.concept == ANY_DRUG or f.concept == substance
                                                or is_a(substance, f.concept))]
    if none:
        if none[0].concept == ANY_DRUG:
            return LeafResult(leaf, FALSE, f"no drug allergies stated ({none[0].text!r})", none[:1])
        return LeafResult(leaf, FALSE, f"no allergy to {name} stated", none[:1])
    return LeafResult(leaf, UNKNOWN, f"an allergy to {name} is not mentioned", ask=ask)


JUDGES = {"allergy": allergy}
