"""Small stand-ins for extraction and matching, injected through the Engine's constructor
so engine tests can pin conversation logic down independently of the NLP and matching
code. They follow the documented contracts (core.facts.Fact; TrialResult with trial,
verdict, score, criteria, questions, question(key); Question with key, patient, clinician, form, options,
unit, answer_to_facts)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from core.facts import Fact, Profile

# word -> (label, concept)
WORDS = {
    "lupus": ("CONDITION", "sle"), "sle": ("CONDITION", "sle"),
    "mycophenolate": ("DRUG", "mycophenolate"), "azathioprine": ("DRUG", "azathioprine"),
    "belimumab": ("DRUG", "belimumab"), "rituximab": ("DRUG", "rituximab"),
    "hiv": ("INFECTION", "hiv"), "pregnant": ("PREGNANCY", "pregnant"),
    "hangzhou": ("LOCATION", "Hangzhou"), "shenyang": ("LOCATION", "Shenyang"),
    "leukemia": ("CONDITION", "t_all"),
}


def fake_extract(text: str, source: str | None = None, today: Any = None) -> list[Fact]:
    facts = []
    lowered = text.casefold()
    for word, (label, concept) in WORDS.items():
        for m in re.finditer(rf"\b{word}\b", lowered):
            before = lowered[max(0, m.start() - 12):m.start()]
            negated = bool(re.search(r"\b(no|not|never|without)\b[\w\s']*$", before))
            fact = Fact(label, concept, text[m.start():m.end()], m.start(), m.end(), negated=negated, source=source)
            if label == "INFECTION":
                fact.status = "negative" if negated else "positive"
            if label == "CONDITION" and (year := re.search(r"since (\d{4})", lowered)):
                fact.date = year.group(1)
            facts.append(fact)
            break
    for m in re.finditer(r"\b(\d{1,3})[- ]?(?:years? old|yo|year-old)\b|\b(?:i'?m|age|aged) (\d{1,3})\b", lowered):
        value = float(m.group(1) or m.group(2))
        facts.append(Fact("AGE", "age", text[m.start():m.end()], m.start(), m.end(), value=value,
                          value_normalized=value, unit_normalized="years", source=source))
    return facts


@dataclass
class FakeQuestion:
    key: str
    patient: str
    clinician: str
    form: str = "yes_no"
    options: list = field(default_factory=list)
    unit: str | None = None
    leaf: dict = field(default_factory=dict)
    on_yes: Callable[[], list[Fact]] = lambda: []
    on_no: Callable[[], list[Fact]] = lambda: []
    on_number: Callable[[float], list[Fact]] | None = None

    def __post_init__(self):
        if not self.options:
            self.options = ["Yes", "No", "Not sure"] if self.form == "yes_no" else ["Not sure"]

    def answer_to_facts(self, text: str, today: Any = None) -> list[Fact] | None:
        """None: not sure; []: not understood; else the facts (matching.questions' contract)."""
        word = text.strip().casefold()
        if word.startswith("not sure"):
            return None
        if self.form == "number":
            m = re.search(r"\d+(?:\.\d+)?", word)
            return self.on_number(float(m.group())) if m and self.on_number else []
        if word.startswith("yes"):
            return self.on_yes()
        if word.startswith("no"):
            return self.on_no()
        return []


@dataclass
class FakeCriterion:
    id: str
    kind: str
    text: str
    status: str
    evidence: list = field(default_factory=list)
    parent: str | None = None


@dataclass
class FakeResult:
    trial: dict
    verdict: str
    score: float
    criteria: list
    questions: list

    @property
    def id(self) -> str:
        """The trial's id (``TrialResult.id``)."""
        return self.trial["id"]

    def question(self, key: str):
        return next((q for q in self.questions if q.key == key), None)


def _has(profile: Profile, label: str, concept: str) -> str:
    for fact in profile.facts:
        if fact.label == label and fact.concept == concept:
            return "false" if fact.negated else "true"
    return "unknown"


def _age(profile: Profile, low: float, high: float) -> str:
    return "unknown" if profile.age is None else ("true" if low <= profile.age <= high else "false")


HIV_Q = FakeQuestion("infection:hiv", "Have you ever tested positive for HIV?", "HIV positive?",
                     on_yes=lambda: [Fact("INFECTION", "hiv", "yes", status="positive")],
                     on_no=lambda: [Fact("INFECTION", "hiv", "no", negated=True, status="negative")])
PREG_Q = FakeQuestion("pregnancy", "Are you pregnant or breastfeeding?", "Pregnant/lactating?",
                      on_yes=lambda: [Fact("PREGNANCY", "pregnant", "yes")],
                      on_no=lambda: [Fact("PREGNANCY", "pregnant", "no", negated=True)])
AGE_Q = FakeQuestion("age", "How old are you?", "Age?", form="number",
                     on_number=lambda v: [Fact("AGE", "age", f"{v:g}", value=v, value_normalized=v)])

# criterion: (id, kind, text, judge(profile) -> truth, question)
LUPUS_TRIAL = {
    "id": "NCT00000001", "nct_id": "NCT00000001", "title": "CD19 CAR-T for refractory lupus", "status": "RECRUITING",
    "conditions_text": ["Systemic Lupus Erythematosus"],
    "sites": [{"facility": "First Hospital", "city": "Hangzhou", "region": "Zhejiang", "country": "China",
               "lat": None, "lon": None, "contacts": []}],
    "contacts": [{"name": "Dr A. Example", "role": "central", "phone": None, "email": None}],
    "criteria": [{"id": "inc-1", "kind": "inclusion"}, {"id": "inc-2", "kind": "inclusion"},
                 {"id": "exc-1", "kind": "exclusion"}, {"id": "exc-2", "kind": "exclusion"}],
}
BLOOD_TRIAL = {
    "id": "local-cd7-tumours", "nct_id": None, "title": "CD7 CAR-T for CD7+ <blood> tumours & lymphoma", "status": None,
    "conditions_text": ["T-ALL"], "sites": [{"facility": "Blood Centre", "city": "Shenyang", "region": "Liaoning",
                                             "country": "China", "lat": None, "lon": None, "contacts": []}],
    "contacts": [],
    "criteria": [{"id": "inc-1", "kind": "inclusion"}],
}
RULES: dict[str, list[tuple[str, str, str, Callable[[Profile], str], Any]]] = {
    "NCT00000001": [
        ("inc-1", "inclusion", "Diagnosis of systemic lupus erythematosus", lambda p: _has(p, "CONDITION", "sle"), None),
        ("inc-2", "inclusion", "Age 18 to 65 years", lambda p: _age(p, 18, 65), AGE_Q),
        ("exc-1", "exclusion", "HIV positive", lambda p: _has(p, "INFECTION", "hiv"), HIV_Q),
        ("exc-2", "exclusion", "Pregnant or breastfeeding women", lambda p: _has(p, "PREGNANCY", "pregnant"), PREG_Q),
    ],
    "local-cd7-tumours": [
        ("inc-1", "inclusion", "CD7-positive T-cell leukaemia or lymphoma", lambda p: _has(p, "CONDITION", "t_all"), None),
    ],
}
TRIALS = [LUPUS_TRIAL, BLOOD_TRIAL]


def _status(truth: str, kind: str) -> str:
    if truth == "true":
        return "fail" if kind == "exclusion" else "pass"
    if truth == "false":
        return "pass" if kind == "exclusion" else "fail"
    return "unknown"


def fake_match(profile: Profile, trials: list[dict], today: Any = None) -> list[FakeResult]:
    results = []
    for trial in trials:
        criteria, questions = [], []
        for cid, kind, text, judge, question in RULES[trial["id"]]:
            status = _status(judge(profile), kind)
            used = [f for f in profile.facts if f.label in text.upper() or (cid == "inc-1" and f.label == "CONDITION")]
            criteria.append(FakeCriterion(cid, kind, text, status, [_Evidence(used)]))
            if status == "unknown" and question is not None:
                questions.append(question)
        statuses = [c.status for c in criteria]
        verdict = "ineligible" if "fail" in statuses else "likely" if all(s == "pass" for s in statuses) else "possible"
        results.append(FakeResult(trial, verdict, statuses.count("pass") / len(statuses), criteria, questions))
    order = {"likely": 0, "possible": 1, "ineligible": 2}
    return sorted(results, key=lambda r: (order[r.verdict], -r.score))


@dataclass
class _Evidence:
    facts: list


def fake_next_question(results: list[FakeResult], profile: Profile, exclude: set[str]) -> FakeQuestion | None:
    for result in results:
        if result.verdict == "ineligible":
            continue
        for question in result.questions:
            if question.key not in exclude:
                return question
    return None


def fake_engine(store, **kwargs):
    from bot.engine import Engine

    kwargs.setdefault("gazetteer", None)
    return Engine(store, extract=fake_extract, match=fake_match, next_question=fake_next_question,
                  trials=TRIALS, **kwargs)
