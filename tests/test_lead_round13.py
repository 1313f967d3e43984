"""The lead's fixes of the thirteenth session, found by using the bot on the real registry
records: a result word inside another mention is that mention's ("No active infection,
HBV/HCV/HIV negative" read HBV as active); an "ANCA-associated vasculitis" exclusion is no
longer any vasculitis; a criterion that rules a trial out says whether it is an exclusion
that applies or an inclusion not met."""
import pytest

from bot.render import PLAIN, Renderer
from criteria_helpers import parse, verdict
from nlp.pipeline import extract
from registry.ctgov import study_to_record


def _status(text, concept):
    return {f.concept: f.status for f in extract(text)}.get(concept)


@pytest.mark.parametrize("text,concept,status", [
    ("No active infection, HBV/HCV/HIV negative.", "hbv", "negative"),
    ("No active infection, HBV/HCV/HIV negative.", "hiv", "negative"),
    ("no active infection, hep B negative", "hbv", "negative"),
    # the mention's own "active" still counts, and a result after a comma stays the list's
    ("active TB, HIV negative", "tuberculosis", "active"),
    ("active TB, HIV negative", "hiv", "negative"),
    ("HIV positive, HBV negative", "hiv", "positive"),
])
def test_a_result_word_inside_another_mention_is_that_mentions(text, concept, status):
    assert _status(text, concept) == status


def test_anca_vasculitis_is_its_own_kind_of_vasculitis():
    concepts = {f.concept for f in extract("GPA diagnosed 2021, rituximab maintenance")}
    assert "anca_vasculitis" in concepts
    assert {f.concept for f in extract("Behcet's disease since 2010")} == {"behcets_disease"}
    # "MPA" stays unread: in a lupus letter it is mycophenolic acid as often as the vasculitis
    assert "anca_vasculitis" not in {f.concept for f in extract("MPA 720 mg bd since 2020")}


def test_an_anca_vasculitis_exclusion_rules_out_gpa_but_not_behcets():
    rule = parse("Lupus nephritis or antineutrophil cytoplasmic antibody (ANCA)-associated vasculitis.", "exclusion")
    assert verdict(rule, "I have granulomatosis with polyangiitis") == "true"     # the exclusion applies
    assert verdict(rule, "I have Behcet's disease") == "unknown"     # was "true": any vasculitis
    # a vasculitis of no stated kind may be the excluded one: unknown, never cleared
    assert verdict(rule, "I have vasculitis") == "unknown"


@pytest.mark.parametrize("text", ["IGRA positive, treated for latent TB 2019", "LTBI treated with isoniazid in 2020",
                                  "active TB 2018, treated"])
def test_tb_with_its_kind_is_tuberculosis_not_total_bilirubin(text):
    facts = extract(text)
    assert "tuberculosis" in {f.concept for f in facts if f.label == "INFECTION"}
    assert "bilirubin" not in {f.concept for f in facts}
    # "TB 1.2 mg/dL" in a lab list stays total bilirubin
    assert [(f.concept, f.value) for f in extract("TB 1.2 mg/dL") if f.label == "LAB"] == [("bilirubin", 1.2)]


def test_a_past_condition_is_shown_with_when_it_was_not_since_when():
    facts = extract("my mum is 58, she has rheumatoid arthritis since 2010. she had breast cancer in 2015, treated, all clear.")
    shown = {f.concept: str(Renderer(PLAIN).fact(f, "patient")) for f in facts if f.label == "CONDITION"}
    assert shown == {"rheumatoid_arthritis": "rheumatoid arthritis since 2010",
                     "breast_cancer": "history of breast cancer (2015)"}


def _cancer_study(title, inclusion, exclusion="Pregnancy"):
    criteria = f"Inclusion Criteria:\n\n* {inclusion}\n\nExclusion Criteria:\n\n* {exclusion}\n"
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT09900011", "briefTitle": title},
        "statusModule": {"overallStatus": "RECRUITING"},
        "conditionsModule": {"conditions": ["Advanced Cancers"]},
        "eligibilityModule": {"eligibilityCriteria": criteria, "minimumAge": "18 Years"}},
        "derivedSection": {"conditionBrowseModule": {"meshes": [{"id": "D009369", "term": "Neoplasms"}]}}}


@pytest.mark.parametrize("inclusion,exclusion,conditions", [
    # the inclusion criteria name solid tumours only: a solid-tumour trial (a leukaemia patient was offered it)
    ("Histologically confirmed locally advanced tumors; priority to HER2 positive solid tumor", "Pregnancy",
     ["solid_tumor"]),
    # both kinds named: still every cancer
    ("Advanced solid tumors or relapsed lymphoma", "Pregnancy", ["malignancy"]),
    # a kind named only by an exclusion narrows nothing
    ("Histologically confirmed advanced cancer", "Acute leukemia", ["malignancy"]),
])
def test_a_cancer_trial_is_narrowed_by_what_its_inclusion_criteria_name(inclusion, exclusion, conditions):
    record = study_to_record(_cancer_study("Clinical Trial of X in Patients With Advanced Cancers", inclusion, exclusion),
                             "x.json")
    assert record["conditions"] == conditions


def test_a_time_anchor_after_a_denial_is_not_denied():
    # "prior to her pregnancy" says when; the pregnant woman was stored as "not pregnant" too
    facts = extract("25-year-old pregnant woman. She has no history of recurrent UTI prior to her pregnancy.")
    pregnancy = [f for f in facts if f.label == "PREGNANCY"]
    assert pregnancy and not any(f.negated for f in pregnancy)
    assert [f.negated for f in facts if f.concept == "uti"] == [True]
    assert not [f for f in extract("no infection before his transplant") if f.label == "PROCEDURE" and f.negated]


def test_an_uncontrolled_disease_a_criterion_names_is_that_disease():
    rule = parse("No uncontrolled hypertension", "inclusion")
    assert verdict(rule, "I have uncontrolled diabetes") == "unknown"      # was "false": any uncontrolled disease
    assert verdict(rule, "I have uncontrolled hypertension") == "false"
    # "other uncontrolled disease" still takes in each kind
    assert verdict(parse("Uncontrolled diabetes mellitus", "exclusion"), "I have uncontrolled diabetes") == "true"


@pytest.mark.parametrize("text,expected", [
    ("New York Heart Association Class II, III, or IV congestive heart failure",
     {"type": "score", "score": "nyha", "op": ">=", "value": 2}),
    ("NYHA class II, III or IV", {"type": "score", "score": "nyha", "op": ">=", "value": 2}),
    ("NYHA class III or IV heart failure", {"type": "score", "score": "nyha", "op": ">=", "value": 3}),
])
def test_a_list_of_classes_reads_to_its_last(text, expected):
    assert parse(text, "exclusion") == expected
