"""The mentions of a Chinese text: every span that names a fact, with its label and concept.

Read on the simplified text (nlp/chinese.py; offsets are those of the text as written):

* terminology names: the ``zh`` lists of data/terminology/*.yaml, found wherever they are
  written (Chinese has no spaces), and the English ``terms`` and ``abbreviations`` on runs
  of Latin words ("SLE 8年，MMF无效"): terms in any case (three letters or fewer only with a
  capital: "Scr", "ALT", never "got"), abbreviations as written;
* demographics and the rest (data/nlp/zh.yaml): ages ("26岁", "二十六岁"; "我妈妈55，"), sex words
  (a one-character word such as 女 only where jieba segments it as a word of its own),
  weights ("体重52公斤"), pregnancy words, places;
* a lab or score name takes the value after it in its clause ("血小板才2万",
  "肌酐 156 μmol/L", "SLEDAI评分14分"; nlp/components/zh_values.py); a lab named without a
  value is no fact.

Typos: a name of four Chinese characters or more written with one character wrong
("红斑狼仓", "环磷酰按") is the name, where no exact mention is (``typos`` in zh.yaml).

Overlaps: the longest span wins, then terminology over patterns. A generic infection
("感染") right next to a named one ("EB病毒感染") is dropped, and so is a marker that names
a CAR-T's target ("CD19 CAR-T").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from data.terminology import Terminology
from nlp.components.measurements import Reading
from nlp.components.zh_time import ChineseNumbers
from nlp.components.zh_values import ChineseValues
from nlp.components.terms import SKIPPED_ANALYTES, fact_label

_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'+/-]*[A-Za-z0-9+]|[A-Za-z0-9]")
_MAX_WORDS = 6
_SHORT_TERM = 3          # English terms this short count only with a capital ("ALT", "Scr", not "alt")
_PRIORITY = {"term": 0, "pattern": 1, "typo": 2}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_GENERIC_INFECTION = 2   # "感染" (2 characters), not "活动性感染"


@dataclass
class Mention:
    start: int
    end: int
    label: str
    concept: str
    origin: str = "term"
    info: dict[str, Any] = field(default_factory=dict)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class LongestMatch:
    """Words found wherever they are written, the longest at each position."""

    def __init__(self, words: dict[str, Any]):
        self.words = words
        self.lengths: dict[str, list[int]] = {}
        for word in words:
            self.lengths.setdefault(word[0], []).append(len(word))
        for first in self.lengths:
            self.lengths[first] = sorted(set(self.lengths[first]), reverse=True)

    def at(self, text: str, i: int) -> tuple[int, Any] | None:
        for length in self.lengths.get(text[i], ()):
            if i + length > len(text):
                continue
            value = self.words.get(text[i:i + length])
            if value is not None:
                return length, value
        return None

    def find(self, text: str):
        """(start, end, value) for each word, left to right, not overlapping."""
        i = 0
        while i < len(text):
            found = self.at(text, i)
            if found is None:
                i += 1
                continue
            length, value = found
            yield i, i + length, value
            i += length


class OneWrong:
    """Names of at least ``min_length`` Chinese characters found with one character wrong,
    where no mention is; the wrong character is never one of ``never``."""

    def __init__(self, words: dict[str, Any], min_length: int, never: frozenset[str]):
        self.never = never
        self.keys: dict[tuple[int, str], Any] = {}
        ambiguous: set[tuple[int, str]] = set()
        for word, value in words.items():
            if len(word) < min_length or not all(_CJK.match(ch) for ch in word):
                continue
            for k in range(len(word)):
                key = (k, word[:k] + word[k + 1:])
                if key in self.keys and self.keys[key] != value:
                    ambiguous.add(key)
                self.keys[key] = value
        for key in ambiguous:
            del self.keys[key]
        self.lengths = sorted({len(k[1]) + 1 for k in self.keys}, reverse=True)
        self.exact = words
        # a window can hold a name with one character wrong only if it starts with a name's
        # first character, or (the first one wrong) goes on with a name's second
        self.firsts = {k[1][0] for k in self.keys if k[0] > 0}
        self.seconds = {k[1][0] for k in self.keys if k[0] == 0}

    def find(self, text: str, covered: list[tuple[int, int]]):
        """(start, end, value) of each name written with one character wrong."""
        owner = [-1] * len(text)          # the covered span each character is in
        for n, (s, e) in enumerate(covered):
            for c in range(s, e):
                owner[c] = n
        taken = [False] * len(text)
        for i in range(len(text)):
            if taken[i] or not _CJK.match(text[i]) or (owner[i] >= 0 and covered[owner[i]][0] < i):
                continue
            for length in self.lengths:
                end = i + length
                if end > len(text) or not (text[i] in self.firsts or text[i + 1] in self.seconds):
                    continue
                piece = text[i:end]
                if piece in self.exact or taken[end - 1] or (owner[end - 1] >= 0 and covered[owner[end - 1]][1] > end):
                    continue      # a typo may swallow a shorter name ("环磷" in "环磷酰按"), not cut one
                found = next(((k, self.keys[(k, piece[:k] + piece[k + 1:])]) for k in range(length)
                              if (k, piece[:k] + piece[k + 1:]) in self.keys and piece[k] not in self.never
                              and _CJK.match(piece[k])), None)
                if found is not None:
                    yield i, end, found[1]
                    taken[i:end] = [True] * length
                    break


class MentionFinder:
    def __init__(self, terminology: Terminology, words: dict[str, Any], english: dict[str, Any], simplify):
        self.terminology = terminology
        zh: dict[str, tuple[str, str]] = {}
        latin: dict[str, tuple[str, str]] = {}
        exact: dict[str, tuple[str, str]] = {}
        for concept in terminology.concepts.values():
            if concept.id in SKIPPED_ANALYTES:
                continue
            target = (fact_label(concept), concept.id)
            for term in concept.zh:
                zh.setdefault(simplify(term).translate(_ASCII_FOLD), target)
            for term in concept.terms:
                latin.setdefault(" ".join(term.lower().split()), target)
            for abbreviation in concept.abbreviations:
                exact.setdefault(abbreviation, target)
        self.zh_terms = LongestMatch(zh)
        self.typos = OneWrong(zh, int(words["typos"]["min_length"]), frozenset(words["typos"]["never"]))
        self.latin, self.exact = latin, exact
        self.sexes = {w: sex for sex, spelled in words["sex"].items() for w in spelled}
        self.pregnancy = LongestMatch({w: kind for kind, spelled in words["pregnancy"].items() for w in spelled})
        self.places = LongestMatch({w: w for w in words["places"]})
        relation_words = [w for spelled in words["relations"].values() for w in spelled]
        ages = _alternation(words["age_units"])
        self.age_units = words["age_units"]
        self.number = ChineseNumbers(words)
        self.age_re = re.compile(r"(?<![\d.])(\d{1,3}|%s)\s*(%s)" % (self.number.pattern.split("|")[1], ages))
        self.age_before_re = re.compile(r"(?:%s)\s*[:：]?\s*(\d{1,3})(?![\d.])" % _alternation(words["age_before"]))
        self.relation_age_re = re.compile(
            r"(?:%s)\s*[，,（(]?\s*(\d{1,3})(?=\s*了?\s*(?:[，,。；;！!？?）)\s]|$))" % _alternation(relation_words))
        units = words["weight_units"]
        self.weight_units = units
        self.weight_re = re.compile(r"(?:%s)\s*[:：]?\s*(?:%s)?\s*((\d{2,3}(?:\.\d+)?)\s*(%s))"
                                    % (_alternation(words["weight_words"]), _alternation(words["value_fillers"]), _alternation(units)))
        self.reader = ChineseValues(words, english)

    # --- finding -----------------------------------------------------------------
    def __call__(self, text: str, tokens: list[tuple[int, int]]) -> list[Mention]:
        folded = text.translate(_ASCII_FOLD)
        found = list(self._zh_terms(folded)) + list(self._latin(text)) + list(self._patterns(text, tokens))
        chosen = _resolve(found)
        covered = [(m.start, m.end) for m in chosen]
        chosen = _resolve(chosen + [Mention(s, e, label, concept, "typo") for s, e, (label, concept) in self.typos.find(folded, covered)])
        chosen = [m for m in chosen if self._keep(text, m)]
        return _drop_redundant(chosen)

    def _zh_terms(self, folded: str):
        for start, end, (label, concept) in self.zh_terms.find(folded):
            if (_is_alnum_ascii(folded[start]) and start > 0 and _is_alnum_ascii(folded[start - 1])) or (
                    _is_alnum_ascii(folded[end - 1]) and end < len(folded) and _is_alnum_ascii(folded[end])):
                continue    # "T淋巴…" inside a longer Latin word
            yield Mention(start, end, label, concept)

    def _latin(self, text: str):
        tokens = [(m.start(), m.end()) for m in _LATIN_TOKEN.finditer(text)]
        i = 0
        while i < len(tokens):
            best = None
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                if n > 1 and any(not text[tokens[k][1]:tokens[k + 1][0]].isspace() for k in range(i, i + n - 1)):
                    continue      # the words of a phrase are separated by spaces only
                written = text[start:end]
                target = self.exact.get(written)
                if target is None:
                    lowered = " ".join(written.lower().split())
                    if len(lowered) > _SHORT_TERM or written[0].isupper():
                        target = self.latin.get(lowered)
                if target is not None:
                    best = (n, Mention(start, end, target[0], target[1]))
                    break
            if best is None:
                best = self._glued(text, tokens[i])
            if best is None:
                i += 1
                continue
            yield best[1]
            i += best[0]

    def _glued(self, text: str, token: tuple[int, int]):
        """A name with its value written on ("eGFR45", "mRSS28分", "DAS285.6")."""
        start, end = token
        for cut in range(end - 1, start, -1):
            if not text[cut:end].isdigit():
                break
            written = text[start:cut]
            target = self.exact.get(written) or (self.latin.get(written.lower()) if len(written) > _SHORT_TERM or written[0].isupper() else None)
            if target is not None and target[0] in ("LAB", "SCORE"):
                return 1, Mention(start, cut, target[0], target[1])
        return None

    def _patterns(self, text: str, tokens: list[tuple[int, int]]):
        for regex in (self.age_re, self.age_before_re, self.relation_age_re):
            for match in regex.finditer(text):
                value = self.number(match.group(1))
                if value is None:
                    continue
                unit = match.group(2) if regex is self.age_re else None
                if unit is not None and self.age_units[unit] == "month":
                    value = round(value / 12, 3)
                    yield Mention(match.start(1), match.end(2), "AGE", "age", "pattern", {"value": value})
                    continue
                yield Mention(match.start(1), match.end(1), "AGE", "age", "pattern", {"value": value})
        for match in self.weight_re.finditer(text):
            value = float(match.group(2))
            unit = match.group(3)
            info = {"value": value, "unit": unit, "value_normalized": round(value * float(self.weight_units[unit]), 2),
                    "unit_normalized": "kg"}
            yield Mention(match.start(1), match.end(1), "WEIGHT", "weight", "pattern", info)
        for start, end in tokens:
            sex = self.sexes.get(text[start:end])
            if sex is not None:
                yield Mention(start, end, "SEX", sex, "pattern")
        for start, end, kind in self.pregnancy.find(text):
            yield Mention(start, end, "PREGNANCY", kind, "pattern")
        for start, end, place in self.places.find(text):
            yield Mention(start, end, "LOCATION", text[start:end], "pattern")

    # --- values ------------------------------------------------------------------
    def _keep(self, text: str, mention: Mention) -> bool:
        """Labs and scores need a value; read it."""
        if mention.label not in ("LAB", "SCORE"):
            return True
        reading = self.reading_after(text, mention.end)
        if reading is None:
            return False
        mention.info["reading"] = reading
        return True

    def reading_after(self, text: str, position: int) -> Reading | None:
        return self.reader.after(text, position)

    def unit_key(self, unit: str | None) -> str | None:
        """A Chinese unit word's unit key ("万" -> "10^4/uL"), else None."""
        return self.reader.unit_key(unit)


def _resolve(found: list[Mention]) -> list[Mention]:
    order = sorted(found, key=lambda m: (-(m.end - m.start), _PRIORITY[m.origin], m.start))
    taken: list[Mention] = []
    for mention in order:
        if any(mention.start < t.end and t.start < mention.end for t in taken):
            continue
        taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


def _drop_redundant(mentions: list[Mention]) -> list[Mention]:
    keep = []
    for i, mention in enumerate(mentions):
        if mention.concept == "active_infection" and mention.end - mention.start <= _GENERIC_INFECTION:
            neighbours = mentions[i - 1:i] + mentions[i + 1:i + 2]
            if any(n.label == "INFECTION" and n.concept != "active_infection"
                   and (0 <= mention.start - n.end <= 1 or 0 <= n.start - mention.end <= 1) for n in neighbours):
                continue
        after = mentions[i + 1] if i + 1 < len(mentions) else None
        if mention.label == "BIOMARKER" and after is not None and after.label == "PROCEDURE" and after.start - mention.end <= 1:
            continue     # "CD19 CAR-T": the target of the therapy, not a marker result
        keep.append(mention)
    return keep
