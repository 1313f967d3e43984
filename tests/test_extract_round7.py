"""Assertion, round 7 (issue #13, helper h25, 2026-12-03): classes, not literal variants.
Each test names a general mechanism (an outcome's scope over a sequence, the time order of
disease statuses, an organ named a sentence after its disease, names of regimens and
operations, one-off procedures) with wordings of its own, none copied from a gold message."""
from datetime import date

import pytest

from assertion_helpers import mentions, of, present
from nlp import extract

TODAY = date(2026, 12, 3)


def status(text, concept):
    return of(text, concept).status


# --- an outcome said after the last treatment of a sequence ----------------------------------

@pytest.mark.parametrize("text, before, last", [
    ("Prednisolone, rituximab, then romiplostim did nothing for her count.", ["prednisone", "rituximab"], "romiplostim"),
    ("methotrexate and leflunomide for years, and then tocilizumab which didnt really help", ["methotrexate", "leflunomide"], "tocilizumab"),
    ("Vedolizumab first, after that ustekinumab, which failed.", ["vedolizumab"], "ustekinumab"),
    ("hydroxychloroquine -> mycophenolate -> belimumab, no response", ["hydroxychloroquine", "mycophenolate"], "belimumab"),
])
def test_an_outcome_after_a_sequence_word_is_the_last_treatments_only(text, before, last):
    assert status(text, last) == "failed"
    for concept in before:
        assert status(text, concept) is None, concept


@pytest.mark.parametrize("text", [
    "Tried adalimumab then golimumab, neither did anything.",
    "adalimumab, later golimumab - both stopped working",
    "adalimumab then golimumab then upadacitinib, none of them worked",
    "adalimumab, then golimumab, still flaring",
    "adalimumab, golimumab failed",          # a list without a sequence word keeps the reach
])
def test_an_outcome_that_speaks_of_them_all_reaches_every_treatment(text):
    assert status(text, "adalimumab") == "failed"
    assert status(text, "golimumab") == "failed"


# --- typos and fillers inside the outcome, the referrer's reading of "still worse" ----------

@pytest.mark.parametrize("text, concept, expected", [
    ("the steroids made him really moody and i stopped them", "glucocorticoid", "intolerant"),
    ("eltrombopag caused liver problems so it was stopped", "eltrombopag", "intolerant"),
    ("romiplostim and avatrombopag were both tried, neither of them kept the count up", "avatrombopag", "failed"),
    ("Biologics have failed: golimumab, certolizumab.", "certolizumab", "failed"),
])
def test_outcomes_said_loosely(text, concept, expected):
    assert status(text, concept) == expected


# --- statuses in time order: the latest statement wins ---------------------------------------

def test_an_earlier_mrd_result_is_past_when_a_later_one_differs():
    text = "ETP-ALL. MRD-positive at end of induction, MRD-negative after the second block."
    assert of(text, "mrd_positive").historical
    assert present(of(text, "mrd_negative"))


def test_a_remission_followed_by_a_relapse_is_over():
    text = "T-LBL, in complete remission after BFM. Relapsed 06/2026."
    assert of(text, "in_remission").historical
    assert present(of(text, "relapsed_disease"))


def test_a_remission_said_with_was_is_over():
    assert of("he was in remission for two years but now the lymphoma is back", "in_remission").historical


def test_a_relapse_is_not_made_past_by_a_later_remission():
    text = "relapsed AML, now in second remission"
    assert present(of(text, "relapsed_disease"))
    assert present(of(text, "in_remission"))


# --- an organ named in the sentence after its disease -----------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("My husband has scleroderma. His lungs are affected too.", "interstitial_lung_disease"),
    ("She has SLE, diagnosed at 19. Her kidneys got involved in 2024.", "lupus_nephritis"),
    ("Dermatomyositis. The CT shows scarring in both lungs.", "interstitial_lung_disease"),
    ("SLE since 2012. Nephritis in 2020, treated.", "lupus_nephritis"),
])
def test_an_organ_named_after_its_disease_in_the_next_sentence(text, concept):
    assert of(text, concept)


@pytest.mark.parametrize("text", [
    "My mum has scleroderma. My aunt's lungs are affected.",
    "She has lupus. She had a chest infection in May. Her lungs are affected.",
    "His lungs are affected.",
])
def test_an_organ_of_someone_else_or_of_another_illness_names_no_disease(text):
    assert not [f for f in extract(text, today=TODAY) if f.concept == "interstitial_lung_disease"]


# --- names: a regimen named after a disease, operations in bowel disease -----------------------

def test_euro_lupus_is_cyclophosphamide_not_lupus():
    facts = extract("Class IV nephritis 2022, had the Euro-Lupus regimen", today=TODAY)
    assert [f for f in facts if f.concept == "cyclophosphamide"]
    assert not [f for f in facts if f.concept == "sle" and f.text.lower() == "lupus"]


@pytest.mark.parametrize("text,concept", [
    ("ulcerative colitis, two operations so far", "major_surgery"),
    # a resection in bowel disease is a bowel resection (a major surgery; lead, fourteenth session)
    ("Crohn's with 3 resections, now on ustekinumab", "bowel_resection"),
    ("perianal Crohn's fistula, surgery in 2021", "major_surgery"),
])
def test_an_operation_in_bowel_disease_is_major_surgery_and_over(text, concept):
    fact = of(text, concept)
    assert fact.historical and not fact.hypothetical


def test_an_operation_outside_bowel_disease_stays_unread():
    assert not [f for f in extract("lupus since 2019, had surgery on my knee", today=TODAY) if f.concept == "major_surgery"]


# --- a procedure done once is over ---------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("T-ALL, chemo and then a haploidentical transplant, relapsed 5 months later", "allo_hsct"),
    ("ITP, splenectomy, still low platelets", "splenectomy"),
])
def test_a_one_off_procedure_given_as_done_is_past(text, concept):
    fact = of(text, concept)
    assert fact.historical and not fact.hypothetical


@pytest.mark.parametrize("text, concept", [
    ("allo-HSCT planned for January", "allo_hsct"),
    ("would CAR-T be an option for him?", "car_t"),
    ("he might need a splenectomy", "splenectomy"),
])
def test_a_one_off_procedure_planned_or_asked_about_is_not_past(text, concept):
    fact = of(text, concept)
    assert fact.hypothetical or not fact.historical


# --- beliefs, waits, proposals -------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("the rheumatologist suspects it is Still's disease", "adult_onset_stills_disease"),
    ("the hep C result is still outstanding", "hcv"),
])
def test_a_belief_or_a_result_not_back_is_uncertain(text, concept):
    assert of(text, concept).uncertain


@pytest.mark.parametrize("text, concept", [
    ("the haematologist suggested venetoclax", "venetoclax"),
    ("He is eligible for auto-HSCT.", "auto_hsct"),
    ("rituximab if needed", "rituximab"),
])
def test_a_treatment_proposed_or_conditional_is_not_given(text, concept):
    fact = of(text, concept)
    assert fact.hypothetical and not present(fact)


# --- an outcome in a bracket, treatments given, illnesses that did not return -----------------

@pytest.mark.parametrize("text, concept, expected", [
    ("Prior: golimumab (PNR), certolizumab (LOR); now upadacitinib.", "certolizumab", "failed"),
    ("leflunomide (rash), sulfasalazine", "leflunomide", "intolerant"),
    ("IFX (ATI), ADA", "infliximab", "failed"),
])
def test_an_outcome_in_a_bracket_after_the_treatment(text, concept, expected):
    assert status(text, concept) == expected


def test_a_bracket_without_an_outcome_gives_no_status():
    assert status("rituximab (2x1 g), nothing else", "rituximab") != "failed"


@pytest.mark.parametrize("text, concept", [
    ("after CHOP they gave polatuzumab and it shrank", "polatuzumab_vedotin"),
    ("Before she take methotrexate, now nothing", "methotrexate"),
])
def test_a_treatment_given_before_is_past(text, concept):
    assert of(text, concept).historical


def test_an_illness_that_has_not_come_back_is_past():
    fact = mentions("He had Hodgkin lymphoma at 20 and it went away. His lymphoma has not come back.", "hodgkin_lymphoma", TODAY)[-1]
    assert fact.historical
    assert present(of("she has lupus now, the ITP never came back", "sle"))


def test_stop_to_work_is_a_failure():
    assert status("I use adalimumab 2 years, after that stop to work", "adalimumab") == "failed"


def test_a_relapse_is_the_patients_when_a_relative_is_only_the_donor():
    text = "T-ALL at 7, chemo, then a transplant from his brother, and it came back last month"
    relapse = of(text, "relapsed_disease")
    assert not relapse.family


# --- more sequence words, outcomes said of the disease, a cancer now free of relapse -------------

def test_later_and_followed_by_end_the_treatment_before():
    assert of("methotrexate, later etanercept", "methotrexate").historical
    assert of("Azathioprine followed by infliximab.", "azathioprine").historical


@pytest.mark.parametrize("text, concept", [
    ("golimumab -> certolizumab, none of them was any good", "golimumab"),
    ("they gave her R-CHOP and it didnt go away", "r_chop"),
    ("Brentuximab x4 but the disease did not get better", "brentuximab"),
])
def test_a_disease_that_did_not_respond_means_the_treatment_failed(text, concept):
    assert status(text, concept) == "failed"


def test_a_cancer_free_of_relapse_is_past():
    assert of("she has been relapse free for 2 years after her T-ALL", "t_all").historical


# --- "with child" is pregnant only after a form of "be" ----------------------------------------

@pytest.mark.parametrize("text, pregnant", [
    ("she is with child, about 12 weeks", True),
    ("38F, with child (age 3), ITP since 2020", False),
    ("a single mum with child, lupus", False),
    ("Child-Pugh B cirrhosis, HBsAg negative", False),
])
def test_with_child(text, pregnant):
    assert bool([f for f in extract(text, today=TODAY) if f.label == "PREGNANCY" and present(f)]) is pregnant


# --- the treatment of a cancer that is over, "all no good" ---------------------------------------

def test_treatments_listed_after_a_past_cancer_are_past():
    text = "She had ovarian cancer at 41, carboplatin and paclitaxel, clear since. Now SLE."
    assert of(text, "carboplatin").historical
    assert of(text, "paclitaxel").historical
    assert present(of(text, "sle"))


def test_a_treatment_after_a_current_cancer_is_not_made_past():
    assert present(of("breast cancer, letrozole daily", "letrozole"))


def test_all_no_good_reaches_the_whole_list():
    assert status("tried enbrel humira cimzia, all no good", "etanercept") == "failed"


def test_an_outcome_in_a_bracket_with_its_year():
    assert status("ADA (LOR 2023), then vedolizumab", "adalimumab") == "failed"


def test_was_on_after_and_is_past():
    fact = of("she had a renal crisis and was on dialysis for six weeks", "dialysis")
    assert fact.historical and fact.status is None
    assert of("he has been on MMF since 2020", "mycophenolate").status == "current"


def test_a_cancer_another_grew_out_of_is_past():
    text = "AML transformed from CMML, azacitidine x4"
    assert of(text, "aml") and present(of(text, "aml"))
    assert present(of("ITP secondary to lupus", "sle"))
    assert of(text, "mds").historical      # CMML is read as MDS (its parent)


def test_every_treatment_of_a_list_after_after_is_over():
    text = "platelets now 60 after IVIG, dexamethasone and romiplostim"
    assert of(text, "dexamethasone").historical and of(text, "romiplostim").historical
    assert not of("tacrolimus after my diagnosis, then MMF", "mycophenolate").historical


def test_a_condition_at_diagnosis_is_past_but_not_the_disease_itself():
    assert of("CNS involvement on admission, now clear", "cns_involvement").historical
    assert present(of("T-LBL at diagnosis in 2025, relapsed", "t_lbl"))


def test_a_test_not_done_yet_is_uncertain():
    assert of("HIV negative. The hepatitis B test they have not done yet.", "hbv").uncertain


@pytest.mark.parametrize("text, drug", [
    ("rituximab hasn't worked", "rituximab"), ("belimumab hasn't helped at all", "belimumab"),
    ("the MMF has not really helped", "mycophenolate"),
])
def test_an_outcome_with_a_split_contraction_is_failed(text, drug):
    # the tokenizer splits "hasn't" into has|n't: "hasnt" was read, "hasn't" was not
    assert [(f.concept, f.status) for f in extract(text) if f.label == "DRUG"] == [(drug, "failed")]
