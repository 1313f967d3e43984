"""h124, round 26 (issue #14): a writer named "Me"/"Myself" with a bracket of sex and age, and a
group that says it is healthy, give each person their own age and sex; a treatment the person
asks for ranks the trials for a kind of their disease that offer it first."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from core.facts import Profile
from matching.engine import own_band
from nlp.pipeline import extract, people_of

TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "ctgov"


def _own(person, label):
    return sorted((f.concept, getattr(f, "value", None)) for f in person.facts if f.label == label and not f.family)


def _healthy(person):
    return "healthy" in {f.concept for f in person.facts if f.label == "CONDITION" and not f.negated}


# --- (a) "Me (F, 33) and my brother (29) are both healthy": two people, each their own ------------
def test_me_with_a_bracket_and_a_healthy_group_are_two_people_with_their_own_age_and_sex():
    writer, brother = people_of("Me (F, 33) and my brother (29) are both healthy and we both want to "
                                "volunteer for paid studies. Neither of us takes any medicine.")
    assert (writer.relation, brother.relation) == ("self", "brother")
    assert _own(writer, "AGE") == [("age", 33.0)] and _own(writer, "SEX") == [("female", None)]
    assert _own(brother, "AGE") == [("age", 29.0)] and _own(brother, "SEX") == [("male", None)]
    assert _healthy(writer) and _healthy(brother)


def test_myself_with_a_bracket_is_the_writer():
    writer, husband = people_of("Myself (F, 61) and my husband (63) are both fit and healthy retirees, "
                                "we take no medication.")
    assert (writer.relation, husband.relation) == ("self", "husband")
    assert _own(writer, "AGE") == [("age", 61.0)] and _own(writer, "SEX") == [("female", None)]
    assert _own(husband, "AGE") == [("age", 63.0)] and _own(husband, "SEX") == [("male", None)]


def test_an_age_and_sex_written_together_after_me_and_a_partner():
    writer, boyfriend = people_of("Me 28F and my boyfriend 33M, both healthy, no meds. Looking for paid studies.")
    assert _own(writer, "AGE") == [("age", 28.0)] and _own(writer, "SEX") == [("female", None)]
    # the relation word's sex is read beside an agreeing letter since h165 (round 35): one sex, said twice
    assert _own(boyfriend, "AGE") == [("age", 33.0)] and set(_own(boyfriend, "SEX")) == {("male", None)}


def test_both_healthy_is_said_of_the_group_and_a_lone_healthy_stays_out():
    assert "healthy" in {f.concept for f in extract("My sister and I are both healthy.", today=TODAY)}
    assert "healthy" in {f.concept for f in extract("We are both in good health, no diseases.", today=TODAY)}
    # "healthy" alone, of someone else, or beside a diagnosis in a note, is still no term
    assert "healthy" not in {f.concept for f in extract("otherwise healthy 40F with lupus", today=TODAY)}


def test_a_womens_study_stays_open_for_the_sister_of_a_healthy_pair():
    from matching.engine import match
    from registry.run import read_files

    sleep_study = read_files([CTGOV / "NCT05381532.json"])[0]      # healthy women 18-35
    writer = people_of("Me (F, 33) and my brother (29) are both healthy, we take no medicine.")[0]
    result = match(Profile(list(writer.facts)), [sleep_study], today=TODAY)[0]
    assert result.verdict != "ineligible"
    assert not [c for c in result.top if c.id == "elig-sex" and c.status == "fail"]


def test_a_mother_and_son_keep_apart_and_a_lone_writer_is_one_patient():
    assert people_of("Me (F, 33) and my brother (29) have lupus and crohns.")       # a group, still read
    assert people_of("Me and my sister both have diffuse scleroderma, she is 40 and I am 44.")
    assert people_of("Me (F, 33), healthy, looking for a study.") == []             # one person


# --- (b) a treatment asked for, within the patient's own disease -----------------------------------
def test_the_own_disease_band_holds_the_trials_for_a_kind_of_it():
    import numpy as np

    from data.condition_names import COMORBIDITY_FIT, EXACT_FIT, KIND_FIT, RELATED_FIT, SUBTYPE_FIT

    assert own_band(KIND_FIT) == own_band(SUBTYPE_FIT) == own_band(EXACT_FIT) == EXACT_FIT
    assert own_band(RELATED_FIT) == RELATED_FIT and own_band(COMORBIDITY_FIT) == COMORBIDITY_FIT
    assert own_band(np.array([3.0, 2.25, 2.0, 0.0])).tolist() == [3.0, 3.0, 2.0, 0.0]


def _catalogue(tmp_path, ids):
    from benchmarks.relevance import build_catalogue
    from matching.catalog import TrialCatalog

    folder = tmp_path / "ctgov"
    folder.mkdir()
    for nct in ids:
        shutil.copy(CTGOV / f"{nct}.json", folder / f"{nct}.json")
    return TrialCatalog(build_catalogue(tmp_path, folder))


def test_a_car_t_trial_for_diffuse_ssc_ranks_first_for_systemic_sclerosis(tmp_path):
    from matching.pruned import match

    catalog = _catalogue(tmp_path, ["NCT02682511", "NCT05380245"])     # ifetroban (SSc), a healthy-men study
    ranked = [r for r in match(Profile(extract("I have SSc and I'm interested in CAR-T", today=TODAY)),
                              catalog, today=TODAY) if r.verdict != "ineligible"]
    ids = [r.id for r in ranked]
    # the bundled CD19 CAR-T trial is for diffuse SSc (one kind of SSc), ifetroban names SSc itself
    assert ids.index("NCT07193667") < ids.index("NCT02682511")
    car_t = next(r for r in ranked if r.id == "NCT07193667")
    assert car_t.requested and car_t.condition_fit < next(r for r in ranked if r.id == "NCT02682511").condition_fit
    # declined: the tablet's trial naming the disease first again
    declined = [r.id for r in match(Profile(extract("I have SSc. I would not want CAR-T.", today=TODAY)),
                                    catalog, today=TODAY) if r.verdict != "ineligible"]
    assert declined.index("NCT02682511") < declined.index("NCT07193667")
