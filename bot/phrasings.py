"""Everyday wordings the conversation understands, from ``data/phrasings.yaml``: that the
person has no lab results at hand ("i dont have her labs", "no labs"), and (``request``)
whole messages asking for results, help or a fresh start in many wordings, tolerant to
small typos (rapidfuzz); (``role``) answers to "who am I talking to?" beyond the two
buttons ("for my mum", "both", "just looking").

Messages are compared after ``plain``: lower-cased, quotes straightened, apostrophes
dropped ("don't" = "dont"), every other punctuation mark a space, spaces collapsed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

PHRASINGS_PATH = DATA_DIR / "phrasings.yaml"
_SECTIONS = {"whose", "no_labs", "no_answers", "requests", "roles", "team_only", "age_first", "own_illness",
             "own_telling", "about_a_patient", "case_shorthand", "nothing_else", "greetings", "professions",
             "profession_titles", "about_a_patient_zh", "own_age", "farewells", "frustration", "advised_by",
             "unknown_of", "letter_line"}
_ROLE_KINDS = ("patient", "clinician", "unsure")
RELATIONS_PATH = DATA_DIR / "nlp" / "relations.yaml"
ZH_PATH = DATA_DIR / "nlp" / "zh.yaml"
APOSTROPHES = re.compile(r"['\u2019\u2018`´]")
CJK = re.compile(r"[\u3400-\u9fff]")     # a Chinese character (the FAQ's and the requirement questions' test)
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
FUZZY_MIN_CHARS = 8      # shorter phrases must match exactly ("help", "reset")
FUZZY_SCORE = 88         # rapidfuzz ratio for a small typo ("resluts please", "strat again")
_CLAUSES = re.compile(r"[,.;:!?()\n]+")


def plain(message: str) -> str:
    """A message as phrasings are compared: "Don't have her labs!" -> "dont have her labs"."""
    text = unicodedata.normalize("NFKC", message).casefold()
    text = APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def says_any(message: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """One of the (plain) ``phrases`` stands in the message as whole words ("i have" in "Hi, I
    have lupus", not in "i haven't")."""
    said = f" {plain(message)} "
    return any(f" {phrase} " in said for phrase in phrases)


def mentions_any(message: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """``says_any``, or a Chinese phrase found anywhere in the message (Chinese has no spaces
    to mark its words)."""
    return says_any(message, phrases) or any(p in message for p in phrases if CJK.search(p))


def opens_with_any(message: str, phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """The (plain) message opens with one of the (plain) ``phrases`` as whole words ("since
    2015" opens with "since", "sincere" does not)."""
    said = f"{plain(message)} "
    return any(said.startswith(f"{phrase} ") for phrase in phrases)


@dataclass(frozen=True)
class Phrasings:
    no_labs: tuple[str, ...]
    no_answers: frozenset[str]        # whole messages meaning "no" to "do you have / know ...?"
    requests: dict[str, str] = field(hash=False, compare=False)    # plain phrase -> command name
    roles: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict, hash=False, compare=False)
    team_only: tuple[str, ...] = ()   # question kinds never asked of a patient or relative
    age_first: frozenset[str] = frozenset()     # relations of a patient who may be a child
    own_illness: tuple[str, ...] = ()   # words of a writer telling their own illness ("i have")
    own_telling: tuple[str, ...] = ()   # a first-person telling ("im 34", "i am 12 weeks pregnant")
    about_a_patient: tuple[str, ...] = ()   # words of someone writing about a patient ("our patient", "y o")
    case_shorthand: re.Pattern[str] | None = field(default=None, hash=False, compare=False)   # "62F SSc-ILD"
    nothing_else: frozenset[str] = frozenset()      # whole messages: nothing more to tell ("no other health problems")
    greetings: frozenset[str] = frozenset()         # whole messages that only greet ("hello", "hi there")
    # Chinese: the writer's own telling ("我今年29岁，女，系统性红斑狼疮8年") and words of
    # writing about someone else (a relative after 我/我家, "我的患者")
    own_telling_zh: re.Pattern[str] | None = field(default=None, hash=False, compare=False)
    about_someone_zh: re.Pattern[str] | None = field(default=None, hash=False, compare=False)
    own_age: re.Pattern[str] | None = field(default=None, hash=False, compare=False)   # "I am 38 years old"
    farewells: frozenset[str] = frozenset()         # whole messages taking leave ("thanks bye")
    frustration: tuple[str, ...] = ()               # a writer let down ("this is useless")
    advised_by: re.Pattern[str] | None = field(default=None, hash=False, compare=False)   # "my mum says i should ask"
    unknown_of: re.Pattern[str] | None = field(default=None, hash=False, compare=False)   # "not sure what her CK is"
    letter_line_pattern: re.Pattern[str] | None = field(default=None, hash=False, compare=False)   # "1. UKALL 2011 ...", "Treatment history:"

    def takes_leave(self, message: str) -> bool:
        """The whole message takes leave ("bye", "goodbye"; the caller drops the courtesy
        words around it: "thanks bye", "ok cheers")."""
        return plain(message) in self.farewells

    def let_down(self, message: str) -> bool:
        """The writer says the bot lets them down ("this is useless", "not helpful")."""
        return mentions_any(message, self.frustration)

    def greets(self, message: str) -> bool:
        """The whole message only greets ("hello", "hi there", "good morning")."""
        return plain(message) in self.greetings

    def says_nothing_else(self, message: str) -> bool:
        """The whole message says there is nothing more to tell ("no other health problems",
        "otherwise healthy", "thats all"): no fact, no answer to an open question."""
        return plain(message) in self.nothing_else

    def tells_own(self, message: str) -> bool:
        """The writer tells their own illness in the first person ("im 34 f with crohns", "I
        am 12 weeks pregnant and have lupus") and says nothing of writing about a patient
        ("I have a patient with lupus", "our patient", "27 y/o")."""
        if self.own_telling_zh is not None and self.own_telling_zh.search(message):
            return self.about_someone_zh is None or not self.about_someone_zh.search(message)
        if not says_any(message, self.own_telling):
            return False
        # "I am 38 years old woman with lupus": the writer's own age, not "a 38 year old woman"
        # the writer refers (about_a_patient's "years old woman")
        told = self.own_age.sub(" ", message) if self.own_age is not None else message
        # "im 17 with UC since 13 my mum says i should ask": a relative advising the writer is
        # no patient written about (lead, round 40)
        told = self.advised_by.sub(" ", told) if self.advised_by is not None else told
        return not says_any(told, self.about_a_patient)

    def unknown_thing(self, message: str) -> str | None:
        """The thing a reply says is not known ("not sure what her CK is": "CK"), or None
        (a bare "not sure", "not sure, maybe 2 years ago")."""
        if self.unknown_of is None:
            return None
        found = self.unknown_of.match(message.strip())
        return found.group("thing").strip() if found else None

    def letter_line(self, message: str) -> str | None:
        """The message is one line of a letter sent line by line: a numbered or bulleted item
        with words after its marker ("1. UKALL 2011 induction ...") or a heading alone
        ("Treatment history:"); never an answer to an open question (h190, round 39). The
        words after the item's marker ("" for a heading), else None."""
        if "\n" in message.strip() or self.letter_line_pattern is None:
            return None
        found = self.letter_line_pattern.match(message)
        if found is None:
            return None
        return "" if message.rstrip().endswith(":") and found.end() >= len(message.rstrip()) else message[found.end():].strip()

    def case_summary(self, message: str) -> bool:
        """A message opening the way clinicians summarise a case, age and sex in shorthand
        ("62F SSc-ILD, FVC 58%", "27 y/o male, T-LBL"), with no first-person word in it
        (a patient's "34F with crohns, ive had humira" tells their own)."""
        opening = self.case_shorthand.match(message.strip()) if self.case_shorthand is not None else None
        if opening is None:
            return False
        if opening.groupdict().get("letter"):
            # "Dear Dr Patel, I am writing to refer ..." (a letter's "I am" is the doctor's); "dear
            # team, my daughter has lupus" is a mother's
            clinical = tuple(w for w in self.about_a_patient if not w.startswith("my "))
            return says_any(message, clinical) and not says_any(message, self.relatives_words)
        # a relative's shorthand of their own age before the one they ask for ("44 f, asking
        # for my son who is 12"; h165, round 35) is no case summary either
        return not says_any(message, self.own_telling) and not says_any(message, self.relatives_words)

    @property
    def relatives_words(self) -> tuple[str, ...]:
        """The words of ``about_a_patient`` naming the writer's relative ("my daughter")."""
        return tuple(w for w in self.about_a_patient if w.startswith("my "))

    def role(self, message: str) -> tuple[str, str | None, str | None] | None:
        """An answer to "who am I talking to?": ``(kind, relation, sex)`` with kind
        "patient", "clinician" or "unsure" ("for my mum" -> ("patient", "mother", "female")).
        A message without a word ("🙂", "👍", "?") is no answer: the role is asked once more (h190)."""
        said = plain(message)
        return self.roles.get(said) if said else None

    def request(self, message: str) -> str | None:
        """The command a whole message asks for in everyday words ("can you just show me
        the trials pls" -> "results", "start again" -> "restart"), small typos allowed."""
        text = plain(message)
        found = self.requests.get(text)
        if found or len(text) < FUZZY_MIN_CHARS or len(text) > 80:
            return found
        best = process.extractOne(text, self._long, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
        return self.requests[best[0]] if best else None

    @property
    def _long(self) -> list[str]:
        return _long_phrases(self)

    def opens_as_clinician(self, words: str) -> bool:
        """``words`` (plain) open with a clinician's role phrase of two words or more ("nurse
        here writing for a patient of ours", "consultant rheumatologist here ...")."""
        return words.startswith(_clinician_openings(self))

    def says_no(self, message: str) -> bool:
        """True when the whole message is a "no" in a longer wording ("no i dont")."""
        return plain(message) in self.no_answers

    def says_no_labs(self, message: str) -> bool:
        """True when the message says there are no lab results at hand."""
        for clause in _CLAUSES.split(message):          # "no, labs are fine" is not "no labs"
            text = f" {plain(clause)} "
            if any(f" {phrase} " in text for phrase in self.no_labs):
                return True
        return False


@lru_cache(maxsize=4)
def _long_phrases(phrasings: Phrasings) -> list[str]:
    return [p for p in phrasings.requests if len(p) >= FUZZY_MIN_CHARS]


@lru_cache(maxsize=4)
def _clinician_openings(phrasings: Phrasings) -> tuple[str, ...]:
    """Every clinician role phrase of two words or more, with the space after it (read once:
    the ``{profession}`` slot with its titles fills some 12,000)."""
    return tuple(f"{phrase} " for phrase, (kind, _r, _s) in phrasings.roles.items() if kind == "clinician" and " " in phrase)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(where, "must be a list of non-empty texts")
    return list(value)


def read_phrasings(path: Path = PHRASINGS_PATH) -> Phrasings:
    raw = read_yaml(path)
    name = path.name
    if not isinstance(raw, dict):
        raise DataError(name, "must be a mapping of sections")
    unknown = set(raw) - _SECTIONS
    if unknown:
        raise DataError(f"{name}: {sorted(unknown)[0]}", f"unknown section; known: {', '.join(sorted(_SECTIONS))}")
    whose = _strings(raw.get("whose", []), f"{name}: whose")
    no_labs: set[str] = set()
    for i, phrase in enumerate(_strings(raw.get("no_labs", []), f"{name}: no_labs")):
        for word in (whose if "{whose}" in phrase else [""]):
            no_labs.add(plain(phrase.replace("{whose}", word)))
    requests: dict[str, str] = {}
    sections = raw.get("requests", {}) or {}
    if not isinstance(sections, dict):
        raise DataError(f"{name}: requests", "must map command names to lists of phrases")
    for command, phrases in sections.items():
        for phrase in _strings(phrases, f"{name}: requests.{command}"):
            key = plain(phrase)
            if requests.get(key, command) != command:
                raise DataError(f"{name}: requests.{command}", f"{phrase!r} is also a phrasing of {requests[key]!r}")
            requests[key] = str(command)
    no_answers = frozenset(plain(p) for p in _strings(raw.get("no_answers", []), f"{name}: no_answers"))
    professions = _strings(raw.get("professions", []), f"{name}: professions")
    titles = _strings(raw.get("profession_titles", []), f"{name}: profession_titles")
    professions = professions + [f"{title} {word}" for title in titles for word in professions]
    roles = _roles(raw.get("roles", {}) or {}, f"{name}: roles", professions)
    team_only = tuple(_strings(raw.get("team_only", []), f"{name}: team_only"))
    age_first = frozenset(_strings(raw.get("age_first", []), f"{name}: age_first"))
    own_illness = tuple(plain(w) for w in _strings(raw.get("own_illness", []), f"{name}: own_illness"))
    own_telling = tuple(plain(w) for w in _strings(raw.get("own_telling", []), f"{name}: own_telling"))
    about_a_patient = tuple(plain(w) for w in _strings(raw.get("about_a_patient", []), f"{name}: about_a_patient"))
    case_shorthand = _pattern(raw.get("case_shorthand"), f"{name}: case_shorthand")
    nothing_else = frozenset(plain(w) for w in _strings(raw.get("nothing_else", []), f"{name}: nothing_else"))
    greetings = frozenset(plain(w) for w in _strings(raw.get("greetings", []), f"{name}: greetings"))
    own_age = _pattern(raw.get("own_age"), f"{name}: own_age")
    farewells = frozenset(plain(w) for w in _strings(raw.get("farewells", []), f"{name}: farewells"))
    frustration = tuple(plain(w) for w in _strings(raw.get("frustration", []), f"{name}: frustration"))
    advised_by = _pattern(raw.get("advised_by"), f"{name}: advised_by")
    unknown_of = _pattern(raw.get("unknown_of"), f"{name}: unknown_of")
    letter_line = _pattern(raw.get("letter_line"), f"{name}: letter_line")
    return Phrasings(tuple(sorted(no_labs, key=len, reverse=True)), no_answers, requests, roles, team_only,
                     age_first, own_illness, own_telling, about_a_patient, case_shorthand, nothing_else, greetings,
                     *_chinese_telling(_strings(raw.get("about_a_patient_zh", []), f"{name}: about_a_patient_zh")),
                     own_age=own_age, farewells=farewells, frustration=frustration,
                     advised_by=advised_by, unknown_of=unknown_of, letter_line_pattern=letter_line)


def _pattern(value: Any, where: str) -> re.Pattern[str] | None:
    """One regular expression of the file (case-insensitive), or None when absent or empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(where, "must be one regular expression")
    if not value:
        return None
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as error:
        raise DataError(where, f"not a regular expression: {error}") from None


def _chinese_telling(about_a_patient_zh: list[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The writer's own telling in Chinese (data/nlp/zh.yaml ``self_statements``: "我今年29岁",
    "我有狼疮") and what says the message is about someone else: a relation after a
    possessive ("我女儿", "我家孩子", from ``possessives`` and ``relations``) or one of
    ``about_a_patient_zh`` ("我的患者")."""
    zh = read_yaml(ZH_PATH)
    if not isinstance(zh, dict):
        return None, None
    own = [str(p) for p in zh.get("self_statements") or []]
    possessives = [str(p) for p in zh.get("possessives") or []]
    relatives = [str(w) for words in (zh.get("relations") or {}).values() if isinstance(words, list) for w in words]
    about = [re.escape(w) for w in about_a_patient_zh]
    if possessives and relatives:
        about.append("(?:%s)(?:%s)" % ("|".join(map(re.escape, sorted(possessives, key=len, reverse=True))),
                                       "|".join(map(re.escape, sorted(relatives, key=len, reverse=True)))))
    try:
        return (re.compile("|".join(own)) if own else None), (re.compile("|".join(about)) if about else None)
    except re.error as error:
        raise DataError(f"{ZH_PATH.name}: self_statements", f"not a regular expression: {error}") from None


def _roles(sections: Any, where: str, professions: list[str] = ()) -> dict[str, tuple[str, str | None, str | None]]:
    """Plain role phrase -> (kind, relation, sex); ``{relative}`` expanded to every word of
    every relation in data/nlp/relations.yaml, ``{relative_zh}`` to their Chinese words in
    data/nlp/zh.yaml (the relation and the sex it implies kept), ``{profession}`` to every
    health profession of the file's ``professions`` ("gastro here", "im a nephrologist")."""
    if not isinstance(sections, dict) or set(sections) - set(_ROLE_KINDS):
        raise DataError(where, f"must map {', '.join(_ROLE_KINDS)} to lists of phrases")
    relatives = dict(_relatives(), **{"{profession}": [(word, None, None) for word in professions]})
    roles: dict[str, tuple[str, str | None, str | None]] = {}
    for kind in _ROLE_KINDS:
        for phrase in _strings(sections.get(kind, []), f"{where}.{kind}"):
            slot = next((s for s in ("{relative_zh}", "{relative}", "{profession}") if s in phrase), None)
            fills = relatives[slot] if slot else [("", None, None)]
            pronoun = _writer_pronoun(phrase, slot)
            for word, relation, sex in fills:
                if pronoun is not None:     # "i'm her mum": the writer's word; the patient is her child
                    relation, sex = _patient_of_writer(relation, pronoun)
                said = plain(phrase.replace(slot, word) if slot else phrase)
                if not said:
                    raise DataError(f"{where}.{kind}", f"{phrase!r} has no word: a message of symbols is no answer")
                roles.setdefault(said, (kind, relation, sex))
    return roles


# "i'm her {relative}", "我是他{relative_zh}": the relation word is the writer's, not the
# patient's; the pronoun before it is the patient's
_WRITER_PRONOUN = re.compile(r"(?:^|\s)(?P<pron>her|his)\s+\{relative\}|(?P<zh>她|他)\{relative_zh\}")


def _writer_pronoun(phrase: str, slot: str | None) -> str | None:
    match = _WRITER_PRONOUN.search(phrase) if slot in ("{relative}", "{relative_zh}") else None
    if match is None:
        return None
    return match.group("pron") or {"她": "her", "他": "his"}[match.group("zh")]


@lru_cache(maxsize=1)
def _relations_file() -> dict[str, Any]:
    """data/nlp/relations.yaml, read once (its relation words and how a writer's word inverts)."""
    raw = read_yaml(RELATIONS_PATH)
    return raw if isinstance(raw, dict) else {}


def _patient_of_writer(writer: str, pronoun: str) -> tuple[str, str | None]:
    """The patient's relation and sex when the writer is their ``writer`` ("her mother":
    her daughter), from data/nlp/relations.yaml ``writer_as_relative_of``; a writer's word
    it does not invert ("i'm her aunt") leaves the person asked for, of the pronoun's sex."""
    raw = _relations_file()
    inverse = (raw.get("writer_as_relative_of") or {}).get(writer) or {}
    relation = inverse.get(pronoun)
    if relation is None:
        relation = "someone_elses_female" if pronoun == "her" else "someone_elses_male"
    spec = (raw.get("relations") or {}).get(relation) or {}
    return str(relation), spec.get("sex")


def _relatives() -> dict[str, list[tuple[str, str, str | None]]]:
    """(word, relation, sex) for every relation word of data/nlp/relations.yaml
    (``{relative}``), and for its Chinese words in data/nlp/zh.yaml (``{relative_zh}``)."""
    relations = _relations_file().get("relations", {})
    found: dict[str, list[tuple[str, str, str | None]]] = {"{relative}": [], "{relative_zh}": []}
    sexes: dict[str, str | None] = {}
    for relation, spec in (relations or {}).items():
        if not isinstance(spec, dict):
            raise DataError(f"{RELATIONS_PATH.name}: relations.{relation}", "must be a mapping")
        sexes[str(relation)] = spec.get("sex")
        for word in spec.get("words") or []:
            found["{relative}"].append((str(word), str(relation), spec.get("sex")))
    zh = read_yaml(ZH_PATH)
    for relation, words in ((zh.get("relations") or {}) if isinstance(zh, dict) else {}).items():
        if str(relation) not in sexes or not isinstance(words, list):
            raise DataError(f"{ZH_PATH.name}: relations.{relation}", f"must list the Chinese words of a relation of {RELATIONS_PATH.name}")
        found["{relative_zh}"].extend((str(word), str(relation), sexes[str(relation)]) for word in words)
    return found


@lru_cache(maxsize=1)
def load_phrasings() -> Phrasings:
    """The bundled phrasings, read once per process."""
    return read_phrasings()
