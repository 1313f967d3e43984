"""Round 26 (h120, issue #13): whose fact, and what people mean, in chat messages.

Wordings of their own (not the gold rows'): a clinician naming the patient after a child ("pt
is the mother"), a relative set apart ("its my son who is ill not me"), the writer naming
themself by their relation ("this is her husband writing"), a writer's "me and my sister both
have", a relative's sibling said to have it "too", a relative named after a comma with a
bracketed age, "her <disease>" in the writer's own message; hedges in a bracket ("(unsure)"),
a type doubted, not the disease; infections counted ("covid 3 times"); a vaccine named, not an
infection's result; a contraceptive device fitted in the past; a failure said in the present
progressive before the treatment; a disease "in her lungs", "affecting his heart".
"""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from nlp import extract
from nlp.pipeline import speaker_of

TODAY = date(2026, 12, 6)


def _read(text: str) -> dict[str, tuple]:
    return {f.concept: (f.label,) + predicted_assertion(f) + (f.status,) for f in extract(text, today=TODAY)}


# --- whose fact ------------------------------------------------------------------------------------

def test_a_clinician_names_the_patient_after_a_child():
    facts = _read("Son (4) has asthma; patient is the mother, RA on etanercept.")
    assert facts["asthma"][2] == "family"
    assert facts["rheumatoid_arthritis"][1:4] == ("present", "patient", "current")
    assert speaker_of("Son (4) has asthma; patient is the mother, RA.").relation == "mother"


def test_the_writer_set_aside_is_not_the_subject_of_what_follows():
    facts = _read("its my son who is ill not me, T-ALL at 17. i have psoriasis but its mild")
    assert facts["t_all"][1:3] == ("present", "patient")
    assert facts["psoriasis"][2] == "family"


def test_the_writer_naming_themself_by_their_relation_to_the_patient():
    speaker = speaker_of("hello, this is her husband writing. she has myasthenia gravis. i have gout")
    assert (speaker.speaker, speaker.relation, speaker.sex) == ("relative", "wife", "female")
    facts = _read("hello, this is her husband writing. she has myasthenia gravis. i have gout")
    assert facts["myasthenia_gravis"][2] == "patient"
    assert facts["gout"][2] == "family"


def test_me_and_my_relative_both_having_it_is_the_writers_message():
    facts = _read("me and my brother have crohns, im 27 and on humira")
    assert facts["crohns_disease"][2] == "patient"
    assert facts["age"][2] == "patient"
    assert facts["adalimumab"][2] == "patient"


def test_a_sibling_with_it_too_is_family_beside_the_writers_own():
    facts = _read("RA 40 m. methotrexate stopped working. my brother has RA too, hes on rinvoq")
    assert facts["methotrexate"][2] == "patient"
    assert facts["upadacitinib"][2] == "family"


def test_a_child_with_it_too_is_still_whom_the_message_is_about():
    assert _read("and now my son has been diagnosed with crohns too")["crohns_disease"][2] == "patient"


def test_a_relative_after_a_comma_with_a_bracketed_age_owns_the_treatment():
    facts = _read("gran (80) has MDS, grandad (82) has angina and is on aspirin. asking for gran")
    assert facts["mds"][2] == "patient"
    assert facts["aspirin"][2] == "family"


def test_her_disease_in_the_writers_own_message_is_the_relatives():
    facts = _read("my mum takes levothyroxine for her hypothyroidism, not me. i have lupus")
    assert facts["hypothyroidism"][2] == "family"
    assert facts["sle"][2] == "patient"


# --- what people mean --------------------------------------------------------------------------------

def test_a_hedge_opening_a_bracket_doubts_the_diagnosis():
    assert _read("she has sjogrens (unsure) and RA")["sjogrens_syndrome"][1] == "possible"
    assert _read("lupus (not sure, they are still testing)")["sle"][1] == "possible"


def test_a_doubt_of_the_type_is_no_doubt_of_the_disease():
    assert _read("my son has arthritis, JIA (not sure which kind)")["juvenile_idiopathic_arthritis"][1] == "present"
    assert _read("lupus (not sure if thats relevant) and RA")["sle"][1] == "present"


def test_an_infection_counted_is_of_the_past():
    assert _read("ive had pneumonia 3 times this year")["active_infection"][3] == "past"
    assert _read("i've had covid twice, and flu")["covid"][3] == "past"
    assert _read("ive had hepatitis b since birth")["hbv"][3] == "current"


def test_a_vaccine_named_is_no_hepatitis_b_result():
    facts = _read("got the hepatitis b vaccine at school. no TB")
    assert "hbv" not in facts
    assert facts["hepatitis_b_vaccine"][0] == "DRUG"
    assert _read("hep B vaccinated")["hbv"][1] == "absent"
    assert _read("she had the jab against hep b")["hbv"][1] == "absent"


def test_a_contraceptive_device_fitted_in_the_past_is_in_place_now():
    assert _read("had a mirena coil fitted 2 years ago")["contraception"][1:] == ("present", "patient", "current", "current")
    assert _read("not pregnant, coil since 2021")["contraception"][3] == "current"
    assert _read("i had the implant in my arm but it was removed in may")["contraception"][3] == "past"


def test_a_failure_said_in_the_present_before_the_treatment_is_while_taken():
    facts = _read("her ITP isnt responding to eltrombopag")
    assert facts["eltrombopag"][3:] == ("current", "failed")
    assert _read("she was not responding to IVIG")["ivig"][3:] == ("past", "failed")


def test_a_disease_in_an_organ():
    assert _read("her lupus is in her kidneys now")["lupus_nephritis"][1:3] == ("present", "patient")
    assert _read("his scleroderma is affecting his heart")["heart_disease"][1] == "present"
