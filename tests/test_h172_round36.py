"""h172, round 36 (issue #14, relevance): an exclusion of every medicine for a condition
"other than stated in the inclusion criteria" read with the inclusion criteria (NN0519 is no
trial for a patient on metformin and gliclazide); a measured normal blood pressure ("BP
118/74") denies hypertension as "my blood pressure is normal" does; an SGLT2 inhibitor beside
heart failure implies no diabetes."""
from __future__ import annotations

from datetime import date

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from core.truth import TRUE
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.evaluate import Evaluator
from matching.pruned import match
from matching.relevance import denied_complications, implied_diagnoses
from nlp.criteria.background_drugs import background_rule
from nlp.pipeline import extract
from registry.criteria_text import split_criteria
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
EXCLUSION = ("Treatment with any medication for the indication of diabetes or obesity other than stated in "
             "the inclusion criteria within 90 days before screening.")
BACKGROUND = ("Stable daily dose(s) more than or equal 90 days before screening of the following antidiabetic "
              "drug(s) or combination regimen(s) at effective or maximum tolerated dose as judged by the "
              "investigator: metformin with or without sodium-glucose co-transporter 2 (SGLT2) inhibitor.")


def evidence(text):
    return Evaluator(Profile(extract(text, today=TODAY)), load_terminology(), today=TODAY)


def store(tmp_path, *ids):
    db = open_store(str(tmp_path / "t.db"))
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return db


def verdicts(db, text):
    return {r.id: r for r in match(Profile(extract(text, today=TODAY)), TrialCatalog(db), today=TODAY)}


def test_an_exclusion_of_other_background_drugs_is_read_with_the_inclusion():
    rule = background_rule(EXCLUSION, ["Age 18-75 years.", BACKGROUND])
    leaves = rule["any"]
    assert leaves[0] == {"type": "therapy", "concept": "oral_antidiabetic", "response": "current",
                         "except": ["metformin", "sglt2_inhibitor"]}
    assert {"type": "therapy", "concept": "insulin", "response": "current"} in leaves
    # alone, or with no inclusion naming a diabetes medicine, the line stays the team's
    assert background_rule(EXCLUSION, ["Age 18-75 years."]) is None
    assert background_rule("Treatment with any medication for diabetes within 90 days.", [BACKGROUND]) is None


def test_the_importer_reads_the_background_exclusion_with_the_record():
    text = "Inclusion Criteria:\n\n* " + BACKGROUND + "\n\nExclusion Criteria:\n\n* " + EXCLUSION + "\n"
    criteria = split_criteria(text)
    exclusion = next(c for c in criteria if c["kind"] == "exclusion")
    assert exclusion["rule"]["any"][0]["except"] == ["metformin", "sglt2_inhibitor"]
    # a parser of the caller's own reads each line alone
    own = split_criteria(text, parse=lambda line, kind: {"type": "review", "reason": "other"})
    assert next(c for c in own if c["kind"] == "exclusion")["rule"]["type"] == "review"


def test_a_drug_beside_metformin_meets_the_exclusion_metformin_alone_does_not():
    rule = background_rule(EXCLUSION, [BACKGROUND])
    assert evidence("type 2 diabetes on metformin and gliclazide").rule(rule).value == TRUE
    assert evidence("T2DM on metformin + sitagliptin, HbA1c 8.1").rule(rule).value == TRUE
    assert evidence("T2DM on metformin + dapagliflozin, HbA1c 8.0").rule(rule).value != TRUE
    assert evidence("type 2 diabetes, only metformin").rule(rule).value != TRUE
    # "diabetes tablets" may be metformin: no use of another one said
    assert evidence("type 2 diabetes on diabetes tablets").rule(rule).value != TRUE


def test_nn0519_is_ruled_out_for_a_patient_on_a_sulfonylurea(tmp_path):
    db = store(tmp_path, "NCT06326047", "NCT06716424")
    gliclazide = verdicts(db, "My mum (63) has type 2 diabetes. She takes metformin and gliclazide, her HbA1c "
                              "was 8.4 and her BMI is 32.")
    assert gliclazide["NCT06326047"].verdict == "ineligible"
    assert gliclazide["NCT06716424"].verdict != "ineligible"
    alone = verdicts(db, "I'm 55 (m), type 2 diabetes for 6 years, only metformin, HbA1c 8.2, BMI 31.")
    assert alone["NCT06326047"].verdict != "ineligible"


def _denied(text):
    ev = evidence(text)
    return [(f.concept, f.text) for f in denied_complications(ev, implied_diagnoses(ev, []))]


def test_a_measured_normal_blood_pressure_denies_hypertension():
    assert _denied("I'm 43 (f), BMI 36, not diabetic. BP 118/74 at the practice nurse.") == [("hypertension", "BP 118/74")]
    # a negation reaching the reading leaves it a measurement
    assert _denied("his blood pressure was 122/78 last week without any blood pressure tablets") == [
        ("hypertension", "blood pressure 122/78")]
    assert _denied("BMI 36. BP 150/92 at the practice nurse.") == []
    assert _denied("BMI 36. Systolic 128.") == []               # only one of the two readings
    assert _denied("Hypertension on losartan, BP 128/78.") == []
    assert _denied("BP 124/76 on amlodipine and ramipril.") == []


def test_a_measured_normal_blood_pressure_rules_out_a_trial_listed_under_hypertension_alone(tmp_path):
    db = store(tmp_path, "NCT06948422", "NCT06972459")
    found = verdicts(db, "I'm 43 (f), BMI 36, high cholesterol on atorvastatin. Not diabetic. BP 118/74 at the "
                         "practice nurse. I want to join a weight-loss study.")
    if "NCT06948422" in found:
        assert found["NCT06948422"].verdict == "ineligible"
    assert found["NCT06972459"].verdict != "ineligible"


def _implied(text):
    ev = evidence(text)
    stated = [f for f in ev.facts("CONDITION") if not f.negated]
    return {f.concept for f in implied_diagnoses(ev, stated)}


def test_an_sglt2_inhibitor_beside_heart_failure_implies_no_diabetes():
    assert "type_2_diabetes" not in _implied("73M HFrEF (EF 30 %) on sacubitril/valsartan, bisoprolol and empagliflozin.")
    assert "type_2_diabetes" not in _implied("71M, EF 30%, on sacubitril/valsartan, bisoprolol and dapagliflozin.")
    assert "type_2_diabetes" in _implied("I take metformin and empagliflozin for my sugar.")
    assert "type_2_diabetes" in _implied("58M on empagliflozin, HbA1c 8.0 %.")
