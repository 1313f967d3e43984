"""Round 15, h65 (issue #13): courses a clinician writes as over, and the other "when" errors
of referral letters and notes."""
import pytest

from benchmarks.assertion import predicted_assertion
from nlp import extract


def _one(text, label, concept):
    found = [f for f in extract(text) if f.label == label and f.concept == concept]
    assert len(found) == 1, (text, [(f.label, f.concept) for f in extract(text)])
    return found[0]


def _when(text, label, concept):
    return predicted_assertion(_one(text, label, concept))


PAST = ("present", "patient", "past")
NOW = ("present", "patient", "current")


# --- a course described as over is past --------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Previous treatment:\nDexamethasone 40 mg x4 days, 3 cycles (2019)", "dexamethasone"),
    ("Previous treatment: cyclophosphamide IV 500 mg x6 monthly (2024), course finished 10/2024.", "cyclophosphamide"),
    ("Induction: pulsed methylpred x3 days, then cyclophosphamide IV x6 (2019).", "cyclophosphamide"),
    ("Maintenance: azathioprine 2019-2021; rituximab 500 mg 6-monthly 2021-2024.", "azathioprine"),
    ("Maintenance rituximab 500 mg every 6 months - last dose 03/2025, then stopped.", "rituximab"),
    ("Rx: rituximab x4 (2023) + reduced-dose prednisolone, completed; PLEX not given.", "prednisone"),
    ("Treatment: prednisolone courses x3 (last 2024); azathioprine 2019-2021.", "prednisone"),
    ("Treatment: tacrolimus (level 8); IV cyclophosphamide 3 doses; IVIG monthly since 07/2025.", "cyclophosphamide"),
    ("IV hydrocortisone 100 mg qds x3 days without response; infliximab given.", "hydrocortisone"),
    ("Treatment: 7+3 with midostaurin, CR1; allo-SCT 02/2024.", "midostaurin"),
    ("hATG + ciclosporin (02/2024); eltrombopag 150 mg od added 03/2024.", "antithymocyte_globulin"),
    ("Induction 2024: MMF 3 g/day plus prednisolone; voclosporin added 11/2024.", "mycophenolate"),
])
def test_a_course_said_to_be_over_is_past(text, concept):
    assert _when(text, "DRUG", concept) == PAST


@pytest.mark.parametrize("text, concept", [
    ("Current: MMF 1 g bd, prednisolone 5 mg od.", "mycophenolate"),
    ("He is on maintenance rituximab.", "rituximab"),
    ("Current: hydrocortisone 10 mg mane, 5 mg nocte.", "hydrocortisone"),
    ("He is on ATG today.", "antithymocyte_globulin"),
    ("Induction: 7+3 with midostaurin, day 14 today.", "midostaurin"),
    ("Plt 5, Hb 12.1. On dexamethasone 40 mg x4 days, IVIG planned tomorrow.", "dexamethasone"),
])
def test_a_maintenance_dose_with_no_end_stays_current(text, concept):
    assert _when(text, "DRUG", concept) == NOW


def test_a_dose_schedule_word_says_how_not_that_it_goes_on():
    # qds was a strong current cue unlike its siblings od/bd/tds
    assert _one("IV hydrocortisone 100 mg qds x3 days without response.", "DRUG", "hydrocortisone").status == "failed"


# --- a lab value of a course that is over ---------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("3. Eltrombopag 50 mg od 2019-2022 - lost response; ALT rose to 3x ULN", "alt"),
    ("4. Romiplostim 2022-2024 - partial response, plt 30-50", "platelets"),
    ("leflunomide 20 mg (2016-2018, raised BP and diarrhoea).", "sbp"),
    ("Azathioprine 2019-2020, stopped (nausea, ALT 210)", "alt"),
    ("Methotrexate 20 mg weekly 2024, stopped (ALT 4x ULN); rituximab x2.", "alt"),
    ("voclosporin added 11/2024, stopped 04/2025 (eGFR fell from 98 to 61).", "egfr"),
    ("azathioprine 2019-2021 (stopped - leucopenia, WCC 2.1); adalimumab.", "wbc"),
])
def test_a_lab_of_a_course_that_is_over_is_past(text, concept):
    assert _when(text, "LAB", concept) == PAST


@pytest.mark.parametrize("text, concept", [
    ("MMF 2019-2021, now creatinine 80.", "creatinine"),
    ("Bloods: creatinine 80, Hb 120.", "creatinine"),
])
def test_a_lab_said_now_stays_current(text, concept):
    assert _when(text, "LAB", concept) == NOW


# --- other "when" errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "She was in hospital with pneumonia in August, treated with co-amoxiclav; now recovered.",
    "He was in hospital with neutropenic sepsis in September; now on levofloxacin.",
    "She was hospitalised with pneumonia last year.",
])
def test_an_illness_someone_was_in_hospital_with_is_over(text):
    assert _when(text, "INFECTION", "active_infection") == PAST


def test_a_state_that_ended_is_past():
    text = "Dx 03/2023: creatinine 520, dialysis-dependent for 6 weeks, then recovered."
    assert _when(text, "PROCEDURE", "dialysis") == PAST


def test_an_illness_someone_is_in_hospital_with_is_current():
    assert _when("She is in hospital with pneumonia.", "INFECTION", "active_infection") == NOW


def test_a_flare_in_march_does_not_date_the_treatment_named_before_it():
    fact = _one("Rituximab helped, she had a flare in march.", "DRUG", "rituximab")
    assert fact.date is None and not fact.historical
    assert _one("She stopped the cellcept in june.", "DRUG", "mycophenolate").date is not None


@pytest.mark.parametrize("text", ["TB test done in June, fine.", "Quantiferon neg in June."])
def test_a_test_result_in_plain_words_is_absent(text):
    fact = next(f for f in extract(text) if f.concept == "tuberculosis")
    assert predicted_assertion(fact)[0] == "absent"


@pytest.mark.parametrize("text", [
    "PMH: T2DM; hypertension. Asthma (salbutamol prn).",
    "Other: asthma (salbutamol prn); anxiety.",
])
def test_prn_reaches_the_treatment_only(text):
    asthma = _one(text, "CONDITION", "asthma")
    assert not asthma.hypothetical
    assert _when(text, "DRUG", "albuterol") == NOW


def test_a_treatment_considered_but_not_started_was_never_given():
    assert _one("Tofacitinib was considered but not started (latent TB?).", "DRUG", "tofacitinib").negated


def test_a_concern_is_a_hedge():
    assert _one("Likely AOSD; MAS is a concern (ferritin rising).", "CONDITION", "macrophage_activation_syndrome").uncertain


def test_an_infection_treated_after_its_positive_test_and_year_is_over():
    text = "Latent TB screening: QuantiFERON positive 2016, completed 3 months rifapentine/isoniazid."
    assert _when(text, "INFECTION", "tuberculosis") == PAST


def test_a_background_line_lists_history_unless_dated():
    text = "Background: T2DM on metformin; IHD s/p PCI 2019 on aspirin; mild bronchiectasis."
    assert _when(text, "CONDITION", "type_2_diabetes") == PAST
    assert _when(text, "CONDITION", "bronchiectasis") == PAST
    assert _when(text, "DRUG", "metformin") == NOW
    assert _when("Background: UC since 2010, on mesalazine only.", "CONDITION", "ulcerative_colitis") == NOW
