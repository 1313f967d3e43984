"""Context of the mentions of a Chinese text: negated, uncertain, hypothetical, past, a
treatment's outcome, a test's result. The cue words are data (data/nlp/zh.yaml).

Clauses end at the punctuation of ``clause_ends``; a cue reaches the mentions of its own
clause only, and stops at a ``terminators`` word ("但是"). A ``before`` cue applies to the
mentions after it, an ``after`` cue to the mentions before it. Where cues overlap the
longest wins, a one-character cue counts only as a word of its own after jieba's
segmentation, a cue inside a mention is no cue, and ``pseudo`` phrases ("病史十年") hide the
cues inside them.

- Treatments (DRUG, PROCEDURE): the outcome cue nearest after the treatment in its clause,
  else the nearest before it. A clause that gives only an outcome ("……都用过，没什么用")
  gives it to the treatments of the clause before (those with no outcome yet).
- ``treatment_over`` cues ("移植后复发") make a treatment before them past.
- Infections and markers: the result after them in their clause ("乙肝、丙肝均阴性");
  negative makes the mention negated.
- A treatment or pregnancy named in a clause that asks a question ("能做CAR-T吗？") with
  nothing said of its use is hypothetical; any treatment, result or value named in a question
  about a requirement ("她需要CD19阳性吗？", ``requirement_words``) is too.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from nlp.components.zh_mentions import Mention

THERAPY_LABELS = ("DRUG", "PROCEDURE")
RESULT_LABELS = ("INFECTION", "BIOMARKER")
QUESTION_LABELS = THERAPY_LABELS + ("PREGNANCY",)
# what a requirement question asks about rather than tells (not a diagnosis, age or sex)
REQUIREMENT_LABELS = THERAPY_LABELS + RESULT_LABELS + ("PREGNANCY", "LAB", "SCORE")
# a space between two Chinese characters ends a clause (informal writing uses no commas)
_SPACE_BREAK = re.compile(r"(?<=[^\x00-\x7f])\s(?=\s*[^\x00-\x7f])")
_FLAGS = ("negation", "uncertain", "hypothetical", "historical", "treatment_over")


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    kinds: tuple[tuple[str, str], ...]     # (category, side or value)


@dataclass
class Context:
    negated: bool = False
    uncertain: bool = False
    hypothetical: bool = False
    historical: bool = False
    status: str | None = None
    result: str | None = None


class Cues:
    def __init__(self, words: dict[str, Any]):
        table: dict[str, list[tuple[str, str]]] = {}
        for category in _FLAGS:
            for side, spelled in words[category].items():
                for word in spelled:
                    table.setdefault(word, []).append((category, side))
        for status, spelled in words["therapy_status"].items():
            for word in spelled:
                table.setdefault(word, []).append(("status", status))
        for result, spelled in words["results"].items():
            for word in spelled:
                table.setdefault(word, []).append(("result", result))
        for word in words["family"]:
            table.setdefault(word, []).append(("family", "before"))
        for word in words["terminators"]:
            table.setdefault(word, []).append(("terminator", "both"))
        self.table = {w: tuple(k) for w, k in table.items()}
        self.lengths = sorted({len(w) for w in self.table}, reverse=True)
        self.pseudo = [re.compile(p) for p in words["pseudo"]]
        self.clause_ends = frozenset(words["clause_ends"])
        self.sentence_ends = frozenset(words["sentence_ends"])
        self.question_ends = tuple(words["question_ends"])
        self.requirement_words = tuple(words["requirement_words"])
        self.bare_denials = frozenset(words.get("bare_denials") or ())
        # a field's result alone after its colon ("乙肝：阴性"): the result words of ``results``
        self.bare_results = {word: result for result, spelled in words["results"].items() for word in spelled}
        self.asked_field_ends = tuple(words.get("asked_field_ends") or ())

    def find(self, text: str, token_starts: set[int], token_ends: set[int], mentions: list[Mention]) -> list[Cue]:
        hidden = [False] * len(text)
        # a disease's status that is a treatment's outcome word too ("经2线化疗后复发": the
        # disease relapsed, the chemotherapy failed) hides no cue (lead, round 40)
        shown = [(m.start, m.end) for m in mentions if not (m.label == "CONDITION" and text[m.start:m.end] in self.table)]
        for s, e in [(m.start(), m.end()) for p in self.pseudo for m in p.finditer(text)] + shown:
            hidden[s:e] = [True] * (e - s)
        cues: list[Cue] = []
        i = 0
        while i < len(text):
            for length in self.lengths:
                word = text[i:i + length]
                kinds = self.table.get(word)
                if kinds is None or len(word) < length:
                    continue
                if length == 1 and not (i in token_starts and i + 1 in token_ends):
                    continue
                if any(hidden[i:i + length]):
                    continue
                cues.append(Cue(i, i + length, kinds))
                i += length - 1
                break
            i += 1
        return cues

    def clauses(self, text: str) -> list[tuple[int, int]]:
        """Clauses: ended by ``clause_ends``, and by spaces between Chinese words ("化疗6次 没缓解")."""
        return _split(text, self.clause_ends, _SPACE_BREAK)

    def sentences(self, text: str) -> list[tuple[int, int]]:
        return _split(text, self.sentence_ends)

    def asks_a_requirement(self, text: str, clause: tuple[int, int]) -> bool:
        """The clause asks what a trial requires ("她需要CD19阳性吗？")."""
        start, end = clause
        return self.asks(text, clause) and any(word in text[start:end] for word in self.requirement_words)

    def asks(self, text: str, clause: tuple[int, int]) -> bool:
        """The clause is a question (it ends with a question mark or particle)."""
        start, end = clause
        if end < len(text) and text[end] in self.question_ends:
            return True
        return text[start:end].rstrip().endswith(self.question_ends)


def _split(text: str, ends: frozenset[str], breaks: re.Pattern | None = None) -> list[tuple[int, int]]:
    cuts = {i for i, ch in enumerate(text) if ch in ends}
    if breaks is not None:
        cuts.update(m.start() for m in breaks.finditer(text))
    spans, start = [], 0
    for i in sorted(cuts):
        spans.append((start, i))
        start = i + 1
    spans.append((start, len(text)))
    return spans


class Spans:
    """Which clause or sentence an offset is in."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def __getitem__(self, i: int) -> tuple[int, int]:
        return self.spans[i]


def read_context(text: str, mentions: list[Mention], cues: list[Cue], finder: Cues) -> list[Context]:
    """The context of each mention (same order)."""
    clauses = Spans(finder.clauses(text))
    sentences = Spans(finder.sentences(text))
    terminators = [c.start for c in cues if any(k == "terminator" for k, _ in c.kinds)]
    contexts = [Context() for _ in mentions]
    by_clause: dict[int, list[int]] = {}
    for i, mention in enumerate(mentions):
        by_clause.setdefault(clauses.index(mention.start), []).append(i)
    cues_by_clause: dict[int, list[Cue]] = {}
    for cue in cues:
        cues_by_clause.setdefault(clauses.index(cue.start), []).append(cue)

    for index, members in by_clause.items():
        clause = clauses[index]
        local = cues_by_clause.get(index, [])
        for i in members:
            mention, context = mentions[i], contexts[i]
            for cue in local:
                if _blocked(cue, mention, terminators):
                    continue
                for kind, side in cue.kinds:
                    if kind in _FLAGS and ((side == "before" and cue.end <= mention.start)
                                           or (side == "after" and cue.start >= mention.end)):
                        if kind == "treatment_over":
                            context.historical = context.historical or mention.label in THERAPY_LABELS
                        else:
                            setattr(context, "negated" if kind == "negation" else kind, True)
            if mention.label in THERAPY_LABELS:
                context.status = _nearest_status(mention, local, terminators)
            if mention.label in RESULT_LABELS:
                context.result = _result(mention, local, terminators)
                if context.result == "negative":
                    context.negated = True
                elif context.result == "positive":
                    context.negated = False
        _questions(text, clause, [(mentions[i], contexts[i]) for i in members], finder)

    _carry_back(mentions, contexts, cues_by_clause, by_clause, clauses, sentences)
    _bare_denial(text, mentions, contexts, by_clause, clauses, finder)
    return contexts


_NOT_WORDS = re.compile(r"[\s，,。.；;！!？?：:、（）()]+")


def _bare_denial(text: str, mentions, contexts, by_clause, clauses: Spans, finder: Cues) -> None:
    """"骨髓移植：没有", "移植史：无", "做过骨髓移植吗？没有": a clause that is a denial alone,
    after a clause ending in a form field's colon or a question, denies the mentions of that
    clause (those said neither had nor hoped for otherwise). "乙肝：阴性", "CD7：阳性": a result
    alone after a field's colon is the result of the infections and markers named before it."""
    if not finder.bare_denials:
        return
    for index in range(1, len(clauses.spans)):
        start, end = clauses[index]
        said = _NOT_WORDS.sub("", text[start:end])
        result = finder.bare_results.get(said) or finder.bare_results.get(text[start:end].strip())
        if (said not in finder.bare_denials and result is None) or by_clause.get(index):
            continue
        back_start, back_end = clauses[index - 1]
        asked = text[back_start:start].rstrip()
        if not asked.endswith(finder.asked_field_ends):
            continue
        for i in by_clause.get(index - 1, []):
            context = contexts[i]
            if result is not None:
                if mentions[i].label in RESULT_LABELS and context.result is None:
                    context.result = result
                    context.negated = result == "negative"
            elif not (context.negated or context.status):
                context.negated, context.hypothetical, context.historical = True, False, False


def _blocked(cue: Cue, mention: Mention, terminators: list[int]) -> bool:
    low, high = sorted((cue.start, mention.start))
    return any(low < t < high for t in terminators)


def _nearest_status(mention: Mention, cues: list[Cue], terminators: list[int]) -> str | None:
    after = [c for c in cues if c.start >= mention.end and not _blocked(c, mention, terminators)
             and any(k == "status" for k, _ in c.kinds)]
    if after:
        return next(v for k, v in after[0].kinds if k == "status")
    before = [c for c in cues if c.end <= mention.start and not _blocked(c, mention, terminators)
              and any(k == "status" for k, _ in c.kinds)]
    if before:
        return next(v for k, v in before[-1].kinds if k == "status")
    return None


def _result(mention: Mention, cues: list[Cue], terminators: list[int]) -> str | None:
    """The first result written after the mention in its clause."""
    for cue in cues:
        if cue.start < mention.end or _blocked(cue, mention, terminators):
            continue
        result = next((v for k, v in cue.kinds if k == "result"), None)
        if result is not None:
            return result
    return None


def _questions(text: str, clause: tuple[int, int], members: list[tuple[Mention, Context]], finder: Cues) -> None:
    if not members or not finder.asks(text, clause):
        return
    if finder.asks_a_requirement(text, clause):
        # "她需要CD19阳性吗？", "需要乙肝阴性吗？": a requirement asked about, no result of hers
        # (as in English, data/nlp/extraction.yaml requirement_question_words; lead, round 35)
        for mention, context in members:
            if mention.label in REQUIREMENT_LABELS:
                context.hypothetical = True
        return
    for mention, context in members:
        if mention.label in QUESTION_LABELS and not (context.status or context.historical or context.negated):
            context.hypothetical = True


def _carry_back(mentions, contexts, cues_by_clause, by_clause, clauses: Spans, sentences: Spans) -> None:
    for index, local in sorted(cues_by_clause.items()):
        status = next((v for c in local for k, v in c.kinds if k == "status"), None)
        if status is None or any(mentions[i].label in THERAPY_LABELS for i in by_clause.get(index, [])):
            continue
        sentence = sentences.index(clauses[index][0])
        back = index - 1
        while back >= 0 and sentences.index(clauses[back][0]) == sentence:
            treated = [i for i in by_clause.get(back, []) if mentions[i].label in THERAPY_LABELS]
            if treated:
                for i in treated:
                    if contexts[i].status is None and not (contexts[i].negated or contexts[i].hypothetical):
                        contexts[i].status = status
                break
            back -= 1
