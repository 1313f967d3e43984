"""Who wrote a Chinese message and whom it is about: the same ``Speaker`` as the English
reader (nlp/components/speaker.py), from the words of data/nlp/zh.yaml (``relations``: the
canonical relations of data/nlp/relations.yaml, which give each one's sex and role).

A relation word counts when the writer makes it theirs ("我女儿", "我家闺女", "我们孩子"):

1. the first one with an age after it ("我妈妈65岁", "我女儿，27岁") or an about-phrase
   before it ("帮我爸爸问一下") is the subject;
2. else the first one of role ``patient`` (children, partners) that the writer names before
   saying anything of their own health ("我有狼疮，我女儿……" is the patient writing);
3. else the first one of role ``family`` when the writer says nothing of their own health
   ("我妈妈有免疫性血小板减少症"; "我爸爸有高血压，我自己狼疮两年" is the patient writing);
4. else a relation word with an age right after it and no possessive ("女儿26岁").

A writer who says they are family ("我是患者家属") writes about the first relation they name,
or, naming none, about someone unnamed (a relative writes, relation unknown).

A subject makes the writer a relative; otherwise a writer speaking in the first person
(我, 本人) is the patient, and a clinician's note ("患者女，26岁") says neither.

``People`` answers, for a mention, whether it is about someone other than the patient: the
last person named before it in its clause is a relative other than the subject ("我妈妈也有
类风湿" when the patient writes; "母亲有乳腺癌病史"), or the writer when a relative writes
("我女儿有狼疮，我自己有高血压").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from data.errors import DataError
from nlp.components.speaker import Speaker, relations
from nlp.components.zh_mentions import LongestMatch, _alternation
from nlp.resources import chinese_vocabulary

_AGE_AFTER = re.compile(r"\s*[，,（(]?\s*(?:今年|现在|才|已经|已)?\s*\d{1,3}\s*(?:周岁|岁|个月大|个月)?(?=\s*了?\s*\s*(?:[，,。；;！!？?）)\s岁]|$))"
                        r"|\s*[，,（(]?\s*(?:今年|现在|才|已经|已)?\s*\d{1,3}\s*(?:周岁|岁)")
_POSSESSIVE_REACH = 4      # characters before a relation word where "我家" may end
_ABOUT_REACH = 6


@dataclass(frozen=True)
class ChineseRelations:
    words: LongestMatch               # word -> canonical relation
    sexes: dict[str, str | None]
    roles: dict[str, str]
    possessive: re.Pattern            # a possessive right before a relation word
    about: re.Pattern                 # an about-phrase right before the possessive
    self_statements: tuple[re.Pattern, ...]
    first_person: re.Pattern
    relative_writer: re.Pattern       # "我是患者家属"
    persons: LongestMatch             # writer and patient words -> "self" | "patient"


@lru_cache(maxsize=1)
def chinese_relations() -> ChineseRelations:
    words = chinese_vocabulary()
    english = relations()
    table: dict[str, str] = {}
    for relation, spelled in words["relations"].items():
        if relation not in english.sexes:
            raise DataError(f"zh.yaml.relations.{relation}", "not a relation of relations.yaml")
        for word in spelled:
            table[word] = relation
    persons = {w: "self" for w in words["writer_words"]}
    persons.update({w: "patient" for w in words["patient_words"]})
    return ChineseRelations(
        words=LongestMatch(table),
        sexes=english.sexes,
        roles=english.roles,
        possessive=re.compile(r"(?:%s)\s*$" % _alternation(words["possessives"])),
        about=re.compile(r"(?:%s)\s*$" % _alternation(words["about_phrases"])),
        self_statements=tuple(re.compile(p) for p in words["self_statements"]),
        first_person=re.compile(_alternation(words["first_person"])),
        relative_writer=re.compile(_alternation(words["relative_writer_words"])),
        persons=LongestMatch(persons),
    )


def _candidates(text: str, rel: ChineseRelations):
    """(start, end, relation, possessive, marked) for each relation word."""
    for start, end, relation in rel.words.find(text):
        before = text[max(0, start - _POSSESSIVE_REACH):start]
        owned = rel.possessive.search(before)
        about = False
        if owned is not None:
            at = start - (len(before) - owned.start())
            about = bool(rel.about.search(text[max(0, at - _ABOUT_REACH):at]))
        aged = bool(_AGE_AFTER.match(text, end))
        yield start, end, relation, owned is not None, aged or about


def speaker_of(simplified: str, written: str | None = None) -> Speaker:
    """The speaker of a Chinese text (``simplified``: nlp/chinese.py ``to_simplified``;
    ``written``: the text as written, for the relation word)."""
    written = written if written is not None else simplified
    if not simplified.strip():
        return Speaker(None)
    rel = chinese_relations()
    found = list(_candidates(simplified, rel))

    def writer_first(candidate) -> bool:
        return any(p.search(simplified, 0, candidate[0]) for p in rel.self_statements)

    def writer_speaks() -> bool:
        return any(p.search(simplified) for p in rel.self_statements)

    owned = [c for c in found if c[3]]
    subject = next((c for c in owned if c[4]), None)
    says_relative = rel.relative_writer.search(simplified) is not None
    if subject is None and says_relative:
        subject = next(iter(owned), None)
    if subject is None:
        subject = next((c for c in owned if rel.roles[c[2]] == "patient" and not writer_first(c)), None)
    if subject is None and not writer_speaks():
        subject = next((c for c in owned if rel.roles[c[2]] == "family"), None)
    if subject is None:
        subject = next((c for c in found if c[4] and not c[3]), None)
    if subject is not None:
        start, end, relation = subject[:3]
        return Speaker("relative", relation, rel.sexes[relation], written[start:end], start, end)
    if says_relative:
        return Speaker("relative")
    if rel.first_person.search(simplified):
        return Speaker("patient")
    return Speaker(None)


class People:
    """Whether a mention is about someone other than the patient (see the module docstring)."""

    def __init__(self, text: str, speaker: Speaker, family_cues: list[tuple[int, int]]):
        rel = chinese_relations()
        self.people: list[tuple[int, int, str]] = [(s, e, r) for s, e, r in rel.words.find(text)]
        self.people += [(s, e, "@" + kind) for s, e, kind in rel.persons.find(text)]
        self.people.sort()
        self.family_cues = family_cues
        self.speaker = speaker

    def family(self, start: int, clause: tuple[int, int]) -> bool:
        if any(clause[0] <= s and e <= start for s, e in self.family_cues):
            return True
        named = [p for p in self.people if clause[0] <= p[0] and p[1] <= start
                 and not (p[0] <= start < p[1])]
        if not named:
            return False
        who = named[-1][2]
        if who == "@patient":
            return False
        if who == "@self":
            return self.speaker.speaker == "relative" and self.speaker.relation is not None
        return who != self.speaker.relation


