"""The ``trialbot_entities`` spaCy component: every fact mention becomes an entity.

It gathers candidates (exact terminology matches, demographic and score patterns, then
typo recovery on what is left), resolves them and sets ``doc.ents`` (label = fact label,
``kb_id_`` = concept) for ConText to modify. What the patterns read (an age, a weight, the
value after a lab name) is kept in ``doc._.trialbot_meta`` by token offsets.

Resolution, in order:
1. a weak term (a short common word such as "pt") counts only in capitals or, for a lab or
   score, with a value after it;
2. a span naming both a lab and something else ("TB": bilirubin or tuberculosis; "HBV viral
   load") is the lab when a value follows, else the other concept;
3. overlaps: the longest span wins; on a tie exact terms beat patterns beat typos;
4. a generic "infection" right next to a named infection is dropped ("hepatitis B
   infection" is one fact), and so is a marker that names a CAR-T product ("CD7 CAR-T"),
   and a disease that names a place or a team ("the stroke department", "the lupus
   clinic": ``service_words``), and an abbreviation that means something else where it
   is written ("SpO2 98% on RA": room air; ``other_senses``).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from data.terminology import Terminology
from nlp.components.bare_ages import BareAges
from nlp.components.bare_counts import BareCounts
from nlp.components.demographics import PatternFacts
from nlp.components.measurements import ValueReader
from nlp.components.patterns import PatternRunner
from nlp.components.doc_cache import doc_text, doc_value, sentence_index
from nlp.components.involvement import OrganInvolvement
from nlp.components.tumour_site import TumourSite
from nlp.components.kinds import ProcedureKinds
from nlp.components.lab_columns import LabColumns
from nlp.components.respective_values import RespectiveValues
from nlp.components.lab_words import LabWords
from nlp.components.senses import WordSenses
from nlp.components.terms import Candidate, TermMatcher, fact_label
from nlp.components.word_ahead import word_ahead
from nlp.numerals import in_region, numeral_view, original_span
from nlp.components.typos import TypoMatcher
from nlp.resources import vocabulary, vocabulary_words
from nlp.units import unit_candidates

ENTITIES_PIPE = "trialbot_entities"
PATTERN_FILES = ("demographics", "pregnancy", "location", "scores", "lifestyle", "abbreviations", "contraception",
                 "lay_diagnoses", "disease_status", "lay_labs", "organs_kept", "cancer_operations")
MEASURED = ("LAB", "SCORE")
_PRIORITY = {"term": 0, "pattern": 1, "typo": 2}

if not Doc.has_extension("trialbot_meta"):
    Doc.set_extension("trialbot_meta", default=None)
# the conditions a conversation already knows of its patient (concept ids), set before the
# pipeline runs (nlp.pipeline.read_doc): a word whose sense the disease decides ("the
# transplant", "ven", "a resection") is read by them too when the message does not name one
if not Doc.has_extension("trialbot_known"):
    Doc.set_extension("trialbot_known", default=())


# a scale word after a number in words: "thirty thousand" (h105, round 23)
_SPELLED_SCALE = re.compile(r"\s*(hundred|thousand|million)\b", re.IGNORECASE)


def _duration_unit(word: str) -> bool:
    """The word is a unit of how long ("yrs", "years", "months": ``time_units``), not a day."""
    unit = (vocabulary().get("time_units") or {}).get(word)
    return unit in ("month", "year", "decade")

def _an_age(token) -> bool:
    """A whole number a person's age may be (1 to 110), alone or with its sex letter glued
    ("41", "58f")."""
    text = token.text.lower().rstrip("fm")
    return text.isdigit() and 1 <= int(text) <= 110


class _Sense(NamedTuple):
    """One entry of ``other_senses`` (data/nlp/extraction.yaml): the words that show an
    abbreviation means something else, and the concept it then is (None: dropped)."""

    after: frozenset[str]
    near: frozenset[str]
    near_both: frozenset[str]
    window: int
    concept: str | None
    capitals: bool
    followed_by: frozenset[str]
    # the text of its line right before it ends so ("aza+ven C1-C4": the last of a range of
    # cycles, never complement C4; ``before_regex``; h187, round 39)
    before: re.Pattern | None = None

    @classmethod
    def read(cls, entry: dict[str, Any]) -> "_Sense":
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in entry.get(key) or ())
        before = entry.get("before_regex")
        return cls(words("after"), words("near"), words("near_both"), int(entry.get("window", 0)), entry.get("concept"),
                   bool(entry.get("not_in_capitals")), words("followed_by"),
                   re.compile(f"(?:{before})$") if before else None)


class EntityRecognizer:
    """Finds fact mentions; needs ``initialize_data`` before the first call."""

    def __init__(self, nlp: Language, name: str = ENTITIES_PIPE):
        self.nlp = nlp
        self.name = name
        self.ready = False

    def initialize_data(self, terminology: Terminology, vocabulary: dict[str, Any], common_words: frozenset[str],
                        foreign_words: frozenset[str] = frozenset()) -> None:
        """``foreign_words``: ordinary words of other languages, never a typo (only that)."""
        weak_max = int(vocabulary["weak_term_max_length"])
        common_words = common_words - {str(w).lower() for w in vocabulary.get("strong_short_terms") or ()}
        self.terminology = terminology
        self.terms = TermMatcher(self.nlp, terminology, common_words, weak_max)
        self.typos = TypoMatcher(terminology, common_words, vocabulary["typos"], weak_max, foreign_words)
        self.patterns = PatternRunner(PATTERN_FILES)
        self.pattern_facts = PatternFacts(vocabulary, terminology)
        self.values = ValueReader(vocabulary)
        self.columns = LabColumns(vocabulary, self.values)
        self.respective = RespectiveValues(vocabulary)   # "LDL and HDL were 545 and 53, respectively"
        # a weak lab name counts with a quality said of it in words ("my c3 is low again", "c3
        # and c4 r low", "low c3/c4"; ``lab_qualities`` in extraction.yaml; h85, round 19)
        self.lab_words = LabWords(vocabulary)
        # the value after a weak term that is an age ("Pt 24F": the patient, not a prothrombin
        # time of 24 s; ``weak_term_age_after`` in extraction.yaml; lead, round 25)
        self.age_after = re.compile(str(vocabulary["weak_term_age_after"]))
        self.service_words = frozenset(str(w).lower() for w in vocabulary.get("service_words") or ())
        self.service_qualifiers = frozenset(str(w).lower() for w in vocabulary.get("service_qualifiers") or ())
        # a seizure that is a provoked or febrile event is not the chronic disease ("a febrile
        # seizure", "an alcohol withdrawal seizure", "seizure ... in the context of sleep
        # deprivation"; ``provoked_events`` in extraction.yaml; h136, round 29)
        provoked = vocabulary.get("provoked_events") or {}
        self.provoked_concepts = frozenset(str(c) for c in provoked.get("concepts") or ())
        self.provoked_before = frozenset(str(w).lower() for w in provoked.get("before") or ())
        self.provoked_between = frozenset(str(w).lower() for w in provoked.get("between") or ())
        causes = sorted((str(w).lower() for w in provoked.get("caused_by") or ()), key=len, reverse=True)
        self.provoked_cause = re.compile(r"(?:[^\S\n]+[\w'-]+){0,%d}?[^\S\n]+(?:%s)\b" % (
            int(provoked.get("cause_reach", 4)), "|".join(re.escape(w) for w in causes)), re.IGNORECASE) if causes else None
        # a disease named as an antibody panel's name ("myositis panel negative"): the test, not
        # the disease (``test_name_words``; h136, round 29)
        self.test_name_words = frozenset(str(w).lower() for w in vocabulary.get("test_name_words") or ())
        self.vaccine_words = frozenset(str(w).lower() for w in vocabulary.get("vaccine_words") or ())
        resemblance = vocabulary.get("resemblance") or {}
        self.resemblance_words = frozenset(str(w).lower() for w in resemblance.get("words") or ())
        self.resemblance_kinds = frozenset(str(w).lower() for w in resemblance.get("kinds") or ())
        # the labels a resembled name is dropped from ("flu-like symptoms" too; h155, round 33)
        self.resemblance_labels = frozenset(str(w) for w in resemblance.get("labels") or ("CONDITION",))
        heads = [str(w) for w in vocabulary.get("address_line_heads") or ()]
        # "lymphoma/leukaemia": the generic name after a slash is the disease just named
        same = vocabulary.get("slash_same_disease") or {}
        self.target_words = frozenset(str(w).lower() for w in vocabulary.get("target_words") or ())
        self.slash_generic = frozenset(same.get("generic") or ())
        self.slash_kin = frozenset(c for root in same.get("within") or () for c in (root, *terminology.descendants(root)))
        # "... has T-ALL ... Now the leukaemia is back": the generic name after a determiner,
        # with one of its kinds named before, is that disease again (``anaphor_words``)
        self.generic_kinds = {g: frozenset(terminology.descendants(g)) for g in self.slash_generic if g in terminology}
        self.anaphor_words = frozenset(str(w).lower() for w in same.get("anaphor_words") or ())
        # as written (case kept): "CC:" in a US note is the chief complaint, "Cc:" an e-mail's copy line
        self.address_line = re.compile(r"[ \t>]*(?:%s)[ \t]*:" % "|".join(re.escape(h) for h in heads)) if heads else None
        self.negating_prefixes = tuple(str(w).lower() for w in vocabulary.get("negating_prefixes") or ())
        self.involvement = OrganInvolvement(vocabulary.get("organ_involvement"), terminology, common_words)
        self.tumour_sites = TumourSite(vocabulary.get("tumour_sites"), terminology)
        self.word_senses = WordSenses(vocabulary.get("word_senses"), terminology)
        self.kinds = ProcedureKinds(vocabulary.get("kinds_by_words"), terminology)
        self.bare_counts = BareCounts(vocabulary.get("bare_counts"), terminology)
        self.bare_ages = BareAges(vocabulary.get("bare_ages"))
        self.other_senses = {str(entry["abbreviation"]): _Sense.read(entry) for entry in vocabulary.get("other_senses") or ()}
        for sense in self.other_senses.values():
            if sense.concept is not None and terminology.get(sense.concept) is None:
                raise ValueError(f"extraction.yaml other_senses: unknown concept {sense.concept!r}")
        # "+" after a number: a grade for a urine dipstick analyte (``dipstick: true``),
        # "at least" for any other analyte ("plt 150+"); scores keep it a grade
        self.plus_means_at_least = {c.id for c in terminology.by_category("analyte") if not c.attrs.get("dipstick")}
        self.roman_scores = {
            c.id for c in terminology.by_category("score") if c.attrs.get("range", [0, 100])[1] <= 4
        }
        self.ready = True

    def _names_service(self, doc: Doc, candidate: Candidate) -> bool:
        """A disease or procedure that names a place or team ("the lupus clinic", "the CAR-T
        referral team") or stands on an address line ("To: CAR-T referrals")."""
        if candidate.label not in ("CONDITION", "PROCEDURE", "INFECTION", "PREGNANCY"):
            return False        # ("Infectious diseases clinic", "the early pregnancy unit": h136, round 29)
        # a service word right after it, or after up to three words that qualify a service
        # ("Bone Marrow Transplant Follow-up Clinic"; ``service_words``, ``service_qualifiers``)
        return word_ahead(doc, candidate.end, self.service_words, self.service_qualifiers, 4) or (
            self.address_line is not None and _on_address_line(doc, candidate.start, self.address_line))

    def _without_anaphors(self, doc: Doc, chosen: list) -> list:
        """A generic blood-cancer name after a determiner ("the leukaemia is back", "her
        lymphoma"), with one of its kinds named before it in the text ("T-ALL"), is the disease
        named before, not a second one."""
        named: list[str] = []
        keep = []
        for item in chosen:
            candidate = item[0]
            kinds = self.generic_kinds.get(candidate.concept)
            if (kinds and candidate.label == "CONDITION" and candidate.start > 0
                    and doc[candidate.start - 1].lower_ in self.anaphor_words and any(c in kinds for c in named)):
                continue
            if candidate.label == "CONDITION":
                named.append(candidate.concept)
            keep.append(item)
        return keep

    def _resembled(self, doc: Doc, candidate: Candidate) -> bool:
        """A disease named to say what something looks like ("a lupus-like reaction", "MS
        like symptoms", "flu-like symptoms"; ``resemblance`` in extraction.yaml): no disease
        or infection of the patient."""
        if candidate.label not in self.resemblance_labels or candidate.end + 1 >= len(doc):
            return False
        if any(t.lower_ == "induced" for t in doc[candidate.start:candidate.end]):
            return False        # "drug-induced lupus-like syndrome": the induced disease itself
        after, next_word = doc[candidate.end], doc[candidate.end + 1].lower_
        if after.text == "-" and next_word in self.resemblance_words and not after.whitespace_:
            return True         # "lupus-like": written as one word
        return (after.lower_ in self.resemblance_words and bool(doc[candidate.end - 1].whitespace_)
                and next_word in self.resemblance_kinds)

    def _provoked(self, doc: Doc, candidate: Candidate) -> bool:
        """A seizure said to be febrile or provoked ("two febrile seizures", "a single provoked
        seizure", "an alcohol withdrawal seizure", "a seizure in 2021 due to hyponatraemia"):
        an event with its cause, not the chronic disease (``provoked_events``)."""
        if candidate.label != "CONDITION" or candidate.concept not in self.provoked_concepts:
            return False
        i = candidate.start - 1
        while i >= 0 and candidate.start - i <= 4:
            word = doc[i].lower_
            if word in self.provoked_before:
                return True
            if word not in self.provoked_between:
                break
            i -= 1
        if self.provoked_cause is None:
            return False
        text = doc_text(doc)
        end_char = doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
        limit = sentence_index(doc).bounds(end_char - 1)[1]
        return self.provoked_cause.match(text[:limit], end_char) is not None

    def _test_name(self, doc: Doc, candidate: Candidate) -> bool:
        """A disease right before a word naming a test panel of it ("myositis panel negative"):
        the panel's name, not the patient's disease."""
        return (candidate.label == "CONDITION" and candidate.end < len(doc)
                and doc[candidate.end].lower_ in self.test_name_words)

    def _names_a_vaccine(self, doc: Doc, candidate: Candidate) -> bool:
        """An infection right before a word of vaccines ("had the flu jab", "flu shot in
        october"; ``vaccine_words``): the vaccine's name, no illness of the patient. A short
        name glued by a slash to a word that is no infection ("Flu/Mel conditioning", "(ATG/Flu)":
        a regimen's fludarabine) names none either ("covid/flu swab" two infections)."""
        if candidate.label != "INFECTION":
            return False
        if candidate.end < len(doc) and doc[candidate.end].lower_ in self.vaccine_words:
            return True
        if candidate.end - candidate.start != 1 or not 3 <= len(doc[candidate.start]) <= 4:
            return False        # (one letter: an elided name, "Hep B/C")
        for slash, word in ((candidate.end, candidate.end + 1), (candidate.start - 1, candidate.start - 2)):
            if (0 <= word < len(doc) and doc[slash].text == "/" and not doc[slash].whitespace_
                    and not doc[min(slash, word)].whitespace_
                    and not any(self.terminology.get(c) is not None and self.terminology.get(c).category == "infection"
                                for c in self._infection_names(doc[word].lower_))):
                return True
        return False

    def _infection_names(self, word: str) -> list[str]:
        """The infections a single word names as a term ("covid", "flu")."""
        return [concept for label, concept, _ in self.terms.phrases.get(word, ()) if label == "INFECTION"]

    def _quality_beside(self, doc: Doc, start: int, end: int) -> bool:
        """A quality said in words right after or before the lab's name, in its sentence, or
        after or before one more short name joined to it ("c3 is low", "low c3", "c3 and c4 r
        low", "low c3/c4"): the weak name is the lab."""
        words = self.lab_words
        if not words.ready:
            return False
        text = doc_text(doc)
        start_char, end_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        first, last = sentence_index(doc).bounds(start_char)
        if words.after.match(text, end_char, last) or words.before.search(text, max(first, start_char - 40), start_char):
            return True
        if words.trend_after is not None and words.trend_after.match(text, end_char, last):
            return True     # "plts dropping again": a direction said of it (h115, round 25)
        if words.joined is None:
            return False
        other = words.joined_next.match(text, end_char, last)
        if other is not None and words.after.match(text, other.end(), last):
            return True
        other = words.joined_prev.search(text, max(first, start_char - 20), start_char)
        return other is not None and words.before.search(text, max(first, other.start() - 40), other.start()) is not None

    def _reading_in_words(self, text: str, end_char: int, limit: int, concept: str):
        """A value written in words after the name ("her platelets are twelve now", "my egfr is
        thirty eight"): read on the numeral view of the rest of the sentence (nlp/numerals.py),
        kept only when the number read is one of the words, its span mapped back to the text
        (h105, round 23)."""
        view = numeral_view(text[end_char:limit])
        if view is None:
            return None
        written, regions = view
        reading = self.values.after(written, 0, len(written), roman=concept in self.roman_scores,
                                    graded=concept not in self.plus_means_at_least)
        if reading is None or reading.value is None or reading.older_end is not None \
                or not in_region(regions, reading.start, reading.end):
            return None
        start, end = original_span(regions, reading.start, reading.end)
        scale = _SPELLED_SCALE.match(text, end + end_char, limit)
        if scale is not None:   # "thirty thousand" (30000); "one hundred and twenty" is not read
            if scale.group(1).lower() != "thousand" or reading.unit is not None:
                return None
            return replace(reading, start=start + end_char, end=scale.end(), value=reading.value * 1000)
        return replace(reading, start=start + end_char, end=end + end_char)

    def reading_after(self, doc: Doc, start: int, end: int, concept: str, next_start: int | None = None):
        """The value after a mention; a newer one said to be now ("platelets were 8 in
        january, now 45") replaces it, looked for up to ``next_start`` (the next mention)."""
        end_char = doc[end - 1].idx + len(doc[end - 1])
        limit = sentence_index(doc).bounds(end_char - 1)[1]
        text = doc_text(doc)
        respective = self.respective.reading(text, end_char, limit)
        if respective is not None:  # "LDL-C and HDL-C were 545 and 53 mg/dL, respectively": its place's
            return respective
        reading = self.values.after(text, end_char, limit, roman=concept in self.roman_scores,
                                    graded=concept not in self.plus_means_at_least)
        if reading is None:     # "Hb (g/L) 82 101": the unit between the name and the values
            reading = self.columns.unit_first(text, end_char, limit)
        if reading is None:     # "her platelets are twelve now", "egfr is thirty eight"
            reading = self._reading_in_words(text, end_char, limit, concept)
        if reading is not None and reading.value is not None:
            newer = self.values.later(text, reading.end, min(limit, next_start) if next_start is not None else limit)
            if newer is not None and newer.value is not None:
                return newer
            return self.columns.latest_of_row(text, reading)    # a table's dated columns: the latest
        return reading

    def __call__(self, doc: Doc) -> Doc:
        if not self.ready:
            raise RuntimeError("trialbot_entities: call initialize_data() first (build_pipeline does)")
        meta: dict[tuple[int, int], dict[str, Any]] = {}
        ranked: list[tuple[Candidate, str, dict[str, Any]]] = []
        for candidate, info in self._exact(doc):
            ranked.append((candidate, "term", info))
        for candidate, info in self.pattern_facts(doc, self.patterns(doc_text(doc))):
            ranked.append((candidate, "pattern", info))
        covered = {i for c, _, _ in ranked for i in range(c.start, c.end)}
        ranked.extend((candidate, "typo", info) for candidate, info in self._typos(doc, covered))
        chosen = _resolve(ranked)
        chosen = _drop_redundant(doc, chosen, self._names_service, self.slash_generic, self.slash_kin, self.target_words)
        if self.anaphor_words:
            chosen = self._without_anaphors(doc, chosen)
        if self.negating_prefixes:
            chosen = [item for item in chosen if not self._negated_prefix(doc, item[0])]
        if self.resemblance_words:
            chosen = [item for item in chosen if not self._resembled(doc, item[0])]
        if self.provoked_concepts:
            chosen = [item for item in chosen if not self._provoked(doc, item[0])]
        if self.test_name_words:
            chosen = [item for item in chosen if not self._test_name(doc, item[0])]
        if self.vaccine_words:
            chosen = [item for item in chosen if not self._names_a_vaccine(doc, item[0])]
        if self.other_senses:
            chosen = self._other_senses(doc, chosen)
        chosen = self.involvement(doc, chosen)   # "lupus with kidney involvement": lupus nephritis
        chosen = self.tumour_sites(doc, chosen)  # "a mass in the sigmoid colon; biopsy: adenocarcinoma": colorectal cancer
        chosen = self.word_senses(doc, doc_text(doc), chosen, doc_value(doc, "trialbot_known"))   # "after the transplant" of a child with T-ALL
        chosen = self.kinds(doc, doc_text(doc), chosen)     # "a transplant from his sister": allogeneic
        chosen = self.bare_counts(doc, chosen, self._measure)   # "ITP. her count is still under 30": platelets
        chosen = self.bare_ages(doc, chosen)     # "RA, 63.", "my daughter 22 lupus": the patient's age
        chosen = self.bare_ages.corrected(doc, chosen)  # "im 52... wait no 25 lol": the corrected age
        # the passes above may read a word again ("transplant" in "Bone Marrow Transplant
        # Follow-up Clinic"): a service's or an addressee's name stays no fact
        chosen = [item for item in chosen if not self._names_service(doc, item[0])]
        ents = []
        for candidate, origin, info in chosen:
            ents.append(Span(doc, candidate.start, candidate.end, label=candidate.label, kb_id=candidate.concept))
            meta[(candidate.start, candidate.end)] = {**info, "fuzzy": origin == "typo"}
        doc.ents = ents
        doc._.trialbot_meta = meta
        return doc

    def _typos(self, doc: Doc, covered: set[int]) -> list[tuple[Candidate, dict[str, Any]]]:
        """Misspelt terms with their values; a misspelt name that is both a measure and a
        finding ("3 g of protien in her urine") is the measure when a value is written
        after it or, with its unit, before it, else the finding (as ``_exact`` decides)."""
        groups: dict[tuple[int, int], list[Candidate]] = {}
        for candidate in self.typos(doc, covered):
            groups.setdefault((candidate.start, candidate.end), []).append(candidate)
        kept: list[tuple[Candidate, dict[str, Any]]] = []
        for (start, _end), group in groups.items():
            measured = [c for c in group if c.label in MEASURED]
            others = [c for c in group if c.label not in MEASURED]
            if not (measured and others):
                kept.extend((c, self._measure(doc, c)) for c in group)
                continue
            reading = self._measure(doc, measured[0]).get("reading")
            if reading is None:
                at = doc[start].idx
                reading = self.values.before(doc_text(doc), sentence_index(doc).bounds(at)[0], at)
            if reading:
                kept.extend((c, {"reading": reading}) for c in measured)
            else:
                kept.extend((c, {}) for c in others)
        return kept

    def _negated_prefix(self, doc: Doc, candidate: Candidate) -> bool:
        """A name written after a negating prefix ("non-seminoma", "non-Hodgkin's" when only
        "Hodgkin's" is a term; ``negating_prefixes``) names something else: no mention of it.
        A term that holds the prefix ("non-small cell lung cancer") is longer and wins before."""
        start = doc[candidate.start].idx
        before = doc_text(doc)[max(0, start - 8):start].lower()
        return any(before.endswith(prefix) and (len(before) == len(prefix) or not before[-len(prefix) - 1].isalnum())
                   for prefix in self.negating_prefixes)

    def _other_senses(self, doc: Doc, chosen: list) -> list:
        """Abbreviations written where they mean something else (``other_senses``): dropped,
        or read as the other concept."""
        kept = []
        for candidate, origin, info in chosen:
            sense = self.other_senses.get(doc[candidate.start:candidate.end].text)
            if sense is not None and self._means_other(doc, candidate, sense):
                if sense.concept is None:
                    continue
                concept = self.terminology.get(sense.concept)
                candidate = Candidate(candidate.start, candidate.end, fact_label(concept), concept.id, fuzzy=candidate.fuzzy)
            kept.append((candidate, origin, info))
        return kept

    @staticmethod
    def _means_other(doc: Doc, candidate: Candidate, sense: "_Sense") -> bool:
        sentence = doc[candidate.start].sent if doc.has_annotation("SENT_START") else doc[:]
        if candidate.start > sentence.start and doc[candidate.start - 1].lower_ in sense.after:
            return True
        if candidate.end < sentence.end and doc[candidate.end].lower_ in sense.followed_by:
            return True         # "ALL of them", "ALL failed": the word after it
        if sense.before is not None:
            at = doc[candidate.start].idx
            if sense.before.search(doc.text[doc.text.rfind("\n", 0, at) + 1:at]):
                return True     # "C1-C4": a range of cycles
        if sense.capitals:      # "ALL TESTS CAME BACK FINE": a word in a sentence written in capitals
            words = [t.text for t in sentence if t.is_alpha and len(t) > 1 and not candidate.start <= t.i < candidate.end]
            if words and sum(w.isupper() for w in words) * 2 > len(words):
                return True
        before = doc[max(sentence.start, candidate.start - sense.window):candidate.start]
        following = doc[candidate.end:min(sentence.end, candidate.end + sense.window)]
        return (any(t.lower_ in sense.near or t.lower_ in sense.near_both for t in before)
                or any(t.lower_ in sense.near_both for t in following))

    @staticmethod
    def _in_disease_slot(doc: Doc, start: int, end: int, groups: dict[tuple[int, int], list[Candidate]],
                         linked: bool = True) -> bool:
        """A disease's short name in small letters ("ra", "uc", "aps") is the disease after a
        word that introduces one ("i have ra", "her uc", "dx jia": ``disease_slot_after``) or
        joined by a list word to another disease ("sle, aps and hashimotos", "crohns and psc",
        "ra + psoriasis": ``disease_list_links``), or alone at the end of the message after a
        comma (``disease_tag_after``: "..., uc"), or after "the" before a verb ("the uc is bad":
        ``disease_slot_the_verbs``); elsewhere it is the English word (h102,
        round 22)."""
        if start > 0 and doc[start - 1].lower_ in vocabulary_words("disease_slot_after"):
            return True
        if (start > 0 and doc[start - 1].lower_ == "the" and end < len(doc)
                and doc[end].lower_ in vocabulary_words("disease_slot_the_verbs")):
            return True     # "the uc is bad", not "the ra meeting hall" (h135, round 29)
        if ((start == 0 or doc[start - 1].text in (".", "!", "?", "\n") or doc[start - 1].is_space) and end < len(doc)
                and (doc[end].lower_ in vocabulary_words("disease_slot_the_verbs")
                     or doc[end].lower_ in vocabulary_words("disease_slot_opening_next"))):
            return True     # opening a message or sentence before a verb ("uc flaring again", "ra for 6 yrs"; h140, round 30)
        if ((start == 0 or doc[start - 1].text in (".", "!", "?", "\n") or doc[start - 1].is_space)
                and end + 1 < len(doc) and doc[end].text == "," and _an_age(doc[end + 1])
                and (end + 2 >= len(doc) or not doc[end + 1].text.isdigit()
                     or doc[end + 2].lower_ in vocabulary_words("age_after_opening_words"))):
            return True     # ... or before a comma and the age ("uc, 41 m, since 2015", "ra, 58"; h196, round 41)
        if ((start == 0 or doc[start - 1].text in (".", "!", "?", "\n", ",") or doc[start - 1].is_space)
                and end + 1 < len(doc) and doc[end].like_num and _duration_unit(doc[end + 1].lower_)):
            return True     # ... or before how long ("uc 10 yrs. tried mesalazine", "ra 12 years"; h155, round 33)
        if (start > 0 and doc[start - 1].text in (",", ";") and end < len(doc)
                and (doc[end].lower_ in vocabulary_words("disease_slot_the_verbs")
                     or doc[end].lower_ in vocabulary_words("disease_slot_opening_next"))):
            # opening a clause before a verb ("..., jia is managed on etanercept"; h140, round 30)
            # or a word of the opening's ("my mum is 80, ra since her 40s"; h186, round 39)
            return True
        if (start > 0 and doc[start - 1].text in vocabulary_words("disease_tag_after")
                and all(t.is_punct or t.is_space for t in doc[end:])):
            return True     # a tag ending the message ("..., now stelara since then, uc"; h135, round 29)
        if not linked:
            return False
        links = vocabulary_words("disease_list_links")

        def disease(span: tuple[int, int], group: list[Candidate]) -> bool:
            # another disease, or another short name in a disease's place of its own ("has uc and
            # psc": the "uc" after "has"; h176, round 37)
            return any(c.label == "CONDITION" and (not c.slot or EntityRecognizer._in_disease_slot(doc, *span, groups, linked=False))
                       for c in group)
        before = start > 1 and doc[start - 1].lower_ in links and any(
            e == start - 1 and disease((s, e), group) for (s, e), group in groups.items())
        after = end + 1 < len(doc) and doc[end].lower_ in links and any(
            s == end + 1 and disease((s, e), group) for (s, e), group in groups.items())
        if not (before or after) and start > 3 and doc[start - 1].lower_ in links and _duration_unit(doc[start - 2].lower_) \
                and doc[start - 3].like_num:
            # ... or after how long the disease before it has lasted ("lupus for 12 years and aps",
            # "ssc 12 years, pah since last yr"; h181, round 38)
            last = start - 4 if doc[start - 4].lower_ in vocabulary_words("disease_duration_openers") else start - 3
            before = any(e == last and disease((s, e), group) for (s, e), group in groups.items())
        return before or after

    def _measure(self, doc: Doc, candidate: Candidate) -> dict[str, Any]:
        if candidate.label not in MEASURED:
            return {}
        return {"reading": self.reading_after(doc, candidate.start, candidate.end, candidate.concept)}

    def _exact(self, doc: Doc) -> list[tuple[Candidate, dict[str, Any]]]:
        groups: dict[tuple[int, int], list[Candidate]] = {}
        for candidate in self.terms(doc):
            groups.setdefault((candidate.start, candidate.end), []).append(candidate)
        kept: list[tuple[Candidate, dict[str, Any]]] = []
        starts: list[int] | None = None
        for (start, end), group in groups.items():
            reading = None
            if any(c.label in MEASURED for c in group):
                concept = next(c.concept for c in group if c.label in MEASURED)
                if starts is None:
                    starts = sorted(s for s, _ in groups)
                following = next((s for s in starts if s >= end), None)
                next_start = doc[following].idx if following is not None else None
                reading = self.reading_after(doc, start, end, concept, next_start)
            text = doc_text(doc)[doc[start].idx:doc[end - 1].idx + len(doc[end - 1])]
            if reading is not None and text.lower() in self.lab_words.implied:
                reading = None      # "hypocomplementaemic, proteinuria 2.1 g/day": a quality word, no value of its own
            # a weak term in small letters after a subject, a negation or an auxiliary is the verb
            # it also is: "my count never got above 30" is no AST (GOT) value
            verb = start > 0 and not text.isupper() and doc[start - 1].lower_ in vocabulary_words("weak_term_not_after")
            if reading is not None and self.age_after.match(doc_text(doc), reading.end):
                reading = None if all(c.weak for c in group) else reading
            group = [c for c in group if not c.slot or self._in_disease_slot(doc, start, end, groups)]
            if start > 0 and doc[start - 1].like_num and end - start == 1 and unit_candidates(text):
                # "pyridostigmine 60 MG", "QTc 450 MS": a unit after its number, not the disease
                # its letters also name ("MG" myasthenia gravis, "MS"; h115, round 25)
                group = [c for c in group if c.label != "CONDITION"]
            group = [c for c in group if not c.weak or text.isupper() or (c.label in MEASURED and reading and not verb)
                     or (c.label == "LAB" and self._quality_beside(doc, start, end))
                     or (c.label in ("BIOMARKER", "INFECTION") and _result_after(doc, end))]
            measured = [c for c in group if c.label in MEASURED]
            others = [c for c in group if c.label not in MEASURED]
            if measured and others and reading is None:
                # "2 grams of protein in her urine a day": the amount and its unit before the name
                at = doc[start].idx
                reading = self.values.before(doc_text(doc), sentence_index(doc).bounds(at)[0], at)
            if measured and others:
                group = measured if reading else others
            if group:
                candidate = group[0]
                kept.append((candidate, {"reading": reading} if candidate.label in MEASURED else {}))
        return kept


def _result_after(doc: Doc, end: int) -> bool:
    """A test's result right after a weak test name, a linking word or two between ("ana pos",
    "ana was positive", "ana came back negative"; ``weak_term_result_after`` and
    ``weak_term_result_links`` in extraction.yaml): the weak name is the test (h165, round 35)."""
    links = vocabulary_words("weak_term_result_links")
    results = vocabulary_words("weak_term_result_after")
    for token in doc[end:min(len(doc), end + 4)]:
        if token.lower_ in results:
            return True
        if token.lower_ not in links:
            return False
    return False


def _resolve(ranked: list[tuple[Candidate, str, dict[str, Any]]]) -> list[tuple[Candidate, str, dict[str, Any]]]:
    order = sorted(ranked, key=lambda r: (-(r[0].end - r[0].start), _PRIORITY[r[1]], r[0].start))
    taken: set[int] = set()
    chosen = []
    for item in order:
        tokens = range(item[0].start, item[0].end)
        if any(i in taken for i in tokens):
            continue
        taken.update(tokens)
        chosen.append(item)
    return sorted(chosen, key=lambda r: r[0].start)


_SAME_THING_GAP = re.compile(r"[\s-]*(?:type|based|like|protocol|regimen|style)[\s-]*", re.IGNORECASE)


def _aimed_at(doc: Doc, end: int, target_words: frozenset[str]) -> bool:
    """A word of aiming right after the antigen, with or without a hyphen ("CD7-directed",
    "CD19 targeted"; ``target_words`` in data/nlp/extraction.yaml)."""
    i = end + 1 if end < len(doc) and doc[end].text == "-" else end
    return i < len(doc) and doc[i].lower_ in target_words


def _on_address_line(doc: Doc, start: int, address_line: re.Pattern) -> bool:
    """The mention stands on a letter's or e-mail's address line ("To: CAR-T referrals",
    "From: Dr A, BMT unit"; ``address_line_heads`` in data/nlp/extraction.yaml)."""
    text = doc_text(doc)
    begin = text.rfind("\n", 0, doc[start].idx) + 1
    head = address_line.match(text, begin)
    if head is None:
        return False
    # the address ends with its sentence: a letter written as one paragraph goes on after it
    # ("To: Dr Mensah. Mr R.K., 67, erosive RA since 2010. ..."; h156, round 33)
    stop = _ADDRESS_END.search(text, head.end(), doc[start].idx + 1)
    return stop is None


# the end of an address written on a line that goes on: a full stop after a word of two or more
# letters (not "Dr." or an initial: "From: Dr. A. Mensah, BMT unit") and a space
_ADDRESS_END = re.compile(r"(?<![A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bProf)\.[ \t]+(?=[A-Z0-9])")


def _drop_redundant(doc: Doc, chosen: list[tuple[Candidate, str, dict[str, Any]]],
                    names_service: Callable[[Doc, Candidate], bool], slash_generic: frozenset[str] = frozenset(),
                    slash_kin: frozenset[str] = frozenset(),
                    target_words: frozenset[str] = frozenset()) -> list[tuple[Candidate, str, dict[str, Any]]]:
    keep = []
    for i, item in enumerate(chosen):
        candidate = item[0]
        # "the lupus clinic", "the CAR-T team", "To: CAR-T referrals": a place, team or
        # addressee, no fact
        if names_service(doc, candidate):
            continue
        before = chosen[i - 1][0] if i > 0 else None
        after = chosen[i + 1][0] if i + 1 < len(chosen) else None
        if candidate.concept == "active_infection" and doc[candidate.start:candidate.end].text.lower() == "infection":
            if (before and before.label == "INFECTION" and candidate.start - before.end <= 1) or (
                after and after.label == "INFECTION" and after.start - candidate.end <= 2
                and candidate.end < len(doc) and doc[candidate.end].lower_ in ("with", "of", "by")
            ):
                continue
        if (after and after.concept == candidate.concept and after.label == candidate.label and candidate.label in ("DRUG", "PROCEDURE")
                and _SAME_THING_GAP.fullmatch(doc_text(doc), doc[candidate.end - 1].idx + len(doc[candidate.end - 1]), doc[after.start].idx)):
            continue    # "BFM-type chemotherapy", "UKALL protocol chemotherapy": one mention of one treatment
        if (before is not None and candidate.concept in slash_generic and before.label == candidate.label == "CONDITION"
                and candidate.start - before.end == 1 and doc[before.end].text == "/" and before.concept in slash_kin):
            continue    # "T-lymphoblastic lymphoma/leukaemia": one disease written both ways
        if candidate.label == "BIOMARKER" and _aimed_at(doc, candidate.end, target_words):
            continue    # "CD7-directed therapy", "CD19-targeted cellular therapy": what a treatment aims at
        if candidate.label == "BIOMARKER" and after and after.label == "PROCEDURE" and after.start - candidate.end <= 1:
            gap = doc[candidate.end:after.start].text.strip()
            if gap in ("", "-"):
                continue
        keep.append(item)
    return keep


@Language.factory(ENTITIES_PIPE)
def make_entity_recognizer(nlp, name):  # no annotations: spaCy validates factory signatures
    return EntityRecognizer(nlp, name)
