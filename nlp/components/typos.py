"""Typo recovery: misspelled terms ("lupis", "cellcep", "rituximap") matched with rapidfuzz.

Only tokens no exact match covers are tried, and only when they could be a misspelling at
all: alphabetic, long enough, not a stop word and not one of the most frequent English
words (so "people", "sleep", "lotus", "status" never become diseases), nor a real drug
the terminology lacks that is close to another's name ("valaciclovir" is not
valganciclovir: ``other_drug_names``). A candidate term
must share the first letter and reach a length-dependent ``fuzz.ratio`` threshold
(data/nlp/extraction.yaml ``typos``). Adjacent word pairs are tried against two-word terms
("rheumatiod arthritis"); a word too short to be tried alone must then be exactly the
term's word ("IV nephritis" is not "IgA nephritis"). Results are cached per word.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from data.terminology import Terminology
from nlp.resources import other_drug_names, vocabulary
from nlp.components.terms import SKIPPED_ANALYTES, Candidate, fact_label
from nlp.components.doc_cache import doc_text


_WORD = re.compile(r"[^\W\d_]{5,}")


class TypoMatcher:
    def __init__(self, terminology: Terminology, common_words: frozenset[str], settings: dict[str, Any], weak_max_length: int,
                 foreign_words: frozenset[str] = frozenset()):
        # real drugs the terminology lacks are never another drug's typo (data/nlp/other_drugs.yaml);
        # nor are ordinary words of other languages ("Meine Mutter hat ...": typos.foreign_common_words)
        self.common = common_words | other_drug_names() | foreign_words
        # real clinical words the terminology has no concept for are never a term's typo
        # ("haemolysis" is not a misspelt "haemodialysis"; extraction.yaml typos.clinical_words)
        self.common |= frozenset(str(w).lower() for w in settings.get("clinical_words") or ())
        self.min_length = int(settings["min_length"])
        self.thresholds = sorted((tuple(t) for t in settings["thresholds"]), reverse=True)
        self.same_first = bool(settings.get("same_first_letter", True))
        # word beginnings of opposite meaning: "hypotension" is never a misspelt "hypertension"
        self.opposites = [(a.lower(), b.lower()) for pair in settings.get("opposite_prefixes", []) for a, b in (pair, pair[::-1])]
        # "predose", "postdose": a prefix and a common word, a compound and no typo
        self.prefixes = tuple(str(p).lower() for p in settings.get("word_prefixes", []))
        self.common_words = common_words
        self.targets: dict[str, list[tuple[str, str]]] = {}
        # the words of longer terms ("alanine transaminase") and the concepts they name
        self.known: dict[str, set[str]] = {}
        for concept in terminology.concepts.values():
            for term in concept.terms:
                for word in term.lower().split() if " " in term else ():
                    self.known.setdefault(word, set()).add(concept.id)
        # a term's last word as clinicians shorten it is a target too ("intersitial lung dz":
        # ``term_last_word_forms``; h125, round 27)
        last_forms = {str(k).lower(): [str(v).lower() for v in vs]
                      for k, vs in (vocabulary().get("term_last_word_forms") or {}).items()}
        self.short_targets: set[str] = set()     # the shortened last word is never the misspelt one
        for concept in terminology.concepts.values():
            if concept.id in SKIPPED_ANALYTES:
                continue
            for term in concept.terms:
                shortened = _last_word_forms(term.lower(), last_forms)
                self.short_targets.update(shortened)
                for text in (term.lower(), *shortened):
                    if len(text.replace(" ", "")) < self.min_length:
                        continue
                    if len(text) <= weak_max_length and text in common_words:
                        continue
                    self.targets.setdefault(text, []).append((fact_label(concept), concept.id))
        # choices bucketed by first letter and by word count (three or four words: only a
        # suspect beside correctly written words, ``_pair``: "protien in her urine")
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for text in self.targets:
            words = len(text.split())
            if words <= 4:
                self.buckets.setdefault((text[0], words), []).append(text)
        self._within: dict[tuple[tuple[str, int], int], list[str]] = {}   # ``_reachable``
        self.lookup = lru_cache(maxsize=20000)(self._lookup)
        # a word split in two is joined only when long enough to be told apart ("cycle phosphamide")
        self._split_min = int(settings.get("split_min_length", 10))

    def _threshold(self, length: int) -> float:
        for min_length, score in self.thresholds:
            if length >= min_length:
                return score
        return 101.0

    def _lookup(self, text: str, words: int) -> str | None:
        """The term ``text`` most likely misspells, or None."""
        key = (text[0], words) if self.same_first else None
        cutoff = self._threshold(len(text))
        if cutoff > 100:
            return None     # too short a text: no ratio reaches it (rapidfuzz refused the cutoff)
        choices = self._reachable(key, len(text), cutoff) if key else [t for (f, w), ts in self.buckets.items() if w == words for t in ts]
        if not choices:
            return None
        best = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best and any(text.startswith(one) and best[0].startswith(other) for one, other in self.opposites):
            return None
        return best[0] if best else None

    def _reachable(self, key: tuple[str, int], length: int, cutoff: float) -> list[str]:
        """The bucket's terms a word of ``length`` letters can reach ``cutoff`` with, in the
        bucket's order: ``fuzz.ratio`` is at most 200 * shorter / (both lengths), so a term
        much longer or shorter cannot (the same best term, found among fewer; one point of
        slack). Kept per bucket and length (round 27, h129)."""
        known = self._within.get((key, length))
        if known is None:
            bucket = self.buckets.get(key, [])
            known = self._within[(key, length)] = [
                term for term in bucket
                if 200 * min(length, len(term)) / (length + len(term)) >= cutoff - 1]
        return known

    def _typo_like(self, token) -> bool:
        low = token.lower_
        return (
            token.is_alpha
            and len(low) >= self.min_length
            and low not in STOP_WORDS
            and low not in self.common
            and low not in self.targets
            and not self._compound(low)
        )

    def _suspects(self, doc: Doc) -> list[int]:
        """Token indices of words that could be misspelt terms (a cheap text scan first)."""
        words = [m for m in _WORD.finditer(doc_text(doc)) if self._plausible(m.group().lower())]
        if not words:
            return []
        starts = [t.idx for t in doc]
        return [bisect_right(starts, m.start()) - 1 for m in words]

    def _plausible(self, low: str) -> bool:
        return (len(low) >= self.min_length and low not in STOP_WORDS and low not in self.common and low not in self.targets
                and not self._compound(low))

    def _compound(self, low: str) -> bool:
        """A prefix and a common word of three letters or more ("predose", "postdose")."""
        return any(low.startswith(p) and len(low) - len(p) >= 3 and low[len(p):] in self.common_words for p in self.prefixes)

    def _short_words_kept(self, text: str, term: str) -> bool:
        """A word too short to be fuzzy-matched alone stays exactly itself inside a pair:
        "IV nephritis" is not a misspelt "IgA nephritis"."""
        return all(word == meant for word, meant in zip(text.split(), term.split()) if len(word) < self.min_length)

    def __call__(self, doc: Doc, covered: set[int]) -> list[Candidate]:
        found: list[Candidate] = []
        n = len(doc)
        words = None
        for i in self._suspects(doc):
            token = doc[i]
            if i in covered or not self._typo_like(token):
                continue
            if words is None:
                words = _Words(doc)
            # a misspelt word beside correctly written ones of a longer term ("lupus
            # nefritis"): the whole term, not the correct word's own concept alone
            pair = self._pair(words, i, n, covered, beside_exact=True)
            if pair:
                found.extend(pair)
                continue
            term = self.lookup(token.lower_, 1)
            if term and not self._spelt_right(token.lower_, term):
                found.extend(Candidate(i, i + 1, label, concept, fuzzy=True) for label, concept in self.targets[term])
                continue
            split = self._split_word(words, i, n, covered)
            if split:
                found.extend(split)
                continue
            found.extend(self._pair(words, i, n, covered, beside_exact=False))
        return found

    def _split_word(self, doc: "_Words", i: int, n: int, covered: set[int]) -> list[Candidate]:
        """A one-word term an autocorrect split in two ("cycle phosphamide", "metho trexate"):
        the suspect word joined to the word before or after it, no match covering that one,
        read as one word (h90, round 20)."""
        for start in (i - 1, i):
            end = start + 2
            if start < 0 or end > n or not all(doc.alpha[start:end]) or any(j in covered for j in (start, start + 1)):
                continue
            if doc.ends[start] + 1 != doc.starts[start + 1]:
                continue    # one space between, nothing else
            other = doc.lower[start] if start != i else doc.lower[start + 1]
            if other in STOP_WORDS or len(other) < 3:
                continue
            joined = doc.lower[start] + doc.lower[start + 1]
            term = self.lookup(joined, 1) if len(joined) >= self._split_min else None
            if term and " " not in term and not self._spelt_right(joined, term):
                return [Candidate(start, end, label, concept, fuzzy=True) for label, concept in self.targets[term]]
        return []

    def _spelt_right(self, word: str, term: str) -> bool:
        """A word of a longer term is spelt right: it misspells no term of another concept
        alone ("liver transaminase levels": not the brand "transamine"; "discoid" of discoid
        lupus is not "dicodid"), though it may stand for its own ("sjogren", "hodgkin")."""
        named = self.known.get(word)
        return named is not None and not named & {concept for _, concept in self.targets[term]}

    def _same_as_exact(self, term: str, words: list[str]) -> bool:
        """The longer term names nothing the correctly written words do not name alone."""
        concepts = {concept for _, concept in self.targets[term]}
        return any(concepts <= {concept for _, concept in self.targets.get(word, ())} for word in words)

    def _pair(self, doc: "_Words", i: int, n: int, covered: set[int], beside_exact: bool) -> list[Candidate]:
        """The two- to four-word term the suspect word ``i`` and its neighbours misspell
        ("lupus nefritis", "acute myeloid leukemya", "protien in her urine"). With ``beside_exact`` each neighbour
        must be the term's word as written (an exact match may cover it: "lupus"); otherwise
        a pair whose neighbour no match covers, both words fuzzy."""
        sizes = (4, 3, 2) if beside_exact else (2,)
        for size in sizes:
            for start in range(i - size + 1, i + 1):
                end = start + size
                if start < 0 or end > n:
                    continue
                others = [j for j in range(start, end) if j != i]
                if not beside_exact and any(j in covered for j in others):
                    continue
                if not all(doc.alpha[start:end]):
                    continue
                text = doc.text(start, end).lower()
                if len(text.split()) != size:
                    continue
                term = self.lookup(text, size)
                if not term or not self._short_words_kept(text, term):
                    continue
                if term in self.short_targets and text.split()[-1] != term.split()[-1]:
                    continue    # "cold agglutinin titre" is no "cold agglutinin dis": the short form as written only
                if beside_exact and any(text.split()[j - start] != term.split()[j - start] for j in others):
                    continue
                if beside_exact and self._same_as_exact(term, [doc.lower[j] for j in others]):
                    continue    # "infective hepatitis": the exact "hepatitis" already says as much
                return [Candidate(start, end, label, concept, fuzzy=True) for label, concept in self.targets[term]]
        return []


class _Words:
    """What ``_pair`` reads of a Doc's tokens, read once per Doc (a suspect word tries up to
    nine spans of its neighbours): whether each is alphabetic, its lower case, and the
    text of tokens ``start``..``end``, the same string as ``doc[start:end].text``."""

    __slots__ = ("text_of", "alpha", "lower", "starts", "ends")

    def __init__(self, doc: Doc):
        self.text_of = doc_text(doc)
        self.alpha = [t.is_alpha for t in doc]
        self.lower = [t.lower_ for t in doc]
        self.starts = [t.idx for t in doc]
        self.ends = [t.idx + len(t) for t in doc]

    def text(self, start: int, end: int) -> str:
        return self.text_of[self.starts[start]:self.ends[end - 1]]


def _last_word_forms(term: str, forms: dict[str, list[str]]) -> list[str]:
    """``term`` with its last word in each shortened form ("interstitial lung disease" ->
    "interstitial lung dz"); none for a one-word term."""
    head, _, last = term.rpartition(" ")
    return [f"{head} {short}" for short in forms.get(last, ())] if head else []
