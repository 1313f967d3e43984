"""Round 20 (h90, issue #13): how patients and relatives write. Each test uses a wording of
its own (not a gold message) and goes through the real path: ``extract`` for the facts,
the renderer for what a person is told."""
from __future__ import annotations

from benchmarks.assertion import predicted_assertion
from bot.formats import PLAIN
from bot.render import Renderer
from nlp.pipeline import extract, speaker_of


def _facts(text: str, concept: str):
    return [f for f in extract(text) if f.concept == concept]


def _one(text: str, concept: str):
    found = _facts(text, concept)
    assert len(found) == 1, (text, concept, found)
    return found[0]


# --- negative tests in lay words --------------------------------------------------------
def test_a_test_named_with_too_after_a_clear_result_is_negative_as_well():
    assert _one("his hepatitis test came back clear and the HIV one too", "hiv").negated
    assert _one("hep B and hep C both fine, TB too", "tuberculosis").negated


def test_too_after_a_failed_treatment_says_nothing_of_another_treatment():
    fact = _one("azathioprine failed, now she takes belimumab too", "belimumab")
    assert fact.status != "failed" and not fact.negated


def test_hep_alone_is_viral_hepatitis():
    fact = _one("her hep screen was negative", "viral_hepatitis")
    assert fact.negated


def test_a_result_after_tested_and_a_comma():
    assert _one("hep C was checked, negative", "hcv").negated
    # a test named after "tested for" keeps its own rule ("tested for X, negative")
    assert _one("he has been screened for hep B, negative", "hbv").negated


def test_waiting_on_a_result_is_unknown():
    fact = _one("still waiting on the HIV result", "hiv")
    assert fact.uncertain and not fact.negated


# --- a past pregnancy told by the child's age -------------------------------------------
def test_pregnant_with_a_child_now_two_is_a_past_pregnancy_and_not_the_patients_age():
    text = "I was pregnant with my daughter when the lupus started, she is 2 now. on hydroxychloroquine"
    pregnancy = _one(text, "pregnant")
    assert pregnancy.historical
    ages = _facts(text, "age")
    assert all(a.family for a in ages)     # the child's age, not the patient's
    assert speaker_of(text).speaker == "patient"
    lupus = _one(text, "sle")
    assert not lupus.family


def test_a_relatives_child_age_of_the_other_sex_is_not_the_patients():
    text = "my wife has ITP, she got pregnant with our boy in 2021, he's 4 now"
    assert all(a.family for a in _facts(text, "age"))
    assert _one(text, "pregnant").historical


def test_a_relatives_own_pronoun_age_stays_the_patients():
    fact = _one("my father has AML, he is 71", "age")
    assert fact.value == 71 and not fact.family


# --- hedged failures --------------------------------------------------------------------
def test_a_drug_then_a_hedged_no_response_is_failed():
    assert _one("eltrombopag i don't think did anything for me", "eltrombopag").status == "failed"
    assert _one("Fostamatinib - not convinced it helped.", "fostamatinib").status == "failed"
    assert _one("mycophenolate im not sure it did much", "mycophenolate").status == "failed"


def test_a_doubt_whether_a_drug_was_had_stays_a_doubt():
    fact = _one("not sure if belimumab did anything", "belimumab")
    assert fact.status != "failed" or fact.uncertain


# --- dated courses, then a lab ----------------------------------------------------------
def test_a_lab_in_its_own_sentence_after_a_closed_course_is_current():
    fact = _one("azathioprine 2015-2020. eGFR 48 now stable", "egfr")
    assert not fact.historical
    fact = _one("tacrolimus 2018 to 2021. her creatinine is 1.6", "creatinine")
    assert not fact.historical


def test_a_lab_on_the_same_clause_as_a_closed_course_stays_past():
    fact = _one("Eltrombopag 2020-2022 - lost response, plt 25", "platelets")
    assert fact.historical


# --- organ involvement in lay words -----------------------------------------------------
def test_lung_scarring_said_of_the_lungs_is_ild():
    assert _facts("I have scleroderma and my lungs have got some scarring on them", "interstitial_lung_disease")
    assert _facts("dermatomyositis. they scanned her lungs last week and it showed scarring", "interstitial_lung_disease")


def test_fibrosis_of_another_organ_is_not_ild():
    # (round 30: "lungs are fine" is itself no ILD, a negated fact; the liver's fibrosis none)
    found = _facts("SSc. lungs are fine, the scan showed liver fibrosis", "interstitial_lung_disease")
    assert all(f.negated for f in found) and all(f.text != "fibrosis" for f in found)


# --- present tense, relapses, relatives -------------------------------------------------
def test_a_present_perfect_treatment_with_its_start_is_current():
    fact = _one("he's had tocilizumab since he was 12", "tocilizumab")
    assert predicted_assertion(fact) == ("present", "patient", "current")


def test_a_relapse_after_a_treatment_that_was_had_is_current():
    fact = _one("she had CAR-T in 2024 and relapsed this autumn", "relapsed_disease")
    assert not fact.historical
    fact = _one("had chemo in 2018, relapsed in 2019, in remission since", "relapsed_disease")
    assert fact.historical


def test_the_patients_partner_in_a_note_is_family():
    assert _one("Patient's husband has hepatitis B.", "hbv").family


def test_an_in_law_written_in_words_is_a_relation():
    assert speaker_of("asking for my mother in law, she has lupus").relation == "mother"


def test_a_drug_split_by_autocorrect():
    assert _facts("they gave her metho trexate and it failed", "methotrexate")


# --- what a person is told: failed and still taken --------------------------------------
def test_a_failing_treatment_still_taken_is_shown_as_taken_and_not_helping():
    facts = extract("Vedolizumab ongoing, not responding.")
    shown = " ".join(Renderer(PLAIN).facts(facts, "patient"))
    assert "taking" in shown and "not helping" in shown
    assert "tried" not in shown and "did not help" not in shown


def test_a_failed_treatment_stopped_is_still_tried():
    shown = " ".join(Renderer(PLAIN).facts(extract("tried vedolizumab, it did not help"), "patient"))
    assert "tried" in shown and "did not help" in shown


def test_a_pregnancy_now_with_the_babys_weeks_stays_current():
    fact = _one("I'm pregnant with my first son, he is 22 weeks now", "pregnant")
    assert not fact.historical and not fact.negated
