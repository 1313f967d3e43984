"""Trials for the patient's own condition that pruning leaves out for age or sex are named
with their limits, not counted with the trials for other conditions: a mother writing for
her 17-year-old daughter with lupus learns that a lupus CAR-T trial exists and takes ages
18 to 65 (data/trials/NCT07193667.yaml), in the results and in the referral summary."""
from __future__ import annotations

from datetime import date

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from core.facts import Fact, Profile
from data.store import open_store, sync_bundled
from matching.candidates import find_candidates
from matching.outside_limits import outside_limits

CID = "cli:limits"
TODAY = date(2026, 12, 2)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def _store(path):
    db = open_store(path)
    sync_bundled(db)
    return db


def _profile(age: float, sex: str = "female") -> Profile:
    return Profile([Fact("CONDITION", "sle", "lupus", 0, 5),
                    Fact("AGE", "age", str(age), 0, 2, value=age), Fact("SEX", sex, sex, 0, 1)])


def test_own_condition_trials_outside_the_age_limits_are_found_with_their_limits(db_path):
    db = _store(db_path)
    found = find_candidates(db, _profile(17), TODAY)
    assert "NCT07193667" not in found.ids                     # pruning still leaves it out
    rows = outside_limits(db, found)
    assert {"id": "NCT07193667", "min_age": 18.0, "max_age": 65.0, "sex": None} in rows


def test_nothing_when_the_patient_is_within_the_limits_or_no_diagnosis_is_known(db_path):
    db = _store(db_path)
    assert all(row["id"] != "NCT07193667" for row in outside_limits(db, find_candidates(db, _profile(34), TODAY)))
    no_diagnosis = Profile([Fact("AGE", "age", "17", 0, 2, value=17)])
    assert outside_limits(db, find_candidates(db, no_diagnosis, TODAY)) == []


def test_a_parent_is_told_of_the_trial_and_its_ages_in_results_and_summary(db_path):
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start(CID, role="patient")
    engine.message(CID, "my daughter is 17 and has lupus since 2021, cellcept did not help")
    text = said(engine.message(CID, "results"))
    assert "Trials for this condition that take other ages or sexes" in text
    line = next(line for line in text.splitlines() if "NCT07193667" in line)
    assert line.endswith("ages 18 to 65")
    summary = said(engine.message(CID, "/summary"))
    assert "NCT07193667: ages 18 to 65" in summary


def test_the_clinician_wording(db_path):
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start(CID, role="clinician")
    engine.message(CID, "17F with SLE since 2021, failed MMF")
    text = said(engine.message(CID, "results"))
    assert "Same condition, outside the trial's age/sex limits:" in text and "NCT07193667" in text


def test_remembered_answers_are_the_store_s_own_and_each_caller_gets_a_copy(db_path):
    """The answer is remembered per trials version, diagnoses, age and sex: asked again it
    is the same, a caller completing its rows changes no later answer, and once the trials
    change it is read again."""
    from data.store import _bump_trials_version
    from matching import outside_limits as module

    db = _store(db_path)
    found = find_candidates(db, _profile(17), TODAY)
    first = outside_limits(db, found)
    first[0]["title"] = "completed by a caller"
    again = outside_limits(db, found)
    assert again == module._outside(db, found) and "title" not in again[0]
    _bump_trials_version(db)
    db.execute("UPDATE trial_limits SET min_age = 16 WHERE trial_id = 'NCT07193667'")
    assert all(row["id"] != "NCT07193667" for row in outside_limits(db, found))
