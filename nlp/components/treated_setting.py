"""Drug treatment since the cancer became advanced or spread, as people say it: CONDITION facts
of the status ``treated_advanced_disease`` (``data/terminology/disease_status.yaml``), judged by
the diagnosis leaf of the registries' "prior systemic therapy for advanced / metastatic disease"
(round 29, h139, issue #15; the leaf: nlp/criteria/therapy_setting.py).

* "she had chemo after surgery but nothing since it spread", "he hasn't had any treatment since
  the cancer spread", "no treatment for advanced disease yet", "转移以后没有再做过治疗": none given
  in that setting (negated). One kind denied ("no chemotherapy for metastatic disease") is not
  none: a hormone or targeted therapy may have been given. A treatment after surgery says
  nothing of the advanced setting.
* "she's been on chemo since it spread", "immunotherapy for her metastatic lung cancer",
  "first-line chemo for advanced disease", "转移后做了化疗": drug treatment given in that
  setting. Only drug words count (chemotherapy, immunotherapy, targeted or hormone therapy);
  radiotherapy or surgery since the spread is no drug treatment, and a bare "treatment" only
  counts when none was given.

A wish, a trial, a condition, the future or doubt before the match in its sentence, or a
question mark ending it, leave it out, and
so does a negation before a treatment given ("she never had chemo since it spread" is read by
the negated forms, not turned round): unknown stays unknown (the question asks it). The words
are data: the ``treated_setting`` section of ``data/nlp/extraction.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.facts import Fact
from nlp.resources import regex_section

STATUS = "treated_advanced_disease"
_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")


@dataclass(frozen=True)
class SettingWords:
    look: re.Pattern
    none: tuple[re.Pattern, ...]
    given: tuple[re.Pattern, ...]
    before: re.Pattern
    denied: re.Pattern


@lru_cache(maxsize=1)
def setting_words() -> SettingWords:
    return regex_section(SettingWords, "treated_setting")


def treated_setting_facts(text: str, source: str | None = None) -> list[Fact]:
    """The ``treated_advanced_disease`` facts ``text`` states (see the module docstring)."""
    words = setting_words()
    if not text or not words.look.search(text):
        return []
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for negated, patterns in ((True, words.none), (False, words.given)):
        for pattern in patterns:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                before = text[_sentence_start(text, match.start()):match.start()]
                if words.before.search(before) or (not negated and words.denied.search(before)) \
                        or _asked(text, match.end()):
                    continue
                taken.append(match.span())
                found.append(Fact(label="CONDITION", concept=STATUS, text=match.group(0).strip(), start=match.start(),
                                  end=match.end(), negated=negated, source=source))
    return found


def _asked(text: str, end: int) -> bool:
    """The sentence of the match is a question ("has she had chemo since it spread?")."""
    stop = _SENTENCE_END.search(text, end)
    return stop is not None and stop.group() in "?？"


def _sentence_start(text: str, start: int) -> int:
    ends = list(_SENTENCE_END.finditer(text, 0, start))
    return ends[-1].end() if ends else 0
