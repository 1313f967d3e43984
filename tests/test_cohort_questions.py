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
