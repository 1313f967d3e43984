"""Physician notes and referral letters, round 8 (issue #13): each test names a class of
clinician writing and asks what the pipeline reads from one example of it (the wordings
are new, not the gold letters')."""
from __future__ import annotations

from bot.commands.triage import _profile_line
from core.facts import Profile
from nlp import extract
from assertion_helpers import ROUND_TODAY, of, present


def _ages(text: str) -> list[float]:
    return [f.value for f in extract(text, today=ROUND_TODAY) if f.label == "AGE"]


# --- sections: a history heading alone on its line over a bulleted list ---------------------

def test_bulleted_list_under_a_bare_history_heading_is_history():
    text = "Background\n- Asthma (2009)\n* Hypothyroidism\n1. GERD\nPresenting problem\nSLE with nephritis, on MMF."
    assert of(text, "asthma").historical
    # a bracket saying it goes on keeps the item current (h192, round 40: "(since 2009)")
    assert not of(text.replace("(2009)", "(since 2009)"), "asthma").historical
    assert of(text, "hypothyroidism").historical
    assert of(text, "gerd").historical
    # the unbulleted problem after the list is the patient's disease now
    assert present(of(text, "sle"))


def test_a_bare_heading_without_bullets_dates_nothing():
    text = "Background\nSystemic sclerosis since 2019, progressive ILD."
    assert present(of(text, "systemic_sclerosis"))


def test_background_with_a_colon_opens_the_main_problem_not_history():
    assert present(of("Background: SLE since 2015, now with class IV nephritis.", "sle"))


def test_other_history_heading_dates_its_items():
    text = "Diagnosis: dermatomyositis.\nOther history: Hypertension. Obesity (BMI 34).\nPlan: IVIG."
    assert of(text, "hypertension").historical
    assert present(of(text, "dermatomyositis"))


# --- pregnancy ------------------------------------------------------------------------------

def test_negative_pregnancy_test_with_a_time_between():
    for text in ("Her pregnancy test today was negative.", "Beta-hCG on admission: negative.",
                 "Urine pregnancy test done today - negative."):
        fact = of(text, "pregnant")
        assert fact.negated, text


def test_obstetric_history_heading_is_no_pregnancy():
    for text in ("Pregnancy: G2P2, last delivery 2020.", "Pregnancy history: two uneventful deliveries."):
        assert not any(f.concept == "pregnant" and not (f.negated or f.historical) for f in extract(text, today=ROUND_TODAY)), text
    assert present(of("She is pregnant (12 weeks).", "pregnant"))


# --- ages -----------------------------------------------------------------------------------

def test_age_at_an_event_is_not_the_patients_age():
    assert _ages("PMH: Tonsillectomy age 7. Asthma.") == []
    assert _ages("MI age 50 and stroke age 60.") == []


def test_age_written_as_a_field_or_after_a_sex_word_is_read():
    assert _ages("Age 64. Sex: male.") == [64]
    assert _ages("Referral for a woman age 45 with lupus.") == [45]
    assert _ages("Age: 40") == [40]


# --- earlier values, refusals, offers, teams --------------------------------------------------

def test_lab_with_unit_then_at_presentation_is_an_earlier_value():
    assert of("Platelets 3 x10^9/L at presentation. Now stable.", "platelets").historical
    assert of("WBC 150 x 10^9/L at diagnosis.", "wbc").historical


def test_treatment_refused_after_the_refusal_is_absent():
    assert of("He has declined the pneumococcal and shingles vaccine.", "zoster_vaccine").negated
    assert of("The patient declined to start rituximab.", "rituximab").negated
    # "declined" as a fall in a value never negates the treatment after it
    assert not of("Her platelets have declined to 20 on eltrombopag.", "eltrombopag").negated


def test_treatment_offered_is_not_given():
    assert of("She was offered a splenectomy.", "splenectomy").hypothetical


def test_a_team_named_after_a_therapy_is_no_therapy():
    assert not any(f.concept == "car_t" for f in extract("Dear CAR-T team,\nplease see this 30M with T-ALL.", today=ROUND_TODAY))


# --- dates ----------------------------------------------------------------------------------

def test_a_year_in_a_bracket_with_its_own_value_does_not_date_the_lab_before():
    fact = of("Platelet count 15,000/uL today (nadir 3 x10^9/L in 2021).", "platelets")
    assert fact.value == 15000 and fact.date is None
    assert of("CK 2400 U/L (March 2024)", "ck").date == "2024-03"


# --- the triage report ------------------------------------------------------------------------

def test_triage_line_keeps_a_stated_diagnosis_beside_a_hedged_mention():
    profile = Profile.of_text(extract("29F with SLE on hydroxychloroquine. Rule out CNS lupus - MRI pending.", today=ROUND_TODAY))
    line = _profile_line(profile)
    assert "systemic lupus erythematosus" in line
    assert "uncertain" not in line


def test_triage_line_shows_an_only_hedged_diagnosis_as_uncertain():
    profile = Profile.of_text(extract("Possible SLE, work-up pending.", today=ROUND_TODAY))
    assert "uncertain" in _profile_line(profile)



def test_triage_line_shows_how_a_value_without_unit_was_read():
    line = _profile_line(Profile.of_text(extract("70M with MDS, plt 45000, ANC 800, platelets 88 x10^9/L.", today=ROUND_TODAY)))
    assert "platelet count (45000, read as 45 10^9/L)" in line
    assert "absolute neutrophil count (800, read as 0.8 10^9/L)" in line
    assert "platelet count (88 x10^9/L)" in line      # a unit written: shown as written only


def test_age_in_brackets_after_the_patients_title_and_name():
    assert _ages("Dear Dr Li, I reviewed Mrs Okoye (61) in clinic today.") == [61]
    assert _ages("Mr Smith (2019 referral) has SLE.") == []


def test_an_episode_dated_to_an_earlier_year_is_over():
    assert of("Still's disease complicated by MAS in 2021.", "macrophage_activation_syndrome").historical
    assert of("Systemic sclerosis; scleroderma renal crisis 2019.", "scleroderma_renal_crisis").historical
    assert present(of("Still's disease with MAS now, ferritin 20000 ng/mL.", "macrophage_activation_syndrome"))


def test_a_disease_screened_for_and_not_found_is_absent():
    assert of("Malignancy screen in 2022 and 2024 was negative.", "malignancy").negated
    assert of("She has breast cancer; the TB screen was negative.", "tuberculosis").negated
    assert present(of("She has breast cancer; the TB screen was negative.", "breast_cancer"))


def test_a_treatment_that_did_not_induce_remission_failed():
    assert of("Vedolizumab did not induce remission.", "vedolizumab").status == "failed"
    assert of("Rituximab did not control the disease, so MMF was started.", "rituximab").status == "failed"


def test_a_status_word_before_a_disease_is_no_outcome_of_the_treatment_before_it():
    fact = of("Second opinion re CAR-T for refractory lupus.", "car_t")
    assert fact.status != "failed"
    assert present(of("Referred for CAR-T for refractory lupus.", "sle"))
    # the outcome forms are unchanged
    assert of("Salvage nelarabine x2 cycles, refractory.", "nelarabine").status == "failed"
    assert of("ITP refractory to eltrombopag and rituximab.", "rituximab").status == "failed"


def test_a_treatment_on_the_reason_for_referral_line_is_sought_not_given():
    fact = of("Reason for referral: second opinion re CAR-T for refractory lupus.", "car_t")
    assert fact.hypothetical and not fact.historical
    # an outcome on that line is still a fact; a treatment on the next line is not a request
    assert of("Reason for referral: SLE refractory to MMF and rituximab, consider CAR-T.", "mycophenolate").status == "failed"
    given = [f for f in extract("Re: CAR-T for T-ALL\nShe had CAR-T in 2023.", today=ROUND_TODAY) if f.concept == "car_t"]
    assert [f.hypothetical for f in given] == [True, False]


def test_a_treatment_stopped_for_lack_of_effect_failed():
    assert of("Vedolizumab was stopped after 8 months for lack of effect.", "vedolizumab").status == "failed"
    assert of("Previously on etanercept (2014-2019), switched for loss of efficacy.", "etanercept").status == "failed"


def test_a_lists_outcome_after_a_semicolon_or_with_a_qualifier():
    for concept in ("belimumab", "anifrolumab", "rituximab"):
        assert of("She previously received belimumab, anifrolumab and rituximab; none of them helped.", concept).status == "failed"
    assert of("Abatacept and tofacitinib, all without sustained response.", "tofacitinib").status == "failed"
    assert of("Rituximab with no meaningful benefit.", "rituximab").status == "failed"
    assert of("Rituximab with any response? unknown", "rituximab").status != "failed"
    assert of("I take MMF; none of my friends have lupus.", "mycophenolate").status == "current"
