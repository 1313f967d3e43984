"""The status of the patient's disease (relapsed, refractory, newly diagnosed, in
remission, MRD; ``data/terminology/disease_status.yaml``) as the words just before it say:
"no relapse so far" and "relapse-free" are none, "if it relapses" is only feared; a cancer
said to have come back ("the leukaemia came back in March", "now the T-ALL is back") is a
relapse of it.

ConText does not negate "relapse" in "no relapse": the REMISSION cue "no relapse"
(data/context_rules.json) covers the mention, and a cue never modifies a mention it covers.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from data.condition_names import DISEASE_STATUS as STATUS_ROOT
from data.terminology import Terminology, load_terminology
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation, vocabulary, vocabulary_words

# a relapse's own clause (up to its end) and a year in it ("relapsed in 2020")
_CLAUSE_END = re.compile(r"[,;.!?\n]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

RELAPSED = "relapsed_disease"


def _newer(date: str | None, than: str | None) -> bool:
    """A later date than ``than`` (ISO, "2025" or "2025-07"): a later year, or a later month of
    the same year when both give one. Undated is never newer ("relapsed T-ALL" in a subject
    line is the relapse told below it)."""
    if not date or not than:
        return False
    if date[:4] != than[:4]:
        return date[:4] > than[:4]
    return len(date) >= 7 and len(than) >= 7 and date[:7] > than[:7]
_WINDOW = 3   # tokens before the mention


@lru_cache(maxsize=1)
def _status_ids() -> frozenset[str]:
    terminology = load_terminology()
    if STATUS_ROOT not in terminology:
        return frozenset()
    return frozenset(terminology.descendants(STATUS_ROOT))


def is_status_span(ent: Span) -> bool:
    """A condition mention of a disease status ("primary refractory", "in remission")."""
    return ent.label_ == "CONDITION" and ent.kb_id_ in _status_ids()


# what may stand between a status and the disease it is said of: one clause of a line, no further
# than 60 characters ("FCR 2014 (CR, relapse 2017); ibrutinib ..., stopped for atrial fibrillation":
# the relapse is not the AF's; h91, round 20)
_BESIDE = re.compile(r"[^;\n]{0,60}")
# a status this many characters or fewer before a cancer qualifies it ("relapsed T-ALL")
_BEFORE_CHARS = 12


class StatusWords:
    def __init__(self, terminology: Terminology, vocabulary: dict[str, Any]):
        self.terminology = terminology
        self.denied = frozenset(w.lower() for w in vocabulary.get("status_denied_by") or ())
        reached = vocabulary.get("status_not_reached") or {}
        self.not_reached = re.compile(r"(?:%s)\s*$" % reached["before"], re.IGNORECASE) if reached.get("before") else None
        self.not_reached_by = re.compile(r"\s*(?:%s)\s*$" % reached["treatment_gap"], re.IGNORECASE) if reached.get("treatment_gap") else None
        self.feared = frozenset(w.lower() for w in vocabulary.get("status_feared_by") or ())
        self.feared_months = frozenset(w.lower() for w in vocabulary.get("status_feared_months") or ())
        self.month_after = frozenset(w.lower() for w in vocabulary.get("status_feared_month_after") or ())
        # a status the next word makes none ("hasn't had any treatment since 2019")
        self.not_followed_by = {str(k): frozenset(str(w).lower() for w in v or ())
                                for k, v in (vocabulary.get("status_not_followed_by") or {}).items()}
        order = vocabulary.get("status_superseded") or {}
        self.superseded = {str(k): frozenset(v.get("by") or ()) for k, v in (order.get("statuses") or {}).items()}
        # superseded only by a status told in a later sentence: "Relapse 02/2025: GDP x3. Line 3:
        # ... Relapse 07/2025" (a relapse of an earlier line; not "Relapse: isolated CNS relapse")
        self.superseded_later = {str(k): frozenset(v.get("by_a_later_sentence") or ())
                                 for k, v in (order.get("statuses") or {}).items()}
        # ... or only by one of a newer date: "2) relapse 2023 -> ...; 3) relapse 07/2025"
        self.superseded_newer = {str(k): frozenset(v.get("by_a_newer_date") or ())
                                 for k, v in (order.get("statuses") or {}).items()}
        self.was_words = frozenset(w.lower() for w in order.get("was") or ())
        self.ended_by_words = frozenset(w.lower() for w in order.get("ended_by_before") or ())
        self.ended_by_gap = re.compile(r"\s*(?:%s)\s+(?:%s)\s*" % (alternation(order.get("ended_by_before") or ["after"]),
                                                                 order.get("ended_by_span") or r"\S+"), re.IGNORECASE)
        self.disease_now = frozenset(str(w) for w in vocabulary.get("status_disease_now") or ())
        self.status_diseases = tuple(str(w) for w in vocabulary.get("status_other_diseases") or ())
        phrases, between = vocabulary.get("status_came_back") or (), vocabulary.get("status_came_back_between") or ()
        words = "|".join(re.escape(w) for w in sorted(set(between), key=len, reverse=True))
        self.came_back = re.compile(
            rf"\s+(?:(?:{words})\s+){{0,3}}(?P<s>{'|'.join(phrases)})\b", re.IGNORECASE) if phrases else None

    def is_status(self, concept: str) -> bool:
        return (STATUS_ROOT in self.terminology and concept in self.terminology
                and self.terminology.is_a(concept, STATUS_ROOT))

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        facts += self._came_back(ents, facts)
        other = [self._other_disease(ent, ents, facts) for ent in ents]
        for ent, fact in zip(ents, facts):
            if fact.label == "CONDITION" and self.is_status(fact.concept):
                self._assert(ent.doc, ent.start, ent.end, fact)
        self._whose(facts)
        self._time_order(ents, facts)
        self._not_reached_by(ents, facts)
        self._back_now(facts)
        self._relapse_after_treatment(ents, facts)
        self._remission_since_after_treatment(ents, facts)
        # the autoimmune voice ("refractory lupus", "relapsed ITP"): therapies failed, which
        # the therapy facts say; a status is a cancer's (status_of), as in criteria
        drop = {id(f) for f, o in zip(facts, other) if o}
        if drop:
            # the mentions go with their facts: the caller reads the two lists side by side
            # afterwards ("ITP, refractory. ..., romiplostim current": the romiplostim's own)
            kept = [i for i, f in enumerate(facts) if id(f) not in drop]
            ents[:] = [ents[i] for i in kept if i < len(ents)]
            facts[:] = [facts[i] for i in kept]

    def _whose(self, facts: list[Fact]) -> None:
        """A status is the disease's it follows: one read as a relative's is the patient's when
        the nearest cancer named before it is ("his T-ALL ... a transplant from his sister and
        it came back": the sister is the donor, the relapse the patient's). A relative's
        cancer keeps its status ("my sister's leukaemia relapsed")."""
        roots = self.terminology[STATUS_ROOT].attrs.get("status_of", ()) if STATUS_ROOT in self.terminology else ()
        last = None
        for fact in sorted(facts, key=lambda f: f.start):
            if fact.label != "CONDITION" or fact.concept not in self.terminology:
                continue
            if self.is_status(fact.concept):
                if fact.family and last is not None and not last.family:
                    fact.family = False
            elif any(self.terminology.is_a(fact.concept, r) for r in roots) and not fact.negated:
                last = fact

    def _marked(self, concept: str, attr: str) -> bool:
        """The concept or one above it carries ``attr`` in the terminology."""
        return concept in self.terminology and any(
            self.terminology[a].attrs.get(attr) for a in self.terminology.ancestors(concept))

    def _relapse_after_treatment(self, ents: list[Span], facts: list[Fact]) -> None:
        """A relapse (``status_disease_now``) made past only by the "had" of a treatment named
        between the cue and it ("had an allo transplant in 2023 and relapsed this year", "she
        had chemo and relapsed"): the "had" is the treatment's; the relapse is today's status
        (h90, round 20). A relapse with a "was"/"had" of its own ("she had relapsed twice
        before") keeps it."""
        if not self.disease_now:
            return
        for ent, fact in zip(ents, facts):
            if (fact.label != "CONDITION" or fact.concept not in self.disease_now or not fact.historical
                    or fact.negated or fact.hypothetical or fact.family):
                continue
            cues = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
            if not cues:
                continue
            clause = _CLAUSE_END.split(doc_text(ent.doc)[ent.end_char:], maxsplit=1)[0]
            if _YEAR.search(clause):
                continue    # "relapsed in 2020, then in remission": dated, not today's
            if all(any(other.label_ in ("DRUG", "PROCEDURE") and m.modifier_span[1] <= other.start and other.end <= ent.start
                       for other in ents) for m in cues):
                fact.historical = False

    def _remission_since_after_treatment(self, ents: list[Span], facts: list[Fact]) -> None:
        """A remission said to last till now ("in remission since august", "in remission for
        the past year") made past only by the "had" of a treatment named between the cue and it
        ("he had chemo and radiotherapy, in remission since august"): the "had" is the
        treatment's; the remission goes on (h176, round 37)."""
        if "in_remission" not in self.terminology:
            return
        text = doc_text(ents[0].doc) if ents else ""
        for ent, fact in zip(ents, facts):
            if (fact.label != "CONDITION" or not fact.historical or fact.negated or fact.hypothetical or fact.family
                    or not self.terminology.is_a(fact.concept, "in_remission")
                    or not _lasting_after().match(text, ent.end_char)):
                continue
            cues = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
            if cues and all(any(other.label_ in ("DRUG", "PROCEDURE") and m.modifier_span[1] <= other.start
                                and other.end <= ent.start for other in ents) for m in cues):
                fact.historical = False

    def _back_now(self, facts: list[Fact]) -> None:
        """A cancer said to be over that a later status of ``status_disease_now`` is about (the
        last cancer named before it, of the same person, when none named before it is there
        now): there now ("had T-ALL at 9 and it came back now", "Hx: T-ALL 2019 ... Relapse
        2025"; not "AML with prior MDS ... refractory": the AML's)."""
        if not self.disease_now:
            return
        roots = self.terminology[STATUS_ROOT].attrs.get("status_of", ()) if STATUS_ROOT in self.terminology else ()
        ordered = sorted(facts, key=lambda f: f.start)
        cancers = [f for f in ordered if f.label == "CONDITION" and f.concept in self.terminology
                   and not self.is_status(f.concept) and any(self.terminology.is_a(f.concept, r) for r in roots)]
        last, current = None, set()
        for fact in ordered:
            if fact.label != "CONDITION" or fact.concept not in self.terminology:
                continue
            if fact.concept in self.disease_now:
                if fact.family in current:
                    continue    # "AML with prior MDS. Aza/ven, refractory": the cancer had now is the one
                # "relapsed T-ALL": a status written before a cancer is that cancer's
                before_one = any(0 <= c.start - fact.end <= _BEFORE_CHARS for c in cancers)
                if (last is not None and not before_one and last.historical and last.family == fact.family
                        and not (fact.historical or fact.negated or fact.hypothetical or fact.uncertain)):
                    last.historical = False
            elif any(self.terminology.is_a(fact.concept, r) for r in roots) and not (fact.negated or fact.hypothetical):
                last = fact
                if not fact.historical:
                    current.add(fact.family)
            elif (last is not None and fact.family == last.family and not (fact.negated or fact.hypothetical or fact.historical)
                  and self._marked(fact.concept, "main_kind") and not self._marked(fact.concept, "background")):
                # another disease that relapses on its own named after the cancer ("H/o Hodgkin
                # lymphoma 2001. Now RRMS, two relapses"): the relapse is that one's (h142, round 30)
                last = None

    def _time_order(self, ents: list[Span], facts: list[Fact]) -> None:
        """Statuses that end (``status_superseded`` in data/nlp/extraction.yaml): a remission
        followed in the text by a relapse ("in CR1 after 7+3; relapse 03/2026", "she went into
        remission but it came back"), an MRD result followed by the other one ("MRD positive
        after induction, MRD negative after consolidation"), or one said with "was" ("she was
        in remission for a year", "was MRD positive at day 29", "MRD was positive after
        induction"), is over: past. The latest
        statement wins; a relapse is never made past by a later remission (a relapsed disease
        stays relapsed)."""
        said = [(f.start, f, ent) for ent, f in zip(ents, facts)
                if f.label == "CONDITION" and (self.superseded.get(f.concept) or self.superseded_later.get(f.concept)
                                               or self.superseded_newer.get(f.concept))
                and not (f.negated or f.hypothetical or f.family)]
        if not said:
            return
        later = [(f.start, f.concept, f.date) for f in facts if f.label == "CONDITION" and self.is_status(f.concept)
                 and not (f.negated or f.hypothetical or f.family)]
        for start, fact, ent in said:
            doc = ent.doc
            sentence = ent.sent if doc.has_annotation("SENT_START") else doc[:]
            # the "was" before it, or inside a span that holds its verb ("MRD was positive
            # after induction", "MRD was still positive after induction": what it was then)
            before = {t.lower_ for t in doc[max(sentence.start, ent.start - _WINDOW):ent.end - 1]}
            by = self.superseded.get(fact.concept, frozenset())
            by_later = self.superseded_later.get(fact.concept, frozenset())
            by_newer = self.superseded_newer.get(fact.concept, frozenset())
            # a status told later but dated before it ("MRD negative since 06/2026. Prior: ...,
            # relapse 12/2025") ends nothing (h166, round 35)
            if ((by and before & self.was_words) or any(s > start and c in by and not _newer(fact.date, d) for s, c, d in later)
                    # the status that ended it told first, "after" the time it lasted ("relapsed after
                    # 18 months in remission", "came back after a year in remission"; h170, round 36)
                    or (before & self.ended_by_words and any(
                        sentence.start_char <= f.start < start and f.concept in by and not (f.negated or f.hypothetical or f.family)
                        and self.ended_by_gap.fullmatch(doc_text(doc)[f.end:start]) for f in facts))
                    or any(s >= sentence.end_char and c in by_later for s, c, _ in later)
                    or any(s >= sentence.end_char and c in by_newer and _newer(d, fact.date) for s, c, d in later)
                    # in its own sentence too, past a remission between ("CR1 after UKALL, relapsed
                    # 2024, nelarabine 2024 -> CR2, relapsed again 2025"; not "molecular relapse
                    # 05/2025, overt relapse 07/2025": one relapse growing; h131, round 28)
                    or any(s > start and c in by_newer and _newer(d, fact.date)
                           and any(start < s2 < s and fact.concept in self.superseded.get(c2, frozenset())
                                   for s2, c2, _ in later) for s, c, d in later)
                    # undated too, when it came after a remission and another remission stands
                    # between it and the later one ("CR, then relapse 2025. ... CR2 ... Now ...
                    # marrow relapse": relapsed, remitted, relapsed again; not a subject line's
                    # "relapsed T-ALL" before "CR1, relapsed 2024", the same relapse; h166, round 35)
                    or (any(s0 < start and fact.concept in self.superseded.get(c0, frozenset()) for s0, c0, _ in later)
                        and any(s > start and c in by_newer and not _newer(fact.date, d)
                                and any(start < s2 < s and fact.concept in self.superseded.get(c2, frozenset())
                                        for s2, c2, _ in later) for s, c, d in later))):
                fact.historical = True

    def _other_disease(self, ent: Span, ents: list[Span], facts: list[Fact]) -> bool:
        """A status mention next to a named disease that is no cancer (the nearest one in the
        sentence, the one after it on a tie)."""
        if ent.label_ != "CONDITION" or not self.is_status(ent.kb_id_):
            return False
        sentence = ent.sent if ent.doc.has_annotation("SENT_START") else ent.doc[:]
        text = doc_text(ent.doc)
        # a site a cancer spread to ("Relapse 05/2026 - CNS negative", "relapse with CNS
        # involvement") is no disease of its own a status could be of (h96, round 21)
        diseases = [e for e in ents if e.label_ == "CONDITION" and not self.is_status(e.kb_id_)
                    and e.kb_id_ in self.terminology and not self.terminology.flagged(e.kb_id_, "spread")
                    and sentence.start <= e.start and e.end <= sentence.end
                    and _BESIDE.fullmatch(text[min(e.end_char, ent.end_char):max(e.start_char, ent.start_char)])]
        if not diseases:
            return self._text_of_other_diseases(ents, facts)
        beside = min(diseases, key=lambda e: (e.start - ent.end if e.start >= ent.end else ent.start - e.end + 0.5))
        roots = self.terminology[STATUS_ROOT].attrs.get("status_of", ())
        if not any(self.terminology.is_a(beside.kb_id_, r) for r in roots):
            return True
        return self._earlier_cancer(beside, ents, facts, roots)

    def _text_of_other_diseases(self, ents: list[Span], facts: list[Fact]) -> bool:
        """A status with no disease in its sentence, in a text that names diseases of the
        patient's and no cancer among them ("ITP since 2016 ... prednisone (responded, relapsed
        on taper), splenectomy 2019 (relapse after 8 months)", "| 2019 | 160 | nil
        (post-splenectomy remission) |"): the status of a disease that is no cancer, left to the
        therapies' outcomes as one said beside it is (h106, round 23). A text naming no disease
        at all keeps it ("relapsed again in March")."""
        roots = self.terminology[STATUS_ROOT].attrs.get("status_of", ())
        other = False
        for ent, fact in zip(ents, facts):
            if (ent.label_ != "CONDITION" or self.is_status(ent.kb_id_) or ent.kb_id_ not in self.terminology
                    or self.terminology.flagged(ent.kb_id_, "spread")
                    or fact.negated or fact.hypothetical or fact.family):
                continue
            if any(self.terminology.is_a(ent.kb_id_, r) for r in roots):
                return False
            other = other or self._is_disease(ent.kb_id_)
        return other

    def _is_disease(self, concept: str) -> bool:
        """A disease a status could be said of: a condition of ``status_diseases`` (the
        autoimmune and other diseases trialbot serves; data/nlp/extraction.yaml), not a
        comorbidity named in passing (hypertension) nor a finding."""
        return any(self.terminology.is_a(concept, root) for root in self.status_diseases)

    def _earlier_cancer(self, beside: Span, ents: list[Span], facts: list[Fact], roots) -> bool:
        """The status is of a cancer told as history while the text names another one the patient
        has now ("CLL ... Comorbidities: prostate cancer treated with radiotherapy 2016, in remission"):
        that cancer's, which says nothing of the disease now (h91, round 20)."""
        by_ent = {(e.start, e.end): f for e, f in zip(ents, facts)}
        own = by_ent.get((beside.start, beside.end))
        if own is None or not own.historical or own.family:
            return False
        return any(f.label == "CONDITION" and f.concept in self.terminology and not self.is_status(f.concept)
                   and any(self.terminology.is_a(f.concept, r) for r in roots)
                   and not (f.historical or f.negated or f.hypothetical or f.family or f.uncertain)
                   and not self.terminology.is_a(f.concept, own.concept) and not self.terminology.is_a(own.concept, f.concept)
                   for f in facts)

    def _assert(self, doc, start: int, end: int, fact: Fact) -> None:
        sentence = doc[start].sent if doc.has_annotation("SENT_START") else doc[:]
        tokens = doc[max(sentence.start, start - _WINDOW):start]
        before = [t.lower_ for t in tokens]
        after = [t.lower_ for t in doc[end:min(sentence.end, end + 2)]]
        if any(w in self.feared and not (w in self.feared_months and i > 0 and before[i - 1] in self.month_after)
               for i, w in enumerate(before)):
            fact.hypothetical = True    # "if it relapses"; not the month of "finished chemo in may, MRD negative"
        elif (any(w in self.denied for w in before) and not self._for_a_denied_treatment(tokens)
              and not _denial_closed(tokens, self.denied)) or "free" in after:
            fact.negated = True     # "relapse-free"
        elif after and after[0] in self.not_followed_by.get(fact.concept, ()):
            fact.negated = True     # "hasn't had any treatment since 2019": treated before
        elif self.not_reached is not None and self.not_reached.search(doc_text(doc)[max(sentence.start_char, fact.start - 60):fact.start]):
            fact.negated = True     # "chemo never got me to remission" (h170, round 36)

    def _not_reached_by(self, ents: list[Span], facts: list[Fact]) -> None:
        """The treatment said not to have brought a status that was not reached, right before
        the words that say so ("chemo never got me to remission", "the induction didnt get her
        into remission": ``status_not_reached`` of data/nlp/extraction.yaml): it failed, and is
        over (h170, round 36)."""
        if self.not_reached is None or self.not_reached_by is None:
            return
        text = doc_text(ents[0].doc) if ents else ""
        for fact in facts:
            if not (fact.label == "CONDITION" and self.is_status(fact.concept) and fact.negated):
                continue
            said = self.not_reached.search(text[max(0, fact.start - 60):fact.start])
            if said is None:
                continue
            words_start = max(0, fact.start - 60) + said.start()
            treatment = max((f for f in facts if f.label in ("DRUG", "PROCEDURE") and f.end <= words_start
                             and not (f.negated or f.hypothetical)), key=lambda f: f.end, default=None)
            if treatment is not None and self.not_reached_by.fullmatch(text[treatment.end:words_start]):
                treatment.status = "failed"
                treatment.historical = True

    def _for_a_denied_treatment(self, tokens) -> bool:
        """The denial is of a treatment the status is what it would be for ("No treatment for
        advanced disease yet", "no chemo for the metastatic disease so far"): the status is had,
        the treatment denied (as cue_scope's negation stops at "for" after a treatment)."""
        denied = [i for i, t in enumerate(tokens) if t.lower_ in self.denied]
        if not denied:
            return False
        rest = tokens[denied[-1] + 1:]
        treatments = vocabulary_words("negation_treatment_words")
        return any(t.lower_ == "for" and any(u.lower_ in treatments or u.ent_type_ in ("DRUG", "PROCEDURE")
                                             for u in rest[:i]) for i, t in enumerate(rest))

    def _came_back(self, ents: list[Span], facts: list[Fact]) -> list[Fact]:
        """A relapse for each cancer said to have come back ("the leukaemia came back")."""
        if self.came_back is None or RELAPSED not in self.terminology:
            return []
        roots = self.terminology[STATUS_ROOT].attrs.get("status_of", ())
        taken = [(f.start, f.end) for f in facts if f.label == "CONDITION" and self.is_status(f.concept)]
        found = []
        for ent, fact in zip(ents, facts):
            if (fact.label != "CONDITION" or fact.concept not in self.terminology
                    or not any(self.terminology.is_a(fact.concept, r) for r in roots)):
                continue
            doc = ent.doc
            sentence = ent.sent if doc.has_annotation("SENT_START") else doc[:]
            match = self.came_back.match(doc_text(doc), ent.end_char, sentence.end_char)
            if match is None or any(s < match.end("s") and match.start("s") < e for s, e in taken):
                continue
            relapse = Fact("CONDITION", RELAPSED, match.group("s"), match.start("s"), match.end("s"),
                           family=fact.family, source=fact.source)
            span = doc.char_span(match.start("s"), match.end("s"), alignment_mode="expand")
            if span is not None:
                self._assert(doc, span.start, span.end, relapse)
            found.append(relapse)
        return found


_CLAUSE_ENDS = frozenset((",", ";", ":"))


def _denial_closed(tokens, denied: frozenset[str]) -> bool:
    """Every denial word before the status ends its clause before it, with no finding named
    between ("Rituximab not given, relapsed 10/2026", "auto-SCT in CR1 was not done, relapsed"):
    the denial is of the treatment's giving, not of the relapse after the comma. A finding
    between keeps the denial over a list ("no relapse, progression or death"; h171, round 36)."""
    last = None
    for i, token in enumerate(tokens):
        if token.lower_ in denied:
            last = i
    if last is None:
        return False
    rest = tokens[last + 1:]
    ends = [i for i, token in enumerate(rest) if token.text in _CLAUSE_ENDS]
    return bool(ends) and not any(token.ent_type_ for token in rest[:ends[0]])


@lru_cache(maxsize=1)
def _lasting_after() -> re.Pattern:
    """A remission said to last till now, right after it ("since august", "for the past year",
    "still"; ``remission_lasting_after`` in data/nlp/extraction.yaml)."""
    words = vocabulary_words("remission_lasting_after") or frozenset({"since"})
    return re.compile(r"\s+(?:%s)\b" % alternation(sorted(words)), re.IGNORECASE)


@lru_cache(maxsize=1)
def _remission_now_spec() -> tuple[re.Pattern, re.Pattern, frozenset[str]] | None:
    spec = vocabulary().get("remission_now") or {}
    now, ends, after = spec.get("now_words") or (), spec.get("ends") or (), spec.get("after_words") or ()
    if not (now and ends and after):
        return None
    said_now = re.compile(rf"(?<![\w-])(?:{alternation(now)})[ \t]+(?:(?:in|a|an|at)[ \t]+){{0,2}}$", re.IGNORECASE)
    brought_by = re.compile(rf"[^.;\n]{{0,14}}?(?<![\w-])(?:{alternation(after)})[ \t]+", re.IGNORECASE)
    return said_now, brought_by, frozenset(ends)


_BRACKET_AFTER = re.compile(r"[ \t\d/.,\-–]{0,12}\(")
_JOINED = re.compile(r"[ \t]*(?:\+|/|&|and|with|plus)[ \t]*", re.IGNORECASE)


def remission_now(text: str, facts: list[Fact]) -> None:
    """A remission said to be now ("now in CR2 after FLAG-Ida", "currently in CR3") ends a relapse
    told before it: the relapse is over (past); and the treatment its "after" names brought it and
    is over ("after nelarabine + cyclophosphamide"; ``remission_now`` in data/nlp/extraction.yaml;
    h182, round 38). A relapse told after the remission stays the disease now."""
    spec = _remission_now_spec()
    if spec is None:
        return
    said_now, brought_by, ends = spec
    terminology = load_terminology()

    def plain(f: Fact) -> bool:
        return not (f.negated or f.hypothetical or f.uncertain or f.family)

    for remission in facts:
        if (remission.label != "CONDITION" or remission.historical or not plain(remission)
                or remission.concept not in terminology or not terminology.is_a(remission.concept, "in_remission")
                or not said_now.search(text, max(0, remission.start - 24), remission.start)):
            continue
        for relapse in facts:
            if (relapse.label == "CONDITION" and relapse.concept in ends and relapse.start < remission.start
                    and not relapse.historical and plain(relapse)):
                relapse.historical = True
        found = brought_by.match(text, remission.end)
        end = found.end() if found else -1
        while found:
            treatment = next((f for f in facts if f.start == end and f.label in ("DRUG", "PROCEDURE") and plain(f)), None)
            if treatment is None:
                break
            treatment.historical, treatment.ongoing = True, False
            if treatment.status == "current":
                treatment.status = None
            joined = _JOINED.match(text, treatment.end)
            end = joined.end() if joined and joined.end() > treatment.end else -1


def values_of_a_past_status(text: str, facts: list[Fact]) -> None:
    """What the bracket right after a disease status that is over names is of then too: the
    values and sites of a relapse or refractory disease since ended ("Relapse 02/2026 (marrow,
    40% blasts) ... now in CR2", "Induction hyper-CVAD: refractory (marrow blasts 35% after 2
    cycles). Venetoclax + nelarabine since 04/2026"), never a cancer named there (h182, round 38)."""
    terminology = load_terminology()
    if STATUS_ROOT not in terminology:
        return

    def plain(f: Fact) -> bool:
        return not (f.negated or f.hypothetical or f.uncertain or f.family)

    for status in facts:
        if (status.label != "CONDITION" or not status.historical or not plain(status)
                or status.concept not in terminology or not terminology.is_a(status.concept, STATUS_ROOT)):
            continue
        opening = _BRACKET_AFTER.match(text, status.end)
        closing = text.find(")", opening.end()) if opening else -1
        if not opening or closing < 0 or "\n" in text[opening.end():closing] or "(" in text[opening.end():closing]:
            continue
        for inside in facts:
            if (opening.end() <= inside.start and inside.end <= closing and plain(inside) and not inside.historical
                    and inside.label in ("LAB", "CONDITION", "INFECTION")
                    and not (inside.concept in terminology and terminology.is_a(inside.concept, "malignancy"))):
                inside.historical = True
