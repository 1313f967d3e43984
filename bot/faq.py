"""Questions people ask, answered from ``data/faq.yaml`` (issue #16): what CAR-T is, what
a trial involves, costs and travel, what a term means, where the sites are.

``Faq.find(message)`` gives the ``Answer`` for a message, or None:

* a whole message that is one of an entry's wordings, a question containing one, or one
  within a small typo of one (rapidfuzz), is that entry;
* a question of a ``term_questions`` form ("what is {term}?", "what does {term} mean")
  whose term is one of a term's names (small typos allowed) is that term;
* a short question that matches none of these and names the subject of one entry only,
  by its ``keywords`` ("how risky is it": risks), is that entry;
* ``is_question`` says whether a message asks something (ends with "?" or opens with one
  of ``question_starts``): the engine never notes a question as a fact.

Messages are compared after ``bot.phrasings.plain`` (lower case, no punctuation).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.phrasings import APOSTROPHES, CJK, mentions_any, plain, says_any
from bot.texts import ROLES
from data.errors import DataError
from data.files import DATA_DIR, read_yaml

FAQ_PATH = DATA_DIR / "faq.yaml"
_SECTIONS = {"question_starts", "term_questions", "pair_questions", "entries", "terms", "trial_words",
             "ordinals", "ordinal_nouns", "closing_requests", "trial_details"}
FUZZY_SCORE = 88          # rapidfuzz ratio for a small typo ("waht is car-t")
FUZZY_MIN_CHARS = 8       # shorter wordings must match exactly
KEYWORD_MAX_WORDS = 6     # a longer question says more than its subject word: no keyword answer
MAX_ANSWERS = 2           # questions of one message answered ("what is car-t and does it hurt?")
LAST_QUESTION_WORDS = 12  # a case's closing question asking for trials ("Any CD7 CAR-T?") is short
_SENTENCES = re.compile(r"(?<=[.!?？。])\s+|\n+")
_ARTICLES = re.compile(r"^(?:a|an|the|this|that)\s+")
_NOT_WORD = re.compile(r"[\s\W_]+")


def _zh_plain(text: str) -> str:
    """A Chinese message or wording compared without spaces, punctuation or case ("CAR-T 是什么？"
    as "cart是什么"), full-width forms made plain."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Answer:
    """An entry or term of the FAQ: its id, the answer by role (None for the sites entry,
    answered from the trial records), whether it is the sites question, and whether the
    trials that may fit follow the answer ("which trials could she join?", "could a trial take
    me with my heart?": the results, after what the bot can and cannot say)."""

    id: str
    text: dict[str, str] | None
    sites: bool = False
    results: bool = False
    contacts: bool = False      # under a list already shown: its sites and contacts, not the list again
    general: bool = False       # about CAR-T or a trial in general: no trial's criteria quoted after it


@dataclass(frozen=True)
class Faq:
    starts: tuple[str, ...]
    term_forms: tuple[re.Pattern, ...]
    wordings: dict[str, Answer]           # plain wording -> entry
    names: dict[str, Answer]              # plain term name -> term
    long: tuple[str, ...] = ()            # wordings long enough for typo-tolerant matching
    keywords: dict[str, Answer] | None = None   # plain keyword -> the entry whose subject it names
    pair_forms: tuple[re.Pattern, ...] = ()     # "difference between {term} and {other}": both terms
    trial_words: tuple[str, ...] = ()     # words naming trials: an unanswered question with one asks for them
    zh_wordings: tuple[tuple[str, Answer], ...] = ()   # Chinese wordings, longest first, found inside a message
    forms: tuple[tuple[re.Pattern, Answer], ...] = ()  # an entry's forms ("{is|are} there {something|anything} for {me|her}")
    closing: frozenset[str] = frozenset()      # a case's last sentence asking for trials unnamed ("anything?")
    details: tuple[str, ...] = ()               # words asking for a trial's record in full ("exclusion criteria")
    ordinal_forms: re.Pattern | None = None     # "the first one", "number 2": which trial of a list
    ordinal_values: dict[str, int] | None = None

    def asks_details(self, message: str) -> bool:
        """The message asks for a trial's record in full ("what are the exclusion criteria
        for ...", "tell me more about ...")."""
        return says_any(message, self.details)

    def ordinal(self, message: str) -> int | None:
        """Which trial of the list just shown a question names: 1 for "who do i contact for
        the first one?" or "number 1", -1 for "the last one", else None."""
        if self.ordinal_forms is None:
            return None
        found = self.ordinal_forms.search(f" {plain(message)} ")
        if found is None:
            return None
        word, figure = found.group("word"), found.group("figure")
        return (self.ordinal_values or {}).get(word) if word else int(figure) or None

    def about_trials(self, message: str) -> bool:
        """A question that names trials or the treatment ("does any study here take
        antisynthetase?", "is car t worth a shot for her"): the trials that may fit answer it
        better than "I can't answer that one"."""
        return mentions_any(message, self.trial_words)

    def asks_for_trials_at_end(self, message: str) -> bool:
        """The message's last sentence is a short question naming trials or the treatment
        ("34M, relapsed T-ALL ... Any CD7 CAR-T?", "... is there a trial for her?"): the case
        told before it comes with a request for the trials."""
        sentences = [s for s in _SENTENCES.split(message.strip()) if s.strip()]
        last = sentences[-1].strip() if sentences else ""
        if len(sentences) > 1 and plain(last) in self.closing:
            return True         # "crohns 12 yrs, failed 5 biologics, 39 male. anything?" (lead, round 39)
        # a question without its mark opens with a question word ("is there any car t for
        # kids with itp"; lead, round 39)
        asked = last.endswith(("?", "？")) or self.opens_question(last)
        if not asked or len(last.split()) > LAST_QUESTION_WORDS:
            return False
        if self.about_trials(last):
            return True
        # "... she cant get up from a chair. is there anything for her": a wording of an entry
        # whose answer the trials follow (lead, round 39)
        found = self.find(last if last.endswith(("?", "？")) else last + "?") if len(sentences) > 1 else None
        return found is not None and found.results

    def is_question(self, message: str) -> bool:
        """True when the message asks something ("what is CAR-T?", "where is the hospital")."""
        return (message.strip().endswith(("?", "？")) or self.opens_question(message)
                or self._zh(message) is not None)

    def opens_question(self, message: str) -> bool:
        """True when the message opens with a question word ("what ...", "how ..."): a
        question even as the reply to one of ours ("45?" is an answer)."""
        text = plain(message)
        return any(text == s or text.startswith(s + " ") for s in self.starts)

    def find(self, message: str) -> Answer | None:
        """The FAQ answer a message asks for, else None."""
        if CJK.search(message):
            return self._zh(message)
        text = plain(message)
        if not text:
            return None
        if text in self.wordings:
            return self.wordings[text]
        if not self.is_question(message):
            return None
        inside = self._inside(text)
        if inside:
            return inside[0]
        padded = f" {text} "
        for pattern, answer in self.forms:
            if pattern.search(padded):
                return answer
        term = self._pair(text) or self._term(text)
        if term is not None:
            return term
        if len(text) >= FUZZY_MIN_CHARS:
            best = process.extractOne(text, self.long, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
            if best:
                return self.wordings[best[0]]
        return self._subject(text)

    def find_all(self, message: str) -> list[Answer]:
        """Each question a message asks, in order ("whats car-t exactly and does it hurt?":
        what CAR-T is, then its risks), at most ``MAX_ANSWERS``; a message asking one thing
        is ``find``'s answer alone. A part is a question when it ends with "?" or opens with a
        question word after "and", "also" or a comma."""
        parts = self._questions_in(message)
        found: list[Answer] = []
        for part in parts if len(parts) > 1 else ():
            answer = self.find(part + "?")
            if answer is not None and all(answer.id != known.id for known in found):
                found.append(answer)
        if len(found) > 1:
            return found[:MAX_ANSWERS]
        whole = self.find(message)
        if whole is None and not found:
            # "stills since 2021, toci stopped working, 27f. is this car-t thing safe?": a case
            # told, then a short question of its own; the question's answer (the case is taken
            # in by the engine as usual; lead, round 44)
            whole = self._closing_question(message)
        if whole is None and found and all(self.opens_question(part) for part in parts):
            # "whats car t and could it work for crohns?": each part a question, one known
            # (a statement after one, "can my daughter join? she has lupus", is taken in instead)
            return found
        if whole is not None and not CJK.search(message) and self.is_question(message):
            # "we want to try for a baby next year, is car-t safe for that?": the pregnancy
            # entry's words stand in it too; both answered (lead, round 32)
            more = [a for a in self._inside(plain(message)) if a.id != whole.id]
            return [whole, *more[:MAX_ANSWERS - 1]]
        return [whole] if whole is not None else []

    def _closing_question(self, message: str) -> Answer | None:
        """The answer to a message's last sentence when it is a short question after what came
        before ("... 27f. is this car-t thing safe?"), else None."""
        sentences = [s.strip() for s in _SENTENCES.split(message.strip()) if s.strip()]
        if len(sentences) < 2 or not sentences[-1].endswith(("?", "？")):
            return None
        last = sentences[-1]
        return self.find(last) if len(last.split()) <= LAST_QUESTION_WORDS else None

    def _inside(self, text: str) -> list[Answer]:
        """The entries whose wordings (three words or more) stand in the plain text, the one
        with the longest wording first, each once; a wording overlapping a longer one taken
        is part of it ("does she have to stop work": no "does she have to stop" medicines)."""
        padded = f" {text} "
        inside = sorted((w for w in self.wordings if len(w.split()) >= 3 and f" {w} " in padded),
                        key=len, reverse=True)
        answers: list[Answer] = []
        taken: list[tuple[int, int]] = []
        for wording in inside:
            at = padded.index(f" {wording} ")
            span = (at, at + len(wording) + 1)
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            if all(self.wordings[wording].id != a.id for a in answers):
                answers.append(self.wordings[wording])
        return answers

    def _questions_in(self, message: str) -> list[str]:
        joined = _question_joiner(self.starts)
        parts = []
        for chunk in re.split(r"[?？]+", message):
            # split before plain() drops the commas: "what's the process, do we need a referral?"
            lowered = APOSTROPHES.sub("", unicodedata.normalize("NFKC", chunk).casefold())
            parts += [text for text in (plain(p) for p in joined.split(lowered)) if text]
        return parts

    def _subject(self, text: str) -> Answer | None:
        """The one entry a short question names the subject of ("how risky is it"), else None
        (none named, two named, or a question too long to be only about it)."""
        if len(text.split()) > KEYWORD_MAX_WORDS:
            return None
        padded = f" {text} "
        named = {answer.id: answer for keyword, answer in (self.keywords or {}).items() if f" {keyword} " in padded}
        return next(iter(named.values())) if len(named) == 1 else None

    def _pair(self, text: str) -> Answer | None:
        """"whats the difference between myositis and dermatomyositis": each term's answer once
        (one answer when both name the same term), when the FAQ knows both; else None."""
        for form in self.pair_forms:
            match = form.fullmatch(text)
            if not match:
                continue
            found = [self._term_named(match.group(g)) for g in ("term", "other")]
            if any(answer is None for answer in found):
                return None
            first, second = found
            if first.id == second.id:
                return first
            return Answer(f"{first.id}+{second.id}", {role: f"{first.text[role]}\n\n{second.text[role]}"
                                                      for role in first.text})
        return None

    def _zh(self, message: str) -> Answer | None:
        """The entry a message written in Chinese asks for: the longest Chinese wording that
        stands in it (no spaces to split words on), else None."""
        if not self.zh_wordings or not CJK.search(message):
            return None
        text = _zh_plain(message)
        return next((answer for wording, answer in self.zh_wordings if wording in text), None)

    def _term_named(self, words: str) -> Answer | None:
        """The term ``words`` name (an article dropped; a small typo allowed from 5 letters)."""
        term = _ARTICLES.sub("", words.strip())
        if term in self.names:
            return self.names[term]
        if len(term) >= 5:
            best = process.extractOne(term, list(self.names), scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
            if best:
                return self.names[best[0]]
        return None

    def _term(self, text: str) -> Answer | None:
        for form in self.term_forms:
            match = form.fullmatch(text)
            if not match:
                continue
            found = self._term_named(match.group("term"))
            if found is not None:
                return found
        return None


@lru_cache(maxsize=4)
def _question_joiner(starts: tuple[str, ...]) -> re.Pattern:
    """ "and", "also", a comma or semicolon before a question word: where a second question starts."""
    alternation = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
    return re.compile(r"\s*(?:,|;|\band\b|\balso\b)+\s*(?=(?:%s)\b)" % alternation)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(where, "must be a non-empty list of non-empty texts")
    return list(value)


def _answer(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str) and value.strip():
        return {role: value.strip() for role in ROLES}
    if isinstance(value, dict) and set(value) == set(ROLES) and all(isinstance(v, str) and v.strip() for v in value.values()):
        return {role: value[role].strip() for role in ROLES}
    raise DataError(where, "must be text, or a mapping with exactly 'patient' and 'clinician'")


def _pair_form(form: str, where: str) -> re.Pattern:
    if form.count("{term}") != 1 or form.count("{other}") != 1:
        raise DataError(where, "must contain {term} and {other} once each")
    text = plain(form.replace("{term}", " TERMSLOT ").replace("{other}", " OTHERSLOT "))
    before, _, rest = text.partition("termslot")
    middle, _, after = rest.partition("otherslot")
    return re.compile(re.escape(before) + r"(?P<term>.+?)" + re.escape(middle) + r"(?P<other>.+?)"
                      + re.escape(after.rstrip()))


def _form(form: str, where: str) -> re.Pattern:
    if form.count("{term}") != 1:
        raise DataError(where, "must contain {term} once")
    before, _, after = plain(form.replace("{term}", " TERMSLOT ")).partition("termslot")
    return re.compile(re.escape(before) + r"(?P<term>.+?)" + re.escape(after.rstrip()))


def _entry_form(form: str, where: str) -> re.Pattern:
    """An entry's form as a pattern found inside a question: words, and ``{a|b|c}`` for one
    of several (an empty choice, ``{a|}``, makes it optional); the first part is never
    optional. "{is|are} there {something|anything} {suitable|} for {me|her|him}" finds "is
    there something for him" and "are there anything suitable for her"."""
    parts = re.findall(r"\{[^{}]*\}|[^\s{}]+", form)
    pieces: list[tuple[str, bool]] = []
    for part in parts:
        options = [plain(o) for o in part[1:-1].split("|")] if part.startswith("{") else [plain(part)]
        words = [o for o in options if o]
        if not words:
            raise DataError(where, f"{part!r} offers no words")
        pieces.append(("(?:%s)" % "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                       len(words) < len(options)))
    if not pieces or pieces[0][1] or "{" in re.sub(r"\{[^{}]*\}", "", form):
        raise DataError(where, "needs words, the first not optional, and balanced {...}")
    first, *rest = pieces
    return re.compile(r"(?<= )" + first[0] + "".join(r"(?: %s)%s" % (p, "?" if optional else "")
                                                   for p, optional in rest) + r"(?= )")


def read_faq(path: Path = FAQ_PATH) -> Faq:
    raw = read_yaml(path)
    name = path.name
    if not isinstance(raw, dict):
        raise DataError(name, "must be a mapping of sections")
    unknown = set(raw) - _SECTIONS
    if unknown:
        raise DataError(f"{name}: {sorted(unknown)[0]}", f"unknown section; known: {', '.join(sorted(_SECTIONS))}")
    starts = tuple(plain(s) for s in _strings(raw.get("question_starts"), f"{name}: question_starts"))
    forms = tuple(_form(f, f"{name}: term_questions[{i}]")
                  for i, f in enumerate(_strings(raw.get("term_questions"), f"{name}: term_questions")))
    wordings: dict[str, Answer] = {}
    keywords: dict[str, Answer] = {}
    zh_wordings: dict[str, Answer] = {}
    entry_forms: list[tuple[re.Pattern, Answer]] = []
    for key, spec in (raw.get("entries") or {}).items():
        where = f"{name}: entries.{key}"
        if not isinstance(spec, dict) or set(spec) - {"wordings", "forms", "answer", "sites", "results", "contacts", "general", "keywords", "zh"}:
            raise DataError(where, "an entry has 'wordings', 'forms', 'answer' (or 'sites: true'), 'results', 'contacts', 'general', 'keywords' and 'zh' only")
        sites = spec.get("sites") is True
        if sites == ("answer" in spec):
            raise DataError(where, "needs an 'answer', or 'sites: true' (answered from the trial records)")
        if "results" in spec and (spec["results"] is not True or sites):
            raise DataError(f"{where}.results", "is 'true' (the results follow the answer), on an entry with an answer")
        if "contacts" in spec and (spec["contacts"] is not True or spec.get("results") is not True):
            raise DataError(f"{where}.contacts", "is 'true', on an entry with 'results: true'")
        text = None if sites else _answer(spec["answer"], f"{where}.answer")
        chinese = spec.get("zh")
        if chinese is not None:
            if not isinstance(chinese, dict) or set(chinese) - {"wordings", "answer"} or sites == ("answer" in chinese):
                raise DataError(f"{where}.zh", "has 'wordings' and, unless the entry is the sites one, 'answer'")
            if not sites:
                text = dict(text, **{f"zh:{role}": wording for role, wording
                                     in _answer(chinese["answer"], f"{where}.zh.answer").items()})
        if "general" in spec and (spec["general"] is not True or sites):
            raise DataError(f"{where}.general", "is 'true', on an entry with an answer")
        answer = Answer(str(key), text, sites, spec.get("results") is True, spec.get("contacts") is True,
                        spec.get("general") is True)
        for wording in _strings(chinese.get("wordings"), f"{where}.zh.wordings") if chinese is not None else ():
            key_zh = _zh_plain(wording)
            known = zh_wordings.get(key_zh)
            if known is not None and known.id != key:
                raise DataError(f"{where}.zh.wordings", f"{wording!r} is also a wording of {known.id!r}")
            zh_wordings[key_zh] = answer
        for wording in _strings(spec.get("wordings"), f"{where}.wordings"):
            known = wordings.get(plain(wording))
            if known is not None and known.id != key:
                raise DataError(f"{where}.wordings", f"{wording!r} is also a wording of {known.id!r}")
            wordings[plain(wording)] = answer
        for i, form in enumerate(_strings(spec["forms"], f"{where}.forms") if "forms" in spec else ()):
            entry_forms.append((_entry_form(form, f"{where}.forms[{i}]"), answer))
        if "keywords" in spec:
            for word in _strings(spec["keywords"], f"{where}.keywords"):
                known = keywords.get(plain(word))
                if known is not None and known.id != key:
                    raise DataError(f"{where}.keywords", f"{word!r} is also a keyword of {known.id!r}")
                keywords[plain(word)] = answer
    names: dict[str, Answer] = {}
    for key, spec in (raw.get("terms") or {}).items():
        where = f"{name}: terms.{key}"
        if not isinstance(spec, dict) or set(spec) != {"names", "answer"}:
            raise DataError(where, "a term has 'names' and 'answer'")
        answer = Answer(f"term:{key}", _answer(spec["answer"], f"{where}.answer"))
        for term in _strings(spec["names"], f"{where}.names"):
            known = names.get(plain(term))
            if known is not None and known.id != answer.id:
                raise DataError(f"{where}.names", f"{term!r} is also a name of {known.id!r}")
            names[plain(term)] = answer
    pairs = tuple(_pair_form(f, f"{name}: pair_questions[{i}]")
                  for i, f in enumerate(_strings(raw["pair_questions"], f"{name}: pair_questions")
                                        if "pair_questions" in raw else []))
    trial_words = _optional_words(raw, "trial_words", name)
    ordinal_pattern, ordinal_values = _ordinals(raw, name)
    closing = frozenset(_optional_words(raw, "closing_requests", name))
    details = _optional_words(raw, "trial_details", name)
    return Faq(starts, forms, wordings, names, tuple(w for w in wordings if len(w) >= FUZZY_MIN_CHARS),
               keywords, pairs, trial_words,
               tuple(sorted(zh_wordings.items(), key=lambda item: len(item[0]), reverse=True)),
               tuple(entry_forms), closing, details, ordinal_pattern, ordinal_values)


def _optional_words(raw: dict, section: str, name: str) -> tuple[str, ...]:
    """A section of words (plain), or none when the file leaves it out."""
    return tuple(plain(w) for w in _strings(raw[section], f"{name}: {section}")) if section in raw else ()


def _ordinals(raw: dict, name: str) -> tuple[re.Pattern | None, dict[str, int]]:
    """The ``ordinals`` and ``ordinal_nouns`` sections as one pattern: an ordinal word before a
    noun ("the first one", "2nd trial"), or a noun, "number" or "no" before a figure of one
    digit ("trial 2", "number 3")."""
    if "ordinals" not in raw:
        return None, {}
    values = raw["ordinals"]
    if not isinstance(values, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values.values()):
        raise DataError(f"{name}: ordinals", "must map words to list positions (1, 2, ...; -1 the last)")
    nouns = [plain(n) for n in _strings(raw.get("ordinal_nouns"), f"{name}: ordinal_nouns")]
    words = {plain(str(k)): v for k, v in values.items()}
    either = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    noun = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    pattern = re.compile(rf" (?:(?P<word>{either}) (?:{noun})|(?:{noun}|number|no) (?P<figure>[1-9])) ")
    return pattern, words


@lru_cache(maxsize=1)
def load_faq() -> Faq:
    """The bundled FAQ, read once per process."""
    return read_faq()
