"""A bare word whose sense the rest of the text decides (``word_senses`` in
data/nlp/extraction.yaml): a parent's "it came back after the transplant" about a child with
T-ALL is a stem cell transplant; the same word in a letter about lupus nephritis may be a
kidney. The word is read as the entry's concept only when the text names a disease under one
of its ``diseases`` (by the terminology's hierarchy) or holds one of its ``cue_words``;
otherwise it stays unread (unknown, never a guessed transplant). An entry with ``replaces``
reads a word another concept already took in that other sense ("aza" is azathioprine, but
azacitidine in a text about AML). A word two entries fit in one text ("hydroxy" with both
lupus and sickle cell disease named) is read as neither. A sense's words may be a few words in a row, and its
diseases infections too: "surface antigen" after "Hepatitis B core antibody positive" is
HBsAg. A sense may be read only as written in capitals (``capitals``) and never before one of
``not_followed_by`` ("RT" is radiotherapy in a cancer letter, "RT-PCR" a test; h177, round 37),
nor right after a number if it says ``not_after_number`` ("30 HU" are Hounsfield units; h197, round 41).
"""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from data.errors import DataError
from data.terminology import Terminology
from nlp.components.terms import Candidate, fact_label


class _Sense:
    def __init__(self, entry: dict[str, Any], terminology: Terminology, where: str):
        concept = terminology.get(str(entry.get("concept")))
        if concept is None:
            raise DataError(where, f"unknown concept {entry.get('concept')!r}")
        self.concept = concept.id
        self.label = fact_label(concept)
        # a word or a few words ("surface antigen": the tokens in a row)
        self.words = frozenset(tuple(str(w).lower().split()) for w in entry.get("words") or ())
        self.longest = max((len(w) for w in self.words), default=1)
        self.firsts = frozenset(w[0] for w in self.words if w)
        self.diseases = tuple(str(d) for d in entry.get("diseases") or ())
        for disease in self.diseases:
            if terminology.get(disease) is None:
                raise DataError(where, f"unknown concept {disease!r}")
        self.replaces = frozenset(str(c) for c in entry.get("replaces") or ())
        for replaced in self.replaces:
            if terminology.get(replaced) is None:
                raise DataError(where, f"unknown concept {replaced!r}")
        # a denial right before the word ("she's never had a transplant"): denied in every sense,
        # so it is read in this one whatever the text is about (lead, round 34)
        self.denials = tuple(tuple(str(w).lower().split()) for w in entry.get("denied_before") or ())
        # "RT" read only as written in capitals and not as the start of a test's name ("RT-PCR",
        # "RT PCR"): ``capitals`` and ``not_followed_by`` (h177, round 37)
        self.capitals = bool(entry.get("capitals"))
        self.not_followed_by = frozenset(str(w).lower() for w in entry.get("not_followed_by") or ())
        # a word that is a measure's unit right after a number ("a nodule of 30 HU": Hounsfield
        # units) is never the sense: ``not_after_number`` (h197, round 41)
        self.not_after_number = bool(entry.get("not_after_number"))
        self.cues = re.compile(r"\b(?:" + "|".join(re.escape(str(w)) for w in entry["cue_words"]) + r")\b", re.IGNORECASE) \
            if entry.get("cue_words") else None

    def written_as_meant(self, doc: Doc, hit: tuple[int, int]) -> bool:
        """The words at ``hit`` as the sense needs them written: in capitals if it says so, and
        not followed by a word of ``not_followed_by``."""
        i, j = hit
        if self.capitals and not all(t.text.isupper() for t in doc[i:j]):
            return False
        if self.not_after_number and i > 0 and doc[i - 1].like_num:
            return False
        return not (j < len(doc) and doc[j].lower_ in self.not_followed_by)


class WordSenses:
    def __init__(self, spec: list[dict[str, Any]] | None, terminology: Terminology):
        self.terminology = terminology
        self.senses = [_Sense(entry, terminology, f"extraction.yaml.word_senses[{i}]") for i, entry in enumerate(spec or ())]

    def __call__(self, doc: Doc, text: str, chosen: list[tuple[Candidate, str, dict]],
                 known: tuple[str, ...] = ()) -> list[tuple[Candidate, str, dict]]:
        """``known``: the conditions the conversation already knows (a message after "my dad
        has AML" saying "he had aza and ven, then a transplant" reads them as the disease's)."""
        if not self.senses:
            return chosen
        taken = {i for c, _, _ in chosen for i in range(c.start, c.end)}
        lowers = [t.lower_ for t in doc]    # once per text, not once per sense and position
        fitting: list[tuple[_Sense, list[tuple[int, int]]]] = []
        for sense in self.senses:
            if sense.replaces:      # "aza" in a text about AML: azacitidine, not azathioprine
                chosen = self._replace(doc, sense, text, chosen, known)
            hits = [hit for hit in self._hits(lowers, sense, taken) if sense.written_as_meant(doc, hit)]
            if hits and self._fits(sense, text, chosen, known):
                fitting.append((sense, hits))
            elif hits and sense.denials:
                denied = [(i, j) for i, j in hits if _denied_before(lowers, i, sense.denials)]
                if denied:
                    fitting.append((sense, denied))
        # "hydroxy" in a text about lupus and sickle cell disease: two senses fit the same
        # words, so neither is read (never a silent guess)
        readings: dict[tuple[int, int], set[str]] = {}
        for sense, hits in fitting:
            for hit in hits:
                readings.setdefault(hit, set()).add(sense.concept)
        added = []
        for sense, hits in fitting:
            for i, j in hits:
                if len(readings[(i, j)]) > 1 or any(k in taken for k in range(i, j)):
                    continue
                added.append((Candidate(i, j, sense.label, sense.concept), "pattern", {}))
                taken.update(range(i, j))
        return sorted(chosen + added, key=lambda r: r[0].start) if added else chosen

    @staticmethod
    def _hits(lowers: list[str], sense: _Sense, taken: set[int]) -> list[tuple[int, int]]:
        """(start, end) of each run of tokens (``lowers``: the Doc's lower-cased tokens) that
        is one of the sense's words, none taken."""
        hits, i, n = [], 0, len(lowers)
        while i < n:
            if lowers[i] in sense.firsts:
                for size in range(min(sense.longest, n - i), 0, -1):
                    if tuple(lowers[i:i + size]) in sense.words and not any(k in taken for k in range(i, i + size)):
                        hits.append((i, i + size))
                        i += size - 1
                        break
            i += 1
        return hits

    def _replace(self, doc: Doc, sense: _Sense, text: str, chosen, known: tuple[str, ...] = ()):
        hits = [k for k, (c, _, _) in enumerate(chosen)
                if c.concept in sense.replaces and tuple(doc[c.start:c.end].text.lower().split()) in sense.words]
        if not hits or not self._fits(sense, text, chosen, known):
            return chosen
        chosen = list(chosen)
        for k in hits:
            c, origin, info = chosen[k]
            chosen[k] = (Candidate(c.start, c.end, sense.label, sense.concept, weak=c.weak, fuzzy=c.fuzzy), origin, info)
        return chosen

    def _fits(self, sense: _Sense, text: str, chosen, known: tuple[str, ...] = ()) -> bool:
        """A disease of the sense named in the text (or known to the conversation: ``known``),
        or one of its cue words."""
        named = [c.concept for c, _, _ in chosen if c.label in ("CONDITION", "INFECTION")]
        named += [c for c in known if c in self.terminology]
        if any(c == d or self.terminology.is_a(c, d) for c in named for d in sense.diseases):
            return True
        return bool(sense.cues and sense.cues.search(text))


def _denied_before(lowers: list[str], i: int, denials: tuple[tuple[str, ...], ...]) -> bool:
    """One of ``denials`` ends right before token ``i``."""
    return any(len(d) <= i and tuple(lowers[i - len(d):i]) == d for d in denials)
