"""h81, round 18 (issue #13): referral letters and physician notes. The classes the 20 new dev
letters (letter-171 .. letter-190) showed: the disease a trial is asked for, "(X, ongoing)"
after a date, values in a bracket after a past date, a combination dated once, "from <date>",
a heading's reach ending at a new subject, a third person's relative, and the common
haematology regimens (FCR, VenR, VenO, R-CVP, HiDAC)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from benchmarks.assertion import predicted_assertion
from nlp import extract

LETTER_DAY = date(2025, 11, 30)


def _reading(text, concept, nth=0, today=LETTER_DAY):
    facts = [f for f in extract(text, today=today) if f.concept == concept]
    return predicted_assertion(facts[nth])


# --- the disease a trial is asked for is the patient's ------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Plan: continue rituximab; if inadequate, query eligibility for trials in RA.", "rheumatoid_arthritis"),
    ("Query eligibility for trials in difficult-to-treat RA (e.g. a CAR-T or a new JAK).", "rheumatoid_arthritis"),
    ("He would like to know about trials for AML not responding to aza/ven.", "aml"),
    ("Query eligibility for a trial in refractory dermatomyositis (e.g. a JAK inhibitor).", "dermatomyositis"),
    ("Query eligibility for UC trials (e.g. an anti-TL1A antibody).", "ulcerative_colitis"),
    ("Query eligibility for trials in sJIA / Still's disease.", "adult_onset_stills_disease"),
    ("Query eligibility for a CAR-T or other trial in SSc-ILD; he is keen.", "interstitial_lung_disease"),
    ("He asks whether he could join a lupus trial.", "sle"),
])
def test_the_disease_a_trial_is_asked_for_is_present(text, concept):
    assert _reading(text, concept) == ("present", "patient", "current")


def test_the_trial_itself_stays_hypothetical():
    assert _reading("Query eligibility for trials in RA (e.g. a CAR-T).", "car_t")[0] == "hypothetical"


@pytest.mark.parametrize("text, concept, assertion", [
    ("Are there trials for possible lupus?", "sle", "possible"),     # the doubt is the disease's own
    # no "for"/"in" between: not a request's; the "?" doubts the disease (possible since round 38,
    # when a trial asked about for a disease stopped making the disease hypothetical: h181)
    ("?lupus trial", "sle", "possible"),
])
def test_a_doubt_of_the_disease_itself_still_holds(text, concept, assertion):
    assert _reading(text, concept)[0] == assertion


# --- "ongoing" closing a treatment's item ------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Complications: invasive aspergillosis 09/2024 (voriconazole, ongoing); line infection.", "voriconazole"),
    ("Previous: azathioprine (stopped - pancreatitis), tacrolimus (ongoing), IVIG monthly.", "tacrolimus"),
    ("- anakinra 2016-2019, restarted 04/2025 (current, 4 mg/kg/day)", "anakinra"),
    ("rituximab | 10/2024 and 04/2025 | ongoing, partial response", "rituximab"),
    ("- Upadacitinib 45 mg induction 01/2024, maintenance 30 mg since 04/2024 - current", "upadacitinib"),
])
def test_a_treatment_whose_item_ends_in_ongoing_is_current(text, concept):
    assert _reading(text, concept) == ("present", "patient", "current")


def test_ongoing_is_the_nearest_treatments_only():
    text = "Tofacitinib 2023-2024: stopped after a pulmonary embolism in 05/2024 (apixaban, ongoing)."
    assert _reading(text, "tofacitinib")[2] == "past"
    assert _reading(text, "apixaban")[2] == "current"


def test_ongoing_keeps_a_failure():
    fact = next(f for f in extract("MMF (ongoing, poorly effective)") if f.concept == "mycophenolate")
    assert fact.status == "failed" and fact.ongoing


# --- values in a bracket after a past date ---------------------------------------------------------

@pytest.mark.parametrize("text, concept, nth", [
    ("Dx 01/2024 (neutrophils 0.2, platelets 8, retics 12).", "platelets", 0),
    ("Diagnosed March 2023 (WCC 88, blasts 74% in marrow).", "blasts", 0),
    ("MAS episodes: 2017 (ferritin 24,000, platelets 88) and 04/2025 (ferritin 11,500, AST 310).", "ast", 0),
    ("Scleroderma renal crisis 02/2024 (BP 190/110, creatinine 250), recovered.", "creatinine", 0),
    ("AOSD since 2021 (Yamaguchi criteria; ferritin 18,000 at onset).", "ferritin", 0),
])
def test_values_in_a_bracket_after_a_past_date_are_past(text, concept, nth):
    assert _reading(text, concept, nth)[2] == "past"


@pytest.mark.parametrize("text, concept", [
    ("Relapse 10/2025 (mediastinum and marrow, 12% blasts), CD7 positive.", "blasts"),   # the disease now
    ("Bloods (29/10/25): Hb 108, platelets 96.", "platelets"),                           # the date is the heading's
    ("SLE 2016 (ANA 1:1280, low C3).", "complement_c3"),                                 # no value: the disease's pattern
])
def test_values_that_stay_current(text, concept):
    assert _reading(text, concept)[2] == "current"


# --- a combination or list dated once ---------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("(3) Venetoclax + obinutuzumab (VenO) 12 cycles, 04/2023-03/2024: uMRD.", "venetoclax"),
    ("Salvage: nelarabine, cyclophosphamide and etoposide x2 cycles (06-07/2025) with partial response.", "nelarabine"),
    ("Induction: Euro-Lupus IV cyclophosphamide 2019 -> partial response.", "cyclophosphamide"),
])
def test_a_past_date_after_a_combination_dates_each_drug(text, concept):
    assert all(predicted_assertion(f)[2] == "past" for f in extract(text, today=LETTER_DAY) if f.concept == concept)


def test_a_combination_with_a_current_member_keeps_it():
    assert _reading("Current: MMF and tacrolimus since 2019", "mycophenolate") == ("present", "patient", "current")


# --- "from <date>" ----------------------------------------------------------------------------------

def test_from_a_date_is_a_start_that_goes_on():
    assert _reading("Then MMF + belimumab from 06/2024.", "belimumab") == ("present", "patient", "current")


@pytest.mark.parametrize("text", [
    "Mycophenolate 1 g bd from 11/2024, stopped 05/2025 (diarrhoea).",
    "MMF 1 g bd from 03/2025 - ineffective; fostamatinib since.",
    "Tacrolimus from 2019 to 2021, then MMF.",
])
def test_from_a_date_with_its_end_is_over(text):
    concept = "tacrolimus" if "Tacrolimus" in text else "mycophenolate"
    assert _reading(text, concept)[2] == "past"


# --- a heading's reach and a third person's relative -------------------------------------------------

def test_a_history_heading_ends_at_a_new_subject():
    text = ("PMH: hypothyroidism, migraine She has had lupus since 2012 with arthritis, rash and serositis "
            "her daughter was diagnosed with lupus last year\nCurrent treatment: hydroxychloroquine 200 mg od.")
    assert _reading(text, "migraine")[2] == "past"
    assert _reading(text, "sle", 0) == ("present", "patient", "current")
    assert _reading(text, "sle", 1)[1] == "family"


def test_a_history_heading_ends_at_a_relative_after_a_full_stop():
    text = "PMH: asthma, eczema. Her mother has lupus."
    assert _reading(text, "asthma")[2] == "past"
    assert _reading(text, "sle") == ("present", "family", "current")


def test_a_history_list_of_sentences_stays_history():
    text = "PMH: hypertension. Type 2 diabetes. Cholecystectomy 2010."
    assert _reading(text, "type_2_diabetes")[2] == "past"


def test_her_son_in_a_relatives_message_is_the_relatives_relative():
    facts = extract("My daughter has lupus, her son has asthma.")
    assert next(f for f in facts if f.concept == "asthma").family
    assert not next(f for f in facts if f.concept == "sle").family


# --- regimens ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("1st line: FCR x6 (2018), CR.", "fcr"),
    ("3rd line: venetoclax + rituximab (VenR) 2023-2025.", "ven_r"),
    ("Venetoclax + obinutuzumab (VenO) 12 cycles.", "ven_o"),
    ("HiDAC consolidation x2.", "hidac"),
    ("R-CVP x6 in 2019.", "r_cvp"),
])
def test_haematology_regimens_are_read(text, concept):
    assert any(f.concept == concept for f in extract(text))


def test_a_regimen_is_its_drugs():
    from data.terminology import load_terminology

    terminology = load_terminology()
    assert {"fludarabine", "cyclophosphamide", "rituximab", "chemotherapy"} <= set(terminology.ancestors("fcr"))
    assert {"venetoclax", "obinutuzumab"} <= set(terminology.ancestors("ven_o"))
    assert "rituximab" not in {f.concept for f in extract("1st line: FCR x6 (2018).")}


# --- the new letters ---------------------------------------------------------------------------------------

def test_the_new_letters_are_well_formed():
    from data.terminology import load_terminology

    path = Path(__file__).resolve().parent / "data" / "gold" / "notes" / "letters_dev.jsonl"
    rows = {json.loads(line)["id"]: json.loads(line) for line in path.read_text().splitlines() if line.strip()}
    assert {f"letter-{n}" for n in range(171, 191)} <= set(rows)
    terminology = load_terminology()
    for n in range(171, 191):
        row = rows[f"letter-{n}"]
        assert set(row) == {"id", "text", "entities", "uncovered"}
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]
            assert e["concept"] in terminology or e["label"] in ("AGE", "SEX", "PREGNANCY")
        spans = sorted((e["start"], e["end"], e["concept"], e["label"]) for e in row["entities"])
        for (s1, e1, c1, l1), (s2, e2, c2, l2) in zip(spans, spans[1:]):
            # a marker's result inside the disease it names ("ALK-negative anaplastic large cell
            # lymphoma": the negative marker, annotated in round 30 by h141) may nest in its span
            nested = {l1, l2} == {"CONDITION", "BIOMARKER"} and ((s1 <= s2 and e2 <= e1) or (s2 <= s1 and e1 <= e2))
            assert e1 <= s2 or {c1, c2} == {"sbp", "dbp"} or nested


# --- "Family history: none of X" ----------------------------------------------------------------------

def test_family_history_none_of_a_disease_is_a_negated_family_history():
    assert _reading("Family history: none of IBD. Mother has psoriasis.", "ibd") == ("absent", "family", "current")
    assert _reading("Family history: none of IBD. Mother has psoriasis.", "psoriasis") == ("present", "family", "current")


@pytest.mark.parametrize("text", [
    "Family history: nil of note. Ex-smoker, quit 2010.",
    "Family history: none relevant. Ex-smoker, quit 2010.",
    "Family history: none\nSocial: ex-smoker",
])
def test_an_empty_family_history_reaches_nothing_after_it(text):
    assert _reading(text, "former_smoker")[1] == "patient"


def test_an_event_of_months_ago_is_over():
    assert _reading("- CMV reactivation 03/2025, treated with valganciclovir.", "cmv")[2] == "past"
    assert _reading("- canakinumab 2023-2025: secondary failure with flare and MAS 04/2025",
                    "macrophage_activation_syndrome")[2] == "past"
    assert _reading("MAS 10/2025, now settling on anakinra.", "macrophage_activation_syndrome")[2] == "current"
