"""Round 34 (h161, issue #13): clinicians' letters, real notes and clinicians' messages read
right: a plan ("The team plans CAR-T", "allo-SCT planned 01/2027", "for consideration", the next
step "then allo-SCT"), "not fit for" a treatment and "no transplant planned" (not given), a
treatment offered and declined, an outcome after a course's colon or dash ("MMF 2021-2023: skin
progression", "Aza-ven - CR; relapse 4 months later", "FLAG-Ida: blasts still 12%") and the bare
"CR" it gives, a pair joined by a slash taken now ("on ven/aza now"), "DM" in a general
physician's list, and a pituitary or benign tumour (no cancer). Each test names a class of
phrasing in wordings of its own (not the gold's) and reads it through the real extraction path."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, facts_at, one_at
from benchmarks.assertion import predicted_assertion

TODAY = date(2026, 12, 7)
ABSENT = ("absent", "patient", "current")
HYPOTHETICAL = ("hypothetical", "patient", "current")


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one_at(text, concept, TODAY))


# --- plans ------------------------------------------------------------------------------------

def test_a_plan_said_with_plans_is_no_transplant_had():
    fact = one_at("The transplant team plans a second allograft in the spring.", "allo_hsct", TODAY)
    assert fact.hypothetical and not fact.historical


def test_a_treatment_planned_for_a_date_is_not_given():
    assert read("Tocilizumab planned 02/2027.", "tocilizumab") == HYPOTHETICAL
    assert read("Haplo-SCT from his brother planned Feb. Non-smoker.", "allo_hsct") == HYPOTHETICAL


def test_a_plan_with_a_month_ends_at_the_month():
    # the forward 'planned' ran on past "Feb." into the next sentence's history
    assert not one_at("Haplo-SCT from his brother planned Feb. Ex-smoker.", "former_smoker", TODAY).hypothetical


def test_a_treatment_for_consideration_or_under_discussion_is_not_given():
    assert read("Belimumab under discussion.", "belimumab") == HYPOTHETICAL
    assert read("Abatacept for consideration, HCQ continued.", "abatacept") == HYPOTHETICAL


def test_the_next_step_of_a_plan_is_planned_too():
    fact = one_at("Referred for CD19 CAR-T, followed by a sibling allograft.", "allo_hsct", TODAY)
    assert fact.hypothetical and not fact.historical


# --- not given -------------------------------------------------------------------------------

def test_not_fit_for_a_treatment_is_not_given():
    assert read("She is not fit for an allograft.", "allo_hsct") == ABSENT
    assert read("Not considered fit for intensive chemotherapy, LVEF 35%.", "chemotherapy") == ABSENT


def test_none_planned_is_none_given():
    assert read("No further chemotherapy planned.", "chemotherapy") == ABSENT


def test_a_treatment_offered_and_declined_is_not_had():
    assert read("Splenectomy was suggested in 2023 and she refused.", "splenectomy")[0] == "absent"
    assert read("Colectomy recommended, she declines. Calprotectin 300.", "colectomy") == ABSENT


# --- the outcome after a course's colon or dash -----------------------------------------------

def test_a_progression_after_a_colon_is_the_courses_failure():
    fact = one_at("Abatacept 2019-2021: joint flare, stopped. Now baricitinib.", "abatacept", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST
    fact = one_at("Brentuximab 2025: progression after 3 cycles.", "brentuximab", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST


def test_refractory_to_after_a_dash_stays_the_lists():
    # "- refractory to X": the forward cue's, every drug after it failed
    for concept in ("cyclophosphamide", "rituximab"):
        fact = one_at("Lupus nephritis - refractory to cyclophosphamide and rituximab.", concept, TODAY)
        assert fact.status == "failed"


def test_a_remission_then_a_relapse_after_a_dash_is_a_failed_course():
    fact = one_at("Hyper-CVAD - CR2; relapse 5 months later.", "hyper_cvad", TODAY)
    assert fact.status == "failed"


def test_a_bare_cr_after_a_courses_colon_is_a_remission():
    assert facts_at("BV-CHP x6: CR 03/2024.", "in_remission", TODAY)
    assert facts_at("Induction -> CR after cycle 1.", "in_remission", TODAY)
    # a value after it keeps it creatinine's
    assert not facts_at("Renal: CR 1.4 mg/dL.", "in_remission", TODAY)


def test_blasts_left_after_a_course_is_its_failure_not_taken_now():
    fact = one_at("Decitabine 10/2025: blasts still 30% on day 28.", "decitabine", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST


def test_a_failing_pair_taken_since_a_date_goes_on():
    fact = one_at("Gilteritinib + aza since 05/2026: blasts still 18%.", "gilteritinib", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == NOW


# --- a pair joined by a slash ---------------------------------------------------------------

def test_a_slash_pair_taken_now_is_one_regimen():
    assert read("MDS-related AML, on aza/ven now.", "venetoclax") == NOW
    # three joined by slashes is a sequence: the first ones are over
    assert read("tried enbrel/humira/rinvoq now", "etanercept") == PAST


# --- senses in a general physician's note ---------------------------------------------------

def test_dm_in_a_list_of_background_illness_is_diabetes():
    assert facts_at("Comorbidities: DM, gout.", "diabetes_mellitus", TODAY)
    assert not facts_at("Comorbidities: DM, gout.", "dermatomyositis", TODAY)
    # a myositis letter keeps its DM
    assert facts_at("Anti-MDA5 DM with ILD, CK 400.", "dermatomyositis", TODAY)


def test_a_pituitary_or_benign_tumour_is_no_cancer():
    assert not facts_at("MRI: residual pituitary tumour after surgery.", "malignancy", TODAY)
    assert not facts_at("Excision of a benign tumor of the parotid 2019.", "malignancy", TODAY)


# --- screens, brackets, earlier values ------------------------------------------------------

def test_a_cancer_screen_with_its_tests_after_a_colon_is_clear():
    assert read("Malignancy screen: CT chest and colonoscopy normal 2026.", "malignancy") == ABSENT
    # a result of its own after the colon stays the test's
    assert read("Hepatitis screen: HBsAg negative, HIV negative.", "hbsag") == ABSENT
    assert read("Hepatitis screen: negative for HBV.", "hbv") == ABSENT


def test_resolved_in_a_bracket_is_the_nearest_items():
    text = "SLE 2015 with AIHA 2016 (resolved), on HCQ."
    assert read(text, "sle") == NOW
    assert read(text, "autoimmune_hemolytic_anemia") == PAST
    assert read("Skin GVHD grade 2 (resolved), CMV negative.", "gvhd") == PAST


def test_a_treatment_told_of_the_cancer_named_after_the_first_is_not_the_firsts():
    text = "AML (2025) following MDS 2022 treated with decitabine, lost response."
    assert read(text, "aml") == NOW


def test_an_earlier_value_in_an_earlier_sentence_of_one_paragraph_is_of_then():
    text = "Relapse 03/2026, marrow blasts 41%. Venetoclax + aza since 04/2026: marrow blasts 9% after 2 cycles."
    found = facts_at(text, "blasts", TODAY)
    assert [f.historical for f in sorted(found, key=lambda f: f.start)] == [True, False]
    # two values of one sentence are both of now
    assert not any(f.historical for f in facts_at("Blasts 2% in PB, BM blasts 14%.", "blasts", TODAY))


def test_a_course_in_a_bracket_before_its_colon_failed_when_mrd_stays():
    fact = one_at("Induction (BFM): MRD positive at day 33.", "chemotherapy", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST


def test_a_c_difficile_infection_treated_by_a_finished_course_is_over():
    assert read("C diff 2025 treated with fidaxomicin. Now on vedolizumab.", "c_difficile_infection") == PAST
    # one a course treats now goes on
    assert read("C. diff positive today, started vancomycin.", "c_difficile_infection")[2] == "current"
