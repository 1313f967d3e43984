"""Round 37 (h176, issue #13): what patients and their relatives write, in phrasings other
than the round's gold rows (conv-7376 … conv-7455): ages right after a diagnosis, relatives
named in a bracket or a header, a transplant's donor, courses had or counted, labs the writer
does not know, a hedge of the next treatment, a childhood illness of a child, pregnancy wishes,
lay words, and the conversation's replies to them."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, FAMILY, of, reading, facts_at
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, talk
from nlp import extract

TODAY = date(2026, 12, 7)


# --- ages and sexes right after a diagnosis ---------------------------------------------------

def test_an_age_and_sex_letter_right_after_the_diagnosis():
    text = "POLYMYOSITIS 63 F. on aza"
    assert of(text, "age").value == 63
    assert predicted_assertion(of(text, "female")) == NOW


def test_an_age_right_after_the_diagnosis_then_a_comma():
    assert of("crohns 27, on stelara since may", "age").value == 27


def test_a_single_digit_after_a_disease_is_no_age():
    assert not facts_at("CKD 4, on dialysis twice a week", "age", TODAY)


def test_an_age_after_a_class_or_a_bracket_after_the_diagnosis():
    assert of("lupus nephritis class V, 31, on voclosporin", "age").value == 31
    assert of("My wife has limited scleroderma (since 2019), 52. nifedipine", "age").value == 52


# --- whose message ---------------------------------------------------------------------------

def test_a_relative_named_the_patient_in_a_bracket():
    text = "my mum has RA and my sister (the patient, 29) has lupus. sister is on benlysta"
    assert predicted_assertion(of(text, "sle")) == NOW
    assert of(text, "age").value == 29
    assert predicted_assertion(of(text, "rheumatoid_arthritis")) == FAMILY


def test_a_message_headed_by_whom_it_is_for():
    text = "for my husband - myositis, ck 4000, on ivig"
    assert predicted_assertion(of(text, "inflammatory_myopathy")) == NOW


def test_a_grandparent_with_an_age_opening_the_message():
    text = "nan 81 has lupus and osteoporosis, on hydroxychloroquine"
    assert predicted_assertion(of(text, "sle")) == NOW
    assert of(text, "age").value == 81


def test_an_in_law_with_an_age_in_brackets():
    assert of("my father in law (66) has crohns, on vedolizumab", "age").value == 66


def test_a_transplant_from_a_sibling_leaves_the_patients_cancer_theirs():
    text = "i had a bone marrow transplant from my brother in 2023 for T-LBL and it came back this year"
    assert predicted_assertion(of(text, "t_lbl")) == NOW
    assert of(text, "allo_hsct")


def test_a_relative_named_donor_in_a_bracket_or_after_makes_the_transplant_allogeneic():
    assert of("T-ALL, stem cell transplant (sister was the donor) 2024, relapsed", "allo_hsct")
    assert of("my son had a transplant last spring. im his donor. he relapsed", "allo_hsct")


def test_the_writers_own_words_in_a_relatives_message():
    text = "my sister (34) has T-ALL and needs a transplant, im healthy and a match"
    assert predicted_assertion(of(text, "healthy")) == FAMILY


# --- treatments had, counted, declined, hedged -----------------------------------------------

def test_a_treatment_had_in_the_present_perfect_is_past():
    assert reading("i have had cyclophosphamide, six doses", "cyclophosphamide") == PAST
    assert reading("ive had ivig", "ivig") == PAST


def test_a_present_perfect_with_a_schedule_since_goes_on():
    assert reading("we have had tocilizumab every 4 weeks since, no flares", "tocilizumab")[2] == "current"


def test_courses_counted_by_memory_or_on_and_off_are_past():
    assert reading("pred more times than i can count, then mmf, now rituximab", "prednisone") == PAST
    assert reading("prednisolone on and off for years, now on upadacitinib", "prednisone") == PAST


def test_a_counted_course_said_done():
    assert reading("methylpred 1g x3 days done, rituximab next week", "methylprednisolone") == PAST


def test_a_short_course_counted_in_days_is_over_unless_said_taken():
    assert reading("ITP in 2024. Methylprednisolone 1 g x3 days, then romiplostim", "methylprednisolone") == PAST
    assert reading("Plt 8. On methylprednisolone 1 g x3 days, IVIG tomorrow.", "methylprednisolone") == NOW


def test_a_hedge_between_two_treatments_is_the_second_ones():
    text = "she's on azathioprine possibly mycophenolate next"
    assert reading(text, "azathioprine") == NOW
    assert of(text, "mycophenolate").uncertain


def test_a_telegraphic_failure_keeps_the_treatment_taken():
    fact = of("ITP 4 yrs. eltrombopag not working.", "eltrombopag")
    assert fact.status == "failed" and predicted_assertion(fact)[2] == "current"


# --- diseases, labs, remission ----------------------------------------------------------------

def test_a_childhood_illness_of_a_child_goes_on():
    assert reading("our son has childhood crohns, he is 12", "crohns_disease") == NOW
    assert reading("i had childhood asthma, im 50 now", "asthma") == PAST


def test_a_lab_the_writer_does_not_know_is_named_hedged_with_no_value():
    fact = of("lupus, not sure what her C3 is these days", "complement_c3")
    assert fact.value is None and fact.uncertain and fact.status is None
    assert of("ITP, no idea what my platelets are now", "platelets").uncertain


def test_a_remission_since_after_treatments_had():
    assert reading("she had blinatumomab and nelarabine, in remission since june", "in_remission") == NOW


def test_lung_disease_beside_a_disease_is_its_interstitial_lung_disease():
    assert of("scleroderma 12 yrs with lung disease, on nintedanib", "interstitial_lung_disease")
    assert of("he has COPD, a lung disease", "chronic_lung_disease")


def test_two_lower_case_abbreviations_joined():
    assert of("hes got uc and psc, on vedo", "primary_sclerosing_cholangitis")


def test_pregnancy_wishes_in_plain_words():
    assert reading("lupus, on hcq, we want kids soon", "planning")[0] == "hypothetical"
    assert reading("we lost a baby last year and want to try again for a baby", "planning")[0] == "hypothetical"


def test_lay_words_for_treatments():
    assert of("her colon was removed in 2020", "colectomy")
    assert of("ITP, rheum says a jak could be next", "jak_inhibitor")
    assert of("plts 9, on dex now", "dexamethasone")


# --- the conversation -------------------------------------------------------------------------

def test_a_lab_not_known_said_to_another_question_is_noted_and_the_question_stays(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c1", "im 35 f with ITP, i had ritux and pred", "dont know my plts atm")
    assert "platelet count: value not known" in replies[1]
    asked = replies[0].strip().splitlines()[-1]
    assert replies[1].strip().splitlines()[-1] == asked


def test_a_relatives_header_message_is_read_as_about_the_relative(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c1", "for my wife: dermatomyositis 48, rapidly progressive lung disease")[0]
    assert "interstitial lung disease" in reply and "family history" not in reply
