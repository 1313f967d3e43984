"""Risk strata and group-splitting ages are not requirements for everyone (issue #14, a
stage I testicular germ cell tumour was ruled out of a germ cell tumour trial by its
ovarian and metastatic strata): ``data.rule_nodes.as_planned``, read the same by matching
and by the pruning limits (``data.limits``)."""
from datetime import date

from core.facts import Fact, Profile
from data.limits import hard_limits
from data.rule_nodes import as_planned, registry_criteria
from matching.engine import match

TODAY = date(2026, 6, 1)
REVIEW = {"type": "review", "reason": "other"}


def _record(criteria, **eligibility):
    return {"id": "T-GCT", "nct_id": None, "title": "Germ cell tumours", "conditions": ["testicular_cancer"],
            "conditions_text": ["Germ Cell Tumor"], "criteria": criteria,
            "eligibility": {"min_age_years": None, "max_age_years": None, "sex": "ALL", **eligibility}}


STRATA = [
    {"id": "inc-1", "kind": "inclusion", "text": "Histologic confirmation of a germ cell tumour", "rule": REVIEW},
    {"id": "inc-2", "kind": "inclusion", "text": "Low risk stage I immature teratoma; site: ovarian; all ages",
     "rule": {"all": [REVIEW, {"type": "sex", "allowed": ["female"]}]}},
    {"id": "inc-3", "kind": "inclusion", "text": "Low risk stage I non-seminoma MGCT; site: testicular; all ages",
     "rule": REVIEW},
    {"id": "inc-4", "kind": "inclusion", "text": "Standard risk 2 (SR2)", "combine": "all", "children": [
        {"id": "inc-4.1", "kind": "inclusion", "text": "Stage II-IV; age >= 11 and < 25",
         "rule": {"type": "age", "min": 11, "max": 24}},
        {"id": "inc-4.2", "kind": "inclusion", "text": "Site: ovarian", "rule": {"type": "sex", "allowed": ["female"]}}]},
    {"id": "inc-5", "kind": "inclusion", "text": "ECOG 0-3; use Karnofsky for patients > 16 years of age and "
     "Lansky for patients =< 16 years of age",
     "rule": {"all": [{"type": "score", "score": "ecog", "op": "<=", "value": 3},
                      {"type": "age", "min": 16}, {"type": "age", "max": 16}]}},
]


def test_risk_strata_in_a_row_are_one_any_group():
    planned = as_planned(STRATA)
    assert [c["id"] for c in planned] == ["inc-1", "inc-2-strata", "inc-5"]
    group = planned[1]
    assert group["combine"] == "any" and [c["id"] for c in group["children"]] == ["inc-2", "inc-3", "inc-4"]
    assert group["text"].startswith("One of these strata: Low risk stage I immature teratoma")
    assert STRATA[1]["id"] == "inc-2" and "children" not in STRATA[1]          # the record is not changed


def test_a_single_stratum_or_an_ordinary_criterion_is_not_wrapped():
    one = [STRATA[0], STRATA[2], {"id": "inc-9", "kind": "inclusion", "text": "High blood pressure", "rule": REVIEW}]
    assert [c["id"] for c in as_planned(one)] == ["inc-1", "inc-3", "inc-9"]


def test_ages_that_split_patients_into_groups_are_for_the_trial_team():
    rule = as_planned([STRATA[4]])[0]["rule"]
    assert [p.get("type") for p in rule["all"]] == ["score", "review"]
    ordinary = {"id": "x", "kind": "inclusion", "text": "Aged 18 to 65",
                "rule": {"all": [{"type": "age", "min": 18}, {"type": "age", "max": 65}]}}
    assert as_planned([ordinary])[0] is ordinary                                 # a real range stands


def test_a_boy_with_stage_i_testicular_tumour_is_not_ruled_out_by_other_strata():
    boy = Profile([Fact("AGE", "age", "12", value=12), Fact("SEX", "male", "son"),
                   Fact("CONDITION", "testicular_cancer", "germ cell tumour", 0, 16)])
    result = match(boy, [_record(STRATA)], today=TODAY)[0]
    assert result.verdict != "ineligible"
    strata = next(c for c in result.criteria if c.id == "inc-2-strata")
    assert strata.status != "fail"                      # the ovarian strata fail, the testicular one stays open
    assert {c.id for c in result.criteria if c.status == "fail"} == {"inc-2", "inc-4", "inc-4.2"}   # inside it


def test_the_pruning_limits_read_the_same_plan():
    # before: "age >= 16" and "age <= 16" were limits every patient had to meet
    assert hard_limits(_record(STRATA))["min_age"] is None
    assert hard_limits(_record(STRATA))["max_age"] is None
    assert [c["id"] for c in registry_criteria(_record(STRATA))][:3] == ["inc-1", "inc-2-strata", "inc-5"]
