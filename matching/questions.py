"""The next best question, and the open questions of each trial.

Every undecided leaf names the key of the question that would settle it (``LeafResult.ask``,
e.g. ``"infection:hiv:positive"``, ``"lab:creatinine"``, ``"last_dose:glucocorticoid"``).
Texts, answer forms and options come from ``data/questions.yaml``.

``next_question(results, asked)`` looks at the unknown leaves of the best-ranked trials
still ``possible`` (the first ``QUESTION_TRIALS`` of the ranked results: questions serve the
trials that fit best so far, and choosing stays fast with 100,000 trials) and asks, in this
order:

1. the diagnosis a trial treats (its ``conditions``), while it is unknown (several become
   one choice question, so "none of these" settles them all at once); once the patient
   has stated one of a trial's diseases, that trial's other disease groups are ordinary
   questions; comorbidities that exclusions name are ordinary questions;
2. the question whose answer is most likely to change the verdicts of the best-ranked
   trials (``matching.question_value``: per trial, the probability that an answer rules it
   out under the likely answers to the rest, or makes it likely; weighted by the trial's
   rank (a trial whose conditions meet the patient's less well than the best-fitting
   trial's weighs as one after those shown: the best-fitting trials' questions come first)
   and by how many people in the ``audience`` can answer; priors in
   ``data/question_priors.yaml``);
3. then the one whose answer could rule out the most trials ("what if yes" / "what if no"
   on the criterion holding the leaf: ``matching.plans.Judgement.what_if``), the one that
   settles the most criteria, the one shared by most trials;
4. ties broken by the key, so the choice is deterministic.

The question says how much it can change (``gain``) and whether that is worth asking
before the first results (``worth``: the threshold of ``data/question_priors.yaml``, reached
both by the gain and by its part from the trial at the top of the list, so an answer that can
only move trials below the first waits; the diagnosis always is): the conversation shows
results when the best question is not
("ask me more" asks it). A question whose answer can settle no criterion and change no
verdict is left for later (it may matter once other answers are in); when only such
questions remain, ``next_question`` returns None: no unknown can change a verdict now.

Keys in ``asked`` (the caller keeps them; "not sure" and "skip" included) are not asked again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any, Iterable

from data.terminology import load_terminology
from matching.cache import Lru
from matching.cohorts import focused_items
from matching.question_priors import load_priors
from matching.named_drugs import named_in_class
from matching.question_texts import load_question_texts
from matching.question_value import Completion, question_kind
from matching.relevance import background_beside_main
from core.truth import FAIL, FALSE, TRUE, UNKNOWN
from core.facts import Fact
from matching.verdicts import INELIGIBLE, POSSIBLE

DIAGNOSIS_ANY = "diagnosis"
_EXAMPLES = 3
QUESTION_TRIALS = 25       # the best-ranked possible trials question choice looks at (5 are shown)
_COMBINED_DIAGNOSES = 6    # other diseases in one choice question (with "none of these" and "not sure": 8 buttons)
REMEMBER = True            # reuse each trial's question values while its nodes' values stay the same
TRIAL_VALUES_KEPT = 4_096   # trials' question values remembered (by plan and node values; ~8 KB each at 10k: ~30 MB)
_TRIAL_VALUES = Lru(TRIAL_VALUES_KEPT)
_RESPONSE_WORDS = {
    "any": "",
    "failed": "that did not work well enough",
    "intolerant": "that you had to stop because of side effects",
    "failed_or_intolerant": "that did not work well enough or caused side effects",
    "current": "that you are taking now",
}
_RESPONSE_WORDS_ZH = {"any": "", "failed": "但效果不好", "intolerant": "但因副作用停用",
                      "failed_or_intolerant": "但效果不好或因副作用停用", "current": "并且目前在用"}


@dataclass
class Question:
    """One question: both wordings, the answer form, and how answers become facts."""

    key: str
    leaf: dict | None
    patient: str
    clinician: str
    form: str
    options: list[str]
    unit: str | None = None
    kind: str = ""
    concepts: list[str] = field(default_factory=list)
    detail: str | None = None             # therapy response / infection state
    values: dict[str, str] = field(default_factory=dict)
    no_means: str | None = None           # the option a plain "no" chooses ("Does heart trouble limit you?")
    basis: list[Fact] = field(default_factory=list, repr=False)
    zh_patient: str | None = None         # the wordings in Chinese (None: English only)
    zh_clinician: str | None = None
    zh_options: list[str] = field(default_factory=list)    # the options' Chinese texts, in order
    gain: float | None = None             # expected change of verdicts (next_question; None: not chosen)
    worth: bool = True                    # worth asking before the first results (next_question)

    def text(self, audience: str = "patient") -> str:
        return self.clinician if audience == "clinician" else self.patient

    def answer_to_facts(self, text: str, today: date | None = None) -> list[Fact] | None:
        """Facts from a reply. None when the user is not sure or skips (the leaf stays
        unknown; the caller should not ask this key again); [] when the reply is not
        understood (ask again, or read it as free text)."""
        from matching.answers import answer_to_facts  # start-up: spaCy only once text is read

        return answer_to_facts(self, text, today=today)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "patient": self.patient, "clinician": self.clinician,
                "form": self.form, "options": list(self.options), "unit": self.unit}


def _as_written(basis: Iterable[Fact], concept: str | None, label: str) -> str | None:
    """The word the person wrote for the concept asked about ("benlysta", "cellcept", "mmf")
    when it is not already in its label; a few letters only (never a longer stretch of text)."""
    for fact in basis:
        written = (fact.text or "").strip()
        if (fact.concept == concept and written and len(written) <= 30
                and _WRITTEN.fullmatch(written) and written.casefold() not in label.casefold()):
            return written[0].upper() + written[1:] if written.islower() and len(written) > 4 else written
    return None


# a drug name as written: letters, digits and a hyphen or space within ("CellCept", "ritux", "MMF")
_WRITTEN = re.compile(r"[^\W\d_][\w-]*(?: [\w-]+)?")


def build_question(key: str, leaf: dict | None = None, basis: Iterable[Fact] = (),
                   concepts: list[str] | None = None) -> Question:
    """The question for a key (``concepts`` lists the choices of the combined diagnosis
    question). A leaf's own ``ask`` texts win over the defaults."""
    texts = load_question_texts()
    term = load_terminology()
    kind, concept, detail = _parse_key(key)
    if key == DIAGNOSIS_ANY:
        kind = "diagnosis_any" if concepts else "diagnosis_open"
    entry = texts.entry(kind, key)
    label = term.label(concept) if concept else ""
    unit = entry.get("unit")
    if unit == "canonical":
        unit = term.canonical_unit(concept) or None
    fill = {
        "label": label,
        "examples": _examples(concept) if kind.startswith(("therapy", "last_dose", "allergy")) else "",
        "unit": unit or "",
        "response": _RESPONSE_WORDS.get(detail or "any", ""),
    }
    # a class of drugs ("NSAID", "conventional immunosuppressant / DMARD") is asked as "any
    # NSAID": "Have you taken NSAID ...?" is no English (lead, round 29)
    fill["any"] = "any " if fill["examples"] else ""
    zh_examples = _zh_examples(concept) if kind.startswith(("therapy", "last_dose", "allergy")) else ""
    tried = named_in_class(basis, concept, None) if entry["form"] == "yes_no" and entry.get("known_patient") else []
    if tried:       # "Has he taken a DMARD (you mentioned tacrolimus) and it did not work?"
        names = ", ".join(term.label(c) for c in tried)
        # the person's own word where the terminology says so ("you mentioned prednisolone",
        # not the prednisone matching reads it as; lead, round 43)
        said = ", ".join(next((w for f in basis if f.concept == c and (w := term.as_written(c, f.text))),
                              term.label(c)) for c in tried)
        fill["examples"] = " " + _fill(entry["known_patient"], {"names": said})
        clinician_examples = " " + _fill(entry["known_clinician"], {"names": names})
        zh_examples = _fill(entry.get("zh_known", ""), {"names": "、".join(_zh_label(term, c) for c in tried)}, zh=True) or zh_examples
    written = _as_written(basis, concept, label) if kind == "last_dose" else None
    # "When did you last take Benlysta (belimumab)?": the patient's own word first, so a
    # brand or a short name they used is recognised (the clinician reads the generic name)
    patient = _fill(entry["patient"], {**fill, "label": f"{written} ({label})"} if written else fill)
    clinician = _fill(entry["clinician"], {**fill, "examples": clinician_examples} if tried else fill)
    named = named_in_class(basis, concept, detail) if kind == "therapy_count" and entry.get("known_patient") else []
    if named:       # "Count infliximab too": what was said stays in the count
        said = ", ".join(term.label(c) for c in named)
        patient = f"{patient} {_fill(entry['known_patient'], {'names': said})}"
        clinician = f"{clinician} {_fill(entry['known_clinician'], {'names': said})}"
    zh_fill = {**fill, "any": "", "label": _zh_label(term, concept) if concept else "",
               "examples": zh_examples,
               "response": _RESPONSE_WORDS_ZH.get(detail or "any", "")}
    zh_patient = _fill(entry["zh_patient"], zh_fill, zh=True) if entry.get("zh_patient") else None
    zh_clinician = _fill(entry["zh_clinician"], zh_fill, zh=True) if entry.get("zh_clinician") else None
    options = list(entry["options"])
    zh_options = list(entry.get("zh_options") or [])
    values = dict(entry.get("values", {}))
    if concepts:
        labels = [term.label(c) for c in concepts]
        patient = f"{patient} {', '.join(labels)}."
        clinician = f"{clinician} {'; '.join(labels)}"
        values = dict(zip(labels, concepts))
        options = labels + ["None of these", "Not sure"]
        zh_labels = [_zh_label(term, c) for c in concepts]
        zh_patient = f"{zh_patient}{'、'.join(zh_labels)}。" if zh_patient else None
        zh_clinician = f"{zh_clinician}{'；'.join(zh_labels)}" if zh_clinician else None
        zh_options = zh_labels + ["都没有", "不确定"]
    ask = (leaf or {}).get("ask") or {}
    if ask.get("patient") or ask.get("clinician"):    # a trial's own wording: English only
        zh_patient = zh_clinician = None
    patient = ask.get("patient", patient)
    clinician = ask.get("clinician", clinician)
    return Question(key=key, leaf=leaf, patient=patient, clinician=clinician, form=entry["form"],
                    options=options, unit=unit, kind=kind,
                    concepts=list(concepts) if concepts else ([concept] if concept else []),
                    detail=detail, values=values, no_means=entry.get("no_means") if not concepts else None, basis=list(basis), zh_patient=zh_patient,
                    zh_clinician=zh_clinician, zh_options=zh_options if len(zh_options) == len(options) else [])


def _parse_key(key: str) -> tuple[str, str | None, str | None]:
    """(kind, concept, detail) of a question key."""
    parts = key.split(":")
    if parts[0] == "confirm":
        return f"confirm_{parts[1]}", (parts[2] if len(parts) > 2 else None), None
    head, concept = parts[0], (parts[1] if len(parts) > 1 else None)
    detail = parts[2] if len(parts) > 2 else None
    if head == "therapy":
        return f"therapy_{detail or 'any'}", concept, detail or "any"
    if head == "infection":
        return f"infection_{detail or 'positive'}", concept, detail or "positive"
    return head, concept, detail


def _fill(template: str, values: dict[str, str], zh: bool = False) -> str:
    text = template
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    text = text.replace(" ()", "").replace("()", "")  # an empty unit leaves no brackets
    if zh:
        text = text.replace("（）", "")
    return " ".join(text.split())


def _zh_label(term, concept: str | None) -> str:
    """A concept's Chinese name (the terminology's first ``zh`` name), else its label."""
    entry = term.get(concept) if concept else None
    names = getattr(entry, "zh", ()) if entry is not None else ()
    return names[0] if names else term.label(concept)


@lru_cache(maxsize=4096)
def _zh_examples(concept: str | None) -> str:
    """"（例如 a、b、c）" for a drug class, with Chinese names; "" for a single drug."""
    term = load_terminology()
    if not concept or concept not in term:
        return ""
    drugs = [_zh_label(term, c) for c in _example_ids(term, concept)]
    return f"（例如{'、'.join(drugs[:_EXAMPLES])}）" if drugs else ""


def _examples(concept: str | None) -> str:
    """" (for example a, b, c)" for a drug class; "" for a single drug."""
    return _examples_in(load_terminology(), concept)


@lru_cache(maxsize=4096)
def _examples_in(term, concept: str | None) -> str:
    if not concept or concept not in term:
        return ""
    drugs = [term[c].label for c in _example_ids(term, concept)]
    return f" (for example {', '.join(drugs[:_EXAMPLES])})" if drugs else ""


def _example_ids(term, concept: str) -> list[str]:
    """The most specific drugs of a class, not a route variant, and not a regimen that
    only contains one ("R-CHOP" is no example of a glucocorticoid; ``kind: regimen`` in
    data/terminology/therapies.yaml)."""
    below = [c for c in term.descendants(concept) if c != concept and term[c].kind != "regimen"]
    parents = {p for c in below for p in term[c].parents}
    leaves = sorted((c for c in below if c not in parents and not term[c].attrs.get("route")), key=lambda c: term[c].label)
    # the class's own ``examples`` (the most used drugs) first, then the others by name: a
    # Crohn's patient was asked about "biologic medicines (for example alemtuzumab,
    # eculizumab, efgartigimod alfa)"
    chosen = [c for c in term[concept].attrs.get("examples") or () if c in term and c in below]
    return chosen + [c for c in leaves if c not in chosen]


# --- choosing ---------------------------------------------------------------------------

def trial_questions(result) -> list[Question]:
    """The questions that would settle this trial's unknown criteria, in criterion order
    (none for a trial ruled out as one for other conditions; none about a second disease of
    a kind the patient has one of, as ``next_question`` never asks them: an ALL referral is
    not asked "Diagnosis of Hodgkin lymphoma?", the criterion stays for the trial team)."""
    if result.off_condition:
        return []
    judgement = result.judgement
    stated = _stated_concepts(judgement)
    priors, memo = load_priors(), {}
    seen: dict[str, Question] = {}
    for _top, node in focused_items(result):
        leaf = judgement.leaf_result(node)
        if leaf.ask and leaf.ask not in seen and not _another_of_a_kind(leaf.ask, stated, priors, memo):
            seen[leaf.ask] = build_question(leaf.ask, leaf.leaf, leaf.facts)
    return list(seen.values())


def find_question(results: list, key: str, limit: int | None = None) -> Question | None:
    """The question with ``key`` that one of the trials ``next_question`` chooses for (the
    first ``limit`` still-possible ones) still asks, or None: it no longer matters."""
    limit = QUESTION_TRIALS if limit is None else limit
    for result in results:
        if result.verdict != POSSIBLE:
            continue
        limit -= 1
        if limit < 0:
            break
        question = result.question(key)
        if question is not None:
            return question
    return None


@dataclass(slots=True)
class _Candidate:
    key: str
    leaf: Any
    trials: set = field(default_factory=set)
    rules_out: set = field(default_factory=set)
    settles: int = 0
    main_diagnosis: bool = False
    trial_condition: bool = False         # a disease some trial treats (stated by the patient or not)
    sources: list = field(default_factory=list)     # (trial id, its _TrialValues, judgement): rules_out, settles
    settled: bool = False
    gain: float = 0.0
    rounded: float = 0.0                  # the gain to 6 places (ties)
    top_gain: float = 0.0                 # the part of the gain from the trial at the top of the list

    def settle(self) -> "_Candidate":
        """Work out ``rules_out`` and ``settles`` (only needed to break ties of gain, or
        when no question can change a verdict: asked for then only)."""
        if not self.settled:
            for trial_id, values, judgement in self.sources:
                rules_out, settles = values.settle(self.key, judgement)
                if rules_out:
                    self.rules_out.add(trial_id)
                self.settles += settles
            self.settled = True
        return self


def _is_main_diagnosis(key: str, conditions: tuple[str, ...], memo: dict) -> bool:
    """A diagnosis question about the disease a trial treats (its ``conditions``), as
    opposed to a comorbidity an exclusion names."""
    if not key.startswith("diagnosis:"):
        return False
    found = memo.get((key, conditions))
    if found is None:
        concept = key.split(":", 1)[1]
        term = load_terminology()
        found = memo[(key, conditions)] = any(term.is_a(concept, c) or term.is_a(c, concept) for c in conditions)
    return found


def _stated_concepts(judgement) -> list[str]:
    """The concepts of the diagnoses the patient states (asserted, not hedged)."""
    return [f.concept for f in judgement.ev.profile.of("CONDITION") if f.asserted and not f.uncertain]


def _suspected_concepts(judgement) -> list[str]:
    """The concepts of the diagnoses the patient names with a doubt ("i think i might have
    lupus", "possible dermatomyositis")."""
    return [f.concept for f in judgement.ev.profile.of("CONDITION") if f.asserted and f.uncertain]


def _another_of_a_kind(key: str, stated: list[str], priors, memo: dict[str, bool]) -> bool:
    """A diagnosis question about a second disease of a class a patient rarely has two of
    (``one_of_a_kind`` in data/question_priors.yaml: a lymphoma patient asked about solid
    tumours): not asked, the criterion stays open for the trial team."""
    if not key.startswith("diagnosis:") or not stated or not priors.one_of_a_kind:
        return False
    found = memo.get(key)
    if found is None:
        term = load_terminology()
        concept = key.split(":", 2)[1]
        related = any(term.is_a(concept, c) or term.is_a(c, concept) for c in stated)
        found = memo[key] = not related and any(
            term.is_a(concept, kind) and any(term.is_a(c, kind) for c in stated) for kind in priors.one_of_a_kind)
    return found


AGE_KEY = "age"


def _excluded_by_stated(key: str, stated: list[str], memo: dict) -> bool:
    """A diagnosis question about a disease the terminology says a stated one excludes
    (``contradicts``: "adult-onset Still's disease?" of a patient with systemic JIA, the same
    disease begun in childhood): not asked, the criterion stays open for the trial team."""
    if not key.startswith("diagnosis:") or not stated:
        return False
    found = memo.get(("contradicts", key))
    if found is None:
        term = load_terminology()
        concept = key.split(":", 2)[1]
        found = memo[("contradicts", key)] = concept in term and any(
            c in term and (_lists(term, c, concept) or _lists(term, concept, c)) for c in stated)
    return found


def _above_stated(key: str, stated: list[str], memo: dict) -> bool:
    """A diagnosis question about a disease a stated one is a kind of ("kidney disease?" of a
    patient with lupus nephritis, which the trial's chronic kidney disease counts only as an
    organ's involvement): not asked, a "yes" adds nothing the stated disease does not say and
    a "no" would contradict it; the criterion stays open for the trial team."""
    if not key.startswith("diagnosis:") or not stated:
        return False
    found = memo.get(("above", key))
    if found is None:
        found = memo[("above", key)] = _has_kind_in(key, [c for c in stated if c != key.split(":", 2)[1]])
    return found


def _lists(term, one: str, other: str) -> bool:
    """``one`` (or a concept above it) names ``other`` (or one above it) under ``contradicts``."""
    return any(other == target or (target in term and term.is_a(other, target))
               for above in term.ancestors(one) for target in term[above].attrs.get("contradicts", ()))


def _another_group(key: str, stated: list[str], conditions: tuple[str, ...], stated_memo: dict,
                   memo: dict) -> bool:
    """A question whether the patient also has another disease of a trial for several, when
    a disease they stated is one of the trial's (a UC patient asked "rheumatoid arthritis?"
    once the UC branch is likely to fail): not asked, the criterion stays open for the
    trial team. A form of a stated disease (lupus nephritis for lupus) is still asked. A trial
    for a kind of the stated disease counts as the patient's ("scleroderma" stated, a trial for
    diffuse cutaneous systemic sclerosis, lupus and ITP: "diffuse cutaneous?", not "lupus, ITP?",
    even once the kind is left open)."""
    if not key.startswith("diagnosis:") or not (_diagnosis_stated(stated, conditions, stated_memo)
                                                or _kind_of_stated_in(stated, conditions, stated_memo)):
        return False
    found = memo.get(("group", key))
    if found is None:
        term = load_terminology()
        concept = key.split(":", 2)[1]
        found = memo[("group", key)] = concept in term and not any(
            c in term and (term.is_a(concept, c) or term.is_a(c, concept)) for c in stated)
    return found


def _near_stated(key: str, stated: list[str], memo: dict) -> bool:
    """A diagnosis question about a disease close to one the patient stated: a kind of it,
    one it is a kind of, or a sibling under the same parent (dermatomyositis beside an
    anti-synthetase syndrome, both inflammatory myopathies)."""
    found = memo.get(("near", key))
    if found is None:
        term = load_terminology()
        concept = key.split(":", 2)[1]
        parents = set(term.get(concept).parents) if concept in term else set()
        found = memo[("near", key)] = concept not in term or any(
            c in term and (term.is_a(concept, c) or term.is_a(c, concept) or parents & set(term.get(c).parents))
            for c in stated)
    return found


def _kind_of_stated(key: str, stated: list[str]) -> bool:
    """A diagnosis question about a kind of a disease the patient stated (diffuse cutaneous
    systemic sclerosis, once systemic sclerosis is known)."""
    return _kind_of_any(key, stated, itself=False)


def _kind_of_any(key: str, concepts: Iterable[str], itself: bool = True) -> bool:
    """A diagnosis question about one of ``concepts`` (unless not ``itself``) or a kind of one."""
    term = load_terminology()
    concept = key.split(":", 2)[1]
    return concept in term and any((itself or c != concept) and c in term and term.is_a(concept, c) for c in concepts)


def _has_kind_in(key: str, concepts: Iterable[str]) -> bool:
    """A diagnosis question about a disease one of ``concepts`` is a kind of (systemic lupus
    erythematosus, for a doubted lupus nephritis)."""
    term = load_terminology()
    concept = key.split(":", 2)[1]
    return concept in term and any(c in term and term.is_a(c, concept) for c in concepts)


def _kind_of_stated_in(stated: list[str], conditions: tuple[str, ...], memo: dict) -> bool:
    """One of the trial's conditions is a kind of a disease the patient stated (diffuse
    cutaneous systemic sclerosis, for "scleroderma")."""
    found = memo.get(("kind", conditions))
    if found is None:
        term = load_terminology()
        found = memo[("kind", conditions)] = any(
            c != s and c in term and s in term and term.is_a(c, s) for s in stated for c in conditions)
    return found


def _diagnosis_stated(stated: list[str], conditions: tuple[str, ...], memo: dict) -> bool:
    """The patient has stated (not negated, not uncertain) a disease this trial treats, so
    the trial's other disease groups are not worth asking about first."""
    found = memo.get(conditions)
    if found is None:
        term = load_terminology()
        found = memo[conditions] = any(term.is_a(concept, c) for concept in stated for c in conditions)
    return found


@dataclass
class _TrialValues:
    """What one still-possible trial brings to question choice, worked out from the values
    of its nodes and the keys of its open leaves alone, so a later turn (or another
    conversation) in which they are the same reuses it: its open leaves (criterion order)
    as ``(node, key, stated)``; per question key (in the order first held), the place of
    its first leaf, whether it is about a disease the trial treats (``main``) and its
    ``(criterion, leaf)`` places; per key, whether an answer rules the trial out and how
    many answers settle a criterion (worked out when asked for); the trial's gains
    (``matching.question_value``) per the keys of it already asked."""

    book: Any
    priors: Any
    leaves: tuple[tuple[int, str | None, bool], ...]
    keys: tuple[tuple[str, int, bool, tuple[tuple[int, int], ...]], ...]    # (key, first leaf, main, places)
    asks: frozenset
    gains: dict[frozenset, dict[str, float]] = field(default_factory=dict)
    settled: dict[str, tuple[bool, int]] = field(default_factory=dict)

    def settle(self, key: str, judgement: Any) -> tuple[bool, int]:
        """(an answer to ``key`` rules the trial out, how many answers settle one of its
        criteria): "what if" on each place (any judgement giving these node values)."""
        found = self.settled.get(key)
        if found is None:
            places = next(entry[3] for entry in self.keys if entry[0] == key)
            rules_out, settles = False, 0
            for top, node in places:
                for answer in (TRUE, FALSE):
                    status = judgement.what_if(top, node, answer)
                    rules_out = rules_out or status == FAIL
                    settles += status != UNKNOWN
            found = self.settled[key] = (rules_out, settles)
        return found


def _trial_values(result: Any, priors: Any, main_memo: dict) -> tuple[_TrialValues, list]:
    """The trial's ``_TrialValues`` (remembered by the trial's plan and the values of every
    node below its criteria: an answer that changes none of them changes none of its
    question values) and its open leaves' results in this judgement (kept with the
    judgement: question choice runs several times a turn)."""
    judgement, plan = result.judgement, result.plan
    mine = judgement.memo.get(("questions", plan)) if REMEMBER else None
    if mine is not None and mine[0].priors is priors:
        return mine
    book = judgement.book
    memo_key = (plan, judgement.codes_of(book.subtree(plan.tops))) if REMEMBER else None
    kept = _TRIAL_VALUES.get(memo_key) if memo_key is not None else None
    if kept is not None and kept.book is book and kept.priors is priors:
        leaves = [judgement.leaf_result(item[0]) for item in kept.leaves]
        # a leaf's question can change with its facts while its value stays unknown
        if all(leaf.ask == item[1] and bool(leaf.facts) == item[2] for leaf, item in zip(leaves, kept.leaves)):
            judgement.memo[("questions", plan)] = (kept, leaves)
            return kept, leaves
    items, leaves = [], []
    keys: dict[str, list] = {}
    for top, node in result.open_items():
        leaf = judgement.leaf_result(node)
        key = leaf.ask
        if key:
            found = keys.get(key)
            if found is None:
                found = keys[key] = [key, len(items), _is_main_diagnosis(key, plan.conditions, main_memo), []]
            found[3].append((top, node))
        items.append((node, key, bool(leaf.facts)))
        leaves.append(leaf)
    values = _TrialValues(book, priors, tuple(items), tuple((k[0], k[1], k[2], tuple(k[3])) for k in keys.values()),
                          frozenset(keys))
    if memo_key is not None:
        _TRIAL_VALUES.put(memo_key, values)
        judgement.memo[("questions", plan)] = (values, leaves)
    return values, leaves


def forget() -> None:
    """Drop remembered question values (tests, benchmarks measuring cold turns)."""
    _TRIAL_VALUES.clear()


def next_question(results: list, asked: Iterable[str] = (), limit: int | None = None,
                  audience: str = "patient") -> Question | None:
    """The best question to ask next, or None when no unknown can change a verdict.

    Only the first ``limit`` still-possible trials of ``results`` (ranked, as
    ``matching.engine.match`` returns them) are considered (default ``QUESTION_TRIALS``):
    questions serve the trials that fit best so far; the others keep their own open
    questions (``TrialResult.questions``). The question carries its expected change of
    verdicts (``gain``) and whether that reaches the threshold of the first round
    (``worth``: the diagnosis always does); ``audience`` ("patient" or "clinician") is who
    answers: a clinician knows lab values and scores a patient rarely has at hand."""
    asked = set(asked)
    limit = QUESTION_TRIALS if limit is None else limit
    priors = load_priors()
    candidates: dict[str, _Candidate] = {}
    main_memo: dict = {}
    stated_memo: dict = {}
    stated: list[str] | None = None
    suspected: list[str] = []
    completion: Completion | None = None
    diagnosis_asked = DIAGNOSIS_ANY in asked
    kind_memo: dict[str, bool] = {}
    considered = 0
    best_fit: float | None = None
    top_id: str | None = None
    for result in results:
        if best_fit is None and result.verdict != INELIGIBLE:
            best_fit = result.condition_fit      # ranked: the first trial not ruled out fits best
            top_id = result.id                   # the top of the list the person is shown first
        if result.verdict != POSSIBLE:
            continue
        considered += 1
        if considered > limit:
            break
        judgement = result.judgement
        if stated is None:
            stated = _stated_concepts(judgement)
            suspected = [] if stated else _suspected_concepts(judgement)
            # the doubted disease asked about already ("not sure"): no other diagnosis question
            diagnosis_asked = diagnosis_asked or any(
                k.startswith("diagnosis:") and (_kind_of_any(k, suspected) or _has_kind_in(k, suspected)) for k in asked)
        conditions = result.conditions
        values, leaves = _trial_values(result, priors, main_memo)
        gains: dict[str, float] | None = None
        trial_id, source = result.id, (result.id, values, judgement)
        weighed = considered <= priors.weighed_trials
        weight = priors.fit_weight(considered - 1, result.condition_fit, best_fit) if weighed else 0.0
        for key, first, main, _places in values.keys:
            if (key in asked or (main and diagnosis_asked) or _another_of_a_kind(key, stated, priors, kind_memo)
                    or _excluded_by_stated(key, stated, kind_memo) or _above_stated(key, stated, kind_memo)):
                continue
            if main and stated and _another_group(key, stated, conditions, stated_memo, kind_memo):
                continue
            cand = candidates.get(key)
            if cand is None:
                cand = candidates[key] = _Candidate(key, leaves[first])
            trials = cand.trials
            if weighed and trial_id not in trials:
                if gains is None:       # they depend on the keys of this trial already asked only
                    mine = values.asks & asked
                    gains = values.gains.get(mine)
                    if gains is None:
                        if completion is None or completion.judgement is not judgement:
                            completion = Completion(judgement, asked, priors)
                        gains = values.gains[mine] = completion.gains(result)
                cand.gain += weight * gains.get(key, 0.0)
                if trial_id == top_id:
                    cand.top_gain = gains.get(key, 0.0)
            trials.add(trial_id)
            if main:
                cand.trial_condition = True
                # the disease of a trial the patient has stated none of: asked first, unless the
                # patient stated a diagnosis and the trial ranks below the weighed ones (a T2D
                # patient with RA is not asked first about the diabetic foot of the 15th trial)
                cand.main_diagnosis = cand.main_diagnosis or ((weighed or not stated)
                                                              and not _diagnosis_stated(stated, conditions, stated_memo))
            cand.sources.append(source)
    # an answer that can settle nothing on its own, and cannot change a verdict however
    # the other questions are likely answered, cannot change a verdict now (it may later,
    # once other answers are in); the diagnosis is always worth asking
    for cand in candidates.values():
        known = priors.answerable(question_kind(cand.key), audience, cand.key)
        cand.gain *= known
        cand.top_gain *= known
        cand.rounded = round(cand.gain, 6)
    diagnoses = sorted((c for c in candidates.values() if c.main_diagnosis), key=lambda c: (-len(c.trials), c.key))
    background = background_beside_main(stated, load_terminology()) if stated and diagnoses else set()
    if background:
        # a kind of a comorbidity named beside the main diagnosis ("type 2 diabetes?" of a
        # mother whose mother has CD7+ AML "and diabetes") is no diagnosis to settle first: the
        # comorbidity's trials rank after the main disease's (matching.relevance)
        for cand in diagnoses:
            if _kind_of_any(cand.key, background):
                cand.main_diagnosis = False
        diagnoses = [c for c in diagnoses if c.main_diagnosis]
    if stated and diagnoses:
        # a patient who named their disease is asked only about diseases close to it (an
        # anti-synthetase syndrome patient: "dermatomyositis?", not also Crohn's disease and
        # RA, the other groups of the trial open to her); the others stay open for the team
        near = [c for c in diagnoses if _near_stated(c.key, stated, kind_memo)]
        for far in diagnoses:
            if far not in near:
                far.main_diagnosis = far.trial_condition = False
        diagnoses = near
        # a kind of the disease the patient named comes first, alone ("systemic sclerosis"
        # stated, a trial for its diffuse cutaneous form and for lupus and ITP: asked about
        # that form, not about lupus and ITP)
        diagnoses = [c for c in diagnoses if _kind_of_stated(c.key, stated)] or diagnoses
    if suspected and diagnoses:
        # a disease named with a doubt ("i think i might have lupus") and none stated: asked
        # about that disease ("Have you been diagnosed with lupus?"), not "What illness have
        # you been diagnosed with?", which they have just told (with a doubt)
        # (the disease itself or a kind of it first: "dermatomyositis?", not also "inflammatory
        # myopathy?", which a yes to it meets)
        diagnoses = ([c for c in diagnoses if _kind_of_any(c.key, suspected)]
                     or [c for c in diagnoses if _has_kind_in(c.key, suspected)] or diagnoses)
    if len(diagnoses) >= 2 and DIAGNOSIS_ANY not in asked:
        # nothing stated and more diseases than fit one question: asked in the person's own
        # words (a list of 22 diseases, "malignancy" first, is no question); else at most
        # the diseases of the most trials
        listed = [] if len(diagnoses) > _COMBINED_DIAGNOSES and not stated else diagnoses[:_COMBINED_DIAGNOSES]
        question = build_question(DIAGNOSIS_ANY, concepts=[c.key.split(":", 1)[1] for c in listed])
        question.gain, question.worth = max(c.gain for c in diagnoses), True
        return question
    if diagnoses:
        best = diagnoses[0]
    else:
        top = max((c.rounded for c in candidates.values()), default=0.0)
        if top > 0:         # the best gain decides; what answers settle only breaks its ties
            kept = [c.settle() for c in candidates.values() if c.rounded == top]
        else:
            kept = [c for c in candidates.values() if c.settle().settles or c.gain > 0]
        if not kept:
            return None
        best = min(kept, key=lambda c: (-round(c.gain, 6), -len(c.rules_out), -c.settles, -len(c.trials), c.key))
    # worth asking before the first results: an answer likely enough to change the top of
    # the list, the verdict of the trial shown first; one that can only move trials below it
    # ("CD19 positive?" of the second trial's B-cell criterion) waits for "ask me more"
    worth = best.main_diagnosis or (round(best.gain, 6) >= priors.threshold
                                    and round(best.top_gain, 6) >= priors.threshold)
    if not worth and AGE_KEY not in asked and best.key != AGE_KEY:
        # the age, open on a trial shown, comes before the first results (and the city):
        # everyone can answer it in a word, and it settles every age limit at once
        age = candidates.get(AGE_KEY)
        if age is not None and age.gain > 0:
            best, worth = age, True
    elif best.key == AGE_KEY:
        worth = True
    if best.trial_condition and not best.main_diagnosis and DIAGNOSIS_ANY not in asked:
        # another disease of trials for several, once the patient's own branch is likely
        # to fail: the diseases that matter become one choice question ("none of these")
        others = sorted((c for c in candidates.values() if c.trial_condition and not c.main_diagnosis and c.gain > 0),
                        key=lambda c: (-round(c.gain, 6), c.key))[:_COMBINED_DIAGNOSES]
        kinds = [c for c in others if stated and _kind_of_stated(c.key, stated)]
        if kinds:
            # a kind of the disease the patient named comes first, alone ("systemic
            # sclerosis" stated, the trial is for its diffuse cutaneous form: asked about that
            # form, not also about lupus and ITP, the trial's other groups)
            others = kinds
            if len(kinds) == 1:
                best = kinds[0]
        if len(others) >= 2:
            question = build_question(DIAGNOSIS_ANY, concepts=[c.key.split(":", 1)[1] for c in others])
            question.gain, question.worth = best.gain, worth
            return question
    question = build_question(best.key, best.leaf.leaf, best.leaf.facts)
    question.gain, question.worth = best.gain, worth
    return question
