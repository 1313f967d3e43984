"""Regular-expression patterns from data/patterns/*.jsonl, run over a Doc's text.

A pattern's named groups say what it found (``value``, ``unit``, ``sex``, ``place``,
``year`` …); ``span`` names the part that is the fact's span when it is not the whole
match. Matches are aligned to token boundaries so they can become entities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from nlp.numerals import in_region, numeral_view, original_span
from nlp.regex_heads import DIGIT, fold_text, heads, needs_digit
from nlp.resources import patterns


@dataclass
class PatternMatch:
    row: dict[str, Any]
    start_char: int
    end_char: int
    groups: dict[str, str | None]
    group_spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.row["label"]


class PatternRunner:
    """Runs the patterns of the named files over text."""

    def __init__(self, names: tuple[str, ...]):
        self.rows = [row for name in names for row in patterns(name)]
        # a row's "requires" strings, tested on the lower-cased text
        self.gates = [_gate(row.get("requires")) for row in self.rows]
        # each required string once, with the rows it opens: a text's strings are tested
        # once, not once per row that names them (rows in file order all the same)
        by_word: dict[str, list[int]] = {}
        for i, gate in enumerate(self.gates):
            if type(gate) is tuple:
                for word in gate:
                    by_word.setdefault(word, []).append(i)
        self._by_word = tuple((word, frozenset(rows)) for word, rows in by_word.items())
        self._open = frozenset(i for i, gate in enumerate(self.gates) if type(gate) is not tuple)
        # beside a row's own "requires": the strings one of which every match of its regex holds
        # and whether each holds a digit, read from the regex itself (``nlp.regex_heads``, the
        # criteria cues' pre-check): a row that cannot match a text is not run (round 32, h154;
        # the same matches, 57 % of the runs on registry criteria)
        self._heads = [frozenset(heads(row["re"])) for row in self.rows]
        self._digit = [needs_digit(row["re"]) for row in self.rows]

    def runnable(self, text: str) -> list[int]:
        """The rows whose regex can match ``text`` (their "requires" met in the lower-cased
        text, one of the strings each match of the regex holds in its fold, and a digit
        when each match holds one), in order."""
        lower = text.lower()
        chosen = set(self._open)
        for word, rows in self._by_word:
            if word in lower:
                chosen |= rows
        gates, heads_of, digit = self.gates, self._heads, self._digit
        folded, digits, found = None, None, []
        for i in sorted(chosen):
            if heads_of[i]:
                if folded is None:
                    folded = lower if text.isascii() else fold_text(text)   # (the same for ASCII)
                if not any(map(folded.__contains__, heads_of[i])):
                    continue    # none of the strings each match holds is in the text
            if digit[i]:
                if digits is None:
                    digits = DIGIT.search(text) is not None
                if not digits:
                    continue    # each match holds a digit; the text none
            if gates[i] is None or type(gates[i]) is tuple or gates[i].search(lower):
                found.append(i)
        return found

    def __call__(self, text: str) -> list[PatternMatch]:
        found = []
        rows = self.rows
        for i in self.runnable(text):
            row = rows[i]
            for match in row["re"].finditer(text):
                groups = match.groupdict()
                spans = {name: match.span(name) for name, value in groups.items() if value is not None}
                start, end = spans.get("span", match.span())
                found.append(PatternMatch(row, start, end, groups, spans))
        return found + self._spelled_ages(text)

    def _spelled_ages(self, text: str) -> list[PatternMatch]:
        """The age rows run again over the text with its numbers in words written in digits
        ("my mother is sixty eight years old" read as "... 68 years old", "im forty four",
        "a year and a half old"; ``numeral_view``); only matches whose number was in words,
        with their spans in the text's own offsets (h95, round 21)."""
        view = numeral_view(text)
        if view is None:
            return []
        written, regions = view
        found = []
        rows = self.rows
        for i in self.runnable(written):
            row = rows[i]
            if row["label"] != "AGE" or row.get("kind") in ("birth", "decade"):
                continue
            for match in row["re"].finditer(written):
                if match.group("value") is None or not in_region(regions, *match.span("value")) \
                        or re.match(r"\.\d", written[match.end("value"):]):
                    continue        # "1.5 year": the whole number, not its "1"
                groups = match.groupdict()
                spans = {name: original_span(regions, *match.span(name))
                         for name, value in groups.items() if value is not None}
                start, end = spans.get("span", original_span(regions, *match.span()))
                groups = {name: (text[spans[name][0]:spans[name][1]] if name != "value" and value is not None else value)
                          for name, value in groups.items()}
                found.append(PatternMatch(row, start, end, groups, spans))
        return found


def _gate(requires: list[str] | None) -> tuple[str, ...] | re.Pattern | None:
    """The strings one of which the lower-cased text must hold (a tuple: plain substring
    tests, faster than a regular expression), or a regular expression when one of them is
    "#digit" (any digit), or None."""
    if not requires:
        return None
    if "#digit" not in requires:
        return tuple(requires)
    return re.compile("|".join(r"\d" if r == "#digit" else re.escape(r) for r in requires))


def token_span(doc: Doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token offsets covering the characters (expanded to whole tokens), or None."""
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.start, span.end
