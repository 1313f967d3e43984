"""Round 22 (h102, issue #13): how patients and relatives really write. Disease abbreviations
in small letters ("i have ra", "sle, aps and ..."), corrections ("sorry, i meant she stopped
it"), planned and conditional treatment ("they are adding X on friday", "X to be added next
month", "if it doesnt work ..."), comparisons with an earlier time ("better before", "worse
than last year"), "since my transplant in 2020 ive been on ...", "the switch from X to Y",
courses told without "-ed" ("he finish CHOP"), history of a disease before "on X", answers
told in the past ("Benlysta? she did have it"), "my dad with X had ...", values reached
("back down to 5"), Still's disease in a child. Wordings of their own, not the gold's."""
from __future__ import annotations

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

from assertion_helpers import NOW as PRESENT_NOW, PAST, the_one as _one


def _concepts(text: str, label: str = "CONDITION") -> list[str]:
    return [f.concept for f in extract(text) if f.label == label]


# --- disease abbreviations in small letters ----------------------------------------------

def test_a_small_letter_abbreviation_after_a_having_word_is_the_disease():
    assert _concepts("my wife has ra and its getting worse") == ["rheumatoid_arthritis"]
    assert _concepts("dx uc in 2019, on mesalazine") == ["ulcerative_colitis"]
    assert "multiple_sclerosis" in _concepts("her ms is stable on ocrevus")


def test_a_small_letter_abbreviation_in_a_list_of_diseases_is_the_disease():
    assert _concepts("she has lupus, aps and hypothyroidism") == ["sle", "antiphospholipid_syndrome", "hypothyroidism"]
    assert _concepts("crohns and psc since age 15") == ["crohns_disease", "primary_sclerosing_cholangitis"]


def test_a_small_letter_abbreviation_elsewhere_stays_the_english_word():
    assert _concepts("ms jones the nurse called me") == []
    assert _concepts("we went to the ra meeting hall") == []
    assert _concepts("i'm tired af") == []


def test_a_relatives_small_letter_disease_stays_theirs():
    fact = _one("im the patient, i have lupus. my mum has ra", "rheumatoid_arthritis")
    assert fact.family


# --- corrections ------------------------------------------------------------------------------

def test_a_correction_that_the_treatment_was_stopped_makes_it_past():
    fact = _one("my dad is on azathioprine for his myositis. oops, i meant he stopped it in july", "azathioprine")
    assert predicted_assertion(fact) == PAST


def test_a_stop_then_restart_stays_taken():
    fact = _one("she is on tacrolimus. she stopped it for two weeks in may then restarted", "tacrolimus")
    assert predicted_assertion(fact) == PRESENT_NOW


# --- planned and conditional treatment ---------------------------------------------------------

def test_a_treatment_being_added_soon_is_planned():
    assert _one("the team are adding belimumab next week", "belimumab").hypothetical
    assert _one("Rituximab to be added after the next clinic", "rituximab").hypothetical
    assert _one("relapsed again, now blinatumomab starting on thursday", "blinatumomab").hypothetical


def test_added_in_the_past_stays_started():
    fact = _one("belimumab was added in march", "belimumab")
    assert not fact.hypothetical


def test_if_it_fails_after_a_treatment_given_keeps_that_treatment_taken():
    text = "he had his first dose of tocilizumab on monday, if it doesnt help they will try anakinra"
    assert not _one(text, "tocilizumab").hypothetical
    assert _one(text, "anakinra").hypothetical


def test_a_treatment_asked_about_staying_on_is_taken_now():
    fact = _one("if he has surgery can he stay on methotrexate?", "methotrexate")
    assert predicted_assertion(fact) == PRESENT_NOW


def test_currently_on_after_a_plan_line_is_taken_now():
    text = "Plan: if no response, switch to rituximab. Currently on MMF 2g."
    assert predicted_assertion(_one(text, "mycophenolate")) == PRESENT_NOW
    assert _one(text, "rituximab").hypothetical


# --- comparisons and time told by events ------------------------------------------------------

def test_a_comparison_with_an_earlier_time_keeps_the_disease_now():
    assert predicted_assertion(_one("his crohns was better before", "crohns_disease")) == PRESENT_NOW
    assert predicted_assertion(_one("her myositis is worse than it was last winter", "inflammatory_myopathy")) == PRESENT_NOW


def test_the_disease_own_rash_is_no_reaction_to_the_treatment_before():
    fact = _one("on ivig monthly, but my lupus rash keeps coming back", "ivig")
    assert fact.status != "intolerant"


def test_since_an_event_with_its_date_starts_what_goes_on():
    fact = _one("since my surgery in 2021 i have been on adalimumab", "adalimumab")
    assert predicted_assertion(fact) == PRESENT_NOW


def test_the_switch_from_one_treatment_to_another():
    text = "much better since the change from enbrel to cimzia"
    assert predicted_assertion(_one(text, "etanercept")) == PAST
    assert predicted_assertion(_one(text, "certolizumab")) == PRESENT_NOW


def test_a_course_told_without_its_ending_is_over():
    assert predicted_assertion(_one("my son finish hyper-CVAD last year", "hyper_cvad")) == PAST
    assert predicted_assertion(_one("she need to finish the chemo first", "chemotherapy")) == PRESENT_NOW


# --- history of a disease before a treatment taken now ------------------------------------------

def test_history_of_a_disease_before_on_keeps_the_treatment_current():
    fact = _one("62F w/ h/o AF on rivaroxaban", "rivaroxaban")
    assert predicted_assertion(fact) == PRESENT_NOW


def test_an_infection_of_then_on_a_treatment_keeps_that_treatment_then():
    fact = _one("had shingles on tofacitinib last year", "tofacitinib")
    assert fact.historical


# --- answers, relatives, values, Still's --------------------------------------------------------

def test_an_answer_in_the_past_tense_is_over():
    assert predicted_assertion(_one("Rituximab? he had it in 2022", "rituximab")) == PAST


def test_my_relative_with_a_disease_having_a_treatment_is_the_patient():
    fact = _one("my mum with myasthenia had plasma exchange in may", "myasthenia_gravis")
    assert not fact.family


def test_a_value_reached_again_is_read():
    fact = _one("his platelets are back down to 12", "platelets")
    assert fact.value == 12


def test_stills_disease_in_a_child_is_of_either_onset():
    assert _concepts("my daughter is 9 and has stills disease") == ["stills_disease"]
    assert _concepts("im 41 with still's disease") == ["adult_onset_stills_disease"]
    assert _concepts("my son is 10, adult onset stills they said") == ["adult_onset_stills_disease"]


def test_a_partner_named_without_my_whose_sentence_goes_on_is_the_patient():
    facts = extract("husband has crohns, 31. humira stopped working last year")
    assert [f.value for f in facts if f.label == "AGE" and not f.family] == [31]
    assert all(not f.family for f in facts)


def test_a_lower_dose_now_keeps_the_treatment_taken():
    fact = _one("she was on prednisolone 30mg, now its 10", "prednisone")
    assert predicted_assertion(fact) == PRESENT_NOW


def test_a_month_after_stopped_it_dates_no_treatment_named_next():
    facts = extract("he was on mmf. no wait, he stopped it in may, he is on tacrolimus now")
    tacrolimus = next(f for f in facts if f.concept == "tacrolimus")
    assert tacrolimus.date is None
    assert next(f for f in extract("stopped the cellcept in june, now on aza") if f.concept == "mycophenolate").date is not None
