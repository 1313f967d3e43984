"""The stage of the patient's cancer a text states: STAGE facts (``core.facts``), concept the
stage group as the stage leaf writes it ("IV", "IIIB").

* "stage 4 lymphoma", "DLBCL, stage IIIB", "my breast cancer is stage IV", "Ann Arbor IIIB",
  "肺癌IV期": a stage beside a cancer the text names. The nearest condition in the stage's
  sentence must be a cancer (``is_cancer``): "stage 3 chronic kidney disease", "CKD stage 4",
  "stage 2 hypertension" are no cancer stage. A staging system of cancers ("Ann Arbor",
  "FIGO", "AJCC", "Lugano") before the group is enough on its own.
* "stage II at diagnosis", "initially stage 2", "history of stage I breast cancer" (the cancer
  of the past): a stage of the past (``historical``); "now stage IV" is now. "not stage 4": negated. "maybe stage 3", "stage 4 I think": uncertain.
* Two stages said as one ("stage 3 or 4", "stage III-IV") give no fact (the stage is asked).

The words are data: the ``stages`` section of ``data/nlp/extraction.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.facts import Fact
from data.terminology import load_terminology
from nlp.resources import regex_section

_ANY_STAGE = re.compile(r"stage|arbor|figo|ajcc|lugano|期", re.IGNORECASE)     # a quick look before the patterns
_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV", "一": "I", "二": "II", "三": "III", "四": "IV"}
# the broadest cancer concepts: a condition below one of them is a cancer
_CANCERS = ("malignancy", "solid_tumor", "hematologic_malignancy")


@dataclass(frozen=True)
class StageWords:
    stage: re.Pattern
    system: re.Pattern
    zh: re.Pattern
    past_before: re.Pattern
    past_after: re.Pattern
    now: re.Pattern
    negation: re.Pattern
    uncertain_before: re.Pattern
    uncertain_after: re.Pattern


@lru_cache(maxsize=1)
def stage_words() -> StageWords:
    return regex_section(StageWords, "stages")


def stage_group(number: str, letter: str | None = None) -> str | None:
    """The stage as the stage leaf writes it ("4", "b" -> "IVB"); None for no stage."""
    roman = _ROMAN.get(number, number.upper())
    if roman not in ("0", "I", "II", "III", "IV"):
        return None
    return roman + (letter.upper() if letter and roman != "0" else "")


def is_cancer(concept: str) -> bool:
    term = load_terminology()
    return concept in _CANCERS or any(term.is_a(concept, c) for c in _CANCERS)


def stage_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The STAGE facts ``text`` states (see the module docstring); ``facts`` are the facts
    already read from it (the conditions are theirs)."""
    if not text or not _ANY_STAGE.search(text):
        return []
    words = stage_words()
    conditions = [f for f in facts if f.label == "CONDITION" and not f.family]
    found: list[Fact] = []
    matches = [(m, False) for m in words.stage.finditer(text)]
    matches += [(m, True) for m in words.system.finditer(text)]
    matches += [(m, False) for m in words.zh.finditer(text)]
    taken: list[tuple[int, int]] = []
    for match, by_system in sorted(matches, key=lambda item: (item[0].start(), -item[0].end())):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue        # "Ann Arbor stage IV" read once
        group = stage_group(match.group("s"), match.group("l"))
        if group is None:
            continue
        sentence = _sentence(text, start, end)
        cancer = _nearest_cancer(conditions, start, end, sentence)
        if not by_system and cancer is None:
            continue
        if cancer is not None and (cancer.negated or cancer.hypothetical):
            continue        # "no sign of stage 4 disease", "if it were stage 4 lymphoma": no stage stated
        taken.append((start, end))
        before = text[sentence[0]:start]
        after = text[end:sentence[1]]
        previous = max((e for s, e in taken[:-1] if e <= start and e >= sentence[0]), default=sentence[0])
        between = text[previous:start]
        # the stage of a cancer of the past is of the past ("history of stage I breast cancer")
        historical = bool(words.past_after.search(after)) or (
            bool(words.past_before.search(between)) and not words.now.search(between)) or bool(
            cancer is not None and cancer.historical)
        found.append(Fact(label="STAGE", concept=group, text=text[start:end], start=start, end=end,
                          negated=bool(words.negation.search(before[-30:])),
                          uncertain=bool(words.uncertain_before.search(before[-30:]) or words.uncertain_after.search(after)),
                          historical=historical, source=source))
    return found


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)


def _nearest_cancer(conditions: list[Fact], start: int, end: int, sentence: tuple[int, int]) -> Fact | None:
    """The nearest condition of the stage's sentence when it is a cancer, else None."""
    near = [f for f in conditions if f.start >= sentence[0] and f.end <= sentence[1] and not (f.start >= start and f.end <= end)]
    if not near:
        return None
    nearest = min(near, key=lambda f: f.start - end if f.start >= end else start - f.end)
    return nearest if is_cancer(nearest.concept) else None
