"""The toxicity leaf: a side effect of earlier anticancer therapy still present ("Persistent
toxicities (CTCAE Grade >= 2) caused by previous anticancer therapy, excluding alopecia").

The leaf gives the CTCAE grade the side effect counts from (``grade``) and the kinds that do
not count (``except``: alopecia, nail changes). Judged from the patient's TOXICITY facts, the
latest said:

* the answer to the question in everyday words (data/questions.yaml, kind ``toxicity``, read
  by matching/answers.py), the worst side effect left: none (negated), only hair loss or nail
  changes (status ``cosmetic_only``), mild (value 1, status ``worst``: does not limit daily
  life) or one that limits daily life (value 2 at least: CTCAE grade 2 at least);
* a text (nlp/components/toxicities.py): none left (negated), "grade 2 neuropathy from
  vincristine" (value 2 at least), "still has numbness from the chemo" (1 at least), "still
  has hair loss from the chemo" (status ``cosmetic``): one side effect, not the worst.

True when a side effect of a counted kind is at the leaf's grade or worse ("limits daily life"
or "grade 2 neuropathy" against grade 1 or 2; "mild" against grade 1; hair loss or nail
changes against grade 1 with no kind left out). False when none is left, when the answer says
the worst is mild against grade 2 or worse, or only hair loss or nail changes against a leaf
leaving both out. Unknown otherwise: nothing said (asked); a text's one side effect below the
grade (asked: another may be worse); an answer that cannot settle it ("limits daily life"
against grade 3: grade 2 or 3 is the trial team's; not asked again). Never a failed criterion
on silence.
"""
from __future__ import annotations

from core.truth import FALSE, TRUE, UNKNOWN
from matching.evidence import Evidence
from matching.leaf_result import LeafResult

LABELS = ("TOXICITY",)
ASK = "toxicity"
COSMETIC = "cosmetic"                       # hair loss or nail changes are there (a text says so)
COSMETIC_ONLY = "cosmetic_only"             # only hair loss or nail changes are left (the answer)
WORST = "worst"                             # the answer names the worst side effect left
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
    answered = fact.status in (WORST, COSMETIC_ONLY)
    if fact.negated:
        return LeafResult(leaf, FALSE, f"no side effects left from earlier cancer treatment stated ({asked} asked)",
                          [fact])
    if fact.status in (COSMETIC, COSMETIC_ONLY):
        if fact.status == COSMETIC_ONLY and COSMETIC_KINDS <= left_out:
            return LeafResult(leaf, FALSE, f"only hair loss or nail changes left stated, which do not count ({asked} asked)",
                              [fact])
        if grade == 1 and not left_out:
            return LeafResult(leaf, TRUE, f"hair loss or nail changes left from earlier cancer treatment stated ({asked} asked)",
                              [fact])
        return LeafResult(leaf, UNKNOWN, f"hair loss or nail changes left stated; whether {asked} is left "
                          "is not stated" + ("" if not answered else " (for the trial team)"), [fact],
                          ask=None if answered else ASK)
    level = int(fact.value or 0)
    if level >= grade:
        return LeafResult(leaf, TRUE, f"a side effect of earlier cancer treatment {_level_words(fact)} stated "
                          f"({asked} asked)", [fact])
    if answered and fact.comparator is None:
        return LeafResult(leaf, FALSE, f"only mild side effects left from earlier cancer treatment stated ({asked} asked)",
                          [fact])
    return LeafResult(leaf, UNKNOWN, f"a side effect of earlier cancer treatment {_level_words(fact)} stated; whether "
                      f"one is grade {grade} or worse is " + ("for the trial team" if answered else "not stated"),
                      [fact], ask=None if answered else ASK)


def _level_words(fact) -> str:
    level = int(fact.value or 0)
    if fact.status != WORST:
        return f"of grade {level} or worse" if level >= 2 else "still there"
    return "that limits daily life" if level >= 2 else "that is mild"


JUDGES = {"toxicity": toxicity}
