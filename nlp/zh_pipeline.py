"""The Chinese extractor: a Chinese text -> the same typed facts as the English pipeline.

``nlp.pipeline`` sends a text here when ``nlp.chinese.is_chinese`` says so; nothing else
calls it. Built on first use, once per process (``build``): ``spacy.blank("zh")`` with the
jieba segmenter (its dictionary ships in the package; nothing is downloaded), jieba's
dictionary extended with the terminology's Chinese names and the cue words so that they
segment whole. Building costs about a second (jieba's dictionary), paid by the first
Chinese message only: English text never loads jieba, OpenCC or this module.

A text is read in simplified characters (OpenCC, offsets unchanged), then:
mentions (nlp/components/zh_mentions.py) -> context and outcomes (zh_context.py) -> who
(zh_speaker.py) -> times (zh_time.py) -> facts, with spans and text as written.
"""
from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any

from core.facts import Fact
from data.terminology import Terminology, load_terminology
from nlp.chinese import to_simplified
from nlp.components.speaker import Speaker
from nlp.components.time import attach
from nlp.components.zh_context import Cues, Spans, read_context
from nlp.components.zh_mentions import Mention, MentionFinder
from nlp.components.zh_speaker import People, chinese_relations
from nlp.components.zh_time import ChineseTimes
from nlp.resources import chinese_vocabulary, vocabulary
from nlp.units import normalise_lab, normalize_unit

# long texts are read in pieces of whole sentences of about this many characters
CHUNK_CHARS = 1000
_LATIN_PUNCTUATION = str.maketrans("，、；：（）", ",,;:()")
_built: "ChineseExtractor | None" = None
_building = threading.Lock()


def build() -> "ChineseExtractor":
    """The Chinese extractor, built once per process."""
    global _built
    if _built is None:
        with _building:
            if _built is None:
                _built = ChineseExtractor(load_terminology(), chinese_vocabulary(), vocabulary())
    return _built


def _segmenter(words: list[str]):
    """spaCy's Chinese language class with jieba, its dictionary extended with ``words``."""
    import jieba   # start-up: only the first Chinese text loads the segmenter
    import spacy

    jieba.setLogLevel(logging.WARNING)      # no "Building prefix dict" lines on stderr
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    segmenter = nlp.tokenizer.jieba_seg
    segmenter.initialize()
    for word in sorted(set(words)):
        if len(word) > 1 and not word.isascii():
            segmenter.add_word(word)
    return nlp


class ChineseExtractor:
    def __init__(self, terminology: Terminology, words: dict[str, Any], english: dict[str, Any]):
        self.terminology = terminology
        self.words = words
        self.mentions = MentionFinder(terminology, words, english, to_simplified)
        self.cues = Cues(words)
        self.times = ChineseTimes(words)
        chinese_relations()
        user_words = [to_simplified(t) for c in terminology.concepts.values() for t in c.zh]
        user_words += list(self.cues.table) + [w for spelled in words["relations"].values() for w in spelled]
        user_words += [w for spelled in words["sex"].values() for w in spelled]
        user_words += [w for spelled in words["pregnancy"].values() for w in spelled] + list(words["places"])
        self.nlp = _segmenter(user_words)

    def __call__(self, text: str, source: str | None, today: date, speaker: Speaker) -> list[Fact]:
        simple = to_simplified(text)
        facts: list[Fact] = []
        for start, end in self._pieces(simple):
            for fact in self._read(text[start:end], simple[start:end], source, today, speaker):
                fact.start, fact.end = fact.start + start, fact.end + start
                facts.append(fact)
        return facts

    def _pieces(self, simple: str) -> list[tuple[int, int]]:
        """Whole sentences, together up to ``CHUNK_CHARS`` characters a piece (a sentence
        longer than that is cut): nothing reads past a sentence, and the cost of a piece
        grows faster than its length."""
        pieces: list[tuple[int, int]] = []
        start = end = 0
        for _, sentence_end in self.cues.sentences(simple):
            stop = min(sentence_end + 1, len(simple))
            while stop - start > CHUNK_CHARS:
                cut = end if end > start else start + CHUNK_CHARS
                pieces.append((start, cut))
                start = end = cut
            end = stop
        if start < len(simple):
            pieces.append((start, len(simple)))
        return pieces

    def _read(self, text: str, simple: str, source: str | None, today: date, speaker: Speaker) -> list[Fact]:
        doc = self.nlp(simple)
        tokens = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
        mentions = self.mentions(simple, tokens)
        if not mentions:
            return []
        cues = self.cues.find(simple, {s for s, _ in tokens}, {e for _, e in tokens}, mentions)
        contexts = read_context(simple, mentions, cues, self.cues)
        clauses = Spans(self.cues.clauses(simple))
        family_cues = [(c.start, c.end) for c in cues if any(k == "family" for k, _ in c.kinds)]
        people = People(simple, speaker, family_cues)
        facts = []
        for mention, context in zip(mentions, contexts):
            fact = Fact(
                label=mention.label, text=text[mention.start:mention.end],
                concept=text[mention.start:mention.end] if mention.label == "LOCATION" else mention.concept,
                start=mention.start, end=mention.end, negated=context.negated, historical=context.historical,
                hypothetical=context.hypothetical, uncertain=context.uncertain,
                family=people.family(mention.start, clauses[clauses.index(mention.start)]), source=source,
            )
            self._fill(fact, mention, context)
            facts.append(fact)
        self._attach_times(simple, mentions, facts, today)
        return facts

    def _fill(self, fact: Fact, mention: Mention, context) -> None:
        info = mention.info
        if fact.label in ("DRUG", "PROCEDURE"):
            fact.status = context.status
        elif fact.label in ("INFECTION", "BIOMARKER"):
            fact.status = context.result
        elif fact.label in ("AGE", "WEIGHT"):
            for key in ("value", "unit", "value_normalized", "unit_normalized"):
                if key in info:
                    setattr(fact, key, info[key])
            if fact.label == "AGE":
                fact.implausible = not 0 <= fact.value <= 120
        elif fact.label in ("LAB", "SCORE"):
            self._apply_reading(fact, info["reading"])

    def _apply_reading(self, fact: Fact, reading) -> None:
        fact.value, fact.unit, fact.comparator, fact.uln_multiple = reading.value, reading.unit, reading.comparator, reading.uln_multiple
        if reading.value_high is not None and fact.comparator is None:
            fact.comparator = ">="
            if fact.label == "LAB":
                fact.value_high = reading.value_high     # a range's top (matching.labs)
        concept = self.terminology.get(fact.concept)
        if concept is None or fact.value is None:
            return
        if fact.label == "SCORE":
            fact.value_normalized = fact.value
            low, high = concept.attrs.get("range") or (float("-inf"), float("inf"))
            fact.implausible = not low <= fact.value <= high
            return
        normalise_lab(fact, self.terminology, self._unit_key)

    def _unit_key(self, written: str, units: dict) -> str | None:
        """A Chinese unit name first ("微摩尔/升"), else the written unit as English reads it."""
        unit = self.mentions.unit_key(written)
        return unit if unit in units else normalize_unit(written, units)

    def _attach_times(self, text: str, mentions: list[Mention], facts: list[Fact], today: date) -> None:
        taken = [(m.start, m.end) for m in mentions if m.label in ("AGE", "WEIGHT")]
        taken += [(m.info["reading"].start, m.info["reading"].end) for m in mentions if "reading" in m.info]
        times = self.times(text, today, taken)
        if not times:
            return
        sentences = Spans(self.cues.sentences(text))
        # attach() tells clauses apart by Latin punctuation: the same text with Chinese commas
        # and semicolons written as Latin ones (one character for one)
        for index, expression in attach(text.translate(_LATIN_PUNCTUATION), times, facts, sentences.index).items():
            if expression.date is not None:
                facts[index].date = expression.date
            if expression.duration_days is not None:
                facts[index].duration_days = expression.duration_days


def extract(text: str, source: str | None, today: date, speaker: Speaker) -> list[Fact]:
    """The facts of Chinese ``text`` (``speaker``: ``nlp.pipeline.speaker_of(text)``)."""
    return build()(text, source, today, speaker)
