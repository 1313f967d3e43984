"""Physician notes and referral letters, round 9 (issue #13): each test names a class of
clinician writing and asks what the pipeline reads from examples of it (wordings new, not
the gold letters')."""
from __future__ import annotations

from nlp import extract
from assertion_helpers import ROUND_TODAY, of, present


def _facts(text: str, concept: str) -> list:
    return [f for f in extract(text, today=ROUND_TODAY) if f.concept == concept]


# --- cell therapies and regimens by name -----------------------------------------------------

def test_licensed_car_t_products_are_car_t_by_name():
    text = ("Relapsed after axi-cel in 2023. Previously tisagenlecleucel. Yescarta was not available. "
            "He had liso-cel; she had Carvykti and ide-cel.")
    for concept in ("axicabtagene_ciloleucel", "tisagenlecleucel", "lisocabtagene_maraleucel",
                    "ciltacabtagene_autoleucel", "idecabtagene_vicleucel"):
        assert _facts(text, concept), concept


def test_a_car_t_product_is_a_kind_of_car_t():
    from data.terminology import load_terminology

    terminology = load_terminology()
    for product in ("brexucabtagene_autoleucel", "obecabtagene_autoleucel", "tisagenlecleucel"):
        assert terminology.is_a(product, "car_t")


def test_haematology_regimens_are_therapies_with_their_drugs():
    from data.terminology import load_terminology

    terminology = load_terminology()
    text = "Prior Pola-R-CHP x6, then BEAM-conditioned autograft; later inotuzumab with mini-hyper-CVD. ATG and ciclosporin for SAA. DLI after the allograft."
    for concept in ("pola_r_chp", "beam", "auto_hsct", "mini_hyper_cvd", "antithymocyte_globulin", "donor_lymphocyte_infusion"):
        assert _facts(text, concept), concept
    assert terminology.is_a("pola_r_chp", "rituximab") and terminology.is_a("pola_r_chp", "polatuzumab_vedotin")


def test_existing_regimens_still_read():
    text = "Induction with hyper-CVAD, then nelarabine; FLAG-IDA salvage; R-CHOP x6."
    for concept in ("hyper_cvad", "nelarabine", "flag_ida", "r_chop"):
        assert _facts(text, concept), concept


# --- a treatment stopped after "but" ---------------------------------------------------------

def test_a_treatment_added_but_stopped_is_over():
    for text in ("Methotrexate was added but stopped due to pneumonitis.",
                 "Methotrexate was started but later discontinued because of nausea.",
                 "She tried methotrexate, but it was withdrawn after two months."):
        fact = of(text, "methotrexate")
        assert fact.historical or fact.status in ("failed", "intolerant"), text


def test_but_stopped_reaches_only_the_nearest_treatment():
    fact = of("She has been on prednisone since diagnosis and methotrexate was added but stopped.", "prednisone")
    assert fact.status == "current" and not fact.historical


# --- antibodies to a biologic ----------------------------------------------------------------

def test_antibodies_to_a_biologic_mean_it_failed():
    for text in ("He developed antibodies to infliximab.",
                 "Neutralising antibodies against infliximab were found in 2022.",
                 "She has high-titre anti-drug antibodies to infliximab."):
        assert of(text, "infliximab").status == "failed", text


# --- a combination named with its parts in brackets ------------------------------------------

def test_treated_with_a_named_combination_reaches_every_part():
    text = ("Treated with triple therapy (high-dose steroids, tacrolimus, IV cyclophosphamide) and "
            "plasma exchange, with partial stabilisation.")
    for concept in ("glucocorticoid", "tacrolimus", "cyclophosphamide", "plasma_exchange"):
        assert of(text, concept).historical, concept
    text = "Managed with induction therapy (prednisolone, mycophenolate, IV rituximab) and IVIG."
    assert of(text, "ivig").historical


# --- an outcome written before a list is every item's ----------------------------------------

def test_failed_before_a_list_with_remarks_covers_the_last_item():
    for text in ("He is s/p ileocaecal resection and has failed infliximab, adalimumab (secondary loss of response) and ustekinumab.",
                 "Failed infliximab (primary non-response), adalimumab (lost response) and ustekinumab."):
        assert of(text, "ustekinumab").status == "failed", text


def test_a_current_treatment_after_a_failed_one_stays_current():
    text = "Failed MTX, now on rituximab and HCQ."
    assert of(text, "rituximab").status == "current"
    assert of(text, "methotrexate").status == "failed"


# --- pregnancy not planned ---------------------------------------------------------------------

def test_pregnancy_said_not_planned_is_absent():
    for text in ("Trying to conceive is not planned at present.", "Pregnancy is not desired."):
        facts = [f for f in extract(text, today=ROUND_TODAY) if f.label == "PREGNANCY"]
        assert facts and all(f.negated for f in facts), text


# --- values of an earlier presentation ------------------------------------------------------

def test_values_at_an_earlier_presentation_are_past():
    text = "She was diagnosed with ITP in 2016 after presenting with a platelet count of 6 x10^9/L."
    assert of(text, "platelets").historical
    text = "He then presented in 7/2019 with a rising white count and 50% lymphocytes."
    assert of(text, "alc").historical


def test_a_presentation_today_keeps_its_values_current():
    for text in ("He presented in the ED with a platelet count of 6.", "She presents with a platelet count of 6."):
        assert present(of(text, "platelets")), text


def test_the_diagnosis_event_is_past():
    text = "At the time of his initial diagnosis with type 1 diabetes he was hospitalized with a glucose >1000 mg/dL."
    assert of(text, "type_1_diabetes").historical


# --- T-cell lymphoma subtypes and other haematology diagnoses by name ------------------------

def test_t_cell_lymphoma_subtypes_are_read_and_are_ptcl():
    from data.terminology import load_terminology

    terminology = load_terminology()
    text = "Dx: AITL (2023). Previously ALK-negative ALCL? No: PTCL-NOS on review. Differential: ATLL, hepatosplenic T-cell lymphoma."
    for concept in ("aitl", "alcl", "ptcl_nos", "atll", "hepatosplenic_t_cell_lymphoma"):
        assert _facts(text, concept), concept
        assert terminology.is_a(concept, "ptcl")


def test_richter_hlh_and_evans_are_read():
    from data.terminology import load_terminology

    text = "CLL with Richter's transformation in 2024, complicated by HLH. Her sister has Evans syndrome."
    assert _facts(text, "richter_transformation") and _facts(text, "hlh")
    assert all(f.family for f in _facts(text, "evans_syndrome"))
    assert load_terminology().is_a("evans_syndrome", "itp")


# --- medication lists: held, previous, allergies --------------------------------------------

def test_a_drug_held_in_a_medication_list_is_not_taken_now():
    for text, concept in (("4. Belimumab - held since 09/2025 (recurrent chest infections)", "belimumab"),
                          ("Meds: aspirin 75 mg (held since the biopsy), amlodipine 10 mg.", "aspirin"),
                          ("Current meds: anakinra (held on admission), prednisolone 40 mg od.", "anakinra")):
        fact = of(text, concept)
        assert fact.historical and fact.status != "current", text
    assert of("Current meds: anakinra (held on admission), prednisolone 40 mg od.", "prednisone").status == "current"


def test_the_reason_a_drug_was_held_is_over():
    assert of("Previous: tocilizumab - held (recurrent cellulitis).", "active_infection").historical
    assert of("4. Belimumab - held since 09/2025 (recurrent chest infections)", "active_infection").historical


def test_a_previous_medication_line_lists_treatments_that_are_over():
    text = "Previous medication: azathioprine (stopped - nausea); cyclophosphamide (Euro-Lupus, 2021); rituximab x2\nCurrent: belimumab."
    for concept in ("azathioprine", "cyclophosphamide", "rituximab"):
        assert of(text, concept).historical, concept
    assert not of(text, "belimumab").historical


def test_a_treatment_history_heading_over_bullets_dates_them():
    text = "Treatment history:\n- UKALL 2011 induction 2023\n- Nelarabine x2 cycles\nCurrent: venetoclax 400 mg od."
    assert of(text, "nelarabine").historical
    assert of(text, "venetoclax").status == "current"


def test_a_drug_on_an_allergies_line_was_not_tolerated():
    for text in ("Allergies: vancomycin (red man syndrome).", "Drug allergies: methotrexate - mouth ulcers",
                 "ALLERGIES: Vancomycin"):
        fact = of(text, "vancomycin" if "ancomycin" in text else "methotrexate")
        assert fact.status == "intolerant" and fact.historical, text
    assert of("Medications: methotrexate 20 mg weekly.\nAllergies: NKDA.", "methotrexate").status == "current"


def test_a_malignancy_screen_with_its_tests_in_brackets_is_negative():
    assert of("Malignancy screen (CT, mammogram) negative.", "malignancy").negated


# --- an alternative to a treatment considered -----------------------------------------------

def test_the_alternative_to_a_considered_treatment_is_considered():
    fact = of("Plan: please consider for a second allo-SCT or a clinical trial.", "investigational_drug")
    assert fact.hypothetical
    assert of("We discussed CAR-T or a bispecific antibody.", "bispecific_antibody").hypothetical
    assert not of("She had rituximab or MMF.", "mycophenolate").hypothetical


# --- a treatment the patient is not a candidate for; a social history's semicolons ----------

def test_not_a_candidate_for_a_treatment_is_not_a_treatment_had():
    for text in ("He is not a candidate for allo-SCT at present.", "She is not a suitable candidate for CAR-T."):
        facts = [f for f in extract(text, today=ROUND_TODAY) if f.label == "PROCEDURE"]
        assert facts and all(f.negated for f in facts), text
    assert of("She is a candidate for CAR-T.", "car_t").hypothetical


def test_a_nil_after_a_semicolon_is_the_next_items():
    fact = of("SH: ex-smoker (stopped 2019); alcohol: nil.", "former_smoker")
    assert not fact.negated
    assert of("HIV: negative; HBV: negative.", "hiv").negated
    assert of("HIV; HBsAg: negative.", "hbsag").negated
