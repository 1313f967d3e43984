"""Round 27 (h128, issue #15): the extent of the trial's cancer (advanced, locally advanced,
metastatic) end to end: the criteria reader's whole-line form, the patient's facts (said in
English or Chinese, a site of spread, a solid tumour's stage IV), the judge and its question;
and "history or concurrent X" read as a history."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
EXTENT = {"advanced_disease", "locally_advanced_disease", "metastatic_disease"}


def _dx(concept: str) -> dict:
    return {"type": "diagnosis", "concept": concept}


def _extent_leaves(rule: dict) -> list[str]:
    return [leaf.get("concept") for leaf in iter_leaves(rule) if leaf.get("concept") in EXTENT]


# --- the criteria reader -----------------------------------------------------------------

def test_a_line_that_is_the_extent_of_the_cancer_is_a_rule():
    assert parse_criterion("Locally advanced or metastatic disease.", "inclusion") == {
        "any": [_dx("locally_advanced_disease"), _dx("metastatic_disease")]}
    assert parse_criterion("Evidence of metastatic disease.", "exclusion") == _dx("metastatic_disease")
    assert parse_criterion("Participant has histologically or cytologically confirmed diagnosis of locally "
                           "advanced or metastatic NSCLC", "inclusion") == {
        "all": [_dx("nsclc"), {"any": [_dx("locally_advanced_disease"), _dx("metastatic_disease")]}]}
    # "metastatic or advanced": a metastatic cancer is an advanced one
    assert parse_criterion("Histologically confirmed advanced or metastatic breast cancer", "inclusion") == {
        "all": [_dx("breast_cancer"), _dx("advanced_disease")]}
    # two cancers joined by "or": either, with the extent
    assert parse_criterion("Patients with metastatic colorectal cancer or gastric cancer", "inclusion") == {
        "all": [{"any": [_dx("colorectal_cancer"), _dx("gastric_cancer")]}, _dx("metastatic_disease")]}


def test_any_other_word_beside_the_extent_stays_with_the_trial_team():
    # (round 28, h134: a resectability beside the extent is read with it, tests/test_h134_round28.py)
    for text, kind in (("Is unresectable or metastatic.", "inclusion"),
                       ("Prior chemotherapy for metastatic disease", "exclusion"),
                       ("Locally advanced disease requiring major hepatectomy.", "exclusion"),
                       ("Patients with metastatic lesion size of more than 5 cm", "exclusion"),
                       ("Evidence of any metastatic disease in the brain, spine or CSF.", "exclusion"),
                       ("Part 1C: Advanced/metastatic PDAC with KRAS mutations", "inclusion"),
                       ("Patients with metastatic breast and ovarian cancer", "inclusion"),
                       ("Advanced heart failure", "exclusion"),
                       ("Advanced or metastatic solid tumour, stage IIIB or IV", "inclusion"),
                       # real lines: an extent beside a cohort or a treatment history (a shared head
                       # noun, "locally advanced ... cancer", is never an extent of its own)
                       ("Cohort D: Metastatic or advanced ovarian cancer that is HER2 IHC 2+ or 1+.", "inclusion"),
                       ("Patients with locally advanced or metastatic breast cancer after failure of prior "
                        "chemotherapy.", "inclusion"),
                       ("Patients with metastatic or recurrent bilateral breast cancer, or bilateral breast cancer",
                        "exclusion")):
        rule = parse_criterion(text, kind)
        assert not _extent_leaves(rule), (text, rule)


# --- what patients and clinicians write ---------------------------------------------------

def _concepts(text: str) -> dict[str, bool]:
    return {f.concept: f.negated for f in extract(text, today=TODAY) if f.label == "CONDITION"}


def test_the_extent_is_read_from_what_people_write_in_english_and_chinese():
    assert _concepts("I have metastatic breast cancer") == {"breast_cancer": False, "metastatic_disease": False}
    assert _concepts("My lung cancer has spread to the liver")["metastatic_disease"] is False
    assert _concepts("NSCLC, locally advanced, no metastases") == {
        "nsclc": False, "locally_advanced_disease": False, "metastatic_disease": True}
    assert _concepts("我是乳腺癌，已经转移到骨头").get("metastatic_disease") is False
    assert _concepts("肺癌局部晚期").get("locally_advanced_disease") is False
    # "advanced" alone is no extent (advanced age, advanced heart failure)
    assert not EXTENT & set(_concepts("advanced heart failure, 80 years of advanced age"))


# --- judged end to end ------------------------------------------------------------------------

def _criterion(text: str, kind: str, patient: str):
    record = {"id": "local-extent", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "c-1", "kind": kind, "text": text, "rule": parse_criterion(text, kind)}]}
    result = match(Profile(extract(patient, today=TODAY)), [record], today=TODAY)[0]
    return result, result.criteria[0]


def test_a_site_of_spread_meets_an_extent_with_the_criterion_text_and_the_evidence():
    line = "Locally advanced or metastatic disease."
    for patient in ("breast cancer with liver metastases", "lung cancer that has spread to the bones",
                    "metastatic breast cancer", "breast cancer, locally advanced"):
        result, criterion = _criterion(line, "inclusion", patient)
        assert criterion.status == "pass", patient
        shown = criterion.to_dict()
        assert shown["text"] == line and shown["evidence"], patient
    result, criterion = _criterion("Evidence of metastatic disease.", "exclusion",
                                   "58 year old woman with colon cancer and liver metastases")
    assert criterion.status == "fail"
    assert any(q["text"].lower() == "liver metastases" for e in criterion.to_dict()["evidence"] for q in e["quotes"])


def test_silence_is_asked_never_failed_and_locally_advanced_is_not_metastatic():
    result, criterion = _criterion("Evidence of metastatic disease.", "exclusion", "58 year old woman with breast cancer")
    assert criterion.status == "unknown" and result.verdict != "ineligible"
    assert "diagnosis:metastatic_disease" in {q.key for q in result.questions}
    result, criterion = _criterion("Locally advanced or metastatic disease.", "inclusion", "breast cancer")
    assert criterion.status == "unknown" and result.verdict != "ineligible"
    # a stated locally advanced cancer is no metastatic one; "no metastases" rules it out
    for patient in ("breast cancer, locally advanced", "breast cancer, no metastases"):
        assert _criterion("Evidence of metastatic disease.", "exclusion", patient)[1].status == "pass", patient


def test_a_solid_tumours_stage_iv_now_is_metastatic_a_lymphomas_or_a_past_one_is_asked():
    line = "Evidence of metastatic disease."
    assert _criterion(line, "exclusion", "breast cancer, stage IV")[1].status == "fail"
    for patient in ("62 year old man with Hodgkin lymphoma, Ann Arbor stage IV",
                    "breast cancer, stage IV at diagnosis"):
        result, criterion = _criterion(line, "exclusion", patient)
        assert criterion.status == "unknown", patient
        assert result.verdict != "ineligible", patient


def test_the_extent_questions_read_in_both_languages():
    for key in ("diagnosis:metastatic_disease", "diagnosis:locally_advanced_disease", "diagnosis:advanced_disease"):
        question = build_question(key)
        assert question.patient and "{" not in question.patient, key
        assert question.zh_patient and "{" not in question.zh_patient, key
    assert "spread" in build_question("diagnosis:metastatic_disease").patient
    assert "转移" in build_question("diagnosis:metastatic_disease").zh_patient


# --- history or concurrent ------------------------------------------------------------------

def test_history_or_concurrent_is_a_history():
    assert parse_criterion("Known history or concurrent interstitial lung disease.", "exclusion") == {
        "type": "history", "concept": "interstitial_lung_disease"}


# --- prior exposure to a drug ----------------------------------------------------------------

def test_prior_exposure_to_a_drug_is_the_therapy_and_an_exposure_to_anything_else_stays_with_the_team():
    assert parse_criterion("Prior exposure to EGFR-TKI therapy", "exclusion") == {"type": "therapy", "concept": "egfr_tki"}
    assert parse_criterion("Any prior exposure to an anti-PD-1 antibody", "exclusion") == {
        "type": "therapy", "concept": "pd1_inhibitor"}
    assert parse_criterion("Exposure to any investigational agent within the 30 days prior to study visit 1",
                           "exclusion") == {"type": "therapy", "concept": "investigational_drug", "within_days": 30}
    # an exposure to an infection, a disease or radiation is no infection, disease or radiotherapy had
    for text in ("Known exposure to COVID-19", "Exposure to tuberculosis in the past year",
                 "Previous exposure to radiation"):
        rule = parse_criterion(text, "exclusion")
        assert all(leaf.get("type") == "review" for leaf in iter_leaves(rule)), text


def test_a_patient_who_had_the_drug_class_is_excluded_and_one_who_did_not_say_is_asked():
    line = "Prior exposure to EGFR-TKI therapy"
    result, criterion = _criterion(line, "exclusion", "lung adenocarcinoma, EGFR exon 19, treated with osimertinib")
    assert criterion.status == "fail"
    assert criterion.to_dict()["text"] == line and criterion.to_dict()["evidence"]
    result, criterion = _criterion(line, "exclusion", "lung adenocarcinoma")
    assert criterion.status == "unknown" and result.verdict != "ineligible"
