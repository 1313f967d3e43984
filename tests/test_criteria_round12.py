"""Registry criteria, round 12 (issue #15, 2026-12-04): re-importing a study is byte-stable
(a site naming no facility was added again on every import) and a run validates each new
record once; criteria classes read in this round (see docs/benchmarks.md)."""
from __future__ import annotations

import json

import pytest
from criteria_helpers import parse, verdict

import registry.run as run
from registry.criteria_text import REVIEW_RULE
from registry.ctgov import study_to_record
from registry.merge import merge_pair


def _study(nct: str = "NCT09900021") -> dict:
    places = [("Atlanta", "Georgia"), ("Nashville", "Tennessee"), ("Atlanta", "Georgia"), ("Dallas", "Texas")]
    locations = [{"city": c, "state": s, "country": "United States"} for c, s in places]
    locations.append({"facility": "Mayo Clinic", "city": "Rochester", "state": "Minnesota", "country": "United States"})
    return {"protocolSection": {
        "identificationModule": {"nctId": nct, "briefTitle": "A study"},
        "contactsLocationsModule": {"locations": locations},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* Age 18 or older"},
    }}


def _read(tmp_path, study: dict) -> list[dict]:
    path = tmp_path / f"{study['protocolSection']['identificationModule']['nctId']}.json"
    path.write_text(json.dumps(study))
    return run.read_files([path], parse=lambda text, kind: REVIEW_RULE)


def test_reimporting_a_study_with_unnamed_sites_changes_nothing(tmp_path):
    first = run.plan(_read(tmp_path, _study()), [])
    stored = [(first[0].record, "import")]
    assert [s["city"] for s in stored[0][0]["sites"]] == ["Atlanta", "Nashville", "Atlanta", "Dallas", "Rochester"]
    for _ in range(3):
        again = run.plan(_read(tmp_path, _study()), stored)
        assert again[0].action == "unchanged"
        assert json.dumps(again[0].record, sort_keys=True) == json.dumps(stored[0][0], sort_keys=True)
        stored = [(again[0].record, "import")]


def test_an_unnamed_site_in_another_place_is_still_added():
    record = _read_plain()
    other = json.loads(json.dumps(record))
    other["sites"][0]["city"] = "Boston"
    merged = merge_pair(record, other, "import")
    assert [s["city"] for s in merged["sites"]] == ["Boston", "Nashville", "Atlanta", "Dallas", "Rochester", "Atlanta"]


def _read_plain() -> dict:
    return study_to_record(_study(), "x.json", "x.json", lambda text, kind: REVIEW_RULE)


def test_a_run_validates_a_new_record_once(tmp_path, monkeypatch):
    records = _read(tmp_path, _study()) + _read(tmp_path, _study("NCT09900022"))
    calls = []
    real = run.validate_record
    monkeypatch.setattr(run, "validate_record", lambda record, where: calls.append(where) or real(record, where))
    outcomes = run.plan(records, [])
    assert [o.action for o in outcomes] == ["new", "new"] and calls == []
    # a study merged from two records of the run, and a merge into a stored trial, are validated
    run.plan(records + _read(tmp_path, _study()), [])
    assert calls == ["import NCT09900021"]
    run.plan(records[:1], [(outcomes[0].record, "import")])
    assert calls == ["import NCT09900021", "import NCT09900021"]


# --- criteria classes read in round 12 -------------------------------------------------------

def test_a_state_before_a_list_does_not_reach_an_item_with_its_own_lead_word():
    rule = parse("Active hepatitis B, C, or known HIV", "exclusion")
    assert {"type": "infection", "agent": "hiv", "state": "positive"} in rule["any"]
    assert {"type": "infection", "agent": "hcv", "state": "active"} in rule["any"]
    assert verdict(rule, "I am HIV positive") == "true"
    # without a lead word of its own the item shares the state
    assert parse("Active hepatitis B, hepatitis C or HIV infection", "exclusion")["any"][2]["state"] == "active"


def test_a_condition_defined_by_serology_is_the_infections():
    rule = parse("Active liver disease with positive serology for active hepatitis B, C, or known HIV", "exclusion")
    assert rule == {"any": [{"type": "infection", "agent": "hbv", "state": "active"},
                            {"type": "infection", "agent": "hcv", "state": "active"},
                            {"type": "infection", "agent": "hiv", "state": "positive"}]}


def test_a_study_and_the_products_half_lives_are_two_windows():
    rule = parse("Participation in a prior investigational study within 30 days prior to enrollment or within "
                 "5 half-lives of the investigational product, whichever is longer.", "exclusion")
    assert rule == {"any": [{"type": "procedure", "concept": "clinical_trial_participation", "within_days": 30},
                            {"type": "therapy", "concept": "investigational_drug", "within_half_lives": 5}]}


def test_words_before_a_longer_term_name_no_alternative():
    assert parse("Patients who received an investigational study drug", "exclusion") == {
        "type": "therapy", "concept": "investigational_drug"}


def test_a_bracket_saying_what_a_procedure_was_for_is_no_alternative():
    rule = parse("Any dialysis (including for acute kidney injury) within 3 months prior to Screening Visit.", "exclusion")
    assert rule == {"type": "procedure", "concept": "dialysis", "within_days": 91}


@pytest.mark.parametrize("text", [
    "Participant has documented diagnosis of multiple myeloma and measurable disease, defined as any of the following:.",
    "Adequate organ function defined as the following:",
])
def test_a_line_introducing_definitions_is_no_rule(text):
    assert parse(text)["type"] == "review"


def test_a_lead_in_naming_some_patients_keeps_the_line_for_the_team():
    rule = parse("For select patients with a clinical history prompting cardiac evaluation: last known LVEF "
                 "less than or equal to 45%.", "exclusion")
    assert rule == {"all": [{"type": "lab", "analyte": "lvef", "op": "<=", "value": 45, "unit": "%"},
                            {"type": "review", "reason": "clinical"}]}
    assert verdict(rule, "my ejection fraction is 40%") == "review"


@pytest.mark.parametrize("text, value", [("Platelet: \\>1.5Lakh per cumm", 150000), ("Platelets ≥ 1 lakh/mm3", 100000)])
def test_lakh_multiplies_the_number(text, value):
    rule = parse(text)
    assert rule["analyte"] == "platelets" and rule["value"] == value and rule["unit"] == "/mm3"
