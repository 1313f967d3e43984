"""Trial verdicts, ranking, criterion groups, registry limits and the triage JSON shape."""
import json
from datetime import date

from matching.engine import INELIGIBLE, LIKELY, POSSIBLE, match
from core.facts import Fact, Profile

TODAY = date(2026, 1, 15)
SLE = {"type": "diagnosis", "concept": "sle"}
HIV = {"type": "infection", "agent": "hiv", "state": "positive"}
CONSENT = {"type": "review", "reason": "consent"}


def _trial(trial_id, *criteria, **fields):
    return {"id": trial_id, "nct_id": fields.pop("nct_id", None), "title": f"Trial {trial_id}",
            "criteria": list(criteria), **fields}


def _c(cid, kind, rule=None, **fields):
    criterion = {"id": cid, "kind": kind, "text": f"text of {cid}", **fields}
    if rule is not None:
        criterion["rule"] = rule
    return criterion


def _match(trials, *facts):
    return match(Profile(list(facts)), trials, today=TODAY)


SLE_FACT = Fact("CONDITION", "sle", "lupus", start=10, end=15, source="m1")
HIV_NEG = Fact("INFECTION", "hiv", "HIV negative", negated=True, status="negative")


def test_likely_when_every_evaluable_criterion_passes_and_the_rest_are_for_review():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), _c("inc-2", "inclusion", CONSENT), _c("exc-1", "exclusion", HIV))
    [result] = _match([trial], SLE_FACT, HIV_NEG)
    assert result.verdict == LIKELY
    assert [c.status for c in result.criteria] == ["pass", "review", "pass"]
    assert result.score == 1.0


def test_possible_when_something_is_unknown():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), _c("exc-1", "exclusion", HIV))
    [result] = _match([trial], SLE_FACT)
    assert result.verdict == POSSIBLE
    assert result.criteria[1].status == "unknown"
    assert result.score == 0.5


def test_ineligible_when_an_exclusion_applies_with_its_evidence():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), _c("exc-1", "exclusion", HIV))
    [result] = _match([trial], SLE_FACT, Fact("INFECTION", "hiv", "HIV+", start=20, end=24, status="positive"))
    assert result.verdict == INELIGIBLE
    [failing] = result.failing
    assert failing.id == "exc-1"
    assert failing.evidence[0].facts[0].text == "HIV+"


def test_an_empty_profile_never_fails_a_criterion():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), _c("exc-1", "exclusion", HIV),
                   _c("inc-2", "inclusion", {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"}),
                   _c("exc-2", "exclusion", {"type": "therapy", "concept": "glucocorticoid", "within_days": 28}),
                   _c("inc-3", "inclusion", {"not": {"type": "pregnancy", "states": ["pregnant"]}}))
    [result] = _match([trial])
    assert result.verdict == POSSIBLE
    assert {c.status for c in result.criteria} == {"unknown"}


def test_a_trial_of_review_criteria_only_is_possible_not_likely():
    [result] = _match([_trial("T", _c("inc-1", "inclusion", CONSENT))], SLE_FACT)
    assert result.verdict == POSSIBLE


def test_groups_combine_children_and_list_parents_before_children():
    group = _c("inc-1", "inclusion", combine="any", children=[
        _c("inc-1.1", None, combine="all", children=[_c("inc-1.1.1", None, SLE), _c("inc-1.1.2", None, CONSENT)]),
        _c("inc-1.2", None, {"type": "diagnosis", "concept": "itp"}),
    ])
    exclusions = _c("exc-1", "exclusion", combine="all", children=[_c("exc-1.1", None, HIV)])
    [result] = _match([_trial("T", group, exclusions)], SLE_FACT, HIV_NEG)
    ids = [c.id for c in result.criteria]
    assert ids == ["inc-1", "inc-1.1", "inc-1.1.1", "inc-1.1.2", "inc-1.2", "exc-1", "exc-1.1"]
    status = {c.id: c.status for c in result.criteria}
    assert status["inc-1.1"] == "review" and status["inc-1.2"] == "unknown"
    assert status["inc-1"] == "unknown"      # any[review, unknown]
    assert status["exc-1.1"] == "pass" and status["exc-1"] == "pass"
    assert {c.kind for c in result.criteria if c.id.startswith("exc")} == {"exclusion"}
    assert result.criteria[1].parent == "inc-1"


def test_registry_age_limits_become_a_criterion_when_no_rule_states_them():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), eligibility={"min_age_years": 18, "max_age_years": 65, "sex": "ALL"})
    for age, expected in ((17, "fail"), (18, "pass"), (65, "pass"), (66, "fail")):
        [result] = _match([trial], SLE_FACT, Fact("AGE", "age", str(age), value=age))
        [limit] = [c for c in result.criteria if c.id == "elig-age"]
        assert limit.status == expected, age
        assert "registry" in limit.text


def test_registry_limits_are_not_doubled_when_a_criterion_states_age():
    trial = _trial("T", _c("inc-1", "inclusion", {"type": "age", "min": 18}), eligibility={"min_age_years": 18})
    [result] = _match([trial])
    assert [c.id for c in result.criteria] == ["inc-1"]


def test_registry_sex_limit():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), eligibility={"sex": "FEMALE"})
    [result] = _match([trial], SLE_FACT, Fact("SEX", "male", "48M"))
    assert result.verdict == INELIGIBLE and result.failing[0].id == "elig-sex"


def test_ranking_likely_then_possible_then_ineligible_then_score():
    likely = _trial("A-likely", _c("inc-1", "inclusion", SLE))
    possible_high = _trial("B-possible", _c("inc-1", "inclusion", SLE), _c("exc-1", "exclusion", HIV))
    possible_low = _trial("C-possible", _c("inc-1", "inclusion", {"type": "diagnosis", "concept": "itp"}),
                          _c("exc-1", "exclusion", dict(HIV)))
    ineligible = _trial("D-ineligible", _c("inc-1", "inclusion", {"type": "age", "min": 18}))
    results = _match([ineligible, possible_low, possible_high, likely], SLE_FACT, Fact("AGE", "age", "17", value=17))
    assert [r.id for r in results] == ["A-likely", "B-possible", "C-possible", "D-ineligible"]


def test_to_dict_is_the_triage_json_shape():
    trial = _trial("T", _c("inc-1", "inclusion", SLE), _c("exc-1", "exclusion", HIV), nct_id=None,
                   sites=[{"facility": "H", "city": "Hangzhou", "country": "China", "contacts": []}], contacts=[])
    [result] = _match([trial], SLE_FACT)
    data = result.to_dict()
    json.dumps(data)
    assert set(data) == {"id", "nct_id", "title", "verdict", "score", "criteria", "questions", "sites", "contacts"}
    assert data["nct_id"] is None
    criterion = data["criteria"][0]
    assert set(criterion) >= {"id", "kind", "text", "status", "evidence"}
    assert criterion["evidence"][0]["quotes"][0] == {"text": "lupus", "start": 10, "end": 15, "source": "m1"}
    assert data["questions"][0]["key"] == "infection:hiv:positive"


def test_one_profile_is_judged_against_many_trials_consistently():
    trials = [_trial(f"T{i}", _c("exc-1", "exclusion", dict(HIV))) for i in range(20)]
    results = _match(trials, HIV_NEG)
    assert {r.verdict for r in results} == {LIKELY}
    assert [r.id for r in results] == sorted(r.id for r in results)
