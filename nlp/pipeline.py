"""The extraction pipeline: text -> typed facts (core/facts.py).

``build_pipeline()`` assembles, once per process, a ``spacy.blank("en")`` pipeline:
clinical tokenizer rules (nlp/tokenizer.py) -> ``sentencizer`` (plus line breaks) ->
``trialbot_entities`` (terminology, patterns, typos) -> medspaCy ``ConText``. ``extract``
runs it and turns the entities into facts; ``profile_from_messages`` merges the facts of a
conversation's messages into one ``Profile``. Nothing is loaded at import time. A build
cache file (nlp/build_cache.py; the chat keeps one beside its database, and the user's cache
folder one for every build without its own) makes the build faster and changes nothing it builds. A Chinese text (``is_chinese``, nlp/chinese.py) goes to
the Chinese extractor instead (nlp/zh_pipeline.py, built with the first Chinese text): the
same facts, so everything that calls ``extract`` or ``speaker_of`` reads Chinese too.

Example::

    >>> from nlp.pipeline import extract
    >>> [(f.label, f.concept, f.status) for f in extract("i have lupus, tried cellcept, didn't work")]
    [('CONDITION', 'sle', None), ('DRUG', 'mycophenolate', 'failed')]
"""
from __future__ import annotations

import copy
import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from core.facts import Fact, Profile
from nlp.chinese import is_chinese, to_simplified
from nlp.units import prefer_written_system

LINE_BREAKS_PIPE = "trialbot_line_breaks"
# Long texts are cut into pieces of about this many characters at sentence ends before
# they go through the pipeline: nothing in it looks past a sentence, and ConText compares
# every cue with every other cue of a Doc, which grows with the square of its length.
CHUNK_CHARS = 1000
_SENTENCE_END = re.compile(r"\n\s*|(?<=[.!?;])\s+(?=[A-Z0-9(\[\"'-])")
# a line of a pasted table: a name, then a column gap (a tab, two spaces or a "|") before a number
_TABLE_ROW = re.compile(r"[^\n]*?\S(?:\t|[ \t]{2,}|[ \t]*\|[ \t]*)[^\n]*\d")
# spaCy's tokenizer takes time quadratic in the length of a run of symbols with no space
# ("😀" * 8000 takes 11 s). A run this long that is mostly not letters or digits carries no
# clinical fact, so it is blanked with spaces of the same length: offsets stay true.
MAX_SYMBOL_RUN = 100
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_SYMBOL_RUN + 1))


def _blank_symbol_runs(text: str) -> str:
    def blank(match: re.Match) -> str:
        run = match.group()
        letters = sum(ch.isalnum() for ch in run)
        return " " * len(run) if letters * 2 < len(run) else run

    return _LONG_RUN.sub(blank, text)


_built = None
_building = threading.Lock()
_cache_for_build: Path | None = None


def build_pipeline(cache: Path | None = None):
    """The spaCy pipeline with its data loaded, built once per process (the first call
    builds it, the others return it). ``cache``: a build cache file (nlp/build_cache.py)
    to read and refresh, making the build faster (``use_build_cache``'s when None);
    without one everything is derived."""
    global _built
    if _built is None:
        with _building:
            if _built is None:
                _built = _build(cache if cache is not None else _cache_for_build)
    return _built


def use_build_cache(cache: Path | None) -> None:
    """The build cache file for a build that ``build_pipeline`` starts without one: the
    importer's, whose pipeline is built when the first criterion is read, deep in the
    criteria reader (a build reading the cache takes about 2.5 s of CPU instead of 4.5)."""
    global _cache_for_build
    _cache_for_build = cache


def _build(cache_path: Path | None):
    from spacy.lang.en import English   # start-up: loaded when first used
    from spacy.language import Language

    from data.terminology import load_terminology   # start-up: loaded when first used
    from nlp.build_cache import BuildCache, shared
    from nlp.components import entities  # noqa: F401  (registers trialbot_entities); start-up: loaded when first used
    from nlp.components.cue_scope import CUE_SCOPE_PIPE, cue_scope   # start-up: loaded when first used
    from nlp.components.context import add_context
    from nlp.english import common_words, foreign_common_words   # start-up: loaded when first used
    from nlp.resources import vocabulary
    from nlp.tokenizer import clinical_tokenizer   # start-up: loaded when first used

    if LINE_BREAKS_PIPE not in Language.factories:
        Language.component(LINE_BREAKS_PIPE, func=_line_breaks)

    cache = BuildCache(cache_path, shared())        # the user's file when ``cache_path`` has none
    words = vocabulary()
    terminology = load_terminology()
    common = cache.common_words(int(words["typos"]["common_words"]), common_words)
    foreign = words["typos"].get("foreign_common_words") or {}
    languages = tuple(str(lang) for lang in foreign.get("languages") or ())
    # never a typo either: ordinary words of other languages (h135, round 29)
    foreign_words = cache.common_words(int(foreign["count"]), lambda n: foreign_common_words(languages, n),
                                       name=",".join(languages)) if languages else frozenset()
    nlp = English(create_tokenizer=clinical_tokenizer)   # spacy.blank("en") with our tokenizer
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(LINE_BREAKS_PIPE)
    recognizer = nlp.add_pipe(entities.ENTITIES_PIPE)
    with cache.tokenizing(nlp):         # the terms' and cues' tokens, from the cache
        recognizer.initialize_data(terminology, words, common, foreign_words)
        add_context(nlp)
    if CUE_SCOPE_PIPE not in Language.factories:
        Language.component(CUE_SCOPE_PIPE, func=cue_scope)
    nlp.add_pipe(CUE_SCOPE_PIPE)
    index_context_patterns(nlp)
    cache.save()
    return nlp


def index_context_patterns(nlp) -> None:
    """ConText's token patterns (medspaCy's ``MedspacyMatcher`` holds them in one spaCy
    ``Matcher``) put in a ``FirstWordMatcher``: the same matches, found at a fraction of the
    cost. medspaCy's matcher is reached by its private names; a medspaCy without them, or
    not pruning overlapping matches, keeps its own (the same matches, slower)."""
    from nlp.components.context import CONTEXT_PIPE   # start-up: loaded with the pipeline

    rules = getattr(nlp.get_pipe(CONTEXT_PIPE), "_ConText__matcher", None)
    if rules is None or not getattr(rules, "_prune", False) or not hasattr(rules, "_MedspacyMatcher__matcher"):
        return          # (unpruned, medspaCy's order of matches would count whole)
    # medspaCy's Matcher checked every pattern against spaCy's schema when the rules were
    # added (a bad one raised there): checked again here, the build took a third longer
    # medspaCy's own Matcher holds these very patterns, under the same ids, added in this
    # order: it is kept as the one Matcher of every pattern (``full``) rather than built
    # again (round 22, h101: a tenth of the pipeline's build)
    own = rules._MedspacyMatcher__matcher
    indexed = FirstWordMatcher(nlp.vocab, validate=not getattr(own, "validate", False), full=own)
    for rule_id, rule in rules.rule_map.items():       # in the order they were added
        if isinstance(rule.pattern, list):
            indexed.add(rule_id, [rule.pattern], on_match=rule.on_match)
    rules._MedspacyMatcher__matcher = indexed
    nlp.get_pipe(CONTEXT_PIPE)._ConText__matcher = TiesKept(rules)


class TiesKept:
    """medspaCy's rule matcher, its overlapping matches pruned to the longest as before, but
    every rule matching the very same words kept: two rules over one span ("was negative":
    a marker's or infection's negative result, and "test was fine", an infection's) are both
    cues, each for its own entity types. medspaCy keeps the first and drops the other, so
    the narrower rule silently disabled the broader one ("CD19 was negative" read no
    result)."""

    def __init__(self, rules):
        from medspacy.common.util import prune_overlapping_matches   # start-up: loaded with the pipeline
        from spacy.strings import hash_string                        # start-up: loaded with the pipeline

        self.rules = rules
        self.prune = prune_overlapping_matches
        rules._prune = False
        # a rule whose metadata says "cue_words": n is a cue of its first n words only; the
        # words after are a condition on what follows (", they mentioned": the comma ends
        # scopes when a clause of its own follows), so they neither hide nor cut other cues
        self.cue_words = {hash_string(rule_id): int(rule.metadata["cue_words"])
                          for rule_id, rule in getattr(rules, "rule_map", {}).items()
                          if isinstance(rule.metadata, dict) and rule.metadata.get("cue_words")}

    def __getattr__(self, name):
        return getattr(self.rules, name)

    def __call__(self, doc):
        matches = self.rules(doc)
        if self.cue_words:
            matches = [(m, start, min(end, start + self.cue_words[m])) if m in self.cue_words else (m, start, end)
                       for m, start, end in matches]
        if len(matches) < 2:
            return matches
        kept = {(start, end) for _, start, end in self.prune(matches)}
        # in medspaCy's order (by start and end; rules on the same words as matched)
        return sorted(dict.fromkeys(m for m in matches if (m[1], m[2]) in kept), key=lambda m: (m[1], m[2]))


# first-token attributes a pattern can be filed under (TEXT is ORTH)
_LOWER, _ORTH = 0, 1
_EXACT_ATTRS = {"LOWER": _LOWER, "ORTH": _ORTH, "TEXT": _ORTH}
_WORD_ATTRS = ["LOWER", "ORTH"]        # (Doc.to_array: a column each, in this order)


class FirstWordMatcher:
    """A spaCy ``Matcher`` for many token patterns, most of which begin with one exact word
    (ConText's, after ``nlp.components.context._exact_first``): spaCy's Matcher starts every
    pattern at every token of a text (1,350 patterns x 20 tokens per criterion, most of
    ConText's time); here the patterns are filed by their first word (``LOWER`` or
    ``ORTH``/``TEXT``, without an ``OP``) in a Matcher per word, and a text runs only the
    Matchers of the words it holds, plus one for the patterns with any other first token.

    The same matches as one Matcher holding every pattern (``full``, kept): a pattern can
    match only where its first word is, and is filed once. medspaCy sorts them by start and
    end and keeps, of two with the same span, the one spaCy gave first: spaCy's order of
    two patterns' matches depends on their own states only, so it holds within each Matcher
    here; when two Matchers find the same span, the text is matched again by ``full`` (a few
    texts in a thousand). ``add`` takes ``Matcher.add``'s arguments; no callbacks (ConText's
    rules have none). ``validate``: each pattern is checked against spaCy's schema once, by
    ``full`` (a word's Matcher holds a pattern ``full`` checked, with one word of its first
    token's word set); False for patterns checked before. ``full``: a Matcher that already
    holds every pattern ``add`` will be given, under the same keys, added in the same order
    (medspaCy's own): kept as it is, the patterns are not added to it again."""

    def __init__(self, vocab, validate: bool = True, full=None):
        from spacy.matcher import Matcher   # start-up: loaded with the pipeline

        self.vocab = vocab
        self._given_full = full is not None
        self.full = full if full is not None else Matcher(vocab, validate=validate)
        self.by_word: dict[tuple[int, int], Any] = {}   # (LOWER | ORTH, word's hash) -> Matcher
        # id(a word's Matcher) -> the most tokens a match of its patterns can take (None: any)
        self.reach: dict[int, int | None] = {}
        # id(a word's Matcher) -> the word sequences its patterns' matches begin with (one set
        # per token, ``_openings``); None when one of them may begin with its word alone
        self.openings: dict[int, list[tuple[frozenset[tuple[int, int]], ...]] | None] = {}
        self.seconds: dict[int, frozenset[tuple[int, int]]] = {}   # ... the words their second tokens may be
        # ... the words a text must hold for one of its patterns to match there, per pattern (word
        # sets of hashes, ``_needed_words``: a word of each); None when one needs only its
        # first word (round 34, h164: "," then "never ... recovered" in a text with no "never")
        self.needs: dict[int, list[tuple[frozenset[int], ...]] | None] = {}
        self.others = Matcher(vocab, validate=False)    # the patterns with no first word to file
        # ... but those with later tokens that must be exact words (round 34, h164: "N cycles
        # of", "... is still high"): a Matcher per set of such tokens (each a set of word
        # hashes, ``_gate``), run over a text holding a word of each
        self.gated: dict[tuple[frozenset[int], ...], Any] = {}

    def add(self, key: str, patterns: list[list[dict]], on_match=None) -> None:
        from spacy.matcher import Matcher   # start-up: loaded with the pipeline

        if on_match is not None:
            raise ValueError("FirstWordMatcher takes no on_match callbacks")
        if not self._given_full:
            self.full.add(key, patterns)
        for pattern in patterns:
            places = _first_words(pattern)
            if not places:
                gate = self._gate(pattern)
                if gate:
                    if gate not in self.gated:
                        self.gated[gate] = Matcher(self.vocab, validate=False)
                    self.gated[gate].add(key, [pattern])
                else:
                    self.others.add(key, [pattern])
            for attr, word, variant in places:
                place = (_EXACT_ATTRS[attr], self.vocab.strings.add(word))
                matcher = self.by_word.get(place)
                if matcher is None:
                    matcher = self.by_word[place] = Matcher(self.vocab, validate=False)
                    self.reach[id(matcher)] = 0
                    self.openings[id(matcher)] = []
                matcher.add(key, [variant])
                needs, gate = self.needs.get(id(matcher), []), self._gate(variant[1:])
                self.needs[id(matcher)] = None if needs is None or not gate else needs + [gate]
                known, most = self.reach[id(matcher)], _most_tokens(variant)
                self.reach[id(matcher)] = None if known is None or most is None else max(known, most)
                openings = self.openings[id(matcher)]
                if openings is not None:
                    more = self._openings(variant)      # (each begins with the word itself)
                    self.openings[id(matcher)] = None if min(map(len, more)) < 2 else openings + more
                    self.seconds[id(matcher)] = self.seconds.get(id(matcher), frozenset()).union(
                        *(opening[1] for opening in more if len(opening) > 1))

    def _gate(self, pattern: list[dict]) -> tuple[frozenset[int], ...]:
        """``_needed_words`` of ``pattern`` as sets of the words' hashes (whether lower case or
        as written: a text holds the word when a token's lower case or text is it; a word
        held only in the other form lets the Matcher run, which then finds nothing)."""
        return tuple(sorted({frozenset(self.vocab.strings.add(w) for _, w in words) for words in _needed_words(pattern)},
                            key=len))

    def _openings(self, pattern: list[dict], most: int = 4) -> list[tuple[frozenset[tuple[int, int]], ...]]:
        """The word sequences a match of the pattern can begin with: each a set of (``_LOWER`` |
        ``_ORTH``, word's hash) per token, up to ``most`` tokens or the first token that is
        not one exact word or word set (an ``OP`` other than ``?``, another attribute, two
        attributes); an optional exact token (``?``) gives the openings with it and without."""
        if not pattern or most == 0:
            return [()]
        token, rest = pattern[0], pattern[1:]
        op = token.get("OP")
        bare = {k: v for k, v in token.items() if k != "OP"}
        words = None
        if op in (None, "?") and len(bare) == 1:
            (attr, value), = bare.items()
            if attr in _EXACT_ATTRS and isinstance(value, str):
                words = [value]
            elif (attr in _EXACT_ATTRS and isinstance(value, dict) and set(value) == {"IN"}
                  and all(isinstance(w, str) for w in value["IN"])):
                words = value["IN"]
        if words is None:
            return [()]
        here = frozenset((_EXACT_ATTRS[attr], self.vocab.strings.add(w)) for w in words)
        openings = [(here,) + after for after in self._openings(rest, most - 1)]
        return openings + self._openings(rest, most) if op == "?" else openings

    def _may_match(self, matcher, places: list[int], lowers: list[int], orths: list[int]) -> bool:
        """False when no pattern of a word's Matcher can begin at any of the word's places
        (``places``): the words after it are none of those its patterns' openings need
        ("history" not followed by "of"); spaCy's Matcher would find nothing there."""
        openings = self.openings.get(id(matcher))
        if openings is None:
            return True
        n = len(lowers)
        seconds = self.seconds[id(matcher)]     # first: is any place followed by a second word?
        if not any((_LOWER, lowers[i + 1]) in seconds or (_ORTH, orths[i + 1]) in seconds
                   for i in places if i + 1 < n):
            return False
        for i in places:
            for opening in openings:
                if i + len(opening) <= n and all((_LOWER, lowers[i + j]) in words or (_ORTH, orths[i + j]) in words
                                                 for j, words in enumerate(opening) if j):
                    return True
        return False

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        by_word = self.by_word
        n = len(doc)
        run = {id(self.others): [self.others, 0, n, None]} if len(self.others) else {}
        # each token's lower case and text (hashes), read in one C call, no Token objects
        lowers, orths = (doc.to_array(_WORD_ATTRS).T.tolist() if n else ([], []))
        for i, place_words in enumerate(zip(lowers, orths)):
            for place in ((_LOWER, place_words[0]), (_ORTH, place_words[1])):
                matcher = by_word.get(place)
                if matcher is not None:
                    found = run.get(id(matcher))
                    if found is None:
                        run[id(matcher)] = [matcher, i, i, [i]]  # its patterns start at its word at the earliest
                    else:
                        found[2] = i                        # ... and at the latest
                        found[3].append(i)
        held = set(lowers)
        held.update(orths)
        disjoint = held.isdisjoint
        for gate, matcher in self.gated.items():
            if not any(map(disjoint, gate)):        # (a word of each of its sets)
                run[id(matcher)] = [matcher, 0, n, None]
        matches: list[tuple[int, int, int]] = []
        spans: dict[tuple[int, int], int] = {}
        reach = self.reach
        needs = self.needs
        for number, (matcher, first, last, places) in enumerate(run.values()):
            if places is not None:
                gates = needs.get(id(matcher))
                if gates is not None:
                    for gate in gates:
                        if not any(map(disjoint, gate)):
                            break
                    else:
                        continue        # (no pattern's words are all in the text)
                if not self._may_match(matcher, places, lowers, orths):
                    continue            # (it would find nothing: the number is only a name)
            # its patterns end within their longest reach after its last word: the tokens
            # after are not read (every match, in spaCy's order: a pattern's states have all
            # ended a token before the span does; one token more is read besides)
            most = reach.get(id(matcher))
            stop = n if most is None else min(n, last + most + 1)
            part = doc if first == 0 and stop == n else doc[first:stop]
            for key, start, end in matcher(part):   # (a span's matches count from its start)
                start, end = start + first, end + first
                if spans.setdefault((start, end), number) != number:
                    return self.full(doc)       # the same span from two Matchers: spaCy's order
                matches.append((key, start, end))
        return matches


def _most_tokens(pattern: list[dict]) -> int | None:
    """The most tokens a match of ``pattern`` can take: one per token of it (``OP`` none,
    ``?``, ``!`` or ``1``); None when one may repeat (``*``, ``+``, ``{n,m}``)."""
    if any(token.get("OP") not in (None, "?", "!", "1") for token in pattern):
        return None
    return len(pattern)


# a token's ``OP`` that lets it match once or more (never skipped): its words are needed
_NEVER_SKIPPED = (None, "1", "+")


def _needed_words(pattern: list[dict]) -> list[list[tuple[str, str]]]:
    """The words a text must hold for ``pattern`` to match in it: for each token that must be
    one exact word or word set (``LOWER``, ``ORTH`` or ``TEXT``) and is never skipped (``OP``
    none, ``1`` or ``+``), its words as (attribute, word); a text holds one of each token's."""
    needed = []
    for token in pattern:
        if token.get("OP") not in _NEVER_SKIPPED:
            continue
        for attr in _EXACT_ATTRS:
            value = token.get(attr)
            if isinstance(value, str):
                needed.append([(attr, value)])
                break
            if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(w, str) for w in value["IN"]):
                needed.append([(attr, word) for word in dict.fromkeys(value["IN"])])
                break
    return needed


def _first_words(pattern: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """The words a pattern's first token must be (``LOWER``, ``ORTH`` or ``TEXT``, one word
    or a word set, no ``OP``), each as (attribute, word, the pattern with that word alone
    there: together they match what the pattern matches); [] for any other first token."""
    if not pattern or "OP" in pattern[0]:
        return []
    first, rest = pattern[0], pattern[1:]
    for attr in _EXACT_ATTRS:
        value = first.get(attr)
        if isinstance(value, str):
            return [(attr, value, pattern)]
        if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(w, str) for w in value["IN"]):
            return [(attr, word, [dict(first, **{attr: word})] + rest) for word in dict.fromkeys(value["IN"])]
    return []


@lru_cache(maxsize=1)
def _builder():
    from data.terminology import load_terminology   # start-up: loaded when first used
    from nlp.components.assemble import FactBuilder
    from nlp.resources import vocabulary   # start-up: loaded when first used

    return FactBuilder(load_terminology(), vocabulary())


def read_doc(nlp, text: str, known: tuple[str, ...] = ()):
    """``nlp(text)``, but medspaCy's ConText runs only on a Doc with entities: its modifiers
    change only entities (``Span._.modifiers``), and everything that reads its graph relates
    the modifiers to entities (facts are made from entities only), so a Doc without any
    reads the same either way (36 % of registry criteria; ConText is ~60 % of the
    pipeline's time). Its ``context_graph`` stays unset there."""
    from nlp.components.context import CONTEXT_PIPE   # start-up: loaded with the pipeline

    doc = nlp.make_doc(text)
    if known:
        doc._.trialbot_known = tuple(known)     # the conversation's conditions (word senses)
    for name, proc in nlp.pipeline:
        if name == CONTEXT_PIPE and not doc.ents:
            continue
        doc = proc(doc)
    return doc


def _line_breaks(doc):
    """A line break ends a sentence (referral letters list findings one per line); a
    question mark glued to the word after it does not ("?TB - cavitating lesion": a query,
    the mark belongs to what follows)."""
    from nlp.components.doc_cache import doc_text   # start-up: loaded when first used

    text = doc_text(doc)
    if "\n" in text:
        for token in doc[:-1]:
            if token.is_space and "\n" in token.text:
                doc[token.i + 1].is_sent_start = not _wrapped(text, token.idx, doc[token.i + 1])
    if "?" in text:
        for token in doc[:-1]:
            if token.text == "?" and not token.whitespace_ and doc[token.i + 1].is_alpha:
                doc[token.i + 1].is_sent_start = False
            elif (token.text == "?" and doc[token.i + 1].is_alpha and "\n" not in token.whitespace_
                  and (token.i == 0 or doc[token.i - 1].is_space
                       or doc[token.i - 1].text in _QUERY_MARK_AFTER)):
                # "Fever. ? infection - cultures negative", "? lupus nephritis": a query mark
                # opening a clause, with a space after it, asks about what follows (h171, round 36)
                doc[token.i + 1].is_sent_start = False
            else:
                continue
            if token.i > 1 and doc[token.i - 1].text == "." and doc[token.i - 1].whitespace_:
                # ... and after a full stop it opens the next sentence, the query's own: "not fit
                # for intensive chemo. ?trial" asks about a trial, not about the chemo (h187, round 39)
                token.is_sent_start = True
    if "." in text:
        # "3 prior lines incl. daratumumab": the full stop of an abbreviation (extraction.yaml
        # ``no_sentence_end_after``) ends no sentence
        short, before_number = _no_sentence_end_after(), _no_sentence_end_before_number()
        for token in doc[1:-1]:
            if (token.text == "." and not doc[token.i - 1].whitespace_ and "\n" not in token.whitespace_
                    and not doc[token.i + 1].is_punct
                    and (doc[token.i - 1].lower_ in short
                         or (doc[token.i - 1].lower_ in before_number and doc[token.i + 1].like_num))):
                doc[token.i + 1].is_sent_start = False
    if "(" in text:
        _bracketed_stops(doc)
    return doc


# what a clause-opening query mark may stand after ("Fever. ? infection", "PMH: ? asthma")
_QUERY_MARK_AFTER = frozenset((".", ";", ":", ",", "-", "–", "(", "/"))


@lru_cache(maxsize=1)
def _no_sentence_end_after() -> frozenset[str]:
    """The abbreviations whose full stop ends no sentence (extraction.yaml), read once."""
    from nlp.resources import vocabulary   # start-up: loaded with the pipeline

    return frozenset(str(w).lower() for w in vocabulary().get("no_sentence_end_after") or ())


@lru_cache(maxsize=1)
def _no_sentence_end_before_number() -> frozenset[str]:
    """The abbreviations whose full stop ends no sentence when a number follows ("mother d. 78")."""
    from nlp.resources import vocabulary   # start-up: loaded with the pipeline

    return frozenset(str(w).lower() for w in vocabulary().get("no_sentence_end_before_number") or ())


def _bracketed_stops(doc) -> None:
    """A full stop or question mark inside brackets ends no sentence: "myositis
    (dermatomyositis they think, maybe antisynthetase?) for about 8 months" is one sentence,
    so the duration reaches the illness. Inside an open bracket no token starts a sentence,
    nor does a lower-case word right after the closing bracket; a line break still does."""
    depth, closed_here = 0, False
    for token in doc:
        if token.i and token.is_sent_start and "\n" not in doc[token.i - 1].text:
            if depth > 0 or (doc[token.i - 1].text == ")" and closed_here and token.text[:1].islower()):
                token.is_sent_start = False
        closed_here = False
        # a bracket may be glued to the punctuation after it ("Labs (28/09/2025): Hb 9.8",
        # one token "):"): its characters open and close, not only a lone "(" or ")" (h96,
        # round 21: an unclosed count had joined every later sentence of the letter)
        if token.is_punct or token.text in ("(", ")"):
            depth += token.text.count("(")
            closing = min(depth, token.text.count(")"))
            if closing:
                depth -= closing
                closed_here = True


# a line at least this long that ends without punctuation, followed by one line break and a
# lower-case word, is a sentence wrapped at the letter's width ("Fostamatinib was stopped\n
# after 3 months because of diarrhoea"); a short line is a list item ("no fever\ncough")
WRAPPED_LINE_CHARS = 60
# a lettered or roman list item at a line's start ("e) ...", "b. ...", "iv) ...")
_LIST_ITEM = re.compile(r"(?:[a-z]|i{1,3}|iv|v|vi{1,3})[.)][ \t]")


def _wrapped(text: str, at: int, following) -> bool:
    """True when the line break at ``at`` only wraps a sentence (see WRAPPED_LINE_CHARS)."""
    if text.count("\n", at, following.idx) != 1 or not following.text[:1].islower():
        return False
    if _LIST_ITEM.match(text, following.idx):
        return False    # "e) Venetoclax + navitoclax": a lettered list item opens its own line (h96, round 21)
    line = text[text.rfind("\n", 0, at) + 1:at].rstrip()
    return len(line) >= WRAPPED_LINE_CHARS and line[-1:].isalnum()


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering ``text``, cut at sentence ends into pieces of about
    ``size`` characters (a short text is one piece)."""
    if len(text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    cut = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() - start > size and cut > start:
            pieces.append((start, text[start:cut]))
            start = cut
        # never cut inside a pasted table (its header dates the columns: lab_columns.py), unless
        # the piece grows past three times its size (h96, round 21)
        if not (_TABLE_ROW.match(text, match.end()) and match.end() - start < 3 * size):
            cut = match.end()
    if len(text) - start > size and start < cut < len(text):
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def extract(text: str, source: str | None = None, today: date | None = None,
            about: str | None = None, known: tuple[str, ...] = ()) -> list[Fact]:
    """Every fact ``text`` states, with spans, context flags, values, status and time.

    ``source`` is recorded on each fact (the message id); ``today`` anchors relative times
    ("3 months ago"; default: the real date). ``about``: the relative a conversation is
    already known to be about ("mother", a canonical relation of data/nlp/relations.yaml),
    for a message that does not say it again: "mum's ANA was positive" from a son writing
    for his mother is the patient's ANA, not family history (``with_known_relation``).
    ``known``: the conditions a conversation already knows of its patient (concept ids): a
    word whose sense the disease decides is read by them too ("he had aza and ven, then a
    transplant" after "my dad has AML": azacitidine, venetoclax, a stem cell transplant).
    """
    if not text or not text.strip():
        return []
    return next(_extract_texts([text], source, today or date.today(), about=about, known=tuple(known or ())))


def extract_with_doc(text: str, today: date | None = None,
                     conversation: bool = True) -> tuple[list[Fact], object | None]:
    """``extract`` and the spaCy Doc the facts were read from, when the text was read whole
    and as written (one piece, no symbol runs blanked, not Chinese); else (facts, None).
    The criteria parser reads the same Doc's entities instead of running the pipeline twice.
    ``conversation=False`` (a criterion, which no patient or relative writes): the steps
    that read a person's message only are skipped: who writes it (``speaker_of``: nobody),
    a question and its answer in the same text, a treatment asked for (``FactBuilder``)."""
    if not text or not text.strip():
        return [], None
    readings = None if conversation else _criteria_readings.get()
    if readings is not None:
        return readings.read(text, today or date.today())
    return _extract_with_doc(text, today, conversation)


def _extract_with_doc(text: str, today: date | None, conversation: bool) -> tuple[list[Fact], object | None]:
    if _blank_symbol_runs(text) != text or is_chinese(text) or len(chunks(text)) != 1:
        return extract(text, today=today), None
    nlp, builder = build_pipeline(), _builder()
    speaker = speaker_of(text) if conversation else _nobody()
    doc = read_doc(nlp, text)
    today = today or date.today()
    if conversation:
        today = _written_on(text, today)
    facts = builder(doc, None, today, speaker, conversation=conversation)
    builder.history_sections(text, facts)
    builder.taken_elsewhere(text, facts)
    if conversation:        # a criterion's "hypersensitivity to X" is the criteria reader's
        facts.extend(_allergies(text, facts, None))
        facts.extend(_stages(text, facts, None))    # a criterion's "Stage III or IV" likewise
        facts.extend(_weight_loss(text, facts, None))
        facts.extend(_spread_sites(text, facts, None))
    return _with_relation_sex(_young_patient(text, facts, speaker), speaker, None), doc


# the most texts a run's ``CriteriaReadings`` keeps (the least recently read goes first): a
# registry's boilerplate recurs across studies; a Doc of a criterion is a few kilobytes
CRITERIA_READINGS_KEPT = 4096
_criteria_readings: ContextVar["CriteriaReadings | None"] = ContextVar("trialbot_criteria_readings", default=None)


class CriteriaReadings:
    """What ``extract_with_doc(text, conversation=False)`` gave for each text read in one
    import run (round 34, h164): a criterion read again (the same line in another study, read
    anew for that study's own drugs; a sub-part the criteria parser reads twice) is not run
    through the pipeline again. The key is the text as written and the day it is read as of
    (offsets stay true); the pipeline reads nothing else of a criterion. Each caller gets
    its own list of its own copies of the facts (a caller may change a fact); the Doc is
    shared (the criteria reader only reads it). At most ``most`` texts, the least recently
    read dropped first."""

    def __init__(self, most: int = CRITERIA_READINGS_KEPT):
        self.most = most
        self.kept: dict[tuple[str, date], tuple[list[Fact], object | None]] = {}
        self.hits = 0

    def read(self, text: str, today: date) -> tuple[list[Fact], object | None]:
        key = (text, today)
        kept = self.kept.pop(key, None)
        if kept is None:
            facts, doc = _extract_with_doc(text, today, False)
            kept = ([copy.copy(f) for f in facts], doc)
            if len(self.kept) >= self.most:
                del self.kept[next(iter(self.kept))]
            self.kept[key] = kept
            return facts, doc
        self.hits += 1
        self.kept[key] = kept       # (now the most recently read)
        return [copy.copy(f) for f in kept[0]], kept[1]


@contextmanager
def criteria_readings(readings: CriteriaReadings):
    """Within the block (in this thread or task), ``extract_with_doc(..., conversation=False)``
    reads each text once into ``readings`` (an import run keeps one for all its studies)."""
    token = _criteria_readings.set(readings)
    try:
        yield readings
    finally:
        _criteria_readings.reset(token)


@lru_cache(maxsize=1)
def _nobody():
    """The writer of a text no person writes (a registry criterion): no speaker, no relation."""
    from nlp.components.speaker import Speaker   # start-up: nothing of nlp.components at import

    return Speaker(None)


def extract_many(texts: Iterable[str], today: date | None = None, batch_size: int = 256) -> Iterator[list[Fact]]:
    """``extract`` over many texts at once (``nlp.pipe``), in order."""
    return _extract_texts(texts, None, today or date.today(), batch_size)


def speaker_of(text: str):
    """Who wrote ``text`` and whom it is about: a ``Speaker`` with ``speaker`` ("patient",
    "relative" or None), ``relation`` ("daughter"), ``sex`` the relation implies, and the
    relation word's span (nlp/components/speaker.py, words in data/nlp/relations.yaml).

    >>> speaker_of("my daughter is 24").relation
    'daughter'
    """
    if is_chinese(text):
        from nlp.components.zh_speaker import speaker_of as read_chinese   # start-up: only for Chinese text

        return read_chinese(to_simplified(text), text)
    from nlp.components.speaker import speaker_of as read   # start-up: nothing of nlp.components at import

    return read(text)


def named_relative(text: str):
    """The one parent, sibling or other relative of role ``family`` a message names as its
    subject while the writer says nothing of their own health ("hi my sister has lupus"): a
    ``Speaker`` for them, or None (nlp/components/speaker.py ``named_relative``; English only).
    The conversation asks whether the trial is for them."""
    if is_chinese(text):
        return None
    from nlp.components.speaker import named_relative as read   # start-up: nothing of nlp.components at import

    return read(text)


def people_of(text: str, today: date | None = None) -> list:
    """The people a message describes as patients when it describes two or more ("my son has
    crohns and my daughter has lupus, both tried everything"), each a ``Person`` with the
    facts of their own part of the text (nlp/components/people.py), else []. English only."""
    if is_chinese(text):
        return []
    from nlp.components.people import people_of as read_people   # start-up: nothing of nlp.components at import

    return read_people(text, lambda part, about: extract(part, today=today, about=about))


def person_named(text: str, relations: list[str]) -> int | None:
    """Which of ``relations`` (canonical relations; "self": the writer) a reply names ("my
    daughter", "the 2nd", "me"), by index, or None (nlp/components/people.py)."""
    from nlp.components.people import person_named as read   # start-up: nothing of nlp.components at import

    return read(text, relations)


def with_known_relation(speaker, about: str | None):
    """The speaker of a message in a conversation already known to be about the relative
    ``about`` (a parent writing for a child, a son for his mother): a message that names no
    relative of its own as its subject ("mum's ANA was positive", "she had hep B years ago")
    is that relative's, so a FAMILY cue naming them is not family history and the writer's
    own illness is. A message that names another relative as its subject keeps its reading."""
    if about is None or getattr(speaker, "relation", None) is not None:
        return speaker
    from nlp.components.speaker import Speaker, relations   # start-up: nothing of nlp.components at import

    words = relations()
    if about not in words.roles:
        return speaker
    return Speaker("relative", relation=about, sex=words.sexes.get(about), writer=getattr(speaker, "writer", None))


def _extract_texts(texts: Iterable[str], source: str | None, today: date, batch_size: int = 256,
                   about: str | None = None, known: tuple[str, ...] = ()) -> Iterator[list[Fact]]:
    nlp, builder = build_pipeline(), _builder()
    for text in texts:
        text = _blank_symbol_runs(text)
        if not text.strip():
            yield []
            continue
        speaker = speaker_of(text)
        if is_chinese(text):
            facts = _chinese(text, source, today, speaker)
            facts.extend(_allergies(text, facts, source))   # "否认药物过敏史"
            facts.extend(_stages(text, facts, source))      # "肺癌IV期"
            facts.extend(_toxicities(text, facts, source))  # "化疗的副作用都没有了"
            facts.extend(_treatment_lines(text, facts, source))  # "接受过三线治疗"
            facts.extend(_treated_setting(text, source))    # "转移以后没有再做过治疗"
            yield _with_relation_sex(facts, speaker, source)
            continue
        speaker = with_known_relation(speaker, about)
        today = _written_on(text, today)     # a letter dated in the past is read as of its date
        pieces = chunks(text)
        if len(pieces) == 1:
            facts = builder(read_doc(nlp, text, known), source, today, speaker)
        else:
            facts = _read_pieces(nlp, builder, pieces, source, today, speaker, known)
        builder.history_sections(text, facts)   # a note's "Past Medical History:" spans pieces
        builder.taken_elsewhere(text, facts)    # "Current: MMF ... refractory despite MMF" a page apart
        facts.extend(_allergies(text, facts, source))   # "allergic to penicillin", "NKDA"
        facts.extend(_stages(text, facts, source))      # "stage 4 lymphoma", "Ann Arbor IIIB"
        facts.extend(_weight_loss(text, facts, source))     # "lost 8 kg in 3 months" beside a cancer
        facts.extend(_spread_sites(text, facts, source))    # "it's in her bones and her liver now"
        facts.extend(_toxicities(text, facts, source))  # "grade 2 neuropathy from vincristine"
        facts.extend(_treatment_lines(text, facts, source))  # "she's had 3 lines of treatment"
        facts.extend(_treated_setting(text, source))    # "nothing since it spread"
        builder.former_states(facts)    # "She stopped smoking 5 years ago" under a PMH heading: a former smoker now
        prefer_written_system(facts, builder.terminology)   # "bilirubin 9" beside "creatinine 71 umol/L"
        yield _with_relation_sex(_young_patient(text, facts, speaker), speaker, source)


def _toxicities(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The TOXICITY facts of a text (nlp/components/toxicities.py)."""
    from nlp.components.toxicities import toxicity_facts   # start-up: nothing of nlp.components at import

    return toxicity_facts(text, facts, source)


def _treatment_lines(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The ``prior_lines`` SCORE facts of a text (nlp/components/treatment_lines.py)."""
    from nlp.components.treatment_lines import treatment_line_facts   # start-up: nothing of nlp.components at import

    return treatment_line_facts(text, facts, source)


def _treated_setting(text: str, source: str | None) -> list[Fact]:
    """The ``treated_advanced_disease`` facts of a text (nlp/components/treated_setting.py)."""
    from nlp.components.treated_setting import treated_setting_facts   # start-up: nothing of nlp.components at import

    return treated_setting_facts(text, source)


def _allergies(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The ALLERGY facts of a text (nlp/components/allergies.py)."""
    from nlp.components.allergies import allergy_facts   # start-up: nothing of nlp.components at import

    return allergy_facts(text, facts, source)


def _stages(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The STAGE facts of a text (nlp/components/stages.py)."""
    from nlp.components.stages import stage_facts   # start-up: nothing of nlp.components at import

    return stage_facts(text, facts, source)


def _spread_sites(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The sites a stated cancer has spread to, in everyday words, and the sites joined before a
    metastasis's own ("liver and bone metastases"; nlp/components/spread_sites.py)."""
    from nlp.components.spread_sites import joined_sites, named_metastatic, spread_facts   # start-up: nothing of nlp.components at import

    found = spread_facts(text, facts, source) + named_metastatic(facts, source)     # "mBC", "mCRC": metastatic too
    return found + joined_sites(text, [*facts, *found], source)


def _weight_loss(text: str, facts: list[Fact], source: str | None) -> list[Fact]:
    """The cancer cachexia a weight loss over a time shows (nlp/components/weight_loss.py)."""
    from nlp.components.weight_loss import weight_loss_facts   # start-up: nothing of nlp.components at import

    return weight_loss_facts(text, facts, source)


def _written_on(text: str, today: date) -> date:
    """The day ``text`` is read as of: a pasted letter's own date when its header gives one
    before ``today`` (nlp/components/letter_date.py), else ``today``."""
    from nlp.components.letter_date import letter_date   # start-up: nothing of nlp.components at import

    return letter_date(text, today)


def _read_pieces(nlp, builder, pieces: list[tuple[int, str]], source: str | None, today: date,
                 speaker, known: tuple[str, ...]) -> list[Fact]:
    """The facts of a long text read in pieces, each piece with what the whole text would
    give it: the speaker (and the relative the conversation is about, ``about``), the
    conversation's known conditions, and the patient's conditions the pieces before it
    named ("AML, 2023 ... then aza and ven" a page later: azacitidine, venetoclax)."""
    facts: list[Fact] = []
    seen = list(known)
    for offset, piece in pieces:
        read = builder(read_doc(nlp, piece, tuple(seen)), source, today, speaker)
        facts.extend(replace(f, start=f.start + offset, end=f.end + offset) for f in read)
        seen += [f.concept for f in read if f.label in ("CONDITION", "INFECTION") and f.concept not in seen
                 and not (f.negated or f.family or f.hypothetical or f.uncertain)]
    return facts


def _chinese(text: str, source: str | None, today: date, speaker) -> list[Fact]:
    """The facts of a Chinese text (nlp/zh_pipeline.py, built with the first one)."""
    from nlp.zh_pipeline import extract as extract_chinese   # start-up: only for Chinese text

    return extract_chinese(text, source, today, speaker)


# below this age (years) a pregnancy or breastfeeding a text names is someone else's (the
# mother's, in an infant's note: "brought in by his 19-year-old mother who ... had syphilis
# in pregnancy")
_NO_PREGNANCY_BELOW = 10


def _young_patient(text: str, facts: list[Fact], speaker) -> list[Fact]:
    """In a note about a young child (no one writing in the first person: "I have a 3 month
    old and I'm breastfeeding" is the mother's own; no adult age of the patient), a
    pregnancy or breastfeeding is the mother's: the child's age is under
    ``_NO_PREGNANCY_BELOW`` or the note first describes an infant ("Baby boy ... 35 week
    gestation born to a 27 year old G2P1 mother"; ``young_patient`` of relations.yaml)."""
    pregnancies = [f for f in facts if f.label == "PREGNANCY" and not f.family]
    if speaker.speaker is not None or not pregnancies:
        return facts
    ages = [f.value for f in facts if f.label == "AGE" and not f.family and f.value is not None and not f.implausible]
    if ages and max(ages) >= _NO_PREGNANCY_BELOW:
        return facts
    from nlp.components.speaker import relations   # start-up: nothing of nlp.components at import

    if not ages and not any(p.search(text, 0, pregnancies[0].start) for p in relations().young_patient):
        return facts
    return [replace(f, family=True) if f.label == "PREGNANCY" else f for f in facts]


def _with_relation_sex(facts: list[Fact], speaker, source: str | None) -> list[Fact]:
    """A relative writing about "my son" says the patient is male (a SEX fact on the
    relation word), unless the text states another sex itself; a sex stated that agrees ("my
    husband, 58 m") keeps the relation word's too (h165, round 35)."""
    stated = [f for f in facts if f.label == "SEX" and not f.family]
    if speaker.sex is None or speaker.start is None or any(
            f.concept != speaker.sex or (f.start < speaker.end and speaker.start < f.end) for f in stated):
        return facts
    fact = Fact("SEX", speaker.sex, speaker.word, speaker.start, speaker.end, source=source)
    return sorted(facts + [fact], key=lambda f: (f.start, f.end))


def profile_from_messages(messages: Iterable[tuple[str, str]], today: date | None = None) -> Profile:
    """Merge the facts of ``(message_id, text)`` pairs, in order, into one Profile; each
    fact keeps the id of the message it came from (a later fact about the same thing wins)."""
    return Profile.merge(extract(text, source=message_id, today=today) for message_id, text in messages)
