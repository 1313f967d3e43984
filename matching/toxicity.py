"""The toxicity leaf: a side effect of earlier anticancer therapy still present ("Persistent
toxicities (CTCAE Grade >= 2) caused by previous anticancer therapy, excluding alopecia").

The leaf gives the CTCAE grade the side effect counts from (``grade``) and the kinds that do
not count (``except``: alopecia, nail changes). Judged from the patient's TOXICITY facts: the
answer to the question in everyday words (data/questions.yaml, kind ``toxicity``), read by
matching/answers.py. The fact says the worst lasting side effect: none left (negated), only
hair loss or nail changes (status ``cosmetic``), mild (value 1: does not limit daily life) or
one that limits daily life (value 2: CTCAE grade 2 at least):

* True when a side effect of a counted kind is at the leaf's grade or worse: "limits daily
  life" against grade 1 or 2; "mild" against grade 1; hair loss or nail changes only against
  grade 1 with no kind left out.
* False when none is left, when the worst is mild against grade 2 or worse, or when only hair
  loss or nail changes are left and the leaf leaves both out.
* Unknown otherwise: nothing said (asked); "limits daily life" against grade 3 or 4 (grade
  2 or 3: the trial team grades it); hair loss or nail changes only when the leaf counts them
  at grade 2 or leaves out one of the two (the answer given, the trial team judges; not asked
  again). Never a failed criterion on silence.
"""
from __future__ import annotations

from core.truth import FALSE, TRUE, UNKNOWN
from matching.evidence import Evidence
from matching.leaf_result import LeafResult

LABELS = ("TOXICITY",)
ASK = "toxicity"
COSMETIC = "cosmetic"                       # only hair loss or nail changes are left
COSMETIC_KINDS = {"alopecia", "nail_changes"}


def wanted(leaf: dict) -> str:
    left_out = " and ".join(k.replace("_", " ") for k in leaf.get("except", []))
    return f"a side effect of earlier cancer treatment at grade {leaf['grade']} or worse" + \
        (f", {left_out} not counted" if left_out else "")


def toxicity(ev: Evidence, leaf: dict) -> LeafResult:
    grade = int(leaf["grade"])
    left_out = set(leaf.get("except", []))
    asked = wanted(leaf)
    facts = [f for f in ev.facts(*LABELS) if not (f.family or f.hypothetical or f.uncertain)]
    if not facts:
        return LeafResult(leaf, UNKNOWN, "side effects left from earlier cancer treatment are not mentioned", ask=ASK)
    fact = facts[-1]            # the latest said
    if fact.negated:
        return LeafResult(leaf, FALSE, f"no side effects left from earlier cancer treatment stated ({asked} asked)",
                          [fact])
    if fact.status == COSMETIC:
        if COSMETIC_KINDS <= left_out:
            return LeafResult(leaf, FALSE, f"only hair loss or nail changes left stated, which do not count ({asked} asked)",
                              [fact])
        if grade == 1 and not left_out:
            return LeafResult(leaf, TRUE, f"hair loss or nail changes left from earlier cancer treatment stated ({asked} asked)",
                              [fact])
        return LeafResult(leaf, UNKNOWN, f"hair loss or nail changes left stated; whether they count as {asked} "
                          "is for the trial team", [fact])
    level = int(fact.value or 0)
    if level >= grade:
        return LeafResult(leaf, TRUE, f"a side effect of earlier cancer treatment {_level_words(level)} stated "
                          f"({asked} asked)", [fact])
    if level == 1:
        return LeafResult(leaf, FALSE, f"only mild side effects left from earlier cancer treatment stated ({asked} asked)",
                          [fact])
    return LeafResult(leaf, UNKNOWN, f"a side effect of earlier cancer treatment {_level_words(level)} stated; whether it "
                      f"is grade {grade} or worse is for the trial team", [fact])


def _level_words(level: int) -> str:
    return "that limits daily life" if level >= 2 else "that is mild"


JUDGES = {"toxicity": toxicity}
