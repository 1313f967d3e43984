"""How many lines of treatment for the disease a text says the patient has had: SCORE facts of
the score ``prior_lines`` (``data/terminology/scores.yaml``), judged by the score leaf of the
criteria "at least 2 prior lines of therapy", "no more than 3 prior regimens" (h119, round 25).

* "she's had 3 lines of treatment", "two prior regimens", "failed 4 lines": the count of all
  lines so far (exact); "at least 3 lines", "more than 2 lines": that bound. A bare "2 lines"
  counts only in a sentence about treatment or the disease's course ("relapsed after 2 lines";
  not "the pregnancy test showed 2 lines").
* "3 lines of chemo", "2 lines of salvage", "接受过三线治疗": lines of one kind (or a line's
  ordinal), so at least that many in all (comparator ">=").
* "this is his fourth line of therapy", "now on third-line chemo", "现在是三线治疗": the Nth line
  now, so at least N - 1 before it (round 29, h139); "her third treatment" or "second round of
  chemo" without a line word is as often a cycle of one line: nothing.
* "R-CHOP then R-ICE then polatuzumab", "R-CHOP -> R-ICE -> CAR-T": a list of regimens, each a
  systemic anticancer therapy the text names (DRUG facts) or a CAR-T (``also_lines``), joined by "then", "->", "followed
  by": at least as many lines as it names. Never when the list names a maintenance, a
  consolidation, a transplant or radiotherapy (parts of one line, or no line), nor when an item
  is negated, hedged, planned or a relative's.

A condition, the future, doubt, a negation or a relative before the match in its sentence, or
"more" / "left" right after it, leave it out: unknown stays unknown (the question asks it). The
words are data: the ``treatment_lines`` section of ``data/nlp/extraction.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.facts import Fact
from data.terminology import load_terminology
from nlp.resources import vocabulary

SCORE = "prior_lines"
ANTICANCER = "systemic_anticancer_therapy"
_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")


@dataclass(frozen=True)
class LineWords:
    look: re.Pattern
    numbers: dict[str, int]
    signs: dict[str, str]
    all: tuple[re.Pattern, ...]
    bare: re.Pattern
    context: re.Pattern
    some: tuple[re.Pattern, ...]
    joiner: re.Pattern
    also_lines: frozenset[str]
    one_line: re.Pattern
    before: re.Pattern
    after: re.Pattern
    current: tuple[re.Pattern, ...] = ()
    ordinals: dict[str, int] = None


@lru_cache(maxsize=1)
def line_words() -> LineWords:
    raw = vocabulary()["treatment_lines"]

    def one(key: str) -> re.Pattern:
        return re.compile(raw[key], re.IGNORECASE)

    def many(key: str) -> tuple[re.Pattern, ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in raw[key])

    return LineWords(look=one("look"), numbers={str(k).lower(): int(v) for k, v in raw["numbers"].items()},
                     signs={" ".join(str(k).lower().split()): v for k, v in raw["signs"].items()},
                     all=many("all"), bare=one("bare"), context=one("context"), some=many("some"), joiner=one("joiner"), also_lines=frozenset(raw["also_lines"]), one_line=one("one_line"),
                     before=one("before"), after=one("after"), current=many("current"),
                     ordinals={str(k).lower(): int(v) for k, v in raw["ordinals"].items()})


def treatment_line_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The ``prior_lines`` SCORE facts ``text`` states (see the module docstring); ``facts``
    are the facts already read from it (the regimens of a list are theirs)."""
    words = line_words()
    if not text or not words.look.search(text):
        return []
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for exact, patterns in ((True, words.all), (False, words.some)):
        for pattern in patterns:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                n = _number(match.group("n"), words)
                if n is None or not _plain_context(text, match.start(), match.end(), words):
                    continue
                if words.bare.match(match.group(0)) and not _about_treatment(text, match, words):
                    continue
                written = " ".join((match.group("cmp") or "").lower().split())
                comparator = words.signs.get(written) if written else ("==" if exact else ">=")
                if comparator is None:
                    continue
                taken.append((match.start(), match.end()))
                found.append(Fact(label="SCORE", concept=SCORE, text=match.group(0).strip(), start=match.start(),
                                  end=match.end(), value=float(n), comparator=comparator, source=source))
    if not found:
        found.extend(_current_line(text, words, source))
    if not found:
        listed = _regimen_list(text, facts, words)
        if listed is not None:
            found.append(Fact(label="SCORE", concept=SCORE, text=text[listed[0]:listed[1]], start=listed[0],
                              end=listed[1], value=float(listed[2]), comparator=">=", source=source))
    return found


def _current_line(text: str, words: LineWords, source: str | None) -> list[Fact]:
    """(round 29, h139) "this is his fourth line of therapy", "now on third-line chemo", "现在是三线治疗":
    the Nth line now, so at least N - 1 lines before it (the one taken now may or may not count
    once it stops: the lower bound only). A first line says nothing."""
    for pattern in words.current:
        for match in pattern.finditer(text):
            n = words.ordinals.get(match.group("n").lower())
            if n is None or n < 2 or not _plain_context(text, match.start(), match.end(), words):
                continue
            return [Fact(label="SCORE", concept=SCORE, text=match.group(0).strip(), start=match.start(), end=match.end(),
                         value=float(n - 1), comparator=">=", source=source)]
    return []


def _number(written: str, words: LineWords) -> int | None:
    if written.isdigit():
        return int(written)
    return words.numbers.get(written.lower())


def _plain_context(text: str, start: int, end: int, words: LineWords) -> bool:
    left, right = _sentence(text, start, end)
    return not words.before.search(text[left:start]) and not words.after.match(text[end:right])


def _about_treatment(text: str, match: re.Match, words: LineWords) -> bool:
    """A bare count ("2 lines") stands in a sentence about treatment or the disease's course."""
    left, right = _sentence(text, match.start(), match.end())
    return bool(words.context.search(text[left:match.start()]) or words.context.search(text[match.end():right]))


def _regimen_list(text: str, facts: list[Fact], words: LineWords) -> tuple[int, int, int] | None:
    """The longest run of systemic anticancer regimens joined by "then" / "->" in one sentence:
    (start, end, how many), or None (fewer than two, or a part of one line named)."""
    term = load_terminology()
    treatments = sorted((f for f in facts if f.label in ("DRUG", "PROCEDURE")), key=lambda f: f.start)
    best: list[Fact] = []
    run: list[Fact] = []
    for fact in treatments:
        if run and words.joiner.match(text[run[-1].end:fact.start]) and not _SENTENCE_END.search(
                text, run[-1].end, fact.start):
            run.append(fact)
        else:
            run = [fact]
        if len(run) > len(best):
            best = list(run)
    if len(best) < 2:
        return None
    start, end = best[0].start, best[-1].end
    if words.one_line.search(text[start:end]):
        return None
    for fact in best:
        if fact.negated or fact.hypothetical or fact.family or fact.uncertain:
            return None
        if fact.concept in words.also_lines:
            continue
        if fact.label != "DRUG" or term.get(fact.concept) is None or not (
                fact.concept == ANTICANCER or term.is_a(fact.concept, ANTICANCER)):
            return None
    if not _plain_context(text, start, end, words):
        return None
    return start, end, len(best)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)
