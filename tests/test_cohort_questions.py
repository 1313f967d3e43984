"""A multi-disease trial's open questions, for a patient whose diagnosis meets one cohort,
come from that cohort (matching/cohorts.py): a systemic sclerosis referral is not asked
for SLEDAI, BILAG or MMT-8 of the bundled autoimmune CAR-T trial (NCT07193667); a lupus
patient still is. Verdicts do not change."""
from __future__ import annotations

from datetime import date

from core.facts import Fact, Profile
from data.store import get_trial, open_store, sync_bundled
from matching.engine import match

TODAY = date(2026, 12, 2)


def _record(db_path):
    db = open_store(db_path)
    sync_bundled(db)
    return get_trial(db, "NCT07193667")


def _asked(record, concept, text):
    profile = Profile([Fact("CONDITION", concept, text, 0, len(text)), Fact("AGE", "age", "40", 0, 2, value=40)])
    result = match(profile, [record], today=TODAY)[0]
    return result.verdict, " | ".join(q.clinician for q in result.questions)


def test_a_systemic_sclerosis_referral_is_not_asked_the_lupus_cohorts_scores(db_path):
    record = _record(db_path)
    verdict, asked = _asked(record, "diffuse_systemic_sclerosis", "dcSSc")
    assert verdict == "possible"
    assert "SLEDAI" not in asked and "BILAG" not in asked and "MMT-8" not in asked
    assert "Diagnosis of systemic lupus erythematosus" not in asked


def test_a_lupus_patient_is_still_asked_them(db_path):
    verdict, asked = _asked(_record(db_path), "sle", "lupus")
    assert verdict == "possible" and "SLEDAI" in asked


def test_with_no_cohort_met_every_alternative_stays_open(db_path):
    record = _record(db_path)
    profile = Profile([Fact("AGE", "age", "40", 0, 2, value=40)])
    asked = " | ".join(q.clinician for q in match(profile, [record], today=TODAY)[0].questions)
    assert "SLEDAI" in asked and "MMT-8" in asked


def _two_cohorts():
    """A heading over two disease cohorts, each "diagnosed at least 6 months ago" plus a
    treatment history, as Chinese multi-disease CAR-T records write them."""
    def cohort(cid, concept, heading):
        return {"id": cid, "kind": "inclusion", "text": heading, "combine": "all", "children": [
            {"id": f"{cid}.1", "kind": "inclusion", "text": f"At least 6 months before screening, diagnosed as {concept}",
             "rule": {"type": "diagnosis", "concept": concept, "min_duration_months": 6}},
            {"id": f"{cid}.2", "kind": "inclusion", "text": "Failed methotrexate",
             "rule": {"type": "therapy", "concept": "methotrexate", "response": "failed"}}]}
    return {"id": "T-TWO", "nct_id": None, "title": "two cohorts", "conditions": [], "criteria": [
        {"id": "inc-1", "kind": "inclusion", "combine": "any",
         "text": "The following screening can be performed by meeting any of the above entry criteria", "children": [
             cohort("inc-1.1", "crohns_disease", "Diagnosed as refractory Crohn disease:"),
             cohort("inc-1.2", "dermatomyositis", "Diagnosed as refractory dermatomyositis:")]}]}


def test_a_stated_diagnosis_without_its_date_still_chooses_the_cohort():
    """"My daughter has dermatomyositis" (no date yet): the myositis cohort is hers, even
    though its "at least 6 months" is open; she is not asked about Crohn's disease, and the
    chat's open items (bot.results.shown_criteria) list only her cohort."""
    from bot.results import criteria_by_status

    profile = Profile([Fact("CONDITION", "dermatomyositis", "dermatomyositis", 0, 15)])
    result = match(profile, [_two_cohorts()], today=TODAY)[0]
    asked = " | ".join(q.clinician for q in result.questions)
    assert result.verdict == "possible"
    assert "Crohn" not in asked and "dermatomyositis" in asked
    shown = [row["id"] for row in criteria_by_status(result.criteria)["open"]]
    assert shown == ["inc-1.2.1", "inc-1.2.2"]
    assert [c.id for c in result.criteria if c.other_cohort] == ["inc-1.1"]


def test_with_no_stated_diagnosis_both_cohorts_stay_listed():
    from bot.results import criteria_by_status

    result = match(Profile([Fact("AGE", "age", "40", 0, 2, value=40)]), [_two_cohorts()], today=TODAY)[0]
    assert [row["id"] for row in criteria_by_status(result.criteria)["open"]] == ["inc-1.1.1", "inc-1.1.2", "inc-1.2.1", "inc-1.2.2"]


def test_an_overlapping_family_chooses_the_listed_cohort_as_it_chooses_the_questions():
    """An anti-synthetase syndrome referral meets neither cohort's diagnosis, but its
    disease is of the inflammatory myopathy family (``overlapping_families``): the questions
    come from the dermatomyositis cohort, and so does the chat's list of open items."""
    from bot.results import criteria_by_status

    profile = Profile([Fact("CONDITION", "antisynthetase_syndrome", "anti-synthetase syndrome", 0, 24)])
    result = match(profile, [_two_cohorts()], today=TODAY)[0]
    asked = " | ".join(q.clinician for q in result.questions)
    assert "Crohn" not in asked
    assert [row["id"] for row in criteria_by_status(result.criteria)["open"]] == ["inc-1.2.1", "inc-1.2.2"]
    assert [c.id for c in result.criteria if c.other_cohort] == ["inc-1.1"]


def test_the_full_trial_view_marks_the_cohorts_that_are_not_the_patients():
    """/trial ID and the referral summary list every cohort's sub-criteria: those of a
    cohort the patient's diagnosis is not read "another disease group", not "unknown"."""
    from bot.results import criteria_by_status

    profile = Profile([Fact("CONDITION", "dermatomyositis", "dermatomyositis", 0, 15)])
    result = match(profile, [_two_cohorts()], today=TODAY)[0]
    rows = {row["id"]: row["status"] for part in criteria_by_status(result.criteria).values() for row in part}
    assert rows == {"inc-1.2.1": "unknown", "inc-1.2.2": "unknown"}      # the chat's open items: hers only
    top = {"id": "inc-0", "kind": "inclusion", "combine": "any", "text": "Meets one of the two disease groups",
           "children": _two_cohorts()["criteria"][0]["children"]}
    record = {**_two_cohorts(), "criteria": [top]}
    result = match(profile, [record], today=TODAY)[0]
    (row,) = criteria_by_status(result.criteria)["open"]
    statuses = {child["id"]: child["status"] for child in row["children"]}
    # the cohort headings give way to their items; the Crohn's cohort's are another group's
    assert statuses == {"inc-1.1.1": "other_cohort", "inc-1.1.2": "other_cohort",
                        "inc-1.2.1": "unknown", "inc-1.2.2": "unknown"}


def test_a_rule_is_asked_before_its_exceptions(db_path):
    """"ALT <= 3 x ULN (except raised by the myositis)", "bilirubin <= 1.5 x ULN (except
    Gilbert's)": a systemic sclerosis referral is asked for the ALT and the bilirubin, not
    whether she also has myositis or Gilbert's syndrome; once the bilirubin is known to be
    too high, the exception is asked."""
    record = _record(db_path)
    verdict, asked = _asked(record, "diffuse_systemic_sclerosis", "dcSSc")
    assert verdict == "possible"
    assert "ALT" in asked and "bilirubin" in asked
    assert "Gilbert" not in asked and "inflammatory myopathy" not in asked
    text = "dcSSc"
    profile = Profile([Fact("CONDITION", "diffuse_systemic_sclerosis", text, 0, len(text)),
                       Fact("AGE", "age", "40", 0, 2, value=40),
                       Fact("LAB", "bilirubin", "total bilirubin", 0, 15, value=2.5, unit="mg/dL")])
    asked = " | ".join(q.clinician for q in match(profile, [record], today=TODAY)[0].questions)
    assert "Gilbert" in asked


def test_a_choice_of_cohorts_is_not_a_rule_and_its_exceptions(db_path):
    """With no diagnosis, every cohort stays open, not only the first listed."""
    record = _record(db_path)
    profile = Profile([Fact("AGE", "age", "40", 0, 2, value=40)])
    asked = " | ".join(q.clinician for q in match(profile, [record], today=TODAY)[0].questions)
    assert "systemic lupus" in asked and "myopathy" in asked
