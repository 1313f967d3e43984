"""Round 30 (h141, issue #13): physicians' notes and referral letters read right: a cancer told
with its dated, finished treatment, "X ca" shorthand, markers written as a gene with a negative
result, a dated relapse on a maintenance, a failure cue that does not govern a later item with
its own response, "thrombolysis", a wish for a trial, a denied ectopic pregnancy. Each test
names a class of phrasing in wordings of its own (not the gold's) and reads it through the real
extraction path."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, facts_at, one_at
from benchmarks.assertion import predicted_assertion
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def facts(text: str) -> list:
    return extract(text, today=TODAY)


def of(text: str, concept: str) -> list:
    """The facts of ``concept`` (an allergy to it is none of them)."""
    return [f for f in facts_at(text, concept, TODAY) if f.label != "ALLERGY"]


def one(text: str, concept: str):
    found = of(text, concept)
    if len(found) != 1:
        return one_at(text, concept, TODAY)    # fails naming what was read
    return found[0]


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one(text, concept))


# --- a cancer told with its dated, finished treatment -----------------------------------------

def test_a_dated_cancer_with_a_finished_treatment_in_its_clause_is_past():
    assert read("Known CLL. Bladder cancer 2014, treated with TURBT and radiotherapy.", "bladder_cancer") == PAST
    assert read("Known CLL. Seminoma in 2009, orchidectomy, discharged from follow-up.", "testicular_cancer") == PAST
    assert read("Known CLL. Kidney cancer 03/2018, resected, no recurrence.", "kidney_cancer") == PAST


def test_the_shorthand_ca_names_the_cancer_and_s_p_ends_it():
    fact = one("Known ITP. PMH prostate ca s/p radical prostatectomy 2015.", "prostate_cancer")
    assert fact.text == "prostate ca" and predicted_assertion(fact) == PAST
    assert one("Renal ca, on pembrolizumab", "kidney_cancer").text == "Renal ca"


def test_a_dated_cancer_that_relapsed_or_spread_later_stays_current():
    assert read("Breast cancer 2016, treated with lumpectomy; bone metastases 2025, on letrozole.", "breast_cancer") == NOW
    assert read("AML 02/2024, treated with 7+3 x2. Relapsed 10/2025.", "aml") == NOW
    assert read("Metastatic melanoma 2023, treated with ipilimumab.", "melanoma") == NOW
    assert read("Lung cancer 2024, treated with chemoradiotherapy, now on durvalumab.", "lung_cancer") == NOW


def test_a_dated_cancer_without_a_treatment_is_not_made_past():
    assert read("Colon cancer 2025. Seen in clinic today.", "colorectal_cancer") == NOW


# --- markers written as the gene and a negative result ----------------------------------------

def test_a_gene_with_a_negative_result_after_it_is_a_negative_marker():
    text = "Lung adenocarcinoma: EGFR wild type, ALK neg, ROS1 negative, KRAS wt."
    for concept in ("egfr_mutation", "alk_rearrangement", "ros1_rearrangement", "kras_mutation"):
        fact = one(text, concept)
        assert fact.negated and fact.status == "negative", concept


def test_a_markers_own_result_word_negates_no_disease_before_it():
    assert not one("NSCLC: EGFR negative.", "nsclc").negated
    assert not one("Breast cancer: HER2-negative.", "breast_cancer").negated
    assert one("Breast cancer: HER2-negative.", "her2").negated


def test_egfr_wild_type_in_a_criterion_asks_for_no_mutation():
    rule = parse_criterion("EGFR wild type", "inclusion")
    assert rule == {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"}


# --- a relapse on a maintenance, a failure cue's reach -----------------------------------------

def test_a_relapse_in_a_past_year_on_a_maintenance_fails_it():
    fact = one("MDS. Progressed 2023 on azacitidine maintenance; venetoclax since 2024.", "azacitidine")
    assert fact.status == "failed"
    assert one("Myeloma: lenalidomide maintenance until progression in 2025, now on teclistamab.",
               "lenalidomide").status == "failed"


def test_a_later_item_with_its_own_response_is_not_failed():
    assert one("Refractory to R-CHOP, then R-DHAP with complete remission and an autograft.",
               "r_chop").status == "failed"
    later = one("Refractory to R-CHOP, then R-DHAP with complete remission and an autograft.", "auto_hsct")
    assert later.status != "failed"
    assert one("Failed adalimumab, then vedolizumab with a good response.", "vedolizumab").status != "failed"


def test_with_a_response_is_no_failure_but_with_no_response_is():
    assert one("ustekinumab since 2023 with a response", "ustekinumab").status != "failed"
    assert one("ustekinumab since 2023 with no response", "ustekinumab").status == "failed"


# --- words that are not what they look like ----------------------------------------------------

def test_thrombolysis_is_no_thrombosis():
    assert not of("Left MCA stroke, thrombolysed within 3 hours; no thrombolytics since.", "thrombosis")
    assert not of("Not a candidate for thrombolysis.", "thrombosis")


def test_a_wish_for_a_trial_is_hypothetical():
    assert read("She would be interested in a trial.", "clinical_trial_participation")[0] == "hypothetical"
    assert read("He took part in a trial in 2019.", "clinical_trial_participation")[0] != "hypothetical"


def test_a_denied_ectopic_pregnancy_is_no_denial_of_pregnancy():
    assert not of("No previous ectopic pregnancy. Two children.", "pregnant")
    assert one("Not pregnant; no ectopic.", "pregnant").negated
    assert read("Ectopic pregnancy in 2020 treated with methotrexate.", "pregnant") == PAST


# --- smaller classes ------------------------------------------------------------------------------

def test_a_course_completed_with_its_length_in_brackets_is_over():
    assert read("Apixaban completed (3 months).", "apixaban") == PAST


def test_no_remission_after_a_course_fails_it():
    assert one("Cyclophosphamide x6 2024 - no remission, proteinuria unchanged.", "cyclophosphamide").status == "failed"


def test_prev_is_previous():
    assert read("ITP 60F, prev romiplostim. Plt 30.", "romiplostim") == PAST


def test_a_heading_opening_a_new_sentence_ends_the_history_list():
    text = "PMH: thyroid cancer 2009, thyroidectomy, asthma. Dx now: SLE with nephritis"
    assert read(text, "sle") == NOW
    assert read(text, "asthma") == PAST


def test_a_treatment_to_start_at_a_later_visit_is_not_taken_yet():
    assert read("Discharged on mesalazine; azathioprine to start at clinic.", "azathioprine")[0] == "hypothetical"


def test_a_wish_to_take_part_in_a_trial_is_hypothetical_a_past_one_is_not():
    assert read("She is keen to take part in a clinical trial.", "clinical_trial_participation")[0] == "hypothetical"
    assert read("He took part in a trial in 2019.", "clinical_trial_participation") == PAST
