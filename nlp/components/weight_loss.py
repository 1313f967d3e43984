"""A weight loss over a stated time beside a stated cancer: cancer cachexia by its consensus
definition (more than 5 % of body weight lost within 6 months; Fearon et al., Lancet Oncol
2011), a CONDITION fact ``cancer_cachexia`` whose text is the weight loss as written.

* "lost 8 kg in 3 months", "dropped 7 kg over the last 10 weeks", "Lost 9% of body weight in
  3 months", "10 % weight loss over 3 months", "weight down from 80 to 72 kg over the last 2
  months", "In the past 3 months he went from 82 to 74 kg": an amount and a window.
* The loss counts when it is 5 % or more of the weight before it (the start weight said with
  it: "from 80", "went from 62 to 54 kg", "(he was 78 kg)"), or, with no weight known, 5 kg
  (11 lb) or more, an assumptive loss as the registry's cachexia criteria allow; and the window
  is 6 months or less. "Lost a bit of weight", "lost 8 kg since spring" (no window) and
  "lost 3 kg in a year" give nothing.
* A weight said to hold ("weight stable", "he hasn't lost any weight", "no weight loss",
  "appetite and weight are fine") is no cachexia: a negated fact, so a cachexia trial (more
  than 5 % lost) is not offered as the patient's condition (h142, round 30).
* Only beside a cancer the text states as the patient's (asserted, not negated, a relative's,
  hypothetical or suspected): a weight loss with Crohn's disease is no cachexia.

A trial for cancer cachexia (``complication_of: [malignancy]``) stays open and ranks after the
cancer's own for every cancer patient; for one whose weight loss is stated it is the patient's
own condition and ranks with them. The words are data: ``weight_loss`` in
data/nlp/extraction.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.facts import Fact
from nlp.components.stages import is_cancer
from nlp.resources import regex_section

_ANY = re.compile(r"\b(?:lost|los(?:e|ing)|dropped|drop|shed|down|went|gone|fallen|fell|weight)\b", re.IGNORECASE)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "couple of": 2}
_DAYS = {"week": 7, "wk": 7, "month": 30.4, "mo": 30.4}
CONCEPT = "cancer_cachexia"
MOST_DAYS = 183         # six months
LEAST_PERCENT = 5.0
LEAST_KG = 5.0          # no weight before it known


@dataclass(frozen=True)
class WeightLossWords:
    losses: tuple          # patterns with groups n, u (amount) or a, b, u (from a to b), w, wu (window)
    start_weight: re.Pattern
    denials: tuple         # "weight stable", "hasn't lost any weight", "no weight loss": no cachexia


@lru_cache(maxsize=1)
def weight_loss_words() -> WeightLossWords:
    return regex_section(WeightLossWords, "weight_loss")


def weight_loss_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The cachexia facts ``text`` states (see the module docstring); ``facts`` are the facts
    already read from it (its cancer is theirs)."""
    if not text or not _ANY.search(text) or not any(
            f.label == "CONDITION" and is_cancer(f.concept) and not (f.negated or f.family or f.hypothetical or f.uncertain)
            for f in facts):
        return []
    words = weight_loss_words()
    for pattern in words.losses:
        for match in pattern.finditer(text):
            if _counts(match, text, words):
                return [Fact(label="CONDITION", concept=CONCEPT, text=match.group(0).strip(),
                             start=match.start(), end=match.end(), source=source)]
    for pattern in words.denials:   # "weight stable, eating well": no cachexia (h142, round 30)
        match = pattern.search(text)
        if match:
            return [Fact(label="CONDITION", concept=CONCEPT, text=match.group(0).strip(), start=match.start(),
                         end=match.end(), negated=True, source=source)]
    return []


def _counts(match: re.Match, text: str, words: WeightLossWords) -> bool:
    groups = match.groupdict()
    days = _window_days(groups.get("w"), groups.get("wu"))
    if days is None or days > MOST_DAYS:
        return False
    unit = (groups.get("u") or "kg").lower()
    if groups.get("a") and groups.get("b"):
        before, after = float(groups["a"].replace(",", ".")), float(groups["b"].replace(",", "."))
        return before > after > 0 and (before - after) / before * 100 >= LEAST_PERCENT
    amount = float(groups["n"].replace(",", "."))
    if unit.startswith("%") or unit.startswith("per"):
        return amount >= LEAST_PERCENT
    kg = amount * 0.4536 if unit.startswith(("lb", "pound")) else amount * 6.35 if unit.startswith("st") else amount
    near = text[max(0, match.start() - 40):match.end() + 40]
    start = words.start_weight.search(near)
    if start:
        weight = float(start.group("sw").replace(",", "."))
        if weight > kg:
            return kg / weight * 100 >= LEAST_PERCENT
    return kg >= LEAST_KG


def _window_days(count: str | None, unit: str | None) -> float | None:
    if not unit:
        return None
    count = (count or "1").lower().strip()
    number = _NUMBERS.get(count)
    if number is None:
        try:
            number = float(count)
        except ValueError:
            return None
    unit = unit.lower()
    per = next((d for u, d in _DAYS.items() if unit.startswith(u)), None)
    return None if per is None else number * per
