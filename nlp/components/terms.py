"""Exact matching of terminology terms and abbreviations on tokens.

Terms (``terms`` in data/terminology/*.yaml) match case-insensitively; abbreviations match
case-sensitively ("SLE", "MMF", "Hb"), and also in lower case when they are at least three
letters long and not an English word ("mmf", "hcq", but never "ass" or "ada"). A short term
that is also a common English word ("got", "pt", "fits", "cart") is *weak*: it counts only
written in capitals, or for a lab or score when a value follows ("pt 14 s").
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from data.terminology import Concept, Terminology
from nlp.resources import vocabulary
from nlp.tokenizer import phrase_tokens

# terminology category -> fact label (therapies of kind "procedure" are PROCEDURE)
CATEGORY_LABELS = {
    "condition": "CONDITION",
    "therapy": "DRUG",
    "analyte": "LAB",
    "score": "SCORE",
    "infection": "INFECTION",
    "biomarker": "BIOMARKER",
}
# analytes that are reported as another label (body weight is a WEIGHT fact, read by the
# demographic patterns with its unit)
SKIPPED_ANALYTES = {"weight"}


def fact_label(concept: Concept) -> str:
    if concept.category == "therapy" and concept.kind == "procedure":
        return "PROCEDURE"
    return CATEGORY_LABELS[concept.category]


@dataclass(frozen=True)
class Candidate:
    """A span the terminology names: token offsets, label, concept, how it matched."""

    start: int
    end: int
    label: str
    concept: str
    weak: bool = False
    fuzzy: bool = False
    # a disease's short name in small letters that is also an English word ("ra", "uc",
    # "aps"): counts only in a disease's place (``EntityRecognizer._in_disease_slot``)
    slot: bool = False


class TermMatcher:
    """Finds every terminology mention in a Doc (several concepts may share one span)."""

    def __init__(self, nlp: Language, terminology: Terminology, common_words: frozenset[str], weak_max_length: int):
        self.vocab = nlp.vocab
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.keys: dict[int, list[tuple[str, str, bool]]] = {}
        lower_phrases: dict[str, list[tuple[str, str, bool]]] = {}
        orth_phrases: dict[str, list[tuple[str, str, bool]]] = {}
        lab_words = frozenset(str(w).lower() for w in vocabulary().get("lower_case_lab_abbreviations") or ())
        for concept in terminology.concepts.values():
            if concept.id in SKIPPED_ANALYTES:
                continue
            label = fact_label(concept)
            for term in concept.terms:
                text = term.lower()
                weak = len(text) <= weak_max_length and text in common_words
                lower_phrases.setdefault(text, []).append((label, concept.id, weak))
            if concept.category == "condition":
                for heading, any_case in _heading_forms(concept):
                    target = (label, concept.id, False)
                    if any_case:
                        lower_phrases.setdefault(heading.lower(), []).append(target)
                    else:
                        orth_phrases.setdefault(heading, []).append(target)
            for abbreviation in concept.abbreviations:
                orth_phrases.setdefault(abbreviation, []).append((label, concept.id, False))
                low = abbreviation.lower()
                if len(low) >= 3 and low not in common_words and low != abbreviation:
                    lower_phrases.setdefault(low, []).append((label, concept.id, False))
                elif label == "LAB" and low in lab_words and low != abbreviation:
                    # "cr 1.4": in small letters exactly, and weak, so kept only before a value
                    orth_phrases.setdefault(low, []).append((label, concept.id, True))
        # a disease's abbreviation whose small-letter form is also an English word, listed in
        # ``lower_case_disease_abbreviations`` ("i have ra", "uc since 2016", "sle, aps and
        # hashimotos"): matched apart, kept only in a disease's place (h102, round 22)
        self.slot = PhraseMatcher(nlp.vocab, attr="ORTH")
        slot_words = frozenset(str(w).lower() for w in vocabulary().get("lower_case_disease_abbreviations") or ())
        for concept in terminology.concepts.values():
            if concept.category != "condition":
                continue
            for abbreviation in concept.abbreviations:
                low = abbreviation.lower()
                if low in slot_words and low != abbreviation and low not in lower_phrases:
                    key = "S:CONDITION|" + concept.id
                    self.keys[self.vocab.strings.add(key)] = [("CONDITION", concept.id, False)]
                    self.slot.add(key, _patterns(nlp, low, lower=False))
        self.phrases = lower_phrases    # phrase -> targets, read by the elided names below
        for phrase, targets in list(lower_phrases.items()):
            for variant in _spelling_variants(phrase):
                weak = len(variant) <= weak_max_length and variant in common_words
                found = lower_phrases.setdefault(variant, [])
                found.extend((label, concept, weak) for label, concept, _ in targets if (label, concept, weak) not in found)
        # one match key per distinct list of targets, not per phrase: the matcher makes a
        # lexeme of every key (~1,200 phrases share ~190 lists)
        for matcher, phrases, prefix in ((self.lower, lower_phrases, "L"), (self.orth, orth_phrases, "O")):
            for phrase, targets in phrases.items():
                targets = _dedupe(targets)
                key = prefix + ":" + ";".join(f"{label}|{concept}|{int(weak)}" for label, concept, weak in targets)
                self.keys[self.vocab.strings.add(key)] = targets
                matcher.add(key, _patterns(nlp, phrase, lower=prefix == "L"))

    def __call__(self, doc: Doc) -> list[Candidate]:
        found: list[Candidate] = []
        for matcher in (self.orth, self.lower):
            for match_id, start, end in matcher(doc):
                for label, concept, weak in self.keys[match_id]:
                    found.append(Candidate(start, end, label, concept, weak=weak))
        for match_id, start, end in self.slot(doc):
            found.extend(Candidate(start, end, label, concept, slot=True) for label, concept, _ in self.keys[match_id])
        return found + self._elided(doc, found) + self._split(doc) + self._bracketed(doc)

    def _split(self, doc: Doc) -> list[Candidate]:
        """A one-word name written as two words, by voice-to-text or by hand ("hydroxy
        chloroquine", "aza thioprine", "hydroxy-chloroquine"): the two tokens, joined, are a
        term of nine letters or more (each part three or more). The two-token match is longer
        than the one inside it ("chloroquine"), so it wins (h95, round 21)."""
        extra: list[Candidate] = []
        n = len(doc)
        # each token's words read once (round 30, h144: a Token object per look was a fifth
        # of the time of this step); a part is a word of three letters or more
        words = [t.lower_ if t.is_alpha and len(t) >= 3 else None for t in doc]
        texts = [t.text for t in doc]
        spaces = [t.whitespace_ for t in doc]
        for i in range(n - 1):
            first = words[i]
            if first is None:
                continue
            j = i + 2 if texts[i + 1] in ("-", "\u2010") and not spaces[i] and not spaces[i + 1] else i + 1
            if j >= n or (j == i + 1 and spaces[i] != " "):
                continue
            second = words[j]
            if second is None:
                continue
            joined = first + second
            if len(joined) < 9 or first in self.phrases and second in self.phrases:
                continue
            extra += [Candidate(i, j + 1, label, concept) for label, concept, weak in
                      _dedupe(self.phrases.get(joined) or []) if not weak]
        return extra

    def _bracketed(self, doc: Doc) -> list[Candidate]:
        """A term with a word or two in brackets inside it that restate the word before them
        ("keyhole (arthroscopic) shoulder surgery"): the term read
        without the brackets, or with the bracketed words in place of the word before them;
        the match spans the brackets (h193, round 40)."""
        extra: list[Candidate] = []
        n = len(doc)
        for p in range(1, n):
            if doc[p].text != "(":
                continue
            q = next((i for i in range(p + 2, min(p + 5, n)) if doc[i].text == ")"), None)
            # words, not an abbreviation defined ("human immunodeficiency virus (HIV) infection"
            # is read by the abbreviation's own rules)
            if q is None or not all(t.is_alpha and not t.is_upper for t in doc[p + 1:q]):
                continue
            inner = doc[p + 1:q].text
            for k in range(max(0, p - 4), p):
                before, shorter = doc[k:p].text, doc[k:p - 1].text
                for m in range(q + 2, min(q + 8, n + 1)):
                    after = doc[q + 1:m].text
                    for phrase in (f"{before} {after}", f"{shorter} {inner} {after}".lstrip()):
                        extra += [Candidate(k, m, label, concept) for label, concept, weak in
                                  _dedupe(self.phrases.get(phrase.lower()) or []) if not weak]
        return extra

    def _elided(self, doc: Doc, found: list[Candidate]) -> list[Candidate]:
        """Names sharing their head word with the one before: "hepatitis B and C", "hep B, C
        or D" name hepatitis C (and D) too. Only a short last word (a letter, a number) is
        read this way, and only when the head with it is a term itself."""
        extra: list[Candidate] = []
        for candidate in found:
            last = doc[candidate.end - 1].text
            # a matched name may end in a capital "A" ("hepatitis A, B, or C"); only a
            # following word must not be the article
            if candidate.end - candidate.start < 2 or not (_short(last) or (len(last) == 1 and last.isupper())):
                continue
            head = " ".join(t.lower_ for t in doc[candidate.start:candidate.end - 1])
            i = candidate.end
            while i + 1 < len(doc) and doc[i].lower_ in _ELISION_LINKS:
                j = i + 1 if doc[i + 1].lower_ not in _ELISION_LINKS else i + 2
                if j >= len(doc) or not _short(doc[j].text):
                    break
                targets = self.phrases.get(f"{head} {doc[j].lower_}")
                if not targets:
                    break
                extra += [Candidate(j, j + 1, label, concept, weak=weak) for label, concept, weak in _dedupe(targets)]
                i = j + 1
        return extra


# "hepatitis B and C", "hep B, C or D", "hepatitis B/C"
_ELISION_LINKS = frozenset({",", "and", "or", "/", "&", "+"})


def _short(word: str) -> bool:
    """A letter or number that ends a name ("B", "C", "16"); not the words "a" and "I"."""
    return (word.isdigit() and len(word) <= 2) or (len(word) == 1 and word.isalpha() and word.lower() not in "ai") \
        or (len(word) == 2 and word.isupper() and word.isalnum())


def _spelling_variants(phrase: str) -> set[str]:
    """'t-cell lymphoma' is also written 't cell lymphoma' and 'tcell lymphoma'; a short
    first word may be hyphenated to the next ('anti synthetase' -> 'anti-synthetase'); the
    last word may be shortened as clinicians do (``term_last_word_forms``: 'hep b core
    antibody' -> 'hep b core ab')."""
    variants = set()
    head, _, last = phrase.rpartition(" ")
    if head:
        for short in (vocabulary().get("term_last_word_forms") or {}).get(last) or ():
            variants.add(f"{head} {short}")
    if "-" in phrase:
        variants |= {phrase.replace("-", " "), phrase.replace("-", "")}
    variants |= _other_spellings(phrase)
    words = phrase.split(" ")
    if len(words) > 1 and len(words[0]) <= 5:  # "t lymphoblastic lymphoma" -> "t-lymphoblastic lymphoma"
        variants.add(f"{words[0]}-{' '.join(words[1:])}")
    return variants - {phrase}


def _other_spellings(phrase: str) -> set[str]:
    """'oesophageal cancer' is also written 'esophageal cancer', 'leukemia' 'leukaemia'
    (``term_spellings`` of data/nlp/extraction.yaml: British and American word parts, at a
    word's start or end): the phrase with every part in the other spelling, each way."""
    found = {" ".join(_respelt(word, british_first) for word in phrase.split(" ")) for british_first in (True, False)}
    return found - {phrase}


def _respelt(word: str, british_first: bool) -> str:
    """``word`` with its first matching ``term_spellings`` part in the other spelling, each
    word's answer kept: the build asks it of ~9,000 phrases' words, most of them many times
    (round 24, h114: the pairs are read once per process, so an answer never goes stale)."""
    key = (word, british_first)
    found = _RESPELT.get(key)
    if found is None:
        found = _RESPELT[key] = _respell(word, british_first)
    return found


def _respell(word: str, british_first: bool) -> str:
    for pair in _spelling_pairs():
        old, new = pair if british_first else pair[::-1]
        longer = len(new) > len(old)   # 'anaemia' is no '-emia' word to respell
        if old.endswith("-") and word.startswith(old[:-1]) and not (longer and word.startswith(new[:-1])):
            return new[:-1] + word[len(old) - 1:]
        if old.startswith("-") and word.endswith(old[1:]) and not (longer and word.endswith(new[1:])):
            return word[:len(word) - len(old) + 1] + new[1:]
    return word


_RESPELT: dict[tuple[str, bool], str] = {}
_PAIRS: list[tuple[str, str]] = []


def _spelling_pairs() -> list[tuple[str, str]]:
    if not _PAIRS:
        _PAIRS.extend((str(a).lower(), str(b).lower()) for a, b in vocabulary().get("term_spellings") or ())
    return _PAIRS


def _heading_forms(concept: Concept) -> set[tuple[str, bool]]:
    """A condition as an index heading names it, the way a letter copies a registry's or
    MeSH's list ("Colitis, Ulcerative", "Lupus Erythematosus, Systemic", "Juvenile Idiopathic
    Arthritis, Systemic Onset"): a term of two to five words with its first one or two words
    moved to the end after a comma (the registry headings themselves stay registry-only: "Neoplasms" is no
    patient's diagnosis). Each form with whether it is read in any case: only when what stands
    before the comma is a name of two words or more and two words were moved ("juvenile
    idiopathic arthritis, systemic onset", "lung cancer, small cell"); otherwise only in the
    heading's own capitals, so running text is never read this way ("colitis, ulcerative or
    not"; "systemic sclerosis, diffuse lung involvement" is no diffuse systemic sclerosis)."""
    forms = set()
    for term in concept.terms:
        words = term.split(" ")
        if not 2 <= len(words) <= 5 or "," in term or not all(w[:1].isalpha() for w in words):
            continue
        for k in range(1, min(3, len(words))):     # one or two words moved
            head, moved = words[k:], words[:k]
            forms.add((_title(" ".join(head) + ", " + " ".join(moved)), len(head) >= 2 and len(moved) >= 2))
    return forms


def _title(text: str) -> str:
    """Every word capitalised, hyphenated parts too ("Lymphoma, T-Cell")."""
    return "-".join(" ".join(w[:1].upper() + w[1:] for w in part.split(" ")) for part in text.split("-"))


def _patterns(nlp: Language, phrase: str, lower: bool) -> list[tuple[int, ...]]:
    """The phrase as the matcher compares it: per token, the hash of its LOWER (``lower``)
    or ORTH string, as ``PhraseMatcher`` reads them from a Doc's tokens. The phrase is
    tokenized as written and, when matched case-insensitively, in upper and title case too
    (the tokenizer may split "SLEDAI-2K" and "sledai-2k" differently); one pattern per
    different split. Hashes instead of Docs: no Doc and no lexeme is made for the ~1,200
    phrases (PhraseMatcher takes both; it stores hashes either way)."""
    strings = nlp.vocab.strings
    forms = {phrase, phrase.upper(), phrase.title()} if lower else {phrase}
    patterns: list[tuple[int, ...]] = []
    for form in sorted(forms):
        words, _ = phrase_tokens(nlp, form)
        pattern = tuple(strings.add(word.lower() if lower else word) for word in words)
        if pattern and pattern not in patterns:
            patterns.append(pattern)
    return patterns


def _dedupe(targets: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    seen: dict[tuple[str, str], bool] = {}
    for label, concept, weak in targets:
        seen[(label, concept)] = seen.get((label, concept), True) and weak
    return [(label, concept, weak) for (label, concept), weak in seen.items()]
