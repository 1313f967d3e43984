"""Lead, twenty-third session (issue #13): what people write after a list of treatments
("..., her muscle enzymes are still up", "but her platelets never came up", "and his counts
stayed low"), "not much change yet", a dose brought down, a date after a bracket of markers,
words typo recovery must leave alone, and a first message about a parent's or sibling's
illness ("hi my sister has lupus"), which the chat now asks about instead of reading as family
history and asking the writer's own diagnosis."""
from __future__ import annotations

from datetime import date

import pytest

from bundled_engine import bundled_engine, talk, tracker_of
from nlp import extract
from nlp.pipeline import named_relative

TODAY = date(2026, 12, 5)


def facts(text: str) -> dict[str, object]:
    return {f.concept: f for f in extract(text, today=TODAY) if f.label not in ("AGE", "SEX")}


def past(fact) -> bool:
    return fact.historical or (fact.status in ("failed", "intolerant") and not fact.ongoing)


@pytest.mark.parametrize("text", [
    "shes had MMF and rituximab, her muscle enzymes are still up",
    "she had MMF and rituximab and her ck is still going up",
    "she had MMF and rituximab but her platelets didnt come up",
    "she had MMF and rituximab but her platelets did not improve",
    "she had MMF and rituximab and her rash never went away",
    "he tried MMF and rituximab but he never improved",
    "he tried MMF and rituximab and his counts stayed low",
    "tried MMF and rituximab - his joints never settled",
])
def test_the_disease_not_better_after_a_list_fails_each_treatment(text):
    found = facts(text)
    assert found["mycophenolate"].status == "failed" and found["rituximab"].status == "failed"


def test_still_bad_on_a_treatment_taken_now_fails_it_and_it_goes_on():
    found = facts("shes had iv steroids, methotrexate and ivig monthly, her muscle enzymes are still up")
    assert found["ivig"].status == "failed" and found["ivig"].ongoing
    assert past(found["methotrexate"])


@pytest.mark.parametrize("text", [
    "she had rituximab in 2020 and the lupus never came back",
    "she had rituximab and stayed in remission",
    "On MMF since 2020, did not respond to rituximab",
])
def test_a_good_outcome_or_an_outcome_of_what_follows_fails_nothing_before(text):
    found = facts(text)
    assert found.get("rituximab") is None or found["rituximab"].status != "failed" or "respond" in text
    if "MMF" in text:
        assert found["mycophenolate"].status != "failed"


def test_a_test_result_after_a_treatment_keeps_its_result():
    found = [f for f in extract("she had TB in 2015 and finished 6 months of treatment, her quantiferon is still positive though",
                                today=TODAY) if f.text == "quantiferon"]
    assert found and found[0].status == "positive" and not found[0].uncertain


@pytest.mark.parametrize("text", [
    "Started on mycophenolate 3 months ago, not much change yet.",
    "on mycophenolate since august, no response yet",
    "she started mycophenolate in october and it hasn't kicked in yet",
])
def test_too_early_to_tell_is_no_failure(text):
    fact = facts(text)["mycophenolate"]
    assert fact.status != "failed" and not past(fact)


def test_a_failure_without_yet_is_still_a_failure():
    assert facts("tried rituximab, no response")["rituximab"].status == "failed"


@pytest.mark.parametrize("text", [
    "he was on prednisone 60 then came down to 10, plus tacro",
    "she was on pred 40, now tapered to 7.5",
])
def test_a_dose_brought_down_is_still_taken(text):
    fact = facts(text)["prednisone"]
    assert not past(fact)


def test_a_count_brought_down_dates_no_treatment():
    assert facts("rituximab in 2021 and her CRP came down to 10")["rituximab"].status != "current"


def test_a_dose_brought_down_and_then_stopped_is_over():
    assert past(facts("prednisone 60mg then weaned to 5mg and stopped in june")["prednisone"])


@pytest.mark.parametrize("text, disease, marker", [
    ("she has lupus (anti-dsDNA) since 2019", "sle", "anti_dsdna"),
    ("he has myositis (anti-jo1) since 2023", "inflammatory_myopathy", "myositis_antibody"),
])
def test_a_time_after_a_bracket_of_markers_dates_the_disease(text, disease, marker):
    found = facts(text)
    assert found[disease].date is not None and found[marker].date is None
    assert found[marker].status == "positive"


def test_stents_are_no_sunitinib_and_dilantin_is_phenytoin():
    assert "sunitinib" not in facts("he had a heart attack 3 years back, stents")
    assert "phenytoin" in facts("on dilantin for seizures")
    assert "endometriosis" not in facts("endometrioid adenocarcinoma of the endometrium")


@pytest.mark.parametrize("text, relation", [
    ("hi my sister has lupus", "sister"),
    ("my dad was diagnosed with T-ALL last year", "father"),
    ("hi, my mom has scleroderma. what trials are there?", "mother"),
])
def test_a_parent_or_sibling_named_alone_with_an_illness_may_be_the_patient(text, relation):
    assert named_relative(text).relation == relation


@pytest.mark.parametrize("text", [
    "I have SSc and my sister has lupus",            # the writer's own illness
    "my sister has lupus and my mum has RA",         # two relatives
    "my daughter has lupus",                         # already the patient
    "my brother was diagnosed with T-ALL last year, he relapsed after chemo",   # already the patient
    "I have lupus",
])
def test_no_question_when_the_message_says_whose_it_is(text):
    assert named_relative(text) is None


@pytest.fixture
def engine(tmp_path):
    return bundled_engine(tmp_path / "t.db", TODAY)


def test_the_chat_asks_whether_the_sister_is_the_patient_and_yes_makes_her_so(engine):
    replies = talk(engine, "cli:sis", "Patient or family", "hi my sister has lupus", "yes")
    assert "Are you asking for your sister?" in replies[1]
    assert "systemic lupus erythematosus" in replies[2] and "family history" not in replies[2]
    assert "diagnosed with" not in replies[2]       # not asked the writer's diagnosis any more
    tracker = tracker_of(engine, "cli:sis")
    assert tracker.relation == "sister"
    assert any(f.concept == "sle" and not f.family for f in tracker.profile.facts)
    assert not any(f.concept == "sle" and f.family for f in tracker.profile.facts)
    assert tracker.profile.sex == "female"


def test_no_keeps_it_family_history_and_asks_the_writers_diagnosis(engine):
    replies = talk(engine, "cli:sis2", "Patient or family", "hi my sister has lupus", "no")
    assert "Are you asking for your sister?" in replies[1]
    assert "What illness have you been diagnosed with?" in replies[2]


def test_a_clinician_or_a_writer_with_their_own_illness_is_not_asked(engine):
    replies = talk(engine, "cli:doc", "Clinician", "my sister has lupus")
    assert "asking for" not in replies[1]
    replies = talk(engine, "cli:own", "Patient or family", "I have systemic sclerosis and my sister has lupus")
    assert "asking for" not in replies[1]


def test_a_not_tested_hedge_ends_at_its_comma():
    found = {f.concept: f for f in extract("no hep B, no hep C, HIV never tested", today=TODAY)}
    assert found["hcv"].status == "negative" and not found["hcv"].uncertain
    assert found["hiv"].uncertain and found["hiv"].status != "negative"


@pytest.mark.parametrize("text, concept", [
    ("Prior: IFX (1y, LOR), VDZ (primary NR).", "infliximab"),
    ("Prior: IFX (1y, LOR), VDZ (primary NR).", "vedolizumab"),
    ("IFX: secondary LOR.", "infliximab"),
    ("adalimumab - primary nonresponse", "adalimumab"),
])
def test_gastroenterologists_shorthand_for_no_response_is_a_failure(text, concept):
    assert facts(text)[concept].status == "failed"


@pytest.mark.parametrize("text", [
    "MMF 3g + nintedanib. Progression on HRCT 09/25.",
    "On MMF and nintedanib; HRCT shows progression.",
])
def test_progression_on_a_scan_after_the_treatments_fails_them_and_they_go_on(text):
    found = facts(text)
    for concept in ("mycophenolate", "nintedanib"):
        assert found[concept].status == "failed" and found[concept].ongoing


def test_progression_on_a_scan_after_a_finished_course_fails_it():
    fact = facts("R-CHOP x6, PET showed progression")["r_chop"]
    assert fact.status == "failed" and past(fact)


def test_named_before_the_role_is_chosen_is_asked_after_it(engine):
    replies = talk(engine, "cli:sis3", "hi my sister has lupus", "Patient or family", "yes")
    assert "Are you asking for your sister?" in replies[1]
    assert "systemic lupus erythematosus" in replies[2] and "How old is she?" in replies[2]
    tracker = tracker_of(engine, "cli:sis3")
    assert tracker.relation == "sister" and tracker.profile.sex == "female"


def test_the_question_keeps_no_words_of_the_message(engine):
    talk(engine, "cli:sis4", "Patient or family", "hi my sister has lupus")
    stored = " ".join(str(e) for e in engine.store.events("cli:sis4"))
    assert "hi my sister" not in stored


@pytest.mark.parametrize("text, relation", [
    ("my husband and I are looking for something for our daughter. she's 12 with lupus nephritis", "daughter"),
    ("my husband and I have two kids, our son has T-ALL", "son"),
    ("my husband and I are worried, he has crohns", "husband"),
])
def test_a_partner_writing_with_the_writer_is_not_the_patient_when_another_is_named(text, relation):
    from nlp.pipeline import speaker_of
    assert speaker_of(text).relation == relation


def test_the_daughter_written_for_by_both_parents_gets_her_sex_and_age():
    found = {f.label: f for f in extract("my husband and I are looking for something for our daughter. she's 12 with "
                                         "lupus nephritis, on MMF and steroids. I have MS", today=TODAY)}
    assert found["SEX"].concept == "female" and found["AGE"].value == 12


def test_ssc_in_small_letters_and_lungs_scarring_in_a_verb():
    found = facts("wife 58 ssc diffuse 3 yrs, me 60 fine. shes on mmf, her lungs are scarring")
    assert "systemic_sclerosis" in found and "interstitial_lung_disease" in found


@pytest.mark.parametrize("text, age", [
    ("Our son, who just turned 21, has crohns", 21),
    ("he was 9 when diagnosed, now 15", 15),
    ("she was 14 when it started and is now 19, has lupus", 19),
])
def test_the_age_now_not_the_age_at_onset(text, age):
    ages = [f.value for f in extract(text, today=TODAY) if f.label == "AGE"]
    assert ages == [age]


@pytest.mark.parametrize("text, concept", [
    ("MRD is still positive on the last marrow", "mrd_positive"),
    ("MRD came back positive", "mrd_positive"),
    ("her MRD was negative after induction", "mrd_negative"),
])
def test_residual_disease_said_with_a_verb(text, concept):
    assert concept in facts(text)


@pytest.mark.parametrize("text, concept", [
    ("they mentioned nelarabine but she already had that", "nelarabine"),
    ("the doctor suggested rituximab but he's already had it", "rituximab"),
])
def test_a_suggested_treatment_already_had_is_taken_not_planned(text, concept):
    fact = facts(text)[concept]
    assert not fact.hypothetical and fact.historical


def test_a_suggested_treatment_still_to_come_stays_a_plan():
    assert facts("they suggested rituximab and she will start it next month")["rituximab"].hypothetical


@pytest.mark.parametrize("text", [
    "He underwent a matched sibling allogeneic HSCT in October 2024.",
    "matched sibling donor transplant in 2023",
    "sibling allograft 2022",
])
def test_a_donor_named_before_a_transplant_is_no_family_history(text):
    found = [f for f in extract(text, today=TODAY) if f.label == "PROCEDURE"]
    assert found and found[0].concept == "allo_hsct" and not found[0].family


def test_a_relatives_own_transplant_stays_theirs():
    found = [f for f in extract("his sister had a stem cell transplant", today=TODAY) if f.label == "PROCEDURE"]
    assert found and found[0].family


@pytest.mark.parametrize("text, age", [
    ("Hi, me and my wife are searching for options for our son, he turned 19 last month. T-ALL", 19),
    ("she just turned 16, has lupus", 16),
])
def test_an_age_just_turned_is_the_age_now(text, age):
    assert [f.value for f in extract(text, today=TODAY) if f.label == "AGE" and not f.family] == [age]


def test_turned_without_an_age_now_is_no_age():
    assert not [f for f in extract("when she turned 12 the rash started", today=TODAY) if f.label == "AGE"]


@pytest.mark.parametrize("text, concept", [
    ("kineret helped at first but the fevers are back", "anakinra"),
    ("rituximab worked for a while then her platelets dropped", "rituximab"),
])
def test_a_response_that_did_not_last_is_a_failure(text, concept):
    assert facts(text)[concept].status == "failed"


def test_the_ct_showing_more_fibrosis_fails_the_treatment_before():
    assert facts("rituximab last year, and the CT shows more fibrosis")["rituximab"].status == "failed"
