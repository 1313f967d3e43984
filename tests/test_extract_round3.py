"""Assertion, round 3 (issue #13, helper h10, 2026-12-03): each test names a class of
phrasing found on the dev gold written for it (conv-0652 ... conv-1250), with wordings of
its own, not one gold message."""
from datetime import date

import pytest

from assertion_helpers import of
from nlp import extract
from nlp.pipeline import speaker_of

TODAY = date(2026, 12, 3)


def past(fact) -> bool:
    """Over: historical, or a treatment that failed or was not tolerated."""
    return fact.historical or fact.status in ("failed", "intolerant")


# --- test results and screens ---------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Neg for HIV, HBV and HCV.", "hbv"),
    ("neg for HIV and hep C", "hcv"),
    ("His TB screen clear, started adalimumab.", "tuberculosis"),
    ("hepatitis serology normal", "viral_hepatitis"),
    ("Pulmonary embolism was suspected but ruled out on CT.", "pulmonary_embolism"),
    ("Lymphoma was considered but later excluded.", "lymphoma"),
])
def test_a_negative_result_or_a_ruled_out_diagnosis_is_absent(text, concept):
    assert of(text, concept).negated


@pytest.mark.parametrize("text, concept", [
    ("HIV test not yet done.", "hiv"),
    ("hep C serology not back yet", "hcv"),
    ("they want to repeat the TB test", "tuberculosis"),
    ("dont know my HIV status", "hiv"),
    ("TB screening is pending before starting tocilizumab.", "tuberculosis"),
])
def test_a_result_not_yet_known_is_possible(text, concept):
    f = of(text, concept)
    assert f.uncertain and not f.negated and f.status is None


@pytest.mark.parametrize("text, concept", [
    ("Screening for hepatitis B is pending before rituximab.", "rituximab"),
    ("QuantiFERON needed before starting infliximab.", "infliximab"),
])
def test_the_treatment_a_pending_test_waits_for_is_planned(text, concept):
    assert of(text, concept).hypothetical


# --- treatment responses ----------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("azathioprine didnt do much", "azathioprine"),
    ("the tacrolimus didn't help much", "tacrolimus"),
    ("IVIG only helped for a few weeks", "ivig"),
    ("belimumab helped only briefly", "belimumab"),
    ("cyclophosphamide with partial response only", "cyclophosphamide"),
])
def test_a_response_that_was_not_enough_is_a_failure(text, concept):
    assert of(text, concept).status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("now on entyvio which isnt really working", "vedolizumab"),
    ("currently on stelara which isnt doing much", "ustekinumab"),
])
def test_a_current_treatment_that_is_not_working_failed_and_is_not_past(text, concept):
    f = of(text, concept)
    assert f.status == "failed" and not f.historical


def test_a_failure_before_a_current_one_leaves_it_current():
    assert of("Humira failed, now on stelara", "ustekinumab").status == "current"
    assert of("rinvoq is working, isnt it", "upadacitinib").status == "current"


# --- past treatments ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("methotrexate as a kid, then etanercept", "methotrexate"),
    ("she had azathioprine as a teen", "azathioprine"),
    ("Prior rituximab (no response) and cyclophosphamide, currently belimumab.", "cyclophosphamide"),
    ("MMF d/c'd 2021", "mycophenolate"),
    ("infliximab for two years after diagnosis, then vedolizumab", "infliximab"),
    ("Infliximab was swapped for vedolizumab.", "infliximab"),
    ("pred -> aza -> mmf", "azathioprine"),
    ("Treatment history: steroids, IVIG, rituximab.", "ivig"),
    ("drug-induced lupus from hydralazine and infliximab, now stopped", "infliximab"),
    ("got shingles while she was on tofacitinib", "tofacitinib"),
    ("bone marrow transplant at 9, now 29", "hsct"),
])
def test_a_treatment_told_as_over_is_past(text, concept):
    assert past(of(text, concept))


def test_a_history_cue_stops_at_a_current_one():
    f = of("Prior infliximab and adalimumab, currently ustekinumab.", "ustekinumab")
    assert f.status == "current" and not f.historical


# --- planned and wished-for treatments ---------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("MMF with partial response only, now rituximab planned.", "rituximab"),
    ("Proceeding to auto-HSCT in CR1.", "auto_hsct"),
    ("Option of tocilizumab discussed.", "tocilizumab"),
    ("they're going to take his spleen out", "splenectomy"),
    ("my rheumatologist wants me on baricitinib", "baricitinib"),
    ("we are starting anifrolumab next week", "anifrolumab"),
    ("CAR-T is next for her", "car_t"),
    ("belimumab has been approved, first dose in january", "belimumab"),
    ("i'll be having plasma exchange after the biopsy", "plasma_exchange"),
    ("the consultant is putting her on eltrombopag", "eltrombopag"),
    ("Commence methylprednisolone 500 mg.", "methylprednisolone"),
    ("Intend to start voclosporin.", "voclosporin"),
    ("Rituximab is booked for monday", "rituximab"),
])
def test_a_treatment_to_come_is_hypothetical(text, concept):
    assert of(text, concept).hypothetical


def test_starting_to_think_is_no_treatment_started():
    assert not of("i'm starting to think MMF isnt working", "mycophenolate").hypothetical


# --- infections and conditions that are over or feared -----------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Hep B treated with antivirals in 2015", "hbv"),
    ("CMV IgG positive (past infection)", "cmv"),
    ("i was cured of hepatitis C", "hcv"),
    ("her eczema went away when she was small", "atopic_dermatitis"),
    ("childhood leukaemia as a child", "leukemia"),
    ("his own lymphoma was treated in 2015", "lymphoma"),
    ("cancer free for 5 years after colon cancer", "colorectal_cancer"),
])
def test_an_infection_or_disease_that_is_over_is_past(text, concept):
    assert of(text, concept).historical


def test_a_lymphoma_treated_that_came_back_is_not_over():
    assert not of("his lymphoma was treated in 2020 and relapsed last year", "lymphoma").historical


@pytest.mark.parametrize("text, concept", [
    ("im afraid of getting TB again", "tuberculosis"),
    ("she is scared of infections on rituximab", "active_infection"),
    ("Discussed infection risk.", "active_infection"),
])
def test_a_feared_infection_is_hypothetical(text, concept):
    assert of(text, concept).hypothetical


# --- whose illness -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("lupus runs in the family, my daughter has ITP", "sle"),
    ("my dad's side has a lot of diabetes, i have RA myself", "diabetes_mellitus"),
    ("i have psoriasis myself. my son has crohns", "psoriasis"),
    ("i also have RA, my daughter has JIA", "rheumatoid_arthritis"),
    ("our daughter has lupus. we both have asthma", "asthma"),
    ("Lupus 42F. Son with asthma.", "asthma"),
])
def test_a_relatives_illness_is_family_history(text, concept):
    assert of(text, concept).family


@pytest.mark.parametrize("text, concept", [
    ("no family history of lupus, but his own RA was diagnosed in 2019", "rheumatoid_arthritis"),
    ("my husband and i, we both have asthma", "asthma"),
    ("i have psoriasis myself. my son has crohns", "crohns_disease"),
    ("my son has asthma and my daughter eczema. im the one with UC", "ulcerative_colitis"),
])
def test_the_patients_own_illness_is_not_family_history(text, concept):
    assert not of(text, concept).family


def test_a_writer_who_says_they_are_the_patient_is():
    assert speaker_of("my mum has RA and my sister lupus, but this is about me").speaker == "patient"
    assert speaker_of("my son has T-ALL. im the one who looks after him").relation == "son"


# --- words that are something else ---------------------------------------------------------------

def test_a_non_steroidal_aromatase_inhibitor_is_no_nsaid():
    concepts = {f.concept for f in extract("on a non-steroidal aromatase inhibitor", today=TODAY)}
    assert "nsaid" not in concepts and "aromatase_inhibitor" in concepts
    assert "nsaid" in {f.concept for f in extract("takes a non-steroidal for pain", today=TODAY)}


def test_interstitial_cystitis_is_no_urinary_infection():
    concepts = {f.concept for f in extract("She also has interstitial cystitis.", today=TODAY)}
    assert "uti" not in concepts and "interstitial_cystitis" in concepts
    assert "uti" in {f.concept for f in extract("she has cystitis again", today=TODAY)}


# --- a disease in a question --------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("is CAR-T an option for myasthenia?", "myasthenia_gravis"),
    ("does rituximab work for ITP?", "itp"),
    ("can he take naproxen with his crohns?", "crohns_disease"),
])
def test_the_disease_a_treatment_question_is_for_is_the_patients(text, concept):
    f = of(text, concept)
    assert not f.uncertain and not f.hypothetical


@pytest.mark.parametrize("text, concept", [("maybe lupus?", "sle"), ("could it be TB?", "tuberculosis")])
def test_a_disease_asked_about_is_still_uncertain(text, concept):
    assert of(text, concept).uncertain


@pytest.mark.parametrize("text", ["Lupus diagnosed as a child.", "lupus diagnosed at 20. no kidney involvement"])
def test_a_disease_diagnosed_young_goes_on(text):
    assert not of(text, "sle").historical


def test_a_year_at_the_end_of_a_sentence_dates_the_mention_before_it():
    f = of("G2P2, last pregnancy 2019.", "pregnant")
    assert f.historical and f.date == "2019"


# --- ConText patterns split at load --------------------------------------------------------------

def test_a_pattern_is_split_into_variants_that_begin_with_one_word():
    from nlp.components.context import _exact_first
    raw = {"literal": "x", "category": "HYPOTHETICAL", "direction": "FORWARD",
           "pattern": [{"LOWER": {"IN": ["i", "we"]}, "OP": "?"}, {"LOWER": {"IN": ["m", "am"]}}, {"LOWER": "starting"}]}
    firsts = sorted(v["pattern"][0]["LOWER"] for v in _exact_first(raw))
    assert firsts == ["am", "i", "m", "we"]
    assert all(v["literal"] == "x" and v["category"] == "HYPOTHETICAL" for v in _exact_first(raw))
    digit = {"literal": "y", "category": "HISTORICAL", "direction": "BACKWARD", "pattern": [{"IS_DIGIT": True}]}
    assert _exact_first(digit) == [digit]


# --- values of an earlier time, denials written after ------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Initial CK 9000 on day one.", "ck"),
    ("Peak ferritin 30000.", "ferritin"),
    ("Platelets were 6 at presentation.", "platelets"),
    ("Admission creatinine 2.4.", "creatinine"),
])
def test_a_value_of_an_earlier_time_is_past(text, concept):
    assert of(text, concept).historical


def test_a_denial_written_after_what_it_denies():
    assert of("TB contact denied.", "tuberculosis").negated


def test_an_event_of_the_last_admission_is_past():
    assert of("Pneumonia last admission.", "active_infection").historical


def test_a_newer_value_after_an_initial_one_is_current():
    f = of("Initial CK 9000, now 300.", "ck")
    assert not f.historical and f.value == 300
