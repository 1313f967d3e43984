"""A cancer told with its dated, finished treatment is over: "prostate cancer 2016, treated
with radiotherapy", "thyroid cancer 2010, thyroidectomy", "HCC 2024, treated with microwave
ablation", "PMH: prostate ca s/p prostatectomy 2017" (h141, round 30).

The mention must be dated right after it (a year, a month/year, "in 2015",
"(2014)") or followed at once by a treatment word ("prostate ca s/p ..."), and its clause (up
to a semicolon or the sentence's end; commas do not end it) must name a treatment that ended
(``treated_cancer.words`` of data/nlp/extraction.yaml, or a word ending in one of its
``suffixes``: "-ectomy"). A clause that says the cancer goes on (``still``: "now",
"metastatic", "palliative"), or the words right before the mention ("metastatic thyroid
cancer s/p XRT"), keeps it; so does a relapse anywhere in the sentence (the caller
checks it: assemble.FactBuilder._malignancy), so "breast cancer 2015, treated with mastectomy;
metastatic relapse 2025" stays a current cancer; a relapse, progression or spread told later in
the text before another cancer is named keeps it too ("AML 03/2024, treated with 7+3. Relapsed
11/2025."); a cancer with no such clause ("prostate cancer 2016" alone) is not touched, nor one whose treatment is told of
another cancer named after it ("AML (2026) secondary to MDS 2023 treated with azacitidine")."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from data.terminology import Terminology
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation

_CLAUSE_END = re.compile(r"[;\n]|\.(?:\s|$)")


class TreatedCancer:
    def __init__(self, vocabulary: dict[str, Any], terminology: Terminology):
        self.terminology = terminology
        spec = vocabulary.get("treated_cancer") or {}
        # a later relapse of the same cancer (before another cancer is named) keeps it current
        self.relapse = frozenset(str(w).lower() for w in (vocabulary.get("relapse_words") or ())) | frozenset(
            str(w).lower() for w in (spec.get("later_active") or ()))
        self.no_relapse = frozenset(str(w).lower() for w in (vocabulary.get("relapse_denied_by") or ()))
        self.reach = int(spec.get("reach", 90))
        dated = spec.get("dated")
        self.dated = re.compile(dated, re.IGNORECASE) if dated else None
        words = spec.get("words") or ()
        self.words = re.compile(r"(?<![\w/])(?:%s)(?![\w/])" % alternation(words), re.IGNORECASE) if words else None
        suffixes = spec.get("suffixes") or ()
        self.suffixes = re.compile(r"\b[a-z]{2,20}(?:%s)\b" % alternation(suffixes), re.IGNORECASE) if suffixes else None
        still = spec.get("still") or ()
        self.still = re.compile(r"(?<!\w)(?:%s)(?!\w)" % alternation(still), re.IGNORECASE) if still else None
        self.first_words = int(spec.get("first_words", 2))
        self.words_before = int(spec.get("words_before", 4))

    def __call__(self, ent: Span) -> bool:
        """Whether the cancer ``ent`` is told with a finished treatment in its own clause."""
        if self.words is None or self.dated is None:
            return False
        text = doc_text(ent.doc)
        sentence_end = ent.sent.end_char
        stop = _CLAUSE_END.search(text, ent.end_char, min(sentence_end, ent.end_char + self.reach))
        clause = text[ent.end_char:stop.start() if stop else min(sentence_end, ent.end_char + self.reach)]
        before = ent.doc[max(ent.sent.start, ent.start - self.words_before):ent.start]
        if self.still is not None and (self.still.search(clause) or self.still.search(before.text)):
            return False
        if any(t.lower_ in self.relapse for t in before):
            return False    # "recurrent breast cancer, treated with ...": goes on
        dated = self.dated.match(clause) is not None
        lead = " ".join(clause.split()[:self.first_words])
        if not dated and not (self.words.search(lead) or (self.suffixes and self.suffixes.search(lead))):
            return False
        found = self.words.search(clause) or (self.suffixes.search(clause) if self.suffixes is not None else None)
        if not found:
            return False
        if self._other_cancer_before(ent, ent.end_char + found.start()):
            return False    # "AML (2026) secondary to MDS 2023 treated with azacitidine": the MDS's treatment
        return not self._told_again(ent)

    def _other_cancer_before(self, ent: Span, at: int) -> bool:
        """Another cancer named between ``ent`` and the treatment word at ``at``: the treatment
        is that one's (h161, round 34)."""
        return any(e.start_char >= ent.end_char and e.end_char <= at and e.label_ == "CONDITION"
                   and e.kb_id_ != ent.kb_id_ and e.kb_id_ in self.terminology
                   and self.terminology.is_a(e.kb_id_, "malignancy") for e in ent.doc.ents)

    def _told_again(self, ent: Span) -> bool:
        """A relapse, progression or spread said later in the text, before any other cancer is
        named: "AML 03/2024, treated with 7+3, CR1. Relapsed 11/2025." is the same AML, now
        relapsed ("no recurrence" is none: ``relapse_denied_by``)."""
        doc = ent.doc
        # a spread named as a mention ("bone metastases") is the same cancer's, no other one
        cancers = sorted(e.start for e in doc.ents if e.start >= ent.end and e.label_ == "CONDITION"
                         and e.kb_id_ in self.terminology and self.terminology.is_a(e.kb_id_, "malignancy")
                         and not any(t.lower_ in self.relapse for t in e))
        end = cancers[0] if cancers else len(doc)
        for token in doc[ent.end:end]:
            if token.lower_ in self.relapse and not any(
                    t.lower_ in self.no_relapse for t in doc[max(ent.end, token.i - 3):token.i]):
                return True
        return False
