"""Several people in one message (issue #14, h112 round 24).

"my son (24) has crohns, failed humira and stelara, and my daughter (30) has lupus",
"Me and my sister both have diffuse scleroderma", "my mum (70) has myelofibrosis ...; my
dad (72) has myasthenia gravis": a parent or partner asking for the whole family. Read as
one patient, the first person named becomes the patient and the others' illnesses leak into
their profile (or vanish as family history). ``people_of`` finds the people such a message
describes, each with the facts of their own part of it, so a conversation can ask whom to
start with and keep only that person's facts.

How it reads (words in ``data/nlp/people.yaml`` and ``relations.yaml``):

- The people: every "my/our <relation>" (relations.yaml's ``mention``) and the writer where
  they name themself as a subject (``writer_subject``: "I'm 33 with ...", "and I (28)",
  "Me and my sister"). People named one after another with only "and", a comma or an age
  between them (``group_gap``: "My husband (30) and I", "my brother (36) and my sister
  (33)") and followed by a predicate of them all (``group_follows``: "are both", "both have")
  form a group: what follows is said of them all ("I'm 38 and my daughter is 14 months" is no
  group). A message naming one of them as "the one" ("he's the one with myeloma") is one patient.
- Each group's part runs from its first mention to the next group's; the text before the
  first person ("Asking for the whole family:") is no one's. A person named again later has
  every part they are named in.
- A part is read by the extractor as about that person (``about``: the relation, so "my son
  (24) has crohns" is the son's, and "his grandfather had lymphoma" stays family history); a
  group's part is the group's own, of every member ("both have SSc").
- A person counts when the message describes them as a patient: they have a condition of
  their own in their part (or belong to a group of two or more), and the message gives them
  an age or a treatment of their own, or names them in a group with the writer, a partner or
  a child ("me and my sister both have SSc"), or says it is about them together
  (``together``: "for both", "either of them", "the whole family"); "my mother and my
  grandmother both had ovarian cancer" is family history. "My mother has lupus. I am 35 and have ITP"
  describes one patient (the mother's lupus is family history); "I have lupus, my daughter
  has asthma" too.
- A message that says whom it is for ("it's my daughter I'm asking about", "I'm the one with
  UC", "my brother is the patient": relations.yaml's ``writer_is_patient``, ``named_patient``
  and ``trial_for_them``) describes one patient, whoever else it names.

``people_of`` gives the people when two or more count, else [] (one patient: read as ever).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable

from core.facts import Fact
from data.errors import DataError
from data.files import read_yaml
from nlp.components.speaker import relations
from nlp.resources import NLP_DIR

PEOPLE_FILE = NLP_DIR / "people.yaml"
WRITER = "self"          # the writer's relation key in a Person


@dataclass(frozen=True)
class PeopleWords:
    writer_subject: tuple[re.Pattern, ...]
    together: tuple[re.Pattern, ...]
    group_gap: re.Pattern
    group_follows: re.Pattern
    one_named: tuple[re.Pattern, ...]
    pronoun_subject: tuple[re.Pattern, ...] = ()
    aside_after: re.Pattern | None = None
    named_again: re.Pattern | None = None
    own_labels: frozenset[str] = frozenset()
    donor_before: re.Pattern | None = None


@dataclass(frozen=True)
class Person:
    """One person a message describes: ``relation`` ("son", or ``WRITER``), the sex it
    implies, the first mention's word and span, and the facts of their parts of the text
    (spans in the whole text's offsets)."""

    relation: str
    sex: str | None
    word: str
    start: int
    end: int
    facts: tuple[Fact, ...]

    @property
    def conditions(self) -> tuple[str, ...]:
        """Their own conditions (not negated, family, hypothetical), in the order told."""
        seen: list[str] = []
        for fact in sorted(self.facts, key=lambda f: f.start):
            if (fact.label == "CONDITION" and not (fact.negated or fact.family or fact.hypothetical)
                    and fact.concept not in seen):
                seen.append(fact.concept)
        return tuple(seen)


@lru_cache(maxsize=1)
def people_words() -> PeopleWords:
    """data/nlp/people.yaml, validated (file and key on errors)."""
    name = PEOPLE_FILE.name
    doc = read_yaml(PEOPLE_FILE)
    fields = {"writer_subject", "together", "group_gap", "group_follows", "one_named", "pronoun_subject", "aside_after",
              "named_again", "own_labels", "donor_before"}
    if not isinstance(doc, dict) or set(doc) != fields:
        raise DataError(name, "must be a mapping with " + ", ".join(sorted(fields)))

    def compiled(raw: object, where: str) -> re.Pattern:
        try:
            return re.compile(str(raw), re.IGNORECASE)
        except re.error as exc:
            raise DataError(where, f"not a valid regular expression ({exc})") from None

    lists = {}
    for key in ("writer_subject", "together", "one_named", "pronoun_subject"):
        raw = doc[key]
        if not isinstance(raw, list) or not raw:
            raise DataError(f"{name}.{key}", "must be a non-empty list of regular expressions")
        lists[key] = tuple(compiled(r, f"{name}.{key}[{i}]") for i, r in enumerate(raw))
    for i, pattern in enumerate(lists["writer_subject"]):
        if "w" not in pattern.groupindex:
            raise DataError(f"{name}.writer_subject[{i}]", "needs a group named w (the writer's word)")
    named_again = compiled(doc["named_again"], f"{name}.named_again")
    if "w" not in named_again.groupindex:
        raise DataError(f"{name}.named_again", "needs a group named w (the relation word)")
    group_follows = compiled(doc["group_follows"], f"{name}.group_follows")
    if not {"p", "shared"} <= set(group_follows.groupindex):
        raise DataError(f"{name}.group_follows", "needs groups named p (the predicate) and shared (a bracket of them all)")
    own = doc["own_labels"]
    if not isinstance(own, list) or not all(isinstance(x, str) and x.isupper() for x in own):
        raise DataError(f"{name}.own_labels", "must be a list of fact labels (AGE, SEX)")
    for i, pattern in enumerate(lists["pronoun_subject"]):
        if set(pattern.groupindex) != {"female", "male"}:
            raise DataError(f"{name}.pronoun_subject[{i}]", "needs groups named female and male (the pronoun)")
    return PeopleWords(lists["writer_subject"], lists["together"], compiled(doc["group_gap"], f"{name}.group_gap"),
                       group_follows, lists["one_named"],
                       lists["pronoun_subject"], compiled(doc["aside_after"], f"{name}.aside_after"),
                       named_again, frozenset(own), compiled(doc["donor_before"], f"{name}.donor_before"))


Reader = Callable[[str, str | None], list[Fact]]


def people_of(text: str, read: Reader) -> list[Person]:
    """The people ``text`` describes as patients, when two or more (see the module doc);
    ``read(part, about)`` is the extractor (``about``: the relation the part is about)."""
    if not text or not text.strip():
        return []
    rel, words = relations(), people_words()
    if any(p.search(text) for p in (*rel.writer_is_patient, *rel.named_patient, *rel.trial_for_them, *words.one_named)):
        return []
    mentions = _mentions(text)
    if len({m[2] for m in mentions}) < 2:
        return []
    if not any(p.search(text) for p in words.together) and any(
            m[2] != WRITER and rel.about.search(text, max(0, m[0] - 40), m[0]) for m in mentions):
        return []       # "im writing for my daughter (15) with lupus. im 45 and i have RA myself": hers
    if not any(p.search(text) for p in words.together) and rel.about_one is not None and rel.about_one.search(text):
        return []       # "my mum and my aunt both have RA, this is for mum": hers (h150, round 32)
    groups = _groups(text, mentions, words)
    together = any(p.search(text) for p in words.together)
    parts: dict[str, list[Fact]] = {}
    told: dict[str, bool] = {}       # an age or a treatment of their own
    first: dict[str, tuple[int, int]] = {}
    for i, group in enumerate(groups):
        start = group[0][0]
        end = groups[i + 1][0][0] if i + 1 < len(groups) else len(text)
        part = text[start:end]
        members = [m[2] for m in group]
        about = members[0] if len(members) == 1 and members[0] != WRITER else None
        facts = [replace(f, start=f.start + start, end=f.end + start) for f in read(part, about)]
        # a group with the writer, a partner or a child ("Me and my sister both have ...",
        # "My husband (30) and I are both healthy") is described as patients
        patients = len(members) > 1 and any(m == WRITER or rel.roles.get(m) == "patient" for m in members)
        own: dict[int, list[Fact]] = {}
        if len(members) > 1:         # "Me and my sister both have ...": said of each
            facts = [replace(f, family=False) if f.label != "LOCATION" else f for f in facts]
            facts, own = _own_words(text, group, facts, read, words)
        for k, m in enumerate(group):
            first.setdefault(m[2], (m[0], m[1]))
            mine = [*facts, *own.get(k, [])]
            parts.setdefault(m[2], []).extend(mine)
            told[m[2]] = told.get(m[2], False) or patients or any(
                f.label in ("AGE", "DRUG", "PROCEDURE") and not f.family for f in mine)
    people = []
    for relation, facts in parts.items():
        start, end = first[relation]
        sex = None if relation == WRITER else rel.sexes.get(relation)
        person = Person(relation, sex, text[start:end], start, end, tuple(_unique(facts)))
        aside = (not together and relation != WRITER and words.aside_after is not None
                 and words.aside_after.match(text, end) is not None)     # "my sister also has lupus, ...": an aside
        if person.conditions and (told.get(relation) or together) and not aside:
            people.append(person)
    return people if len(people) >= 2 else []


def _mentions(text: str) -> list[tuple[int, int, str]]:
    """Every person named: (start, end, relation), the writer as ``WRITER``, in text order."""
    rel, words = relations(), people_words()
    found: list[tuple[int, int, str]] = []
    for match in rel.mention.finditer(text):
        relation = rel.relation_of(match.group("rel"))
        if relation is not None and not _donor(text, match.start(), words):
            found.append((match.start(), match.end(), relation))
    for pattern in words.writer_subject:
        for match in pattern.finditer(text):
            found.append((match.start("w"), match.end("w"), WRITER))
    found.sort()
    # "he is on stelara …, she failed mycophenolate": a pronoun opening a clause after the
    # people were named is the one person named before it of that sex (none when two are)
    for pattern in words.pronoun_subject:
        for match in pattern.finditer(text):
            sex = "female" if match.group("female") else "male"
            start = match.start(sex)
            named = {r for s, _, r in found if s < start and r != WRITER and rel.sexes.get(r) == sex}
            if len(named) == 1:
                found.append((start, match.end(sex), named.pop()))
    # "son tried vedolizumab since april": a relation word without "my" opening a clause, of
    # a person named before with it, is that person again
    for match in words.named_again.finditer(text):
        relation = rel.relation_of(match.group("w"))
        if relation is not None and any(r == relation and s < match.start("w") for s, _, r in found):
            found.append((match.start("w"), match.end("w"), relation))
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for mention in found:     # one mention per place (two writer patterns may find the same "I")
        if kept and mention[0] < kept[-1][1]:
            continue
        kept.append(mention)
    return kept


def _donor(text: str, start: int, words: PeopleWords) -> bool:
    """The relative named at ``start`` is a transplant's or cells' donor ("a stem cell
    transplant from our sister", "donated by my son"; ``donor_before``): no person described."""
    return words.donor_before is not None and words.donor_before.search(text[max(0, start - 60):start]) is not None


def _groups(text: str, mentions: list[tuple[int, int, str]], words: PeopleWords) -> list[list[tuple[int, int, str]]]:
    """People named one after another with only "and", a comma or an age between them, and a
    predicate of them all after ("are both", "both have"), as one group; everyone else alone."""
    groups: list[list[tuple[int, int, str]]] = []
    for mention in mentions:
        if groups and mention[2] not in {m[2] for m in groups[-1]} and words.group_gap.match(text[groups[-1][-1][1]:mention[0]]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    kept: list[list[tuple[int, int, str]]] = []
    for group in groups:
        if len(group) > 1 and not words.group_follows.match(text, group[-1][1]):
            kept.extend([m] for m in group)
        else:
            kept.append(group)
    return kept


def _own_words(text: str, group: list[tuple[int, int, str]], facts: list[Fact], read: Reader,
               words: PeopleWords) -> tuple[list[Fact], dict[int, list[Fact]]]:
    """A group's facts split into what is said of them all and what each member's own words
    say of them alone ("My husband (30) and I (28) are both healthy": 30 and male are the
    husband's, 28 the writer's, "healthy" both's). Each member's own words run from their
    mention to the next member's (the last: to where the predicate of them all begins, a
    bracket saying "both" included in what is shared); the labels kept there are ``own_labels``
    (age, sex). The group's own reading keeps the rest, and drops those labels when they
    stand in someone's own words (the first member's age and sex would be everyone's)."""
    follows = words.group_follows.match(text, group[-1][1])
    if follows is None or not words.own_labels:
        return facts, {}
    shared_start = follows.start("shared") if follows.group("shared") else follows.start("p")
    own: dict[int, list[Fact]] = {}
    for k, (m_start, _, relation) in enumerate(group):
        m_end = group[k + 1][0] if k + 1 < len(group) else shared_start
        about = None if relation == WRITER else relation
        own[k] = [replace(f, start=f.start + m_start, end=f.end + m_start, family=False)
                  for f in read(text[m_start:m_end], about) if f.label in words.own_labels]
    shared = [f for f in facts if not (f.label in words.own_labels and f.start < shared_start)]
    return shared, own


def _unique(facts: Iterable[Fact]) -> list[Fact]:
    seen, kept = set(), []
    for fact in facts:
        key = (fact.label, fact.concept, fact.start, fact.end)
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    return kept


def person_named(text: str, relations_: list[str]) -> int | None:
    """Which of ``relations_`` a reply to "whom first?" names: a relation word of
    relations.yaml ("my daughter", "the daughter", "daughter"), or the writer's own words
    (relations.yaml ``writer_words``: "me", "myself") for ``WRITER``; None when it names
    none of them, or more than one."""
    rel = relations()
    said = {rel.relation_of(w) for w in re.findall(r"[\w'’]+", text or "")} - {None}
    if said & set(relations_) and len(said & set(relations_)) == 1:
        return relations_.index(next(iter(said & set(relations_))))
    words = {w.casefold() for w in re.findall(r"[\w'’]+", text or "")}
    if WRITER in relations_ and words & rel.writer_words and not said:
        return relations_.index(WRITER)
    return None
