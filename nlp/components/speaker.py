"""Who wrote a message and whom it is about (public as ``nlp.pipeline.speaker_of``): the patient, or a relative writing for them.

``speaker_of(text)`` reads only the words (no pipeline; fast) with the relation words of
``data/nlp/relations.yaml``:

* the subject relation is the first "my/our <relation>" the message is about: an age given
  with it ("my daughter is 24", "our son (now 31)", "my sister (39)", "mum is 74"), a phrase
  before it ("asking for my dad", "help my brother"), or else the first relation whose role
  is ``patient`` (children, partners: "my son has T-ALL") that the sentence goes on about;
* a subject relation means a relative writes (``speaker="relative"``); so does a writer who
  speaks of "she"/"he" and never of their own health ("I don't think she has TB", relation
  unknown, the sex from the pronoun); otherwise a writer speaking in the first person is the
  patient (``"patient"``); otherwise unknown (None: a clinician's note says neither).

Example::

    >>> speaker_of("my daughter is 24 and has lupus")
    Speaker(speaker='relative', relation='daughter', sex='female', word='daughter', start=3, end=11)
    >>> speaker_of("my mum had breast cancer, I have lupus").speaker
    'patient'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from data.errors import DataError
from data.files import read_yaml
from nlp.numerals import numeral_view, original_span
from nlp.resources import NLP_DIR, alternation, vocabulary

RELATIONS_FILE = NLP_DIR / "relations.yaml"
CARED_FOR = "cared_for"     # the relation of the person a carer looks after (relations.yaml)
# the relations of someone else's relative the writer asks for, by sex (relations.yaml)
SOMEONE_ELSES = {"female": "someone_elses_female", "male": "someone_elses_male", None: "someone_elses"}
_ROLES = ("patient", "family")
_SEXES = ("female", "male", None)


@dataclass(frozen=True)
class Speaker:
    speaker: str | None          # "patient" | "relative" | None (not said)
    relation: str | None = None  # the relative the message is about ("daughter"), canonical
    sex: str | None = None       # the patient's sex when the relation implies it
    word: str | None = None      # the relation word as written, and where
    start: int | None = None
    end: int | None = None
    writer: str | None = None    # the writer's own relation when they say it ("Mother of a 7 year old girl")
    # no writer said: the sex of a patient the message describes as someone ("14yo boy with
    # T-ALL": "male"; relations.yaml ``described_patient``), else None (h185, round 38)
    described: str | None = None

    @property
    def role(self) -> str | None:
        return relations().roles.get(self.relation) if self.relation else None


@dataclass(frozen=True)
class Relations:
    words: dict[str, str]           # word (lower case) -> canonical relation
    sexes: dict[str, str | None]    # canonical relation -> sex
    roles: dict[str, str]           # canonical relation -> "patient" | "family"
    mention: re.Pattern             # "my <relation>" (group rel)
    bare: re.Pattern                # "<relation> is 74" at a sentence start
    age_after: re.Pattern           # an age written right after a relation word
    about: re.Pattern               # an about-phrase ending right before "my"
    pronoun_age: dict[str, re.Pattern]   # sex -> "he's 73" / "she is 67"
    writer_words: frozenset[str]
    possessives: frozenset[str]
    self_statements: tuple[re.Pattern, ...]
    third_person: dict[str, re.Pattern]     # sex -> "she", "he's" ...
    first_plural: re.Pattern
    other_person_words: frozenset[str]
    first_person: re.Pattern
    young_patient: tuple[re.Pattern, ...] = ()   # a young patient described first (an infant's note)
    writer_beside: tuple[re.Pattern, ...] = ()   # the writer setting their own illness beside the relative's
    parent_of: tuple[re.Pattern, ...] = ()       # the writer naming themself as the patient's parent
    writer_is_patient: tuple[re.Pattern, ...] = ()   # the writer saying they are the patient ("im the one with UC")
    writer_plural: frozenset[str] = frozenset()      # writer words for two ("we both")
    writer_aside_first: tuple[re.Pattern, ...] = ()  # the writer's own illness said first, set aside ("i have crohn's too, my daughter ...")
    partners: frozenset[str] = frozenset()           # relations such a "we" includes
    about_one: re.Pattern | None = None              # "writing for a friend": an about-phrase before "a <relation>"
    trial_for_them: tuple[re.Pattern, ...] = ()      # "shes the one who needs a trial": the relative (group pron) is the patient
    bare_subject: re.Pattern | None = None           # "Mum has RA ...": a relation named without "my" as a sentence's subject
    bare_patient: re.Pattern | None = None           # "Wife (62) with ...": a partner or child named without "my", with an age
    treated_subject: tuple[re.Pattern, ...] = ()    # "my brother has DM and is on IVIG": the relative whose treatment is told
    named_patient: tuple[re.Pattern, ...] = ()      # "my sister is the patient": the relative (group rel) is the patient
    opening_goes_on: tuple[re.Pattern, ...] = ()    # "mum has RA, enbrel until 2019, ...": the opening subject's sentence goes on
    opening_before: re.Pattern | None = None        # what may stand before that opening subject ("hi, ")
    partners_of: dict[str, dict[str, str]] = field(default_factory=dict)   # relation -> partner word -> relation word of the partner
    partner_after: re.Pattern | None = None         # "... and his wife", "'s husband" right after a relation (group partner)
    feeding_words: re.Pattern | None = None         # "breastfeeding" right before "my 5 month old": the writer's baby
    writer_with_relative: tuple[re.Pattern, ...] = ()   # "both me and my partner have crohns": the writer's message
    writer_names_self: tuple[re.Pattern, ...] = ()  # "its his wife writing": the writer's relation to "him" (groups pron, writer)
    writer_as_relative_of: dict[str, dict[str, str]] = field(default_factory=dict)   # writer relation -> pronoun -> patient's relation
    carer_statements: tuple[re.Pattern, ...] = ()   # "im her carer": written for the person cared for (h150)
    child_by_age: tuple[re.Pattern, ...] = ()   # "my 8 yr old has T-ALL": the writer's child (lead, round 40)
    described_patient: dict[str, tuple[re.Pattern, ...]] = field(default_factory=dict)   # sex -> "14yo boy" (h185)

    def relation_of(self, word: str) -> str | None:
        word = word.lower().strip()
        for suffix in ("'s", "\u2019s", "s'"):
            if word.endswith(suffix):
                word = word[: -len(suffix)]
        return self.words.get(word) or (self.words.get(word[:-1]) if word.endswith("s") else None)


def _add_slips(words: dict[str, str], shortest: int) -> None:
    """The slips people make typing a relation word of at least ``shortest`` letters ("my
    daugher (16)", "my huband", "our grandaughter"): one letter left out or two swapped, as
    the same relation -- unless the slip is itself an ordinary English word ("brother" less
    its "r" is "bother", "mother" less its "m" is "other") or another relation word."""
    if not shortest:
        return
    from nlp.english import common_words   # start-up: read once, with the relation words

    # the same ordinary words typo recovery keeps apart from terms (extraction.yaml typos)
    ordinary = common_words(int(vocabulary()["typos"]["common_words"]))
    slips: dict[str, str] = {}
    for word, relation in list(words.items()):
        if len(word) < shortest or not word.isalpha():
            continue
        for i in range(len(word)):
            for slip in (word[:i] + word[i + 1:], word[:i] + word[i + 1:i + 2] + word[i] + word[i + 2:]):
                if slip != word and slip not in words and slip not in ordinary:
                    slips.setdefault(slip, relation)
    words.update(slips)


def _words(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise DataError(where, "must be a list of words")
    return [w.lower().strip() for w in raw]


@lru_cache(maxsize=1)
def relations() -> Relations:
    """The relation words of data/nlp/relations.yaml, validated (file and key on errors)."""
    name = RELATIONS_FILE.name
    doc = read_yaml(RELATIONS_FILE)
    if not isinstance(doc, dict) or not isinstance(doc.get("relations"), dict):
        raise DataError(f"{name}.relations", "must be a mapping of relations")
    words: dict[str, str] = {}
    sexes: dict[str, str | None] = {}
    roles: dict[str, str] = {}
    for relation, spec in doc["relations"].items():
        where = f"{name}.relations.{relation}"
        if not isinstance(spec, dict):
            raise DataError(where, "must be a mapping with sex, role and words")
        if spec.get("sex") not in _SEXES:
            raise DataError(f"{where}.sex", "must be female, male or null")
        if spec.get("role") not in _ROLES:
            raise DataError(f"{where}.role", f"must be one of {', '.join(_ROLES)}")
        sexes[relation], roles[relation] = spec.get("sex"), spec["role"]
        for word in _words(spec.get("words"), f"{where}.words"):
            words[word] = relation
    _add_slips(words, int(doc.get("slips_from_length") or 0))
    possessives = _words(doc.get("possessives"), f"{name}.possessives")
    about = _words(doc.get("about_phrases"), f"{name}.about_phrases")
    rel = alternation(words)
    mention = re.compile(
        r"\b(?:%s)\s+(?:[\w-]+\s+){0,3}?(?P<rel>%s)(?:'s|\u2019s|s)?\b" % (alternation(possessives), rel), re.IGNORECASE)
    # "mum is 74", "Mum (81)", "Dad, 71, has CLL" (the age between commas: h125, round 27)
    # ... "nephew 18 m, t-lbl": an age and a sex letter right after it, then a pause (h165, round 35)
    # ... "grandad 77 has RA": an age right before a verb of the sentence (h176, round 37)
    bare = re.compile(r"(?:^|[.!?\n]\s*)(?P<rel>%s)(?:\s+(?:is|was)\s+|\s*\(\s*(?:now\s+|aged?\s+)?|\s*,\s*(?:aged?\s+)?(?=\d{1,3}\s*,)"
                      r"|\s*,?\s+(?=\d{1,2}\s?[mfMF]\s*[,.;:])|\s+(?=\d{1,2}\s+(?:has|had|have|with|got|is|was)\b))\d" % rel,
                      re.IGNORECASE)
    # "Wife (62) with refractory myositis", "Son, 16, crohns since 9", "Husband 55 with AML": a
    # partner or child named without "my" at a sentence's start with an age in years (not an
    # infant's "baby is 6 weeks", which is the writer's baby)
    patient_words = alternation([w for w, r in words.items() if roles[r] == "patient"])
    bare_patient = re.compile(
        r"(?:^|[.!?\n]\s*)(?P<rel>%s)(?:\s+(?:is|was)\s+|\s*[(,]\s*(?:now\s+|aged?\s+)?|\s+(?:aged?\s+)?)"
        r"\d{1,2}(?![\d.,/]\d|\s*(?:-?\s*(?:weeks?|wks?|months?|mths?|mo|days?)\b|kg|lbs?|%%|mg|cm))" % patient_words, re.IGNORECASE)
    age_then_not = _words(doc.get("age_then_not") or ["years"], f"{name}.age_then_not")
    age_after = re.compile(   # a first name may stand between ("my son Tomas is 16", "my daughter, Ana, is 9")
        (r"(?:\s*,?\s+(?-i:[A-Z][a-z]{1,15}(?:\s+[A-Z][a-z]{1,15})?))?\s*(?:,\s*(?:who\s+is\s+|is\s+|now\s+|aged?\s+)?|\(\s*(?:(?:the\s+)?(?:patient|pt)\s*,\s*)?(?:now\s+|aged?\s+)?|\s+aged?\s+|\s+(?:is|who\s+is|is\s+now|turned|just\s+turned)\s+(?:now\s+|only\s+|just\s+|a\s+)?"
        # no comma or verb ("my dad 67 has UC"): a verb of the sentence must follow the age
        r"|\s+(?=\d{1,2}(?:\s*(?:y/?o|yrs?|years?)(?:\s*-?\s*old)?)?\s*,?\s+(?:has|have|had|is|was|with|got|gets|suffers|suffering|diagnosed|dx|and)\b)"
        r"|\s+(?=\d{1,2}\s*,\s*[^\d\s])"     # "my husband 45, CD7 positive T-ALL"
        # the age said after their illness in the same clause ("my twin sister has RA and is 42";
        # h160, round 34)
        r"|\s+(?:has|had|has\s+got|got)\s+[^.!?\n,;()]{1,40}?\s+and\s+is\s+(?:now\s+|only\s+|just\s+)?(?=\d{1,2}\b)"
        # ... or between commas right after it ("my dad has cd7 positive t-all, 48, relapsed
        # twice"; h165, round 35)
        # ... "my mum has lupus 30 years, 64 now." ("now" after it; h186, round 39)
        r"|\s+(?:has|had|has\s+got|got)\s+[^.!?\n,;()]{1,40}?\s*,\s*(?=\d{1,2}(?:\s+now)?\s*(?:[,.;!?]|$))"
        # an age with a sex letter after it, with no verb ("my brother 29m T-ALL", "for my
        # sister: 35 f, crohns", "my husband 47 m crohns"; h165, round 35)
        r"|\s*[,:(]?\s*(?=\d{1,2}\s?[mfMF](?![\w/]))")
        # a two-digit age, then a word that is no unit or time ("my brother 33 T-LBL, did the
        # chemo", "my sister 28 itp"; `age_then_not` of data/nlp/relations.yaml; h170, round 36)
        + r"|\s+(?=\d{2}\s+(?!(?:" + alternation(age_then_not) + r")\b)[A-Za-z]))"
        + r"\d{1,3}(?:\s*-?\s*(?:years?|yrs?|months?|weeks?|days?)(?:\s*-?\s*old)?|\s?[mfMF](?![\w/]))?(?!\s*(?:kg|lbs?|%|mg|cm|/))(?:\b|(?<=[mfMF]))", re.IGNORECASE)
    verbs = _words(doc.get("bare_subject_verbs") or [], f"{name}.bare_subject_verbs")
    bare_subject = re.compile(r"(?:^|[.!?\n]\s*)(?P<rel>%s)\s+(?:%s)\b" % (rel, alternation(verbs)),
                              re.IGNORECASE) if verbs else None
    about_re = re.compile(r"\b(?:%s)\s+$" % alternation(about), re.IGNORECASE)
    # ... or right before a parent, sibling or grandparent named without "my" ("im asking for
    # mum. shes 66", "writing for dad"; not "asking for mum and dad"; h145, round 31)
    family_words = alternation([w for w, r in words.items() if roles[r] == "family"])
    about_one = re.compile(r"\b(?:%s)\s+(?:(?:a|an)\s+(?:[\w-]+\s+)?|(?=(?:%s)\b(?!['\u2019]|\s+(?:and|or|&)\b)))(?P<rel>%s)\b"
                           % (alternation(about), family_words, rel), re.IGNORECASE)
    first = _words(doc.get("first_person"), f"{name}.first_person")
    pronouns = doc.get("pronouns")
    if not isinstance(pronouns, dict) or set(pronouns) - {"female", "male"}:
        raise DataError(f"{name}.pronouns", "must map female and male to lists of words")
    pronoun_age = {
        sex: re.compile(r"(?<![\w'])(?:%s)(?:\s+is)?\s+(?:now\s+|only\s+|just\s+)?\d{1,3}\b(?!\s*(?:kg|lbs?|%%|mg|cm|/|weeks?|months?|days?))"
                        % alternation(_words(spelled, f"{name}.pronouns.{sex}")), re.IGNORECASE)
        for sex, spelled in pronouns.items()
    }
    statements = []
    for i, raw in enumerate(doc.get("self_statements") or []):
        try:
            statements.append(re.compile(raw, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            raise DataError(f"{name}.self_statements[{i}]", f"not a valid regular expression ({exc})") from None
    young = _regexes(doc, "young_patient", name)
    beside = _regexes(doc, "writer_beside", name)
    parent_of = _regexes(doc, "parent_of", name)
    writer_is_patient = _regexes(doc, "writer_is_patient", name)
    aside_first = _regexes(doc, "writer_aside_first", name)
    trial_for_them = _regexes(doc, "trial_for_them", name)
    treated_subject = _regexes(doc, "treated_subject", name)
    named_patient = _regexes(doc, "named_patient", name)
    names_self = _regexes(doc, "writer_names_self", name)
    for i, pattern in enumerate(names_self):
        if not {"pron", "writer"} <= set(pattern.groupindex):
            raise DataError(f"{name}.writer_names_self[{i}]", "needs groups named pron and writer")
    inverse = doc.get("writer_as_relative_of") or {}
    if not isinstance(inverse, dict) or any(not isinstance(v, dict) or set(v) - {"his", "her"} or k not in sexes
                                            or any(r not in sexes for r in v.values()) for k, v in inverse.items()):
        raise DataError(f"{name}.writer_as_relative_of", "must map relations to {his, her} -> relations")
    opening_goes_on = _regexes(doc, "opening_subject_goes_on", name)
    opening_before = _regexes(doc, "opening_subject_before", name)
    for i, pattern in enumerate(named_patient):
        if "rel" not in pattern.groupindex:
            raise DataError(f"{name}.named_patient[{i}]", "needs a group named rel (the relation word)")
    for i, pattern in enumerate(treated_subject):
        if "rel" not in pattern.groupindex:
            raise DataError(f"{name}.treated_subject[{i}]", "needs a group named rel (the relation word)")
    for i, pattern in enumerate(trial_for_them):
        if "pron" not in pattern.groupindex:
            raise DataError(f"{name}.trial_for_them[{i}]", "needs a group named pron (the pronoun)")
    third = doc.get("third_person_subjects")
    if not isinstance(third, dict) or set(third) - {"female", "male"}:
        raise DataError(f"{name}.third_person_subjects", "must map female and male to lists of words")
    third_person = {sex: re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(_words(spelled, f"{name}.third_person_subjects.{sex}")),
                                    re.IGNORECASE) for sex, spelled in third.items()}
    plural = _words(doc.get("first_person_plural"), f"{name}.first_person_plural")
    described = doc.get("described_patient") or {}
    if not isinstance(described, dict) or set(described) - {"female", "male"}:
        raise DataError(f"{name}.described_patient", "must map female and male to lists of regular expressions")
    partners_of = _partners_of(doc.get("partners_of") or {}, words, f"{name}.partners_of")
    partner_words = {w for spec in partners_of.values() for w in spec}
    partner_after = re.compile(r"(?:\s+and\s+(?:his|her|their)|'s|\u2019s|s)\s+(?P<partner>%s)\b" % alternation(partner_words),
                               re.IGNORECASE) if partner_words else None
    return Relations(
        third_person=third_person,
        first_plural=re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(plural), re.IGNORECASE),
        self_statements=tuple(statements),
        words=words, sexes=sexes, roles=roles, mention=mention, bare=bare, age_after=age_after, about=about_re,
        bare_patient=bare_patient,
        pronoun_age=pronoun_age,
        writer_words=frozenset(_words(doc.get("writer_words"), f"{name}.writer_words")),
        possessives=frozenset(possessives),
        other_person_words=frozenset(_words(doc.get("other_person_words"), f"{name}.other_person_words")),
        feeding_words=re.compile(r"\b(?:%s)\s+$" % alternation(_words(doc["feeding_words"], f"{name}.feeding_words")),
                                 re.IGNORECASE) if doc.get("feeding_words") else None,
        first_person=re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(first), re.IGNORECASE),
        young_patient=tuple(young),
        writer_beside=tuple(beside),
        parent_of=tuple(parent_of),
        writer_is_patient=tuple(writer_is_patient),
        writer_aside_first=tuple(aside_first),
        writer_plural=frozenset(_words(doc.get("writer_plural") or [], f"{name}.writer_plural")),
        partners=frozenset(_words(doc.get("partners") or [], f"{name}.partners")),
        about_one=about_one,
        trial_for_them=tuple(trial_for_them),
        bare_subject=bare_subject,
        treated_subject=tuple(treated_subject),
        named_patient=tuple(named_patient),
        opening_goes_on=tuple(opening_goes_on),
        opening_before=opening_before[0] if opening_before else None,
        partners_of=partners_of,
        partner_after=partner_after,
        writer_names_self=tuple(names_self),
        writer_with_relative=tuple(_regexes(doc, "writer_with_relative", name)),
        writer_as_relative_of={str(k): {str(p): str(r) for p, r in v.items()} for k, v in inverse.items()},
        carer_statements=tuple(_regexes(doc, "carer_statements", name)),
        child_by_age=tuple(_regexes(doc, "child_by_age", name)),
        described_patient={sex: tuple(_regexes(described, sex, f"{name}.described_patient")) for sex in described},
    )


def _partners_of(raw: Any, words: dict[str, str], where: str) -> dict[str, dict[str, str]]:
    """``partners_of``: relation -> {partner word: the writer's relation word for the partner},
    each a word of ``relations``."""
    if not isinstance(raw, dict):
        raise DataError(where, "must map relations to {partner word: relation word}")
    found: dict[str, dict[str, str]] = {}
    for relation, spec in raw.items():
        if not isinstance(spec, dict) or not all(isinstance(v, str) and v.lower() in words for v in spec.values()):
            raise DataError(f"{where}.{relation}", "must map partner words to relation words of relations")
        found[str(relation)] = {str(k).lower(): str(v).lower() for k, v in spec.items()}
    return found


def _regexes(doc: dict, key: str, name: str) -> list[re.Pattern]:
    compiled = []
    for i, raw in enumerate(doc.get(key) or []):
        try:
            compiled.append(re.compile(raw, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            raise DataError(f"{name}.{key}[{i}]", f"not a valid regular expression ({exc})") from None
    return compiled


# "my kids have eczema", "my daughters are both well": a plural relation and its verb ("my sons lupus" is one son's)
_OWNER = re.compile(r"(?:'s|\u2019s|s'|s(?=\s))\s+(?P<a>[\w-]+)(?:\s+(?P<b>[\w-]+))?", re.IGNORECASE)
_PLURAL = re.compile(r"s\s+(?:have|are|were|both|all|each|and|got|had|dont|don't|do|also)\b", re.IGNORECASE)
# (not an age: "my 4 year old granddaughter", "my 2-year-old")
_SEVERAL = re.compile(r"\b(?:both|all|each of)\s+(?:of\s+)?(?:my|our)\b|\b(?:my|our)\s+(?:two|three|four|2|3|4)\b"
                      r"(?![\s-]*(?:and\s+a\s+half\s+)?(?:years?|yrs?|yr|y/?o|months?|mos?|mths?|weeks?|wks?|days?)\b)", re.IGNORECASE)
_LINEAGE = re.compile(r"(?:'s|\u2019s)?\s+side\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[.,!?;:)]|$)")
# a baby's age, and a writer who breastfeeds or is pregnant: the writer is the mother and the patient
_INFANT_AGE = re.compile(r"\d\s*-?\s*(?:days?|weeks?|wks?|months?|mths?|mos?)\b", re.IGNORECASE)
_NURSING_WRITER = re.compile(r"\bi(?:'m| am|m)?\s+(?:still\s+|currently\s+|now\s+)?(?:breast-?\s?feeding|nursing|pumping|pregnant|lactating)\b", re.IGNORECASE)
_AGE_END = re.compile(r"\s*\)?\s*(?:[.,!?;:]|$)")   # "my son is 12." / "(15)" and nothing more
# after the age, a pronoun for them goes on with their health ("my daughter is 14 months old, she has ITP")
_PRONOUN_ON = {sex: re.compile(r"\s*\)?\s*[,;]?\s*(?:and\s+|but\s+)?(?:%s)(?:'s|\u2019s|s|\s+(?:has|had|have|is|was|got|gets|suffers|needs|takes|took|tried))\b" % words,
                               re.IGNORECASE)
               for sex, words in (("female", "she|they"), ("male", "he|they"), (None, "she|he|they"))}


# "my sister and i both have lupus": the writer named with the relative
_WITH_WRITER = re.compile(r"\s+(?:and|&|\+)\s+(?:i|me|myself)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w']+")


def _writer_before(text: str, end: int, rel: Relations) -> bool:
    """The writer speaks of themself ("I no have tuberculosis ...") before ``end``."""
    return any(w.group().lower() in rel.writer_words for w in _WORD.finditer(text, 0, end))


_BRACKET_AFTER_WORD = re.compile(r"(?<![\w'])([\w']+)\s*\(\s*$")


_POSSESSIVE_BEFORE = re.compile(r"\b(?:my|our)\s+(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)


def _asked_for(text: str, start: int, rel: Relations) -> bool:
    """An about-phrase ("asking for", "this is for", ``about_phrases``) stands right before the
    relation word at ``start``, with or without "my" ("asking for my son", "im asking for mum")."""
    before = text[max(0, start - 50):start]
    return bool(rel.about.search(_POSSESSIVE_BEFORE.sub("", before)) or rel.about.search(before))


def _apposition(text: str, start: int, rel: Relations) -> bool:
    """The relation names, in a bracket, the "she"/"he" written right before it ("she (my
    mum) is 72, has lupus"): the one the message is about."""
    word = _BRACKET_AFTER_WORD.search(text, max(0, start - 12), start)
    return word is not None and any(p.fullmatch(word.group(1)) for p in rel.third_person.values())


@lru_cache(maxsize=4)
def _of_mine(words: tuple[str, ...]) -> re.Pattern:
    """"a friend of mine", "an old colleague of ours": a relation word of relations.yaml,
    the writer's by "of mine/ours"."""
    return re.compile(r"\b(?:a|an|another)\s+(?:[\w-]+\s+)?(?P<rel>%s)\s+of\s+(?:mine|ours)\b" % alternation(words),
                      re.IGNORECASE)


def _candidates(text: str, rel: Relations):
    """(start, end, relation, marked) for each relation the writer names."""
    for match in rel.mention.finditer(text):
        relation = rel.relation_of(match.group("rel"))
        if relation is None or re.search(r"\bother\b", text[match.start():match.start("rel")], re.IGNORECASE):
            continue    # "my other daughter has ITP too": not the one the message is about
        if _SEVERAL.search(text[max(0, match.start() - 10):match.end()]):
            continue    # "both my kids have asthma, I have lupus": several people, not one patient
        if _LINEAGE.match(text, match.end()):
            continue    # "my mum's side has lots of thyroid disease": a side of the family, not a person
        start, end = match.span("rel")
        partner = _partner_spoken_of(text, end, relation, rel)
        if partner is not None:     # "my son and his wife, she is the one with lupus": about her
            yield partner[0], partner[1], partner[2], True, True, True
            continue
        owner = _OWNER.match(text, end)
        if (owner and any(rel.relation_of(w) is not None for w in owner.group("a", "b") if w)
                and not any(pattern.search(text, owner.end()) for sex, pattern in rel.third_person.items()
                            if rel.sexes[relation] in (None, sex))):
            owned = next((m for m in ("a", "b") if owner.group(m) and rel.relation_of(owner.group(m)) is not None), None)
            if owned is not None and (rel.about.search(text[max(0, match.start() - 40):match.start()])
                                      or rel.age_after.match(text, owner.end(owned))):
                # "this is for my boyfriends mum, shes 64": the one asked for is the owner's
                # relative, not the writer's (h160, round 34)
                relation = SOMEONE_ELSES[rel.sexes[rel.relation_of(owner.group(owned))]]
                yield owner.start(owned), owner.end(owned), relation, True, True, True
            continue    # "my husband's mum had MS": the husband's relative, not the husband (unless "he ..." follows)
        if (_PLURAL.match(text, end) and rel.relation_of(match.group("rel") + "s") == relation
                and relation not in rel.partners):
            continue    # "my kids have eczema": several people, not the one the message is about
            # (a partner is one: "my husbands got lupus" is "my husband's got"; h160, round 34)
        after = text[match.end():]
        age = rel.age_after.match(after)
        if (age and _INFANT_AGE.search(age.group()) and _NURSING_WRITER.search(text)
                and any(p.search(text) for p in rel.self_statements)):
            continue    # "my baby is 6 weeks old and im still breastfeeding, i have ITP": the writer is the patient
        about = bool(rel.about.search(text[max(0, match.start() - 40):match.start()])) or _apposition(text, match.start(), rel)
        marked = bool(age) or about
        # a patient-role relation the sentence goes on about ("my son has ..."), not one
        # only named at the end of a clause ("nursing my baby.")
        talked_about = marked or not _CLAUSE_END.match(after)
        # after the age, the sentence goes on about them ("my daughter (15) has just been
        # diagnosed"), not just "my son is 12."
        goes_on = about or (age is not None and (not _AGE_END.match(after[age.end():])
                                                 or bool(_PRONOUN_ON[rel.sexes[relation]].match(after[age.end():]))))
        yield start, end, relation, marked, talked_about, goes_on
    own_health = None
    for match in _of_mine(tuple(sorted(rel.words))).finditer(text):
        if own_health is None:
            own_health = any(p.search(text) for p in rel.self_statements)
        if own_health:
            break       # "RA patient here ... A friend of mine is in a trial ... I've failed etanercept": the writer's message
        # "A friend of mine has lupus, she is 34": "of mine" names the writer's own person as
        # "my friend" does (h95, round 21), unless the writer speaks of their own health anywhere
        # in the message ("I have RA. A friend of mine has lupus": the writer's)
        relation = rel.relation_of(match.group("rel"))
        about = bool(rel.about.search(text[max(0, match.start() - 40):match.start()]))
        if relation is None or not (about or any(p.search(text, match.end()) for p in rel.third_person.values())):
            continue    # only one the message goes on about as "she"/"he" ("... and doing great. I've failed etanercept": the writer's)
        after = text[match.end():]
        age = rel.age_after.match(after)
        marked = bool(age) or about
        yield (match.start("rel"), match.end("rel"), relation, marked, marked or not _CLAUSE_END.match(after),
               about or age is not None)
    for match in rel.bare_patient.finditer(text) if rel.bare_patient is not None else ():
        relation = rel.relation_of(match.group("rel"))
        if relation is not None:    # "Wife (62) with refractory myositis": the one the message is about
            yield match.start("rel"), match.end("rel"), relation, True, True, True
    for match in rel.about_one.finditer(text) if rel.about_one is not None else ():   # "writing for a friend, she is 52"
        relation = rel.relation_of(match.group("rel"))
        if relation is not None:
            yield match.start("rel"), match.end("rel"), relation, True, True, True
    # "mum is 74": a parent or sibling named without "my", with an age (marked); "Mum has RA
    # for 20 years, failed methotrexate, shes 67": one named as a sentence's subject, whose
    # message it is only when an age is said of them by pronoun ("shes 67"; "Mum has RA too",
    # "FH: Father has type 2 diabetes" stay family history). "baby is 6 weeks now" is the
    # writer's baby; "A 4-day-old male newborn ... Mother is 32 years old": the infant's mother
    bare = [(rel.bare, True)] + ([(rel.bare_subject, False)] if rel.bare_subject is not None else [])
    for pattern, marked in bare:
        for match in pattern.finditer(text):
            relation = rel.relation_of(match.group("rel"))
            # a partner or child named so too ("boyfriend has uc, 23. pred again ..."): whose
            # message it is only when the sentence goes on about them (``_opening_goes_on``; h102, round 22)
            if (relation is not None and (rel.roles[relation] == "family" or not marked)
                    and not any(p.search(text, 0, match.start("rel")) for p in rel.young_patient)):
                yield match.start("rel"), match.end("rel"), relation, marked, marked, marked

def _partner_spoken_of(text: str, end: int, relation: str, rel: Relations) -> tuple[int, int, str] | None:
    """The partner named right after a relative ("my son and his wife", "my daughter's
    husband"; ``partners_of``) when a "she"/"he" after them fits the partner's sex and not the
    relative's: (start, end, the writer's relation to the partner)."""
    match = rel.partner_after.match(text, end) if rel.partner_after is not None else None
    word = (rel.partners_of.get(relation) or {}).get(match.group("partner").lower()) if match else None
    if word is None:
        return None
    theirs, partners = rel.sexes.get(relation), rel.sexes.get(rel.relation_of(word))
    if partners is None or partners == theirs or not rel.third_person[partners].search(text, match.end()):
        return None
    if theirs is not None and rel.third_person[theirs].search(text, match.end()):
        return None     # "my son and his wife, he has crohns": still about the son
    return match.start("partner"), match.end("partner"), rel.relation_of(word)


def _named_as_patient(text: str, rel: Relations, found: list):
    """The relative a sentence says the trial is for ("shes the one who needs a trial", "the
    trial is for him"; ``trial_for_them``): the first relation named before it whose sex fits
    the pronoun. It decides over the writer's own illness said beside it ("im the one with
    lupus, but hes the one looking for a trial")."""
    for pattern in rel.trial_for_them:
        for match in pattern.finditer(text):
            pronoun = match.group("pron").lower()
            sexes = {sex for sex, words in rel.third_person.items() if words.fullmatch(pronoun)}
            for candidate in found:
                if candidate[1] <= match.start() and rel.sexes[candidate[2]] in sexes | {None}:
                    return candidate
    return None


def _placed(speaker: Speaker, text: str, rel: Relations, found: list | None = None) -> Speaker:
    """``speaker`` with the relation word the text names the patient by: the first candidate
    of its relation, or, for a relation not known yet, the only relation named whose sex is
    the speaker's (a partner or child: "..., SLE, my wife")."""
    found = sorted(_candidates(text, rel)) if found is None else found
    if speaker.relation is not None:
        match = next((c for c in found if c[2] == speaker.relation), None)
    else:
        named = {c[2] for c in found}
        match = found[0] if (len(named) == 1 and rel.sexes[found[0][2]] == speaker.sex
                             and rel.roles[found[0][2]] == "patient") else None
    if match is None:
        return speaker
    start, end, relation = match[:3]
    return replace(speaker, relation=relation, word=text[start:end], start=start, end=end)


def _treated_subject(text: str, rel: Relations) -> Speaker | None:
    """The relative whose treatment the message tells ("my brother has dermatomyositis and
    is on IVIG", "my mum is on donepezil"), when the writer says nothing of their own health
    and names no other relative before them."""
    if any(p.search(text) for p in rel.self_statements):
        return None
    for pattern in rel.treated_subject:
        match = pattern.search(text)
        relation = rel.relation_of(match.group("rel")) if match else None
        if relation is None:
            continue
        if any(rel.relation_of(m.group("rel")) for m in rel.mention.finditer(text, 0, match.start("rel"))):
            return None     # "my son has asthma, my mum is on steroids": not one person
        return Speaker("relative", relation, rel.sexes[relation], match.group("rel"), match.start("rel"), match.end("rel"))
    return None


def _opening_goes_on(text: str, candidate, rel: Relations) -> bool:
    """The relation opens the text (``opening_subject_before`` may stand before it) and one of
    ``opening_subject_goes_on`` matches right after it."""
    start, end = candidate[0], candidate[1]
    if rel.opening_before is None or not rel.opening_before.fullmatch(text[:start]):
        return False
    return any(p.match(text, end) for p in rel.opening_goes_on)


def speaker_of(text: str) -> Speaker:
    """Who writes ``text`` and, for a relative, about whom (see the module docstring). Ages
    in words are read as digits ("my mom is fifty eight", ``numeral_view``; h95, round 21);
    the relation word's place is the text's own."""
    view = numeral_view(text) if text else None
    if view is None:
        return _speaker_of(text)
    written, regions = view
    found = _speaker_of(written)
    if found.start is None or found.end is None:
        return found
    start, end = original_span(regions, found.start, found.end)
    return replace(found, word=text[start:end], start=start, end=end)


def _speaker_of(text: str) -> Speaker:
    if not text or not text.strip():
        return Speaker(None)
    rel = relations()
    for pattern in rel.parent_of:   # "Mother of a 7 year old girl with ITP": the writer's child
        match = pattern.search(text)
        relation = rel.relation_of(match.group("rel")) if match else None
        if relation is not None:
            return Speaker("relative", relation, rel.sexes[relation], match.group("rel"), match.start("rel"),
                           match.end("rel"), writer=rel.relation_of(match.group("writer")))
    for pattern in rel.writer_names_self:   # "its his wife writing": written for her husband
        match = pattern.search(text)
        writer = rel.relation_of(match.group("writer")) if match else None
        relation = (rel.writer_as_relative_of.get(writer) or {}).get(match.group("pron").lower()) if writer else None
        if relation is not None:    # the relation word the message names them by, when it does ("my daughter is 22")
            return _placed(Speaker("relative", relation, rel.sexes[relation], writer=writer), text, rel)
    found = sorted(_candidates(text, rel))
    if len({c[2] for c in found}) > 1:
        # "my husband and I are looking for something for our daughter": he writes with the
        # writer; the message is about the other one named
        found = [c for c in found if not _WITH_WRITER.match(text, c[1])] or found
    named = _named_as_patient(text, rel, found)
    if named is not None:   # "i have crohns and my daughter has UC, shes the one who needs a trial"
        start, end, relation = named[:3]
        return Speaker("relative", relation, rel.sexes[relation], text[start:end], start, end)
    for pattern in rel.named_patient:   # "my brother is the patient, 38, AML. I had Hodgkin at 20": about him
        match = pattern.search(text)
        relation = rel.relation_of(match.group("rel")) if match else None
        if relation is not None:
            return Speaker("relative", relation, rel.sexes[relation], match.group("rel"), match.start("rel"), match.end("rel"))
    if any(p.search(text) for p in rel.writer_is_patient):
        return Speaker("patient")   # "my son has asthma and my daughter eczema. im the one with UC"
    if any(p.search(text) for p in rel.writer_with_relative):
        return Speaker("patient")   # "both me and my partner have crohns. im 31" (h120, round 26)
    treated = _treated_subject(text, rel)
    if treated is not None:     # "my brother has dermatomyositis and is on IVIG": about him
        return treated

    def writer_first(candidate) -> bool:   # the writer spoke of their own health before naming them
        # (a statement starting before them, read in the whole text: its own look ahead may
        # see the relative's illness, "I'm 45, my son has T-ALL" is no telling of the writer's)
        return any(m.start() < candidate[0] for p in rel.self_statements for m in p.finditer(text))

    # the one relative the writer says they ask for ("my dad 72 has RA, my mum 70 has lupus, im
    # asking for mum"), before one only marked by an age said first (h165, round 35)
    asked = [c for c in found if _asked_for(text, c[0], rel)]
    subject = next(c for c in found if c[2] == asked[0][2]) if len({c[2] for c in asked}) == 1 else None
    if subject is None:
        subject = next((c for c in found if c[3] and (c[5] or not writer_first(c))), None)
    if subject is None:   # a child or partner the sentence goes on about
        subject = next((c for c in found if c[4] and rel.roles[c[2]] == "patient" and not writer_first(c)), None)
    if subject is None:   # "my brother has SLE. I have RA myself": the writer sets their own illness beside his
        subject = next((c for c in found if c[4] and not writer_first(c)
                        and any(p.search(text, c[1]) for p in rel.writer_beside)), None)
    if subject is None:   # "i have RA and fibromyalgia myself. my son has T-ALL": the same, said first, of a child or partner
        subject = next((c for c in found if c[4] and rel.roles[c[2]] == "patient"
                        and any(p.search(text, 0, c[0]) for p in rel.writer_beside + rel.writer_aside_first)
                        and not any(p.search(text, c[1]) for p in rel.self_statements)), None)
    if subject is None:   # "my father has T-cell lymphoma ... he's 73": the age is the father's
        # (not a child named after the writer's own health: "I was pregnant with my son when
        # the ITP started, he is 2 now" is the writer's message, the age the son's)
        # ... or said before the relation it names ("shes 8 my little girl, T-ALL relapsed ... i have
        # anxiety": the girl's age, the writer's anxiety; h135, round 29)
        subject = next((c for c in found if rel.sexes[c[2]] in rel.pronoun_age
                        and (rel.pronoun_age[rel.sexes[c[2]]].search(text, c[1])
                             or rel.pronoun_age[rel.sexes[c[2]]].search(text, 0, c[0]))
                        and not writer_first(c)), None)
    says_own = any(p.search(text) for p in rel.self_statements)    # the writer's own health told
    if subject is None and not says_own:
        # "mum has RA, enbrel until 2019, then orencia ...", "mum has ITP, 81.": a relative
        # named without "my" as the subject the message opens with, whose sentence goes on
        # about them; not a note's terse family history ("Daughter has ITP.", "Mother has RA;
        # father had a stroke") nor a text that names the patient otherwise
        subject = next((c for c in found if len(found) == 1 and _opening_goes_on(text, c, rel)), None)
    spoken_of = [sex for sex, pattern in rel.third_person.items() if pattern.search(text)]
    writer = rel.first_person.search(text) or rel.first_plural.search(text)
    if subject is None and writer and not says_own:
        # "My father he take rituximab ...", "my mum had tocilizumab, so they moved her to
        # baricitinib": the writer says nothing of their own health and goes on about the
        # relative named first, as "he"/"her" of the relation's sex
        subject = next((c for c in found if c[4] and rel.sexes[c[2]] is not None and spoken_of == [rel.sexes[c[2]]]
                        and rel.third_person[rel.sexes[c[2]]].search(text, c[1])
                        and not _writer_before(text, c[0], rel) and not _WITH_WRITER.match(text, c[1])), None)
    if subject is not None:
        start, end, relation = subject[:3]
        return Speaker("relative", relation, rel.sexes[relation], text[start:end], start, end)
    if (CARED_FOR in rel.sexes and any(p.search(text) for p in rel.carer_statements)
            and not says_own):
        # "im her carer, shes 47 with systemic sclerosis", "paid carer here for a lady with lupus":
        # a carer writes for the person they look after, who has no relation word of their own;
        # the sex of the one pronoun the message uses (h150, round 32)
        return Speaker("relative", CARED_FOR, spoken_of[0] if len(spoken_of) == 1 else None)
    child = None
    if "child" in rel.sexes and not says_own:
        child = next((m for p in rel.child_by_age for m in _child_by_age(text, p, rel)), None)
    if child is not None:
        # "my 8 yr old has T-ALL. she relapsed ...", "my 15yo has crohns": the writer's child,
        # named by age alone; the sex of the one pronoun the message uses (lead, round 40)
        return Speaker("relative", "child", spoken_of[0] if len(spoken_of) == 1 else None,
                       text[child.start():child.end()], child.start(), child.end())
    if writer and spoken_of and not says_own:
        # "I don't think she has TB": someone writing about "she"; her sex when only one is named;
        # the one relation of that sex the message names, even at a clause's end ("she hasnt
        # had an HIV test ... SLE, my wife"), is who she is (h145, round 31)
        if len(spoken_of) == 1:
            return _placed(Speaker("relative", None, spoken_of[0]), text, rel, found)
        return Speaker("relative", None, None)
    if rel.first_person.search(text):
        return Speaker("patient")
    # "T-ALL relapsed 2nd time, 14yo boy, CD7 positive": no writer said, the patient described
    # as someone by an age and a person word of one sex (h185, round 38)
    described = [sex for sex, patterns in rel.described_patient.items() if any(p.search(text) for p in patterns)]
    return Speaker(None, described=described[0] if len(described) == 1 else None)


def _child_by_age(text: str, pattern: re.Pattern, rel) -> list[re.Match]:
    """The children named by age (``child_by_age``), not the baby the writer is feeding ("im
    breastfeeding my 4 month old": the writer's own message)."""
    return [match for match in pattern.finditer(text)
            if rel.feeding_words is None or not rel.feeding_words.search(text, max(0, match.start() - 40), match.start())]


def named_relative(text: str) -> Speaker | None:
    """The one relative of role ``family`` (a parent, sibling, grandparent ...) a message names
    with "my" as the subject of what it says, in a message where the writer says nothing of
    their own health and ``speaker_of`` did not already take the relative as its subject ("hi
    my sister has lupus", "my dad was diagnosed with T-ALL last year"): read alone, family
    history; said to a trial-finding bot before anything about the writer, most likely the
    person the trial is for. Only a conversation can tell, so it asks (bot/answering.py);
    None when the message names no such relative, several, or the writer's own health."""
    if not text or not text.strip() or speaker_of(text).speaker == "relative":
        return None
    rel = relations()
    if any(p.search(text) for p in rel.self_statements):
        return None
    found = [c for c in _candidates(text, rel) if c[4]]
    if len({c[2] for c in found}) != 1 or rel.roles[found[0][2]] != "family":
        return None
    start, end, relation = found[0][:3]
    return Speaker("relative", relation, rel.sexes[relation], text[start:end], start, end)
