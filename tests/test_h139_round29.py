"""Round 29 (h139, issue #15): prior drug treatment in the advanced setting end to end: the
criteria reader's whole-line setting form ("Prior systemic therapy for advanced/metastatic
NSCLC", "No prior systemic anti-cancer therapy for advanced disease"), the patient's facts (said
in English or Chinese: "she had chemo after surgery but nothing since it spread"), the judge and
its question."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
TREATED = "treated_advanced_disease"


def _dx(concept: str) -> dict:
    return {"type": "diagnosis", "concept": concept}


def _concepts_in(rule: dict) -> set[str]:
    return {leaf.get("concept") for leaf in iter_leaves(rule)}


# --- the criteria reader -----------------------------------------------------------------

def test_prior_systemic_therapy_in_the_whole_advanced_setting_is_a_rule():
    assert parse_criterion("Prior systemic therapy for advanced/metastatic NSCLC.", "exclusion") == {
        "all": [_dx("nsclc"), _dx(TREATED)]}
    assert parse_criterion("No prior systemic anti-cancer therapy for advanced disease", "inclusion") == {
        "not": _dx(TREATED)}
    # examples of the class never narrow it
    assert parse_criterion("Prior systemic therapy (e.g., prior chemotherapy, immunotherapy, or biologic therapy) for "
                           "locally advanced unresectable or metastatic breast cancer", "exclusion") == {
        "all": [_dx("breast_cancer"), _dx(TREATED)]}
    assert parse_criterion("Has not received prior systemic therapy for locally advanced or metastatic disease",
                           "inclusion") == {"not": _dx(TREATED)}
    assert parse_criterion("Treatment-naive in the advanced setting", "inclusion") == {"not": _dx(TREATED)}


def test_a_narrower_setting_or_therapy_or_more_words_stay_with_the_trial_team():
    for text, kind in (("Have not received any prior systemic anti-cancer therapy for metastatic NSCLC", "inclusion"),
                       ("No prior chemotherapy for metastatic breast cancer", "inclusion"),
                       ("Any prior systemic non-hormonal anti-cancer therapy for locally advanced or metastatic "
                        "HER2-positive breast cancer prior to initiation of induction therapy", "exclusion"),
                       ("Any line of endocrine-based therapy for inoperable locally advanced or metastatic disease.",
                        "exclusion"),
                       ("Any prior systemic therapy received for advanced or mNSCLC. Prior systemic therapy in the "
                        "neoadjuvant or adjuvant setting ... are allowed, provided that recurrence or progression has "
                        "occurred > 12 months after the end of treatment.", "exclusion"),
                       ("Prior systemic therapy for locally advanced disease", "exclusion"),
                       ("Prior systemic therapy (except hormonal therapy) for advanced disease", "exclusion")):
        rule = parse_criterion(text, kind)
        assert TREATED not in _concepts_in(rule), (text, rule)


# --- what patients and carers write ---------------------------------------------------------

def _status(text: str) -> bool | None:
    """None: not said; True: treated in the advanced setting; False: said none."""
    facts = [f for f in extract(text, today=TODAY) if f.concept == TREATED]
    return None if not facts else not facts[0].negated


def test_treatment_since_the_spread_is_read_from_what_people_write():
    assert _status("She had chemo after surgery but nothing since it spread.") is False
    assert _status("He hasn't had any treatment since the cancer spread to his liver.") is False
    assert _status("She hasn't had anything since it spread.") is False
    assert _status("转移以后没有再做过治疗") is False
    assert _status("No treatment for advanced disease yet.") is False
    assert _status("She has not had any treatment for her metastatic breast cancer.") is False
    assert _status("She has not had any chemo for her metastatic breast cancer.") is None
    assert _status("My mother has metastatic breast cancer and has been on chemo since it spread.") is True
    assert _status("I'm on immunotherapy for my metastatic lung cancer.") is True
    assert _status("乳腺癌转移后做了化疗") is True
    # the future, a condition, and what is no drug treatment say nothing
    assert _status("If it spread they would start chemo.") is None
    assert _status("She had radiotherapy since it spread.") is None
    assert _status("She had chemo after surgery for her breast cancer.") is None
    # one kind denied is not all: a hormone or targeted therapy may have been given
    assert _status("On anastrozole and palbociclib. No chemotherapy for metastatic disease.") is None
    assert _status("She never had chemo since it spread.") is None
    assert _status("转移后没有做化疗") is None
    # a wish, a trial, a question: nothing was given
    assert _status("Looking for a trial on immunotherapy for metastatic NSCLC.") is None
    assert _status("Has she had chemo since it spread?") is None
    assert _status("She got immunotherapy for her advanced melanoma last year.") is True


# --- judged end to end ------------------------------------------------------------------------

def _criterion(text: str, kind: str, patient: str):
    record = {"id": "local-setting", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "c-1", "kind": kind, "text": text, "rule": parse_criterion(text, kind)}]}
    result = match(Profile(extract(patient, today=TODAY)), [record], today=TODAY)[0]
    return result, result.criteria[0]


def test_nothing_since_the_spread_meets_a_first_line_trial_with_the_criterion_text_and_evidence():
    line = "No prior systemic anti-cancer therapy for advanced disease"
    result, criterion = _criterion(line, "inclusion",
                                   "My wife has breast cancer. She had chemo after surgery but nothing since it spread.")
    assert criterion.status == "pass"
    shown = criterion.to_dict()
    assert shown["text"] == line and shown["evidence"]
    # the exclusion of the same setting is not met either
    result, criterion = _criterion("Prior systemic therapy for advanced/metastatic breast cancer.", "exclusion",
                                   "breast cancer; chemo after surgery but nothing since it spread")
    assert criterion.status == "pass" and result.verdict != "ineligible"


def test_treatment_since_the_spread_fails_the_first_line_trial_with_its_evidence():
    result, criterion = _criterion("Prior systemic therapy for advanced/metastatic NSCLC.", "exclusion",
                                   "I have non-small cell lung cancer and I'm on immunotherapy since it spread.")
    assert criterion.status == "fail"
    assert criterion.to_dict()["evidence"]


def test_silence_and_chemo_after_surgery_alone_are_asked_never_failed():
    for patient in ("breast cancer, chemo after surgery in 2021", "58 year old woman with metastatic breast cancer"):
        result, criterion = _criterion("No prior systemic anti-cancer therapy for advanced disease", "inclusion", patient)
        assert criterion.status == "unknown" and result.verdict != "ineligible", patient
        assert f"diagnosis:{TREATED}" in {q.key for q in result.questions}, patient


def test_the_setting_question_reads_in_both_languages():
    question = build_question(f"diagnosis:{TREATED}")
    assert question.patient and "{" not in question.patient and "spread" in question.patient
    assert question.zh_patient and "扩散" in question.zh_patient


# --- the line taken now, by its ordinal -------------------------------------------------------

def _lines(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.comparator) for f in extract(text, today=TODAY) if f.concept == "prior_lines"]


def test_the_line_taken_now_gives_at_least_the_lines_before_it():
    assert _lines("This is her fourth line of therapy") == [(3.0, ">=")]
    assert _lines("he is now on his third line of chemo") == [(2.0, ">=")]
    assert _lines("she is on third-line treatment") == [(2.0, ">=")]
    assert _lines("她现在是三线治疗") == [(2.0, ">=")]
    # a cycle or an infusion of one line, a first line, a negation, a condition: nothing
    for text in ("She's on her third treatment.", "I'm on my second round of chemo", "She's on her first line of treatment",
                 "He is not on a third-line treatment", "If she goes on her third line of treatment"):
        assert _lines(text) == [], text


def test_the_line_taken_now_meets_a_count_of_prior_lines_end_to_end():
    result, criterion = _criterion("Patients must have received at least 2 prior lines of treatment", "inclusion",
                                   "My husband has myeloma and this is his fourth line of therapy.")
    assert criterion.status == "pass" and criterion.to_dict()["evidence"]
    # at least 2 before the third line: "no more than 3" may hold or not, so it is unknown (asked)
    result, criterion = _criterion("Received no more than 3 prior regimens", "inclusion",
                                   "she is on third-line treatment for her lymphoma")
    assert criterion.status == "unknown"


# --- the ranking's settings -------------------------------------------------------------------

def test_none_since_the_spread_keeps_first_line_trials_in_the_patients_setting():
    from data.terminology import load_terminology
    from matching.status_trials import patient_settings

    terminology = load_terminology()

    def settings(text: str) -> set[str]:
        return patient_settings(Profile(extract(text, today=TODAY)), terminology)

    # adjuvant treatment and letrozole before, liver metastases now, nothing given since
    assert "treated" not in settings("Breast cancer 2020, adjuvant chemo then letrozole. Liver metastases found in "
                                     "March. No treatment for advanced disease yet.")
    # without that sentence the medicines taken make it a treated cancer, as before
    assert "treated" in settings("Breast cancer 2020, adjuvant chemo then letrozole. Liver metastases found in March.")
    assert "treated" in settings("I'm on immunotherapy for my metastatic lung cancer.")


def test_a_newly_diagnosed_untreated_cancer_had_no_treatment_in_the_advanced_setting():
    result, criterion = _criterion("No prior systemic anti-cancer therapy for advanced disease", "inclusion",
                                   "Just diagnosed with metastatic breast cancer, no treatment yet.")
    assert criterion.status == "pass" and criterion.to_dict()["evidence"]
    # and one treated since the spread is not a newly diagnosed, previously untreated one
    result, criterion = _criterion("Previously untreated disease", "inclusion",
                                   "Metastatic breast cancer; she has been on chemo since it spread.")
    assert criterion.status == "fail"


# --- the PI3K / AKT / mTOR classes and a therapy's purpose ------------------------------------

def test_the_pi3k_akt_mtor_classes_are_read_and_a_drug_names_its_class():
    therapy = lambda c: {"type": "therapy", "concept": c}      # noqa: E731
    assert parse_criterion("Prior treatment with a phosphoinositide 3-kinase (PI3K) inhibitor, a protein kinase B (Akt) "
                           "inhibitor, or a mechanistic target of rapamycin (mTOR) inhibitor", "exclusion") == {
        "any": [therapy("pi3k_inhibitor"), therapy("akt_inhibitor"), therapy("mtor_inhibitor")]}
    result, criterion = _criterion("Prior treatment with any PI3K inhibitor", "exclusion",
                                   "Metastatic breast cancer, progressed on alpelisib and fulvestrant.")
    assert criterion.status == "fail" and criterion.to_dict()["evidence"]
    # sirolimus is an mTOR inhibitor, never a cancer medicine for that
    from data.terminology import load_terminology
    terminology = load_terminology()
    assert terminology.is_a("sirolimus", "mtor_inhibitor")
    assert not terminology.is_a("sirolimus", "systemic_anticancer_therapy")


def test_what_a_drug_was_given_for_is_no_condition_beside_it():
    for text in ("Prior exposure to PI3K inhibitors (e.g., alpelisib, buparlisib) for breast cancer.",
                 "Prior exposure to CDK4/6 inhibitors (e.g., palbociclib, ribociclib) for breast cancer."):
        rule = parse_criterion(text, "exclusion")
        assert not {leaf.get("type") for leaf in iter_leaves(rule)} & {"history", "diagnosis"}, (text, rule)
