"""Round 31 (h146, issue #13): clinicians' letters and messages read right: a treatment of a
hospital stay, a dated acute kidney injury or pneumonitis, a treatment "off since", a treatment
"never given:" or a procedure "not performed", a dated maintenance "until relapse", a
regimen's arms counted ("A/B x4"), a named variant before a list's negative result, a harm
"(resolved)" after the drug that caused it, "MRD 0.5%" kept as a value, and the NRAS and PD-L1
markers. Each test names a class of phrasing in wordings of its own (not the gold's) and reads
it through the real extraction path."""
from __future__ import annotations

from datetime import date

import pytest

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
ABSENT_PAST = ("absent", "patient", "past")


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one_at(text, concept, TODAY))


# --- a treatment of a hospital stay ------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Dalteparin thromboprophylaxis was given throughout her admission.", "dalteparin"),
    ("He needed insulin whilst an inpatient for steroid-induced hyperglycaemia.", "insulin"),
    ("IV methylprednisolone 1 g x3 on the ward, then oral prednisolone.", "methylprednisolone"),
    ("Heparin prophylaxis during admission. Discharged on apixaban.", "heparin"),
])
def test_a_treatment_of_a_hospital_stay_is_over(text, concept):
    assert read(text, concept) == PAST


def test_a_treatment_taken_now_in_a_letter_written_in_hospital_stays_current():
    # "as inpatient" in a referral written on the ward: taken now (letter-108's wording kept current)
    assert read("No previous VTE; on prophylactic dalteparin as inpatient.", "dalteparin") == NOW
    # and a treatment said to go on through the stay keeps going
    assert read("Vedolizumab continued during the admission.", "vedolizumab") == NOW


# --- a dated acute event of the kidney or lung ------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("AKI 2023 after contrast, creatinine back to baseline.", "acute_kidney_injury"),
    ("Drug-induced pneumonitis 04/2025 (after nivolumab), treated with steroids.", "drug_induced_pneumonitis"),
    ("Klebsiella bacteraemia 2024.", "active_infection"),
])
def test_a_dated_acute_event_is_over(text, concept):
    assert read(text, concept) == PAST


def test_a_pneumonitis_since_a_year_goes_on():
    assert read("Hypersensitivity pneumonitis since 2023, on mycophenolate.", "pneumonitis") == NOW


# --- a treatment said to be off, never given, not performed -----------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Azathioprine, off since 2022. Now on mycophenolate.", "azathioprine"),
    ("Prednisolone (off since March).", "prednisone"),
    ("Haemodialysis for two weeks during the AKI in 2024 (off since).", "dialysis"),
])
def test_a_treatment_off_since_is_over(text, concept):
    assert read(text, concept) == PAST


@pytest.mark.parametrize("text, concept", [
    ("Venetoclax never given: TP53 status unknown.", "venetoclax"),
    ("Splenectomy not performed (patient declined).", "splenectomy"),
    ("Colectomy not done - she wishes to avoid surgery.", "colectomy"),
])
def test_a_treatment_never_given_or_not_performed_is_denied(text, concept):
    assert read(text, concept) == ABSENT_PAST


# --- a maintenance until the disease came back; a regimen's arms counted ----------------------

def test_a_dated_maintenance_until_relapse_failed():
    fact = one_at("Lenalidomide maintenance from 03/2023 until relapse in 06/2025; "
                  "now daratumumab.", "lenalidomide", TODAY)
    assert predicted_assertion(fact) == PAST and fact.status == "failed"


def test_a_regimen_counted_by_its_arms_was_given():
    assert read("Hyper-CVAD A+B x8 completed; blinatumomab since 09/2026.", "hyper_cvad") == PAST


# --- a named variant before a list's negative result ------------------------------------------

def test_a_named_variant_keeps_its_finding_before_another_genes_negative_result():
    fact = one_at("Molecular: NRAS Q61K, FLT3 negative.", "nras_mutation", TODAY)
    assert not fact.negated
    assert one_at("Molecular: NRAS Q61K, FLT3 negative.", "flt3", TODAY).negated


def test_variants_listed_before_one_negative_result_are_all_negative():
    for concept in ("kras_g12c", "braf_v600e"):
        assert one_at("Tested: KRAS G12C and BRAF V600E negative.", concept, TODAY).negated


# --- a harm resolved after the drug that caused it --------------------------------------------

def test_a_harm_resolved_after_its_drug_is_past():
    assert read("Peripheral neuropathy grade 2 after vincristine (resolved); on gabapentin.",
                "peripheral_neuropathy") == PAST


def test_a_stop_in_the_bracket_after_the_drug_leaves_the_illness():
    assert read("ILD on methotrexate (stopped 2020), now on rituximab.", "interstitial_lung_disease") == NOW


# --- MRD as a value; NRAS and PD-L1 ------------------------------------------------------------

def test_mrd_written_as_a_percentage_keeps_its_value():
    fact = one_at("ETP-ALL, MRD 0.5% by flow on the day 28 marrow.", "mrd_positive", TODAY)
    assert fact.value == pytest.approx(0.5) and fact.unit == "%"


@pytest.mark.parametrize("text, concept, negated", [
    ("AML, NRAS G12D mutated, NPM1 wild-type.", "nras_mutation", False),
    ("Colorectal cancer, KRAS wt, NRAS wild-type.", "nras_mutation", True),
    ("NSCLC, PD-L1 TPS 70%, EGFR wild-type.", "pd_l1_expression", False),
    ("PTCL: PD-L1 negative on immunohistochemistry.", "pd_l1_expression", True),
])
def test_nras_and_pd_l1_are_read(text, concept, negated):
    assert one_at(text, concept, TODAY).negated is negated


def test_a_pd_l1_inhibitor_is_no_marker():
    found = extract("Previously treated with an anti-PD-L1 antibody.", today=TODAY)
    assert not any(f.concept == "pd_l1_expression" for f in found)


# --- a course that led to the next step ---------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Salvage FLAG-Ida achieved CR2 in 03/2025 and he proceeded to a haploidentical allograft 05/2025.", "flag_ida"),
    ("Blinatumomab x2 cycles to MRD negativity, then went on to allo-SCT.", "blinatumomab"),
])
def test_a_course_before_proceeding_to_the_next_step_is_over(text, concept):
    assert read(text, concept) == PAST


def test_a_treatment_taken_while_proceeding_to_transplant_goes_on():
    assert read("On ruxolitinib, proceeding to transplant next month.", "ruxolitinib") == NOW
    assert read("Started prednisolone 40 mg, went to A&E with chest pain.", "prednisone") == NOW


# --- an invasive mould infection ----------------------------------------------------------------

def test_a_dated_invasive_aspergillosis_is_an_infection_over():
    assert read("Invasive aspergillosis 2024 (on posaconazole prophylaxis since).", "active_infection") == PAST
    assert one_at("CT chest: no evidence of invasive aspergillosis.", "active_infection", TODAY).negated


# --- a month-dated relapse on a maintenance ------------------------------------------------------

def test_a_month_dated_relapse_on_a_maintenance_fails_it():
    fact = one_at("Relapsed 04/2026 on lenalidomide maintenance; daratumumab since 05/2026.", "lenalidomide", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST
    fact = one_at("AML, relapsed in 01/2026 whilst on oral azacitidine maintenance.", "azacitidine", TODAY)
    assert fact.status == "failed"


def test_a_month_dated_relapse_on_a_treatment_not_called_maintenance_stays_as_it_was():
    # h136's reading: a recent relapse on a treatment still given (letter-260)
    assert one_at("Second relapse 10/2025 on rituximab: now on obinutuzumab.", "rituximab", TODAY).status != "failed"
