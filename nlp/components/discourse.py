"""What a message says beyond one cue and one mention: about whom, across sentences, as a
question.

* ``People.family``: family history or the patient? A FAMILY cue that names the relative
  the message is about (``nlp.components.speaker``: "mum is 74, ITP for years", "asking for my dad,
  peripheral T-cell lymphoma") does not make a fact family history; when a relative
  writes, what they say of themself ("my daughter has crohn's. i have crohn's too") is.
* ``Outcomes.carry_back``: a sentence that only gives the outcome of the therapies before it
  ("been on remicade, humira and stelara. all failed."; "now entyvio. still on it") applies
  it to the previous sentence's therapies (rules with ``"metadata": {"carry_back": "all" |
  "last" | "taken"}`` in data/context_rules.json; "taken": only those not said to be over; with
  ``"now": true`` a treatment taken now stays taken, failing now).
* ``Outcomes.questions``: a therapy or pregnancy named in the clause a question ends ("what
  is CAR-T?", "they want blinatumomab?", "is methotrexate safe in pregnancy?") with nothing
  said of its use is hypothetical.
"""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc, Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text, doc_value, span_value
from nlp.components.people import people_words
from nlp.components.status import THERAPY_STATUS, bare_current
from nlp.components.speaker import Relations, Speaker, relations
from nlp.resources import vocabulary_words

THERAPY_LABELS = ("DRUG", "PROCEDURE")
# what a question asks about rather than states: a treatment, a pregnancy ("is methotrexate
# safe in pregnancy?", "can I get pregnant on cellcept?")
QUESTION_LABELS = THERAPY_LABELS + ("PREGNANCY", "INFECTION")
# what a question naming a requirement never makes a thing asked about: who the patient is
# and a disease: "is tocilizumab an option for Stills or do I need a trial?", "is previous colorectal
# cancer an exclusion?" tell the patient's own
_NOT_ASKED_AS_REQUIREMENT = frozenset({"AGE", "SEX", "LOCATION", "WEIGHT", "HEIGHT", "PERSON", "CONDITION"})
# a writer's own words reach this many tokens ("i have crohn's too")
WRITER_SCOPE = 8
_BRACKET_ALLOWANCE = 5  # tokens of closed brackets a reach may skip (h120, round 26)
RELATIVE_SCOPE = 14     # "His brother, 40 years old, has Crohn disease and takes adalimumab"
_PATIENT_WORDS = frozenset({"patient", "pt"})
# a writer's own illness: "I (also) have", "i've had", "i got", "i suffer from", "i was diagnosed with"
_HAVING = frozenset({"have", "had", "'ve", "ve", "got", "suffer", "suffered", "diagnosed", "has"})
_CLAUSE_STARTS = frozenset({",", ";", ":", "and", "but", ".", "(", "-"})
# punctuation that opens a clause: a person word right after it is owned by no one
_CLAUSE_OPENERS = frozenset({":", ";", "(", "-", "–"})
# "she has asthma", "he's got psoriasis", "she also has ITP": a pronoun subject and its verb
_PRONOUN_SEX = {"she": "female", "he": "male"}
_PRONOUN_VERB_FILLERS = frozenset({"has", "had", "have", "got", "'s", "’s", "s", "also", "too", "suffers", "from",
                                   "gets", "a", "an", "bad", "mild", "severe", "just", "been", "diagnosed", "with"})
# a relation word this many tokens before an age gives whose age it is ("my son (now 31)")
AGE_RELATION_SCOPE = 4
# between a parent's age and the parent: "a 27 year old G2P1 mother", "G3 P2", "primiparous"
_OBSTETRIC_CODE = re.compile(r"^(?:G\d+(?:\s*P\d+[\d-]*)?|P\d+[\d-]*|gravida|para|primiparous|multiparous|primigravid|multigravid)$", re.IGNORECASE)


class People:
    def __init__(self, words: Relations | None = None, vocabulary: dict[str, Any] | None = None):
        self.words = words or relations()
        # "she's on benlysta", "he is taking MMF": between a pronoun subject and its treatment
        # (``pronoun_treatment_words`` in data/nlp/extraction.yaml; round 11)
        self.treatment_fillers = _PRONOUN_VERB_FILLERS | frozenset(
            str(w).lower() for w in (vocabulary or {}).get("pronoun_treatment_words") or ())
        # "my husband and I both have RA": the writer shares it with the one named before
        # (``shared_with_writer_words``; h85, round 19)
        self.shared_words = frozenset(str(w).lower() for w in (vocabulary or {}).get("shared_with_writer_words") or ())
        self.shared_verbs = frozenset(str(w).lower() for w in (vocabulary or {}).get("shared_with_writer_verbs") or ())
        # "he is 2 now" in a patient's own message: someone else's age; "pregnant with my son":
        # the child carried (``pronoun_ages`` in data/nlp/extraction.yaml; h90, round 20)
        ages = (vocabulary or {}).get("pronoun_ages") or {}
        self.age_subjects = {str(k).lower(): str(v) for k, v in (ages.get("subjects") or {}).items()}
        self.age_fillers = frozenset(str(w).lower() for w in ages.get("fillers") or ())
        self.carrying_words = frozenset(str(w).lower() for w in ages.get("carrying") or ())
        self.relation_modifiers = frozenset(str(w).lower() for w in (vocabulary or {}).get("relation_modifiers") or ())
        # "i was told it is ETP-ALL", "i got that wrong, the doctors call it polymyositis": the
        # writer's "I" speaking of what they were told, think or got wrong, not of their own
        # health (``writer_report_words``, each a run of words; h180, round 37)
        self.report_words = tuple(tuple(str(w).lower().split()) for w in (vocabulary or {}).get("writer_report_words") or ())
        # "i think i have lupus too": the writer as the subject inside a hedge cue
        # (``writer_subject_words``; h181, round 38)
        self.subject_words = frozenset(str(w).lower() for w in (vocabulary or {}).get("writer_subject_words") or ())

    def family(self, ent: Span, speaker: Speaker | None) -> bool:
        if ent.label_ == "AGE" and self._age_of_another(ent, speaker):
            return True
        if ent.label_ in ("AGE", "SEX") and self._writer_then_asking(ent, speaker):
            return True     # "44 f, asking for my son who is 12": the writer's age and sex (h165, round 35)
        if span_value(ent, "is_family"):
            cues = [m for m in ent._.modifiers if m.category == "FAMILY"]
            if (speaker is not None and speaker.speaker == "patient" and speaker.relation is None and cues
                    and all(_with_the_writer(ent.doc, m) for m in cues)):
                return False    # "me and my brother have crohns": the writer's too (h120, round 26)
            if speaker is None or speaker.relation is None:
                return True
            if speaker.start is not None and any(
                    ent.doc[m.modifier_span[0]:m.modifier_span[1]].start_char <= speaker.start
                    < ent.doc[m.modifier_span[0]:m.modifier_span[1]].end_char for m in cues):
                return False    # "my sons wife has lupus, she ...": the cue names the one the message is about
            named = {self._relation_in(ent.doc[m.modifier_span[0]:m.modifier_span[1]]) for m in cues} - {None}
            if self._shared_by_both(ent, cues, speaker.relation, named):
                return False    # "my mum and my aunt both have RA, this is for mum": mum's too (h150)
            return not (named and named <= {speaker.relation, speaker.writer})
        if speaker is not None and (speaker.relation is not None or speaker.speaker == "patient"):
            if self._said_of_other_relative(ent, speaker):
                return True     # "my son (12) has T-ALL. my husband has psoriasis": the husband's
        if self._said_of_their_relative(ent, speaker):
            return True     # "Her son, aged 12, has asthma", "lives with her husband, who has diabetes"
        if speaker is not None and speaker.speaker == "patient" and speaker.relation is None and self._pronoun_of_relative(ent):
            return True     # "I (not my daughter) have lupus. she has asthma": the daughter's
        if (speaker is not None and speaker.relation is not None and speaker.sex is not None
                and self._pronoun_of_relative(ent, other_than=speaker)):
            return True     # "im writing for my wife ... her brother has lupus, he is on benlysta": the brother's
        if speaker is not None and speaker.relation is not None:   # a known relative writes (not just "she ...")
            if ent.label_ == "LOCATION":
                return False    # "Im in the UK, my daughter has lupus": where the family is, the patient's place too
            if self._shared_with(ent, speaker.relation):
                return False    # "my husband and I both have RA, asking for him": his too
            if self._writers_own(ent):
                return True     # "his crohns is worse than my UC": the writer's own (h145, round 31)
            if ent[0].lower_ in self.words.writer_words:
                return True     # "im his donor, im healthy": a mention whose words open with the writer (h176, round 37)
            return self._said_of_writer(ent, plural=speaker.relation not in self.words.partners, named_at=speaker.start)
        if speaker is not None and speaker.speaker == "relative" and ent.label_ in ("CONDITION", "INFECTION"):
            return self._writer_has(ent)     # "he has lupus. I also have lupus": the writer's own
        return False

    def of_writer(self, ent: Span, speaker: Speaker | None) -> bool:
        """A relative's message saying the mention is the writer's own ("i have diabetes myself",
        "me, i have high bp", "his crohns is worse than my UC")."""
        if speaker is None or speaker.speaker != "relative":
            return False
        return self._writers_own(ent) or self._said_of_writer(ent, plural=False)

    def _writer_then_asking(self, ent: Span, speaker: Speaker | None) -> bool:
        """An age or sex said before the relative a message is about, with only an about-phrase
        between ("44 f, asking for my son", "52 m here, writing on behalf of my wife"): the
        writer's own, not the relative's."""
        if speaker is None or speaker.speaker != "relative" or speaker.start is None or ent.end_char > speaker.start:
            return False
        between = doc_text(ent.doc)[ent.end_char:speaker.start]
        if len(between) > 60 or any(c in between for c in ".!?\n"):
            return False
        between = _POSSESSIVE_END.sub("", between)
        return bool(self.words.about.search(between)) and not any(
            e.label_ not in ("AGE", "SEX") and ent.end_char <= e.start_char < speaker.start for e in ent.doc.ents)

    def _said_of_their_relative(self, ent: Span, speaker: Speaker | None) -> bool:
        """The nearest person named before the mention in its sentence (within
        ``RELATIVE_SCOPE`` tokens) is "her/his/their <relation>", a relative of the patient
        (a note's "His brother, 40 years old, has Crohn disease and takes adalimumab"), not
        the one a relative's message is about."""
        doc = ent.doc
        first = ent.sent.start
        start = max(first, ent.start - RELATIVE_SCOPE)
        for i in range(ent.start - 1, start, -1):
            lower = doc[i].lower_
            if lower in self.words.writer_words or lower in _PATIENT_WORDS or lower == ";":
                return False
            relation = self.words.relation_of(doc[i].text)
            if relation is not None:
                owner = doc[i - 1].lower_
                # "Pt's partner has HCV", "the patient's husband has ...": the patient's relative
                # (h90, round 20)
                shift = 1 if owner in ("'s", "’s") and i >= 2 and doc[i - 2].lower_ in _PATIENT_WORDS else 0
                if shift:
                    owner = "her"
                elif owner in self.relation_modifiers and i >= 2 and doc[i - 2].lower_ in ("her", "his", "their"):
                    # "His little sister has JIA and is on etanercept": a word of age or kind
                    # between the owner and the relation (``relation_modifiers``; h95, round 21)
                    owner, shift = doc[i - 2].lower_, 1
                # the relative is the subject: "Her son, aged 12, has ...", "... her husband,
                # who has ...", not an object ("breastfeeding her baby and has lupus")
                if shift and i - 3 >= first and doc[i - 3].lower_ == "the":
                    shift += 1      # "The patient's husband has ..."
                subject = (i - 1 - shift == first or (i - 2 - shift >= 0 and doc[i - 2 - shift].lower_ in _CLAUSE_STARTS)
                           or (i + 1 < ent.start and doc[i + 1].lower_ == "who")
                           or (i + 2 < ent.start and doc[i + 1].text == "," and doc[i + 2].lower_ == "who"))
                if owner in ("her", "his", "their") and subject:
                    return speaker is None or relation != speaker.relation
                return False
            if lower in ("she", "he", "her", "him", "his") and doc[i - 1].lower_ not in self.words.possessives:
                return False
        # "... 52F. Son with autism.", "Daughter has ITP." opening a sentence after one about
        # the patient, in a note that no one writes in the first person: the patient's relative
        # ("i have RA. daughter has JIA": the same after a patient's own words)
        return (0 < first < ent.start and ent.start - first <= RELATIVE_SCOPE
                and (speaker is None or speaker.speaker in (None, "patient"))
                and self.words.relation_of(doc[first].text) is not None)

    def _pronoun_of_relative(self, ent: Span, other_than: Speaker | None = None) -> bool:
        """In a patient's message, a condition or a treatment said of "she"/"he" as the
        subject ("she has asthma", "he's got psoriasis", "she's on benlysta") when a relative of that sex ("my daughter", "my
        husband") is named before it and no one else: the relative's. In a relative's message
        (``other_than``: the patient the relative writes about, of a known sex), a pronoun of
        the other sex when the relatives named before it, the patient aside, are of that sex
        ("my wife has scleroderma. her brother has lupus, he is on benlysta")."""
        if ent.label_ not in ("CONDITION", "INFECTION", "DRUG", "PROCEDURE"):
            return False
        fillers = _PRONOUN_VERB_FILLERS if ent.label_ in ("CONDITION", "INFECTION") else \
            self.treatment_fillers      # "my sister has it too, she's on benlysta"
        doc = ent.doc
        owner = _POSSESSIVE_SEX.get(doc[ent.start - 1].lower_) if ent.start > ent.sent.start else None
        if owner is not None and other_than is None and ent.label_ in ("CONDITION", "INFECTION"):
            # "my wife is on insulin for her type 1 diabetes, not me": "her" disease in the
            # writer's own message is the relative's of that sex named before it (h120, round 26)
            relatives = [r for r in (self.words.relation_of(t.text) for t in doc[:ent.start]) if r is not None]
            return bool(relatives) and {self.words.sexes.get(r) for r in relatives} == {owner}
        i = ent.start - 1
        while i > ent.sent.start and doc[i].lower_ in fillers:
            i -= 1
        if i < ent.sent.start or i == ent.start - 1 or doc[i].lower_ not in _PRONOUN_SEX:
            return False
        if i > ent.sent.start and doc[i - 1].lower_ not in _CLAUSE_STARTS:
            return False    # "... and she said ...", an object: only a clause's subject
        sex = _PRONOUN_SEX[doc[i].lower_]
        relatives = [r for r in (self.words.relation_of(t.text) for t in doc[:i]) if r is not None]
        if other_than is not None:
            if sex == other_than.sex:
                return False
            relatives = [r for r in relatives if r != other_than.relation]
            return bool(relatives) and {self.words.sexes.get(r) for r in relatives} == {sex}
        return {self.words.sexes.get(r) for r in relatives} == {sex}

    def _said_of_other_relative(self, ent: Span, speaker: Speaker) -> bool:
        """The nearest person named before the mention in its sentence (within
        ``WRITER_SCOPE`` tokens) is "my/our <relation>", another relative than the one the
        message is about ("my son (12) has T-ALL. my husband has psoriasis"; a patient
        writing "I have RA, my husband has psoriasis")."""
        doc = ent.doc
        start = max(ent.sent.start, ent.start - WRITER_SCOPE)
        # a bracket's tokens do not count toward the reach ("dad (72) has AF and is on apixaban")
        wider = max(ent.sent.start, ent.start - WRITER_SCOPE - _BRACKET_ALLOWANCE)
        aside = _asides(doc, wider, ent.start)
        start = max(wider, start - len(aside))
        for i in range(ent.start - 1, start - 1, -1):
            if i in aside:
                continue    # "I (not my daughter) have lupus": a person set aside in a bracket
            token = doc[i]
            lower = token.lower_
            if lower in _PRONOUN_SEX and i > start and doc[i - 1].lower_ in _CLAUSE_STARTS:
                # "Our mum also has lupus but she's fine on plaquenil": a pronoun subject after
                # another relative of its sex, the subject of the sentence before it, is that relative
                return self._pronoun_of_other_subject(doc, i, speaker)
            if lower in self.words.writer_words or lower in ("she", "he", "her", "him", "his") and i > start and doc[i - 1].lower_ not in self.words.possessives:
                return False     # the writer or the patient is named nearer ("... and she has")
            relation = self.words.relation_of(token.text)
            if relation is None:
                if lower in self.words.possessives:
                    return False     # the writer's own ("my husband says my lupus is worse")
                continue
            if i >= 3 and doc[i - 2].lower_ == "with" and doc[i - 3].lower_ in self.carrying_words:
                continue    # "I was pregnant with my son when the ITP started": the child carried, no one it is said of
            if i >= 2 and doc[i - 1].lower_ == "other" and doc[i - 2].lower_ in self.words.possessives:
                return True     # "my daughter has lupus, my other daughter has ITP": someone else
            if speaker.start is not None and token.idx <= speaker.start < token.idx + len(token.text):
                return False    # "my daughters husband has crohns, he ...": the one the message is about
            owner, named = i - 1, {relation}
            if owner > 0 and self.words.relation_of(doc[owner].text) is not None:
                named.add(self.words.relation_of(doc[owner].text))
                owner -= 1      # "my eldest son has crohns too, i have UC"
            if owner > 0 and doc[owner].like_num:
                owner -= 1      # "my 4 kids have asthma, I have lupus": a count of them
            if speaker.relation is not None and (i == ent.sent.start or doc[i - 1].text in (",", ";")):
                # "Daughter (6) has asthma; pt is the mother, 34", "mum (70) has ITP, dad (72) has
                # AF and is on apixaban": a relation opening its sentence or clause without "my",
                # another than the one the message is about and than the writer ("Mother of a 7
                # year old girl": the writer; h120, round 26)
                return not named & {speaker.relation, speaker.writer}
            if i == 0 or doc[owner].lower_ not in self.words.possessives:
                return False
            donor = people_words().donor_before
            if donor is not None and donor.search(doc.text[max(0, doc[owner].idx - 60):doc[owner].idx]):
                continue    # "a stem cell transplant from my sister in 2024 for T-ALL": the donor, no one it is said of (h176, round 37)
            if owner >= 2 and doc[owner - 1].lower_ in ("and", "&") and doc[owner - 2].lower_ in _WRITER_WITH:
                return False    # "both me and my partner have crohns": the writer's too (h120, round 26)
            return speaker.relation not in named
        return False

    def _pronoun_of_other_subject(self, doc: Doc, at: int, speaker: Speaker) -> bool:
        """The pronoun at ``at`` (a clause's subject) stands for the relative named as the
        subject at its sentence's start ("Our mum also has lupus but she's fine on
        plaquenil"), another relative than the one the message is about, of the pronoun's
        sex, with no other person named between."""
        first = doc[at].sent.start
        sex = _PRONOUN_SEX[doc[at].lower_]
        for i in range(at - 1, first - 1, -1):
            lower = doc[i].lower_
            if lower in self.words.writer_words or lower in ("she", "he", "her", "him", "his") or lower in _PATIENT_WORDS:
                return False
            relation = self.words.relation_of(doc[i].text)
            if relation is None:
                continue
            owner = i - 1
            return (owner in (first, first + 1) and doc[owner].lower_ in self.words.possessives
                    and relation != speaker.relation and self.words.sexes.get(relation) == sex)
        return False

    def _relation_in(self, cue: Span) -> str | None:
        """The last relation word of a FAMILY cue ("mother", "the mother is")."""
        return next((r for r in (self.words.relation_of(t.text) for t in reversed(cue)) if r), None)

    def _age_of_another(self, ent: Span, speaker: Speaker | None) -> bool:
        """"I have RA. my son is 12": the age of a relative the message is not about."""
        doc = ent.doc
        if self._pronoun_age_of_another(ent, speaker):
            return True
        before = doc[max(ent.sent.start, ent.start - AGE_RELATION_SCOPE):ent.start]
        if (speaker is not None and speaker.start is not None and len(before)
                and before.start_char <= speaker.start < ent.start_char):
            return False    # "our baby boy is 7 weeks old": the words for the one the message is about
        # "a boy of 10", "a girl of 15 with lupus", "since I was a kid, now 40": a person word
        # after an article is the one the message is about (or a time of the writer's life),
        # not a relative named; nor "no plans for kids, shes 29": a plural owned by no one
        # nor a clinician's "Paediatric referral: boy, 6, T-ALL": a word for the one a message
        # is about (``role: patient``) opening a clause, owned by no one (h177, round 37)
        named = [self.words.relation_of(t.text) for t in before if self.words.relation_of(t.text)
                 and not (t.i > 0 and doc[t.i - 1].lower_ in ("a", "an"))
                 and not (self.words.roles.get(self.words.relation_of(t.text)) == "patient"
                          and (t.i == ent.sent.start or doc[t.i - 1].text in _CLAUSE_OPENERS))
                 and not (t.lower_ not in self.words.words and t.lower_.endswith("s") and t.i >= 1
                          and doc[t.i - 1].lower_ not in self.words.possessives)]
        if not named and ent.end < ent.sent.end and ent.start > ent.sent.start:
            # "her 70-year-old father has hypertension": a relation word right after the age,
            # and a possessive right before it ("a 17-year-old girl" is the patient)
            owner = doc[ent.start - 1].lower_
            after = self.words.relation_of(doc[ent.end].text)
            mine = self.words.possessives | self.words.other_person_words
            # "born to a 32-year-old mother": a parent the patient was born to or came with
            # ("The patient is a 32-year-old mother of two" is the patient)
            if after is None:   # "born to a 27 year old G2P1 mother": a gravida/para code in between
                for token in doc[ent.end:min(ent.end + 3, ent.sent.end)]:
                    if self.words.relation_of(token.text):
                        after = self.words.relation_of(token.text)
                        break
                    if not _OBSTETRIC_CODE.match(token.text):
                        break
            born_to = (after is not None and self.words.roles.get(after) == "family" and owner in ("a", "an", "the")
                       and ent.start >= 2 and doc[ent.start - 2].lower_ in ("to", "by", "from", "with"))
            # "A 3-week-old girl ... No sick contacts except a 2-year-old brother": once the text
            # has given the patient's age, "a N-year-old brother" is a relative's (h106, round 23)
            born_to = born_to or (after is not None and self.words.roles.get(after) == "family"
                                  and owner in ("a", "an") and any(
                                      e.label_ == "AGE" and e.end <= ent.start for e in doc.ents))
            named = [after] if after and (owner in mine or born_to) else []
        if not named:
            return False
        return speaker is None or named[-1] not in (speaker.relation, speaker.writer)

    def _pronoun_age_of_another(self, ent: Span, speaker: Speaker | None) -> bool:
        """An age said of "he"/"she" ("he is 2 now", "she's 3") in a patient's own message, or
        of the other sex than the relative a message is about ("my wife has lupus, she was
        pregnant with our son ..., he's 3 now"): someone else's age (h90, round 20)."""
        if speaker is None or (speaker.speaker != "patient" and speaker.sex is None):
            return False
        if speaker.speaker == "patient" and speaker.relation is not None:
            return False
        doc = ent.doc
        i = ent.start - 1
        while i > ent.sent.start and doc[i].lower_ in self.age_fillers:
            i -= 1
        if i == ent.start - 1 or doc[i].lower_ not in self.age_subjects:
            return False
        if speaker.speaker == "patient" and speaker.relation is None:
            return True
        return self.age_subjects[doc[i].lower_] != speaker.sex

    def _writer_has(self, ent: Span) -> bool:
        """A writer who speaks of "she"/"he" saying they have an illness themself: the
        nearest writer cue before the mention is followed by a verb of having ("I also have
        lupus", "i've had TB"), not by anything else ("I refer this woman with SLE"), and
        not shared ("my sister and i both have lupus")."""
        if not self._said_of_writer(ent, plural=False):
            return False
        doc = ent.doc
        start = max(ent.sent.start, ent.start - WRITER_SCOPE)
        cue = max((i for i in range(start, ent.start) if doc[i].lower_ in self.words.writer_words), default=None)
        if cue is None:
            return False
        after = [t.lower_ for t in doc[cue + 1:min(ent.start, cue + 4)]]
        return bool(set(after) & _HAVING) and "both" not in after

    def _writers_own(self, ent: Span) -> bool:
        """A condition or treatment right after "my" ("my own") in a relative's message, after
        an illness of theirs, is the writer's ("my brother and i both take azathioprine. his
        crohns is worse than my UC"; not "my husband says my lupus is worse", where no
        illness of his was named before)."""
        if ent.label_ not in ("CONDITION", "INFECTION", "DRUG"):
            return False
        doc = ent.doc
        if not any(e.label_ == "CONDITION" and e.end <= ent.start for e in doc.ents):
            return False
        i = ent.start - 1
        if i > ent.sent.start and doc[i].lower_ == "own":
            i -= 1
        return i >= ent.sent.start and doc[i].lower_ == "my"

    def _shared_by_both(self, ent: Span, cues: list, relation: str, named: set) -> bool:
        """``relation`` (the one the message is about) among the relatives the FAMILY cues name,
        or joined to them by "and" right before ("my mum and my aunt"), with a word of
        ``shared_words`` ("both") between the last cue and the mention in one clause ("my mum
        and my aunt both have RA"): the illness is each one's named."""
        doc = ent.doc
        first, end = min(m.modifier_span[0] for m in cues), max(m.modifier_span[1] for m in cues)
        window = doc[max(ent.sent.start, first - 4):first]
        joined = (any(t.lower_ in ("and", "&") for t in window)
                  and any(self.words.relation_of(t.text) == relation for t in window))
        between = doc[end:ent.start]
        return ((relation in named or joined) and 0 < len(between) <= 4
                and any(t.lower_ in self.shared_words for t in between)
                and not any(t.text in (",", ";", ".") for t in between))

    def _shared_with(self, ent: Span, relation: str) -> bool:
        """The writer's "I" right before the mention is shared with ``relation``, the one the
        message is about: "my husband and I both have RA", "my mum and me both have lupus"
        (``<relation> and I`` followed by a word of ``shared_words``), with no one else named
        between that "I" and the mention."""
        if not self.shared_words:
            return False
        doc = ent.doc
        start = max(ent.sent.start, ent.start - WRITER_SCOPE)
        cue = max((i for i in range(start, ent.start) if doc[i].lower_ in self.words.writer_words), default=None)
        if cue is None or cue < ent.sent.start + 2 or cue + 1 >= ent.start:
            return False
        # "my son and i are both on methotrexate": a verb may stand before the shared word
        # (``shared_with_writer_verbs``), a bracket after the relation ("my brother (27) and i
        # both take azathioprine"; h145, round 31)
        after = cue + 1
        if after < ent.start - 1 and doc[after].lower_ in self.shared_verbs:
            after += 1
        if doc[after].lower_ not in self.shared_words or doc[cue - 1].lower_ != "and":
            return False
        if any(t.lower_ in self.words.other_person_words or self.words.relation_of(t.text) for t in doc[after:ent.start]):
            return False
        before = cue - 2
        if before > ent.sent.start and doc[before].text == ")":
            opening = next((i for i in range(before - 1, max(ent.sent.start, before - 6) - 1, -1) if doc[i].text == "("), None)
            before = opening - 1 if opening is not None else before
        return before >= 0 and self.words.relation_of(doc[before].text) == relation

    def _said_of_writer(self, ent: Span, plural: bool = True, named_at: int | None = None) -> bool:
        """The nearest cue of the writer before the mention in its sentence, with no other
        person named in between; a cue for two ("we both") only when ``plural`` (the one the
        message is about is not the writer's partner, whom such a "we" includes). ``named_at``:
        where the speaker's relative is named ("I'm asking for my 6 year old who has ITP": the
        child, named between the "I'm" and the ITP; lead, round 40)."""
        doc = ent.doc
        graph = doc_value(doc, "context_graph", None)
        if graph is None:
            return False
        sentence_start = ent.sent.start
        cues = [m for m in graph.modifiers if _writer_cue(doc, m, self.words.writer_words, self.subject_words, self.report_words)
                and sentence_start <= m.modifier_span[0] and m.modifier_span[1] <= ent.start
                and ent.start - m.modifier_span[1] <= WRITER_SCOPE]
        if not cues:
            return False
        nearest = max(cues, key=lambda m: m.modifier_span[1])
        if not plural and doc[nearest.modifier_span[0]:nearest.modifier_span[1]].text.lower() in self.words.writer_plural:
            return False
        last = nearest.modifier_span[1]
        if self._reports(doc, last, ent.start):
            return False    # "i was told it is ETP-ALL actually": the writer reports, the illness is the patient's
        between = doc[last:ent.start]
        if named_at is not None and between.start_char <= named_at < ent.start_char:
            return False
        return not any(t.lower_ in self.words.other_person_words or self.words.relation_of(t.text) for t in between)

    def _reports(self, doc: Doc, after: int, before: int) -> bool:
        """The words right after the writer's cue (ending at ``after``, before the mention at
        ``before``) open with a run of ``report_words`` ("was told", "think", "got that wrong")."""
        words = [t.lower_ for t in doc[after:min(before, after + 4)]]
        return any(tuple(words[:len(run)]) == run for run in self.report_words)


# a cue of taking a treatment that holds its subject: "im on", "I take", "i'm taking" (the
# writer's own treatment, as "I" alone before "took warfarin" is)
_SUBJECT_VERB_CATEGORIES = frozenset({"THERAPY_CURRENT"})


# hedge cues that may hold the writer as their subject ("i think i have"; h181, round 38)
_HEDGE_CATEGORIES = frozenset({"POSSIBLE_EXISTENCE"})


# a possessive before a disease and the sex it names ("for her diabetes"; h120, round 26)
_POSSESSIVE_SEX = {"her": "female", "his": "male"}
_POSSESSIVE_END = re.compile(r"\b(?:my|our)\s+(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)


# the writer joined to a relative by "and" ("me and my partner"; h120, round 26)
_WRITER_WITH = frozenset({"i", "me", "myself"})


def _with_the_writer(doc, modifier) -> bool:
    """The FAMILY cue names a relative joined to the writer by "and" ("me and my brother"):
    the two said together, what follows is the writer's too."""
    start = modifier.modifier_span[0]
    first = start - 1 if start > 0 and doc[start - 1].lower_ in ("my", "our") else start
    return first >= 2 and doc[first - 1].lower_ in ("and", "&") and doc[first - 2].lower_ in _WRITER_WITH


# words right before a writer's word that set the writer aside ("not me", "rather than me"; h120, round 26)
_SETTING_ASIDE = frozenset({"not", "than"})


def _writer_cue(doc, modifier, writer_words: frozenset[str], subject_words: frozenset[str] = frozenset(),
                report_words: tuple = ()) -> bool:
    """The modifier names the writer: a SELF cue that is a writer's word ("i", "me",
    "myself"), or a treatment cue opening with "i" ("im on warfarin", "I take metformin": the
    longer cue hides the "I" in it)."""
    start, end = modifier.modifier_span
    if start > 0 and doc[start - 1].lower_ in _SETTING_ASIDE:
        return False    # "its my dad who is sick not me, AML at 68": the writer set aside, not the subject
    if modifier.category == "SELF":
        return doc[start:end].text.lower() in writer_words
    if modifier.category in _HEDGE_CATEGORIES and end - start > 1:
        # "i think i have lupus too", "maybe im getting it as well": a hedge whose words hold
        # the writer as the subject after its first word hides the writer's "I" (h181, round 38)
        # (not one that reports: "sorry i meant 2009" is no illness of the writer's)
        last = max((k for k in range(start + 1, end) if doc[k].lower_ in subject_words), default=None)
        if last is None:
            return False
        after = [t.lower_ for t in doc[last + 1:end]]
        return not any(tuple(after[:len(run)]) == run for run in report_words)
    return (modifier.category in _SUBJECT_VERB_CATEGORIES and end - start > 1
            and doc[start].lower_ in writer_words and doc[start].lower_ not in ("we", "us", "our"))


# between a short reply's opening mention and its answer: a space, dash, comma or colon
_REPLY_GAP = re.compile(r"\s*(?:[-\u2013\u2014:,]\s*)?(?=\S)")


class Outcomes:
    def __init__(self, vocabulary: dict[str, Any]):
        self.question_marks = tuple(vocabulary.get("question_marks") or ("?",))
        self.clause_ends = frozenset(vocabulary.get("clause_ends") or (",", ";", ":"))
        # a marker asked about as a trial's requirement ("does she need CD19+ B cells?", "what
        # about CD19 negativity?"): no result of the patient's (lead, round 34)
        self.requirement_words = tuple(tuple(str(w).lower().split()) for w in vocabulary.get("requirement_question_words") or ())
        self.request_words = frozenset(w.lower() for w in vocabulary.get("request_words") or ())
        answers = vocabulary.get("question_answers") or {}
        self.answer_words = {str(kind): frozenset(str(w).lower() for w in words) for kind, words in answers.items()}
        self.answer_not_before = frozenset(str(w).lower() for w in vocabulary.get("answer_not_before") or ())
        past = [str(w) for w in vocabulary.get("answer_past_times") or ()]
        self.answer_past = re.compile(r"(?<!since )(?<!from )(?:\b(?:%s)\b|\b(?:19|20)\d\d\b)" % "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(past, key=len, reverse=True)), re.IGNORECASE) if past else None
        self.reply_openers = frozenset(str(w).lower() for w in vocabulary.get("reply_openers") or ())
        self.topic_words = frozenset(str(w).lower() for w in vocabulary.get("question_topic_words") or ())
        self.topic_owners = frozenset(str(w).lower() for w in vocabulary.get("question_topic_owners") or ())
        self.topic_studies = frozenset(str(w).lower() for w in vocabulary.get("question_topic_studies") or ())
        self.topic_qualifiers = frozenset(str(w).lower() for w in vocabulary.get("question_topic_qualifiers") or ())
        echo = vocabulary.get("echoed_mentions") or {}
        self.echo_words = frozenset(str(w).lower() for w in echo.get("words") or ())
        self.echo_between = frozenset(str(w).lower() for w in echo.get("between") or ())
        self.echo_ends = frozenset(str(w).lower() for w in echo.get("ends") or ())
        # "the TB one too", "HIV too" after a clear result: only a test's negative result echoes
        self.result_echo_words = frozenset(str(w).lower() for w in echo.get("result_words") or ())
        self.result_echo_labels = frozenset(str(w) for w in echo.get("result_labels") or ())
        self.result_echo_between = frozenset(str(w).lower() for w in echo.get("result_between") or ())
        aside = vocabulary.get("result_after_aside") or {}
        results = {str(w).lower(): kind for kind, words in (aside.get("results") or {}).items() for w in words or ()}
        self.aside_results = results
        if results:
            alternation = "|".join(re.escape(w) for w in sorted(results, key=len, reverse=True))
            tests = "|".join(re.escape(str(w)) for w in aside.get("tests") or ())
            verbs = "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in aside.get("verbs") or ())
            # "TB test (Quantiferon): negative": a colon or dash after the aside too (h171, round 36)
            self.aside_after = re.compile(
                rf"\s*(?:(?:{tests})\s*)?\([^()\n]{{1,40}}\)\s*(?:[:\u2013-]\s*)?(?:(?:{verbs})\s+)?(?P<result>{alternation})(?![\w+-])",
                re.IGNORECASE)
            self.aside_named = re.compile(rf"(?<![\w+-])(?P<result>{alternation})\s*\(\s*$", re.IGNORECASE)
            # the test named inside the aside, the result right after its closing bracket ("TB
            # screen (QuantiFERON) negative 2024")
            self.aside_inner = re.compile(
                rf"[^()\n]{{0,20}}?\)\s*(?:[:\u2013-]\s*)?(?:(?:{verbs})\s+)?(?P<result>{alternation})(?![\w+-])",
                re.IGNORECASE)
        else:
            self.aside_after = self.aside_named = self.aside_inner = None
        switch = vocabulary.get("treatment_switch") or {}
        self.switch_verbs = frozenset(str(w).lower() for w in switch.get("verbs") or ())
        self.switch_to = frozenset(str(w).lower() for w in switch.get("to") or ())
        self.switch_skip = frozenset(str(w).lower() for w in switch.get("skip") or ())
        self.started_words = frozenset(str(w).lower() for w in switch.get("started") or ())
        # the reason for a switch written after the treatment switched to (h126, round 27)
        self.switch_reasons = tuple(tuple(str(w).lower().split()) for w in switch.get("reasons") or ())
        self.switch_stops = frozenset(str(w).lower() for w in switch.get("stops") or ())
        # a worsening given as the reason ("switched her to cyclophosphamide because her protein
        # kept going up"): the one switched from failed (lead, round 34)
        self.switch_worsening = tuple(tuple(str(w).lower().split()) for w in switch.get("worsening") or ())
        self.switch_openers = tuple(tuple(str(w).lower().split()) for w in switch.get("worsening_openers") or ())
        self.switch_for_verbs = frozenset(str(w).lower() for w in switch.get("for_verbs") or ())
        # a side effect given as the reason ("changed from aza to mercaptopurine because of hair
        # loss", "cos the tablets upset his stomach"): the one switched from not tolerated (h150)
        self.switch_side_effects = tuple(tuple(str(w).lower().split()) for w in switch.get("side_effects") or ())
        exception = vocabulary.get("exception_after_denial") or {}
        self.exception_words = tuple(tuple(str(w).lower().split()) for w in exception.get("words") or ())
        self.exception_now = tuple(tuple(str(w).lower().split()) for w in exception.get("now") or ())
        self.exception_skip = frozenset(str(w).lower() for w in exception.get("skip") or ())
        excluded = vocabulary.get("exception_from_outcome") or {}
        self.excluded_words = tuple(tuple(str(w).lower().split()) for w in excluded.get("words") or ())
        self.excluded_groups = frozenset(str(w).lower() for w in excluded.get("group_words") or ())
        self.excluded_window = int(excluded.get("group_window") or 0)

    def question_topic(self, doc: Doc, ent: Span) -> bool:
        """A disease a question about a treatment is for ("is CAR-T an option for
        scleroderma?", "can she take ibuprofen with her lupus?"): a topic word (and a
        possessive) right before it, a treatment before that in its clause, and the clause
        ending with a question mark."""
        if ent.label_ != "CONDITION":
            return False
        i = ent.start - 1
        while i >= 0 and ent.start - i <= 3 and doc[i].lower_ in self.topic_qualifiers:
            i -= 1      # "a trial of a JAK inhibitor in acute severe UC?": the disease's qualifiers
        owned = i >= 0 and doc[i].lower_ in self.topic_owners
        if owned:
            i -= 1
        if i < 0 or doc[i].lower_ not in self.topic_words:
            return False
        sentence = ent.sent
        end = sentence.end
        while end > ent.end and doc[end - 1].is_space:
            end -= 1
        if doc[end - 1].text not in self.question_marks:
            return False
        start = sentence.start
        for j in range(i - 1, sentence.start - 1, -1):
            if doc[j].text in self.clause_ends:
                start = j + 1
                break
        # a study asked about for one's own disease ("can i join a trial for my lupus?"): with
        # the possessive only (``question_topic_studies``; "is there a trial for lupus?" may ask
        # for anyone)
        return any(t.ent_type_ in THERAPY_LABELS or (owned and t.lower_ in self.topic_studies) for t in doc[start:i])

    def answer(self, doc: Doc, ent: Span) -> str | None:
        """The kind of answer ("yes", "no", "over", "unsure"; ``question_answers``) when the
        question that ends the mention's clause is answered right after it in the same text
        ("Is she on MMF? yes", "does she have HIV? no", "methotrexate? not anymore"), or when a
        short reply opens with the mention and answers right after it, with no question mark
        ("dialysis no, not yet", "HIV - not that i know"); else None."""
        sentence = ent.sent
        end = sentence.end
        while end > ent.end and doc[end - 1].is_space:
            end -= 1
        text = doc.text
        if end > ent.end and doc[end - 1].text in self.question_marks:
            if any(t.text in self.clause_ends for t in doc[ent.end:end - 1]):
                return None
            return self._answer_at(text, doc[end - 1].idx + len(doc[end - 1].text))
        if not self._opens_reply(doc, ent) or not _REPLY_GAP.match(text, ent.end_char):
            return None     # no question: only a reply opening with the thing asked about
        return self._answer_at(text, _REPLY_GAP.match(text, ent.end_char).end(), bare=True)

    def _opens_reply(self, doc: Doc, ent: Span) -> bool:
        """The mention opens the text, or a later sentence of it with at most one of
        ``reply_openers`` before it ("hep b? not that i know of. hiv neither", "Steroids yes,
        still on them. the cyclophosphamide no never": each sentence answers one thing asked
        about; h110, round 24)."""
        text = doc.text
        if not text[:ent.start_char].strip():
            return True
        sentence = ent.sent
        if sentence.start == 0:
            return False
        before = [t for t in doc[sentence.start:ent.start] if not t.is_space]
        return not before or (len(before) == 1 and before[0].lower_ in self.reply_openers)

    def _answer_at(self, text: str, at: int, bare: bool = False) -> str | None:
        after = text[at:].lstrip().lower()
        best: tuple[int, str] | None = None
        for kind, phrases in self.answer_words.items():
            for phrase in phrases:
                if after.startswith(phrase) and (len(after) == len(phrase) or not after[len(phrase)].isalnum()
                                                 and after[len(phrase)] != "'"):
                    if best is None or len(phrase) > best[0]:
                        best = (len(phrase), kind)
        if best is None:
            return None
        if best[1] == "yes" and self.answer_past is not None:
            clause = re.split(r"[.;!?\n]", after[best[0]:], maxsplit=1)[0]
            if self.answer_past.search(clause):
                best = (best[0], "over")    # "IVIG? she did yes, last year": given, in the past
        if bare and after[best[0]:].strip()[:1].isalnum():
            return None     # "Crohns - no surgery yet": the answer must end its clause ("dialysis no, not yet")
        rest = after[best[0]:].lstrip(" ,")
        nxt = re.match(r"[\w'?]+", rest)
        if nxt is not None and (nxt.group().lower() in self.answer_not_before or nxt.group().lower().endswith("n't")):
            return None
        return best[1]

    def carry_back(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        graph = doc_value(doc, "context_graph", None)
        if graph is None:
            return
        for modifier in graph.modifiers:
            carry = (modifier.rule.metadata or {}).get("carry_back")
            status = THERAPY_STATUS.get(modifier.category)
            over = modifier.category == "HISTORICAL"    # "... sorry, i meant she stopped it" (h102, round 22)
            if not carry or (status is None and not over):
                continue
            start = modifier.modifier_span[0]
            sentence = doc[start].sent
            if sentence.start == 0 or any(e.label_ in THERAPY_LABELS and e.sent.start == sentence.start and e.end <= start for e in ents):
                continue   # the cue's own sentence names the therapies: ConText's scope
            previous = doc[sentence.start - 1].sent
            while previous.start > 0 and all(t.is_space for t in previous):   # a line break of its own
                previous = doc[previous.start - 1].sent
            if previous.text.rstrip().endswith(self.question_marks):
                continue    # "is CAR-T only for cancer? nothing works": a treatment asked about, none had (h145, round 31)
            targets = [f for e, f in zip(ents, facts)
                       if e.label_ in THERAPY_LABELS and e.sent.start == previous.start and not (f.negated or f.hypothetical)]
            if status == "failed" and self._treats_another_illness(ents, facts, previous):
                continue    # "Gut GVHD grade 3, on ruxolitinib. Relapsed 11/2026.": the GVHD's treatment (h151, round 32)
            if carry == "last":
                targets = targets[-1:]
            elif carry == "taken":      # "... but her joints keep getting worse": what she takes
                targets = [f for f in targets if not f.historical or f.status == "current"]
            if over:
                rest = doc[modifier.modifier_span[1]:sentence.end].text.lower()
                if any(re.search(r"\b%s\b" % re.escape(w), rest) for w in vocabulary_words("restart_after_stop")):
                    continue    # "she stopped it for a week in june then restarted": taken again
                for fact in targets:
                    fact.historical = True
                    if fact.status == "current":
                        fact.status = None
                continue
            now = bool((modifier.rule.metadata or {}).get("now"))     # "Her lupus is still active."
            for fact in targets:
                if fact.status is None or (fact.status == "current" and status != "current"):
                    if now and (fact.status == "current" or not fact.historical):
                        # taken now (or not said to be over) and failing: still taken
                        fact.ongoing, fact.historical = True, False
                    fact.status = status

    @staticmethod
    def _treats_another_illness(ents: list[Span], facts: list[Fact], sentence) -> bool:
        """The sentence names, before its treatments, an illness of the patient's that they treat
        and that a relapse or a failure said next is no outcome of (``carry_back_other_illnesses``
        in data/nlp/extraction.yaml: graft-versus-host disease, an infection)."""
        illnesses = vocabulary_words("carry_back_other_illnesses")
        first = next((e.start for e in ents if e.label_ in THERAPY_LABELS and e.sent.start == sentence.start), None)
        return first is not None and any(
            e.sent.start == sentence.start and e.end <= first and f.concept in illnesses
            and not (f.negated or f.hypothetical or f.family or f.historical)
            for e, f in zip(ents, facts))

    def requests(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A treatment named right after "for" (a marker or article may come between: "for
        CD19 CAR-T", "for a CAR-T trial") in a sentence that asks for the patient to be
        seen, referred or assessed (``request_words``) is what is asked for: hypothetical,
        unless something is said of its use ("referred for CAR-T" in a letter that says
        "relapsed after CAR-T" keeps that mention as it is)."""
        if not self.request_words:
            return
        for ent, fact in zip(ents, facts):
            if (ent.label_ not in THERAPY_LABELS or fact.status or fact.historical or fact.negated
                    or fact.hypothetical or ent.start == 0):
                continue
            i = ent.start - 1
            while i > ent.sent.start and ent.start - i <= 3 and _qualifier(doc[i]):
                i -= 1
            if doc[i].lower_ != "for":
                continue
            if any(t.lower_ in self.request_words for t in ent.sent):
                fact.hypothetical = True

    def class_headings(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A therapy class written as the heading of a list ("Biologics: etanercept
        2005-2009, ..., upadacitinib 2022-2024 - all inadequate response.") is past when
        every therapy the list names is past (ended, failed or not tolerated); when every one
        is dated too ("Prior immunosuppression: MMF 03/2019-06/2023, tacrolimus
        08/2023-02/2025"), the class was last taken at the latest of their dates (the list
        is the class's history: "date of the last immunosuppressant?" is answered)."""
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if (ent.label_ not in THERAPY_LABELS or ent.end >= len(doc) or doc[ent.end].text != ":"
                    or fact.status or fact.negated or fact.hypothetical):
                continue
            listed = [f for e, f in zip(ents[i + 1:], facts[i + 1:])
                      if e.label_ in THERAPY_LABELS and e.sent.start == ent.sent.start]
            if listed and all(f.historical or f.status in ("failed", "intolerant") for f in listed):
                fact.historical = True
                if not fact.date and all(f.date and not f.uncertain for f in listed):
                    fact.date = max(listed, key=lambda f: (f.date[:4], f.date[5:7] or "12", f.date[8:] or "31")).date

    def echoes(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A mention followed by "neither" / "either" at the end of its clause ("CHOP didnt work
        and brentuximab neither", "no methotrexate, azathioprine neither", "no transplant
        either") says the same as was said of the mention of its kind before it in the
        sentence (or the sentence before): not given, or given and failed (``echoed_mentions``
        in data/nlp/extraction.yaml). A mention something else was said of keeps it."""
        if not self.echo_words and not self.result_echo_words:
            return
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if fact.negated or fact.status or fact.hypothetical or fact.family:
                continue
            result_only = False
            if not self._echoed(doc, ent, self.echo_words, self.echo_between):
                if ent.label_ not in self.result_echo_labels or not self._echoed(
                        doc, ent, self.result_echo_words, self.result_echo_between):
                    continue
                result_only = True      # "..., HIV too": the same negative result, nothing else
            kinds = THERAPY_LABELS if ent.label_ in THERAPY_LABELS else (ent.label_,)
            earlier = ent.sent.start
            if earlier > 0:
                earlier = doc[earlier - 1].sent.start
            before = next((f for e, f in zip(reversed(ents[:i]), reversed(facts[:i]))
                           if e.label_ in kinds and e.start >= earlier and not f.family
                           and ((f.negated and not f.hypothetical and not f.uncertain) if result_only
                                else (f.negated or f.status in ("failed", "intolerant")))), None)
            if before is None:
                continue
            fact.negated, fact.status = before.negated, before.status
            fact.historical = before.historical or fact.historical

    def _echoed(self, doc: Doc, ent: Span, words: frozenset[str], between: frozenset[str]) -> bool:
        i = ent.end
        end = ent.sent.end
        while i < end and doc[i].lower_ in between:
            i += 1
        if i >= end or doc[i].lower_ not in words:
            return False
        after = i + 1
        return after >= end or doc[after].is_punct or doc[after].is_space or doc[after].lower_ in self.echo_ends

    def exceptions(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """The treatments named after "only" / "just" / "except" in a sentence that denies
        others before them ("never had a stem cell transplant or CAR-T, only chemo", "not on
        methotrexate or aza, just plaquenil"; ``exception_after_denial`` in
        data/nlp/extraction.yaml) are the ones given: not denied, past when the denial speaks
        of all the past ("never had")."""
        if not self.exception_words:
            return
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if ent.label_ not in THERAPY_LABELS or fact.negated or fact.status or fact.hypothetical or fact.family:
                continue
            start = self._after_exception(doc, ent)
            if start is None:
                continue
            denied = [f for e, f in zip(ents[:i], facts[:i])
                      if e.label_ in THERAPY_LABELS and e.sent.start == ent.sent.start and e.end <= start and f.negated]
            if not denied:
                continue
            # the items of a list after the word ("only IVIG and steroids") follow the first
            for e, f in zip(ents[i:], facts[i:]):
                if e.sent.start != ent.sent.start or e.label_ not in THERAPY_LABELS or f.negated or f.status or f.hypothetical:
                    break
                if e is not ent and not all(t.lower_ in _EXCEPTION_LIST for t in doc[ent.end:e.start]):
                    break
                if self._now_after(doc, e):
                    f.historical, f.status = False, f.status or "current"
                else:
                    f.historical = f.historical or denied[-1].historical
                ent = e

    def _now_after(self, doc: Doc, ent: Span) -> bool:
        """A word of now within the few words after the treatment given ("never had plasma
        exchange or ivig, just steroids so far": the steroids go on; ``exception_after_denial``
        ``now``; h140, round 30)."""
        end = min(ent.sent.end, ent.end + 6)
        return _holds([t.lower_ for t in doc[ent.end:end]], self.exception_now)

    def excluded_from_outcome(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A treatment excepted from a whole group's outcome ("all the biologics except rinvoq
        failed", "every DMARD apart from sulfasalazine failed", "everything but the IVIG has
        failed"; ``exception_from_outcome`` in data/nlp/extraction.yaml): the outcome said
        after it is the group's, never its own. The exception word stops the cue's backward
        scope, so the cue reached only the excepted item: its status is taken off it (and off
        the items of a list after the word) and given to the group's treatment named between
        the group word and the exception, when it has none of its own."""
        if not self.excluded_words:
            return
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if ent.label_ not in THERAPY_LABELS or fact.status not in ("failed", "intolerant") or fact.negated:
                continue
            start = self._after_exception(doc, ent, self.excluded_words)
            if start is None or not self._group_before(doc, start, ent.sent.start):
                continue
            items = [(ent, fact)]
            for e, f in zip(ents[i + 1:], facts[i + 1:]):
                if e.sent.start != ent.sent.start or e.label_ not in THERAPY_LABELS:
                    break
                if not all(t.lower_ in _EXCEPTION_LIST for t in doc[items[-1][0].end:e.start]):
                    break
                items.append((e, f))
            last = items[-1][0]
            cue = [m for m in last._.modifiers if THERAPY_STATUS.get(m.category) == fact.status and m.modifier_span[0] >= last.end
                   and not _own_clause(doc, last, m.modifier_span[0])]
            if not cue:
                # its own outcome before it ("all failed except rinvoq, which failed too"), or
                # after it in a clause of its own ("no side effects from anything besides
                # cyclophosphamide, that made me really sick"; lead, at the round-24 merge)
                continue
            status = fact.status
            for e, f in items:
                if f.status == status:
                    f.status = None
            group = [(e, f) for e, f in zip(ents[:i], facts[:i])
                     if e.label_ in THERAPY_LABELS and e.sent.start == ent.sent.start
                     and e.end <= start and start - e.end <= 3]
            if group and group[-1][1].status is None and not group[-1][1].negated:
                group[-1][1].status = status

    def _group_before(self, doc: Doc, start: int, first: int) -> bool:
        """A word naming a whole group ("all", "every", "everything") a few words before the
        exception word, with no clause break between."""
        for j in range(start - 1, max(first, start - self.excluded_window) - 1, -1):
            if doc[j].lower_ in self.excluded_groups:
                return True
            if doc[j].is_punct:
                return False
        return False

    def results_around_asides(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A test result written after a bracketed aside ("my wife's TB test (the blood one) was
        negative", "hep B serology (May) negative": the aside puts the result beyond the cue's
        reach), and a test named in a bracket after a result ("TB screen neg (IGRA)": the test
        that gave it, not a finding of its own). ``result_after_aside`` in
        data/nlp/extraction.yaml."""
        if self.aside_after is None:
            return
        text = doc_text(doc)
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if ent.label_ not in ("INFECTION", "BIOMARKER") or fact.negated or fact.status or fact.hypothetical:
                continue
            match = self.aside_after.match(text, ent.end_char, ent.sent.end_char)
            if match is not None:
                _set_result(fact, self.aside_results[match.group("result").lower()])
                continue
            if self._result_of_aside(text, ents, facts, i):
                continue
            named = self.aside_named.search(text, ent.sent.start_char, ent.start_char)
            if named is None or not text[ent.end_char:ent.sent.end_char].lstrip().startswith(")"):
                continue
            before = next((f for e, f in zip(reversed(ents[:i]), reversed(facts[:i]))
                           if e.label_ == ent.label_ and e.sent.start == ent.sent.start and e.end_char <= named.start()), None)
            kind = self.aside_results[named.group("result").lower()]
            if before is not None and before.concept == fact.concept and before.status == kind:
                _set_result(fact, kind)

    def _result_of_aside(self, text: str, ents: list[Span], facts: list[Fact], i: int) -> bool:
        """A test named in a bracket after a screen of the same infection, the screen's result
        right after the bracket ("TB screen (QuantiFERON) negative 2024", "TB screen
        (QuantiFERON) neg"): the named test gave that result, no test still to be done (the
        screen's cue holds the bracket, so it reached only the word before; h171, round 36)."""
        ent, fact = ents[i], facts[i]
        match = self.aside_inner.match(text, ent.end_char, ent.sent.end_char)
        opened = text.rfind("(", ent.sent.start_char, ent.start_char)
        if match is None or opened < 0 or ")" in text[opened:ent.start_char]:
            return False
        kind = self.aside_results[match.group("result").lower()]
        before = next((f for e, f in zip(reversed(ents[:i]), reversed(facts[:i]))
                       if e.label_ == ent.label_ and e.sent.start == ent.sent.start and e.end_char <= opened), None)
        if before is None or before.concept != fact.concept or before.status != kind:
            return False
        _set_result(fact, kind)
        fact.uncertain = False
        return True

    def switches(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A switch of treatment (``treatment_switch`` in data/nlp/extraction.yaml): the
        treatment switched to is taken now ("they switched me from cellcept to azathioprine
        last spring": its date is when it began), and one named before the switch in the same
        sentence (the last one named before the switch) with nothing else said of it is over ("romiplostim injections for two years
        ... the new hospital switched her to eltrombopag")."""
        if not self.switch_verbs:
            return
        for i, (ent, fact) in enumerate(zip(ents, facts)):
            if ent.label_ not in THERAPY_LABELS or fact.negated or fact.hypothetical or fact.family:
                continue
            verb = self._switch_verb(doc, ent)
            if verb is None:
                continue
            # the ones named before the switch, or after its verb ("switched from A to B")
            before = [(e, f) for e, f in zip(ents[:i], facts[:i])
                      if e.label_ in THERAPY_LABELS and e.sent.start == ent.sent.start and e.end <= ent.start]
            later = self._switched_from_after(doc, ent, ents[i + 1:], facts[i + 1:])
            if later is not None:
                # "switched to rituximab due to ongoing disease activity on MMF", "swapped her to
                # eltrombopag after romiplostim stopped working", "(reactions on anakinra)": the one
                # named in the reason was left, with the outcome said; the one switched to is taken
                f = later
                if f.status not in ("failed", "intolerant"):
                    if fact.status in ("failed", "intolerant"):
                        f.status = fact.status
                    elif self._worsening_reason(doc, ent):
                        f.status = "failed"
                    else:
                        f.status = None
                f.historical = True
                for _, same in before:       # "Anakinra 2020-2023, switched to ... (reactions on anakinra)"
                    if same.concept == f.concept and same.label == f.label and not (same.negated or same.hypothetical):
                        if same.status not in ("failed", "intolerant"):
                            same.status = f.status
                        same.historical = True
                fact.status, fact.historical = "current", False
                continue
            reason = self._switch_reason(doc, ent, fact)
            if reason is None and before and fact.status in (None, "current"):
                if self._worsening_reason(doc, ent):
                    reason = "failed"
                elif self._worsening_reason(doc, ent, self.switch_side_effects):
                    reason = "intolerant"
            # a later mention of the same treatment that ends it ("switched to belimumab 2022 ... /
            # belimumab 2022-2025: failed", "switched to vedolizumab 2021; vedolizumab stopped 2023")
            ended_later = any(other.label == fact.label and other.concept == fact.concept and other.start > fact.start
                              and not (other.negated or other.hypothetical or other.family or other.ongoing)
                              and (other.historical or other.status in ("failed", "intolerant"))
                              for other in facts[i + 1:])
            if reason is not None and before:
                # "switched to leflunomide in 2014 because of nausea", "switched to canakinumab
                # (injection site reactions on anakinra)": the reason is why the one before was
                # left; the one switched to is taken now (h126, round 27)
                e, f = before[-1]
                if not (f.negated or f.hypothetical or f.family):
                    if f.status not in ("failed", "intolerant"):
                        f.status = reason
                    f.historical = True
                    for other_ent, other in zip(ents[i + 1:], facts[i + 1:]):
                        if (other_ent.sent.start == ent.sent.start and other.concept == f.concept
                                and other.label == f.label and not (other.negated or other.hypothetical)):
                            other.status, other.historical = None, True   # "(reactions on anakinra)"
                fact.status, fact.historical = (None, True) if ended_later else ("current", False)
                continue
            if fact.status is None and not ended_later and (not fact.historical or not any(
                    m.category in ("HISTORICAL", "PRIOR") and not verb <= m.modifier_span[0] < ent.start
                    for m in ent._.modifiers)):
                # past only by its date or by a cue of the one switched from ("switched her off
                # humira onto rinvoq in january"): the date is when it began
                fact.status, fact.historical = "current", False
            elif ended_later and fact.status == "current" and not fact.ongoing:
                fact.status, fact.historical = None, True   # the switch's "current" ends at the later stop
            if before:      # the one switched from: the last named before the switch
                e, f = before[-1]
                if (not (f.negated or f.hypothetical or f.family or f.status in ("failed", "intolerant"))
                        and (f.status is None or bare_current(e) or self._only_started(e))):
                    f.status, f.historical = None, True
        self._switched_again(doc, ents, facts)

    def _switched_again(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A treatment switched to is over when a later sentence switches to another ("was
        switched to R-CVP of which he received two cycles. ... he was ultimately switched to
        Campath therapy", trec-20218): the last switch is the one taken now (h171, round 36)."""
        switched = [(ent, fact) for ent, fact in zip(ents, facts)
                    if ent.label_ in THERAPY_LABELS and not (fact.negated or fact.hypothetical or fact.family)
                    and self._switch_verb(doc, ent) is not None]
        for (ent, fact), (later, later_fact) in zip(switched, switched[1:]):
            if later.sent.start != ent.sent.start and later_fact.concept != fact.concept:
                if fact.status == "current":
                    fact.status, fact.historical = None, True
                elif fact.status in ("failed", "intolerant"):
                    fact.historical = True      # "... did again not have a significant response": over, failed

    def _switch_reason(self, doc: Doc, ent: Span, fact: Fact) -> str | None:
        """The failure or intolerance of the treatment switched to that only its cue written
        after it gives, opened by a reason ("because of", "due to", a bracket) with no stop of its
        own between ("switched to X, stopped due to Y" is X's): that outcome, else None."""
        if fact.status not in ("failed", "intolerant") or not self.switch_reasons:
            return None
        outcomes = [m for m in ent._.modifiers if THERAPY_STATUS.get(m.category) == fact.status]
        if not outcomes or any(m.modifier_span[1] <= ent.start for m in outcomes):
            return None
        start = min(m.modifier_span[0] for m in outcomes)
        if start >= ent.sent.end:
            return None
        between = [t.lower_ for t in doc[ent.end:start]]
        if any(w in self.switch_stops or w in (".", ";") or _range_dash(doc, ent.end + k) for k, w in enumerate(between)):
            return None     # a stop or a range of its own: "switched to canakinumab 2022-2024 (lost efficacy)"
        if between[:1] == ["("]:
            return fact.status      # "switched to canakinumab (injection site reactions on anakinra)"
        # the reason word may open the cue itself ("switched from A to B due to side effects")
        opened = between + [t.lower_ for t in doc[start:min(start + 3, ent.sent.end)]]
        if not _holds(opened, [r for r in self.switch_reasons if r != ("(",)], range(len(between) + 1)):
            return None
        return fact.status

    def _switched_from_after(self, doc: Doc, ent: Span, later_ents: list[Span], later_facts: list[Fact]) -> Fact | None:
        """The treatment named after a reason word that follows the one switched to, in the same
        clause ("switched to B due to side effects on A", "... after A stopped working",
        "B (reactions on A)"), not negated, hypothetical or a relative's: its fact, else None."""
        for other_ent, other in zip(later_ents, later_facts):
            if other_ent.sent.start != ent.sent.start or other_ent.start - ent.end > 12:
                return None
            if other_ent.label_ not in THERAPY_LABELS:
                continue
            if other.negated or other.hypothetical or other.family or other_ent.text.lower() == ent.text.lower():
                return None
            if any("\n" in t.text for t in doc[ent.end:other_ent.start]):
                return None         # a line of its own
            words = [t.lower_ for t in doc[ent.end:other_ent.start]]
            if any(w in self.switch_stops or w in (".", ";", ",", "and", "or", "then", "with", "plus")
                   or _range_dash(doc, ent.end + k) for k, w in enumerate(words)):
                return None
            if words[:1] == ["("] or _holds(words, [r for r in self.switch_reasons if r != ("(",)]):
                return other
            return None
        return None

    def _worsening_reason(self, doc: Doc, ent: Span, reasons: tuple | None = None) -> bool:
        """A reason word right after the treatment switched to (a few words between at most, no
        stop of its own) opening a worsening of the disease (``treatment_switch.worsening``), or
        one of ``reasons`` (the side effects, ``treatment_switch.side_effects``) when given."""
        reasons = self.switch_worsening if reasons is None else reasons
        if not reasons:
            return False
        words = [t.lower_ for t in doc[ent.end:min(ent.sent.end, ent.end + 14)]]
        for k, word in enumerate(words):
            if word in self.switch_stops or word in (".", ";", ",") or _range_dash(doc, ent.end + k):
                return False
            if _holds(words, self.switch_openers, (k,)):
                return _holds(words[k + 1:], reasons)
        return False

    def _only_started(self, span: Span) -> bool:
        """Its only "current" cues say it was started ("Started on ditropan, changed over to
        detrol"; ``treatment_switch.started``): a start, which a switch after it ends."""
        cues = [m for m in span._.modifiers if m.category == "THERAPY_CURRENT"]
        return bool(cues) and all(m.rule.literal.lower().split()[0] in self.started_words for m in cues)

    def _switch_verb(self, doc: Doc, ent: Span) -> int | None:
        """The switch verb of "switched (her) (from X) to ENT", or None."""
        i, first = ent.start, ent.sent.start
        while i > first and doc[i - 1].lower_ in self.switch_skip:
            i -= 1
        if i <= first:
            return None
        joiner = doc[i - 1].lower_
        if joiner not in self.switch_to and not (joiner == "for" and self.switch_for_verbs):
            return None
        # "swapped anakinra for canakinumab": after "for", only the verbs of an exchange
        verbs = self.switch_for_verbs if joiner == "for" else self.switch_verbs
        for j in range(i - 2, max(first, i - 12) - 1, -1):
            if doc[j].lower_ in verbs:
                return j
            if doc[j].text in (".", ";") or doc[j].lower_ in ("but", "and"):
                return None
        return None

    def _asked_as_requirement(self, doc: Doc, ent: Span) -> bool:
        """A marker in a question whose clause (or whole question sentence, the marker in its
        last clause) names a requirement ("need", "required", "what about")."""
        if not self.requirement_words:
            return False
        end = self._question_end(doc, ent)
        return end is not None and _holds([t.lower_ for t in doc[ent.sent.start:end]], self.requirement_words)

    def _question_end(self, doc: Doc, ent: Span) -> int | None:
        """The end of ``ent``'s sentence (quotes, brackets and spaces after its question mark left
        out) when the sentence ends with a question mark and no clause end stands between
        ``ent`` and it ("MRD 2.5% after hyper CVAD, they want X?" asks nothing of the MRD), else None."""
        end = ent.sent.end
        while end > ent.end and (doc[end - 1].is_space or doc[end - 1].text in ("'", '"', ")")):
            end -= 1
        if end <= ent.end or doc[end - 1].text not in self.question_marks:
            return None
        if any(t.text in self.clause_ends for t in doc[ent.end:end - 1]):
            return None
        return end

    def _after_exception(self, doc: Doc, ent: Span, exception_words: tuple[tuple[str, ...], ...] | None = None) -> int | None:
        """The start of the exception word right before ``ent`` (a determiner may stand
        between: "only the chemo"), or None."""
        i, first = ent.start, ent.sent.start
        while i > first and doc[i - 1].lower_ in self.exception_skip:
            i -= 1
        for words in self.exception_words if exception_words is None else exception_words:
            n = len(words)
            if i - n >= first and tuple(t.lower_ for t in doc[i - n:i]) == words:
                return i - n
        return None

    def questions(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        for ent, fact in zip(ents, facts):
            if ent.label_ not in _NOT_ASKED_AS_REQUIREMENT and not fact.family and self._asked_as_requirement(doc, ent):
                # "does she need a negative pregnancy test?", "is hepatitis B a problem?": asked
                # about, neither had nor ruled out (lead, round 34)
                fact.hypothetical, fact.uncertain, fact.negated, fact.historical = True, False, False, False
                if ent.label_ not in THERAPY_LABELS or fact.status in ("current", "failed", "intolerant"):
                    fact.status = None
                continue
            if ent.label_ == "BIOMARKER":
                continue
            if ent.label_ not in QUESTION_LABELS or fact.status or fact.historical or fact.negated or fact.hypothetical:
                continue
            if ent.label_ == "INFECTION" and fact.uncertain:
                continue   # "maybe TB?": a doubt, said as one
            if self._question_end(doc, ent) is None:
                continue   # no question, or the question is a later clause ("MRD 2.5% after hyper CVAD, they want X?")
            if self.answer(doc, ent):
                continue   # answered in the same text ("does she have lupus? yes")
            fact.hypothetical = True


def _asides(doc: Doc, start: int, end: int) -> set[int]:
    """Indexes of the tokens inside a closed bracket between ``start`` and ``end``."""
    inside: set[int] = set()
    opened: int | None = None
    for i in range(start, end):
        text = doc[i].text
        if text in ("(", "["):
            opened = i
        elif text in (")", "]") and opened is not None:
            inside.update(range(opened, i + 1))
            opened = None
    return inside


def _set_result(fact: Fact, kind: str) -> None:
    fact.status = kind
    fact.negated = kind == "negative"


_EXCEPTION_LIST = frozenset({",", "and", "&", "+", "/", "plus"})
_OWN_CLAUSE = frozenset(("which", "that", "who"))     # a relative clause after an item: its own


def _own_clause(doc: Doc, item: Span, cue_start: int) -> bool:
    """The outcome cue after an item is said in a clause of the item's own: after a comma or
    semicolon ("besides cyclophosphamide, that made me really sick"), or right after a
    relative word ("X which failed"); not "except the ivig which worked have failed"."""
    between = doc[item.end:cue_start]
    return (any(t.text in (",", ";") for t in between)
            or (len(between) == 1 and between[0].lower_ in _OWN_CLAUSE))


def _qualifier(token) -> bool:
    """A word between "for" and the treatment it asks for: an article or a marker ("for a
    CAR-T trial", "for CD19 CAR-T", "for anti-CD7 CAR-T")."""
    return (token.lower_ in ("a", "an", "the", "anti", "-") or token.ent_type_ == "BIOMARKER"
            or (not token.is_punct and (token.is_upper or any(ch.isdigit() for ch in token.text))))


def _range_dash(doc: Doc, i: int) -> bool:
    """A dash that ends a span of time or stands alone ("2022-2024", "MMF - stopped"), not
    one inside a word ("psoriasis-like", "voclosporin-based")."""
    token = doc[i]
    if token.text not in ("-", "–"):
        return False
    if i == 0 or i + 1 >= len(doc):
        return True
    before, after = doc[i - 1], doc[i + 1]
    if before.like_num or after.like_num or before.is_digit or after.is_digit:
        return True
    return bool(before.whitespace_) or bool(token.whitespace_)


def _holds(words: list[str], phrases, at=None) -> bool:
    """One of ``phrases`` (tuples of lower-case words) starts in ``words`` at one of the
    positions ``at`` (anywhere by default)."""
    starts = range(len(words)) if at is None else at
    return any(tuple(words[k:k + len(phrase)]) == phrase for phrase in phrases for k in starts)
