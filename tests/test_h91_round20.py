"""h91, round 20 (issue #13): a clinician pastes a whole referral letter or physician note.
Classes found by writing thirty new letters (letter-211 .. letter-240) before any run: lines of
therapy with dated outcomes, marker results, negative screens, a relative's history, the
disease a trial is asked for, and the statuses haematologists write (CRi, uMRD, CNS3; "CR-1" left: it reads as "Cr 1")."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 5)
GOLD = Path(__file__).resolve().parent / "data" / "gold" / "notes" / "letters_dev.jsonl"


def _facts(text, concept):
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


def _fact(text, concept, nth=0):
    return _facts(text, concept)[nth]


def _read(text, concept, nth=0):
    return predicted_assertion(_fact(text, concept, nth))


# --- the new letters themselves -------------------------------------------------------------------

def test_the_thirty_new_letters_are_in_the_letters_gold_with_offsets_that_match():
    rows = [json.loads(line) for line in GOLD.read_text().splitlines() if line.strip()]
    mine = [r for r in rows if r["id"] in {f"letter-{n}" for n in range(211, 241)}]
    assert len(mine) == 30
    for row in mine:
        assert row["entities"], row["id"]
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"], (row["id"], entity)


# --- time: what is over and what goes on ----------------------------------------------------------

def test_two_months_of_one_year_end_a_course():
    text = "Date: 07/10/2025\nVenetoclax + decitabine 06-08/2025: MRD-positive CR1."
    assert _read(text, "venetoclax")[2] == "past"
    assert _read(text, "decitabine")[2] == "past"


def test_a_date_inside_a_bracket_does_not_date_the_next_item_of_the_list():
    text = "Current: UPCR 210 mg/mmol (was 90 in 01/2025), creatinine 104, eGFR 62."
    creatinine = _fact(text, "creatinine")
    assert creatinine.date is None and predicted_assertion(creatinine)[2] == "current"


def test_a_start_that_goes_on_is_the_treatment_it_follows_and_outweighs_the_history_cue():
    text = ("Treated with pulse methylprednisolone, tacrolimus and IV cyclophosphamide x6 (finished 05/2025), "
            "then tofacitinib since 06/2025 - ILD progressing.")
    tofacitinib = _fact(text, "tofacitinib")
    assert tofacitinib.date == "2025-06" and predicted_assertion(tofacitinib)[2] == "current"
    assert _fact(text, "interstitial_lung_disease").date is None


def test_a_treatment_held_since_a_date_stays_stopped():
    assert _read("Meds:\n4. Belimumab - held since 09/2025 (recurrent chest infections)", "belimumab")[2] == "past"


def test_the_years_of_a_course_date_its_drugs_not_the_response_after_them():
    text = "Date: 2025-08-19\n(3) Venetoclax + obinutuzumab (VenO) 12 cycles, 04/2023-03/2024: uMRD."
    assert _read(text, "venetoclax")[2] == "past" and _read(text, "obinutuzumab")[2] == "past"


def test_a_hyphenated_combination_with_its_years_is_over_for_both_drugs():
    text = "venetoclax-rituximab 2023-2024 (completed, MRD-positive PR)."
    assert _read(text, "venetoclax")[2] == "past" and _read(text, "rituximab")[2] == "past"


def test_an_acute_event_after_which_a_drug_was_stopped_is_over():
    text = "tofacitinib 2020-2022, stopped after a pulmonary embolism; ustekinumab 2022-2024 (no response)."
    assert _read(text, "pulmonary_embolism")[2] == "past"


def test_a_vaccine_given_is_done():
    assert _read("Previous shingles 2024, treated with valaciclovir. Shingrix given 2025.", "zoster_vaccine")[2] == "past"


def test_a_non_native_writers_treated_by_is_a_course_given():
    text = "She was treated by cyclophosphamide (NIH protocol 2017), after by mycophenolate until 2023."
    assert _read(text, "cyclophosphamide")[2] == "past"


# --- "h/o SLE dx 2016 c/b lupus nephritis": a lupus had now ----------------------------------------

def test_a_dated_onset_after_a_history_cue_keeps_the_illness_and_its_complication_current():
    for text in ("41 y/o F w/ h/o SLE dx 2016 c/b LN class V (bx 2017), here for f/u.",
                 "She has a history of SLE since 2016 complicated with lupus nephritis class III+V."):
        assert _read(text, "sle") == ("present", "patient", "current"), text
        assert _read(text, "lupus_nephritis") == ("present", "patient", "current"), text


def test_a_dated_cancer_or_event_after_a_history_cue_stays_history():
    assert _read("h/o breast cancer dx 2010.", "breast_cancer")[2] == "past"
    assert _read("PMH: DVT dx 2019.", "deep_vein_thrombosis")[2] == "past"
    assert _read("h/o SLE.", "sle")[2] == "past"


# --- negatives, markers and tests not done --------------------------------------------------------

def test_a_gene_not_rearranged_is_negative():
    assert _read("Molecular: NRAS mutated, KMT2A not rearranged, TP53 wild-type.", "kmt2a")[0] == "absent"


def test_an_mrd_result_after_the_marker_is_the_mrds_not_the_markers():
    text = "Dx 01/2024; DA x2 -> CR-1 (NPM1 MRD neg after C2), HiDAC x3."
    assert all(f.status != "negative" and not f.negated for f in _facts(text, "npm1"))
    assert _facts(text, "mrd_negative")


def test_every_test_of_a_plan_list_is_still_to_be_done():
    text = "A/P: R/R PTCL-NOS, failed 3 lines. Refer for CAR-T trial; check HBV, HCV, HIV."
    for concept in ("hbv", "hcv", "hiv"):
        assert _read(text, concept)[0] != "present", concept


def test_a_treatment_not_applicable_or_avoided_is_not_taken():
    assert _read("Blinatumomab not applicable (T-lineage).", "blinatumomab")[0] == "absent"
    text = "Contraception: combined pill avoided (migraine with aura)."
    assert _read(text, "contraception")[0] == "absent"


# --- relatives, second cancers and the disease asked about ----------------------------------------

def test_a_relative_who_died_of_an_illness_keeps_it_across_the_abbreviated_died():
    assert _read("FH: brother with CLL; mother d. 78 of stroke.", "stroke")[1] == "family"


def test_the_remission_of_an_earlier_second_cancer_is_not_the_disease_status():
    text = ("Re: Mr P.L., 68M, CLL.\n"
            "Comorbidities: AF on apixaban; prostate cancer treated with radiotherapy 2016, in remission.")
    assert not _facts(text, "in_remission")


def test_a_referral_for_a_disease_names_the_patients_disease():
    text = "CC: referral for relapsed PTCL"
    assert _read(text, "ptcl")[0] == "present" and _read(text, "relapsed_disease")[0] == "present"


def test_the_disease_a_trial_question_asks_about_is_the_patients():
    assert _read("Question: eligible for CD19 CAR-T in SLE?", "sle")[0] == "present"
    assert _read("ECOG 2. Would he be eligible for the CD19 CAR-T study in myositis?", "inflammatory_myopathy")[0] == "present"
    assert _read("Is there a trial for possible lupus?", "sle")[0] == "possible"


# --- statuses and markers as haematologists write them --------------------------------------------

def test_remissions_and_mrd_as_haematologists_write_them():
    assert _facts("1. UKALL 2011 induction - CR1 at day 28.", "in_remission")
    assert not _facts("Cr 3", "in_remission")     # a creatinine of 3 (the matcher reads "CR-1" the same)
    assert _facts("Induction 7+3 + midostaurin -> CRi; second cycle -> CR1.", "in_remission")
    assert _facts("venetoclax + obinutuzumab 2021-2022 (fixed duration, uMRD), progression 2024", "mrd_negative")
    assert _facts("currently in CR1 but MRD persistently positive (10^-3).", "mrd_positive")
    assert _facts("ETP-ALL with CNS involvement at diagnosis (CNS3).", "cns_involvement")


def test_a_marker_of_the_disease_on_its_diagnosis_line_stays_an_antibody_then_is_past():
    text = "Diagnosis 02/2024: T-ALL, WBC 184 x10^9/L, mediastinal mass. CD7 positive, CD5 positive.\nTreatment:"
    assert _read(text, "cd7")[2] == "current" and _read(text, "wbc")[2] == "past"
    text = "SLE diagnosed at 19 (2020): malar rash, ANA 1:1280, anti-dsDNA 160, anti-Ro positive."
    assert _read(text, "anti_dsdna")[2] == "past" and _read(text, "sle")[2] == "current"


# --- lines of therapy: a failing line taken now, and the statuses of the lines --------------------

def test_a_line_taken_since_a_short_date_with_early_progression_is_failing_now():
    for text in ("pirtobrutinib since 01/25 with early progression.",
                 "Lines: FCR 2014 (CR, relapse 2017); ibrutinib 2017-2021, stopped for atrial fibrillation; "
                 "pirtobrutinib since 03/2025 with early progression on the 09/2025 CT."):
        pirtobrutinib = _fact(text, "pirtobrutinib")
        assert pirtobrutinib.status == "failed" and predicted_assertion(pirtobrutinib)[2] == "current", text


def test_a_status_of_an_earlier_line_is_not_dropped_for_a_comorbidity_further_on():
    text = ("Lines: FCR 2014 (CR, relapse 2017); ibrutinib 2017-2021, stopped for atrial fibrillation; "
            "venetoclax + obinutuzumab 2021-2022 (fixed duration, uMRD), progression 2024.")
    assert _read(text, "relapsed_disease")[2] == "past"
    assert _facts(text, "mrd_negative")
    assert not _facts("refractory hypertension on 4 drugs.", "refractory_disease")


def test_a_course_followed_by_the_remission_it_gave_is_over():
    text = "1. UKALL 2011 induction - CR1 at day 28, MRD negative after consolidation.\n2. Relapse 03/2025."
    assert _read(text, "chemotherapy")[2] == "past"
    assert _read("He remains MRD-positive in CR1 on quizartinib maintenance.", "quizartinib")[2] == "current"


def test_a_treatment_since_a_year_on_a_treatment_history_line_is_taken_now():
    text = ("Treatment so far: hydroxychloroquine since 2016; Euro-Lupus cyclophosphamide 2018 "
            "(complete renal response); MMF 3 g/day 2018-present.")
    assert _read(text, "hydroxychloroquine")[2] == "current"
    assert _read(text, "cyclophosphamide")[2] == "past"
    assert _read("Previous: MMF since 2019, stopped 2022.", "mycophenolate")[2] == "past"


def test_each_marker_keeps_its_own_result():
    text = "Molecular: NPM1 mutated, FLT3-ITD negative, FLT3-TKD negative."
    assert _fact(text, "npm1").status == "positive"
    assert all(f.status == "negative" for f in _facts(text, "flt3"))
    assert _fact("FLT3-ITD mutated (allelic ratio 0.6), NPM1 wild-type.", "flt3").status == "positive"
    assert _read("FLT3-ITD mutated (allelic ratio 0.6), NPM1 wild-type.", "npm1")[0] == "absent"
