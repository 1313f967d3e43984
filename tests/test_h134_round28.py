"""Round 28 (h134, issue #15): a cancer that cannot be removed by surgery (unresectable,
inoperable) end to end: the criteria reader's whole-line extent form, the patient's facts (said
in English or Chinese, "the surgeon says it can't be removed"), the judge and its question; and
the stage form's two cancers joined by "or" (either, never both)."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
UNRESECTABLE = "unresectable_disease"


def _dx(concept: str) -> dict:
    return {"type": "diagnosis", "concept": concept}


def _concepts_in(rule: dict) -> set[str]:
    return {leaf.get("concept") for leaf in iter_leaves(rule)}


# --- the criteria reader -----------------------------------------------------------------

def test_a_line_that_is_a_resectability_and_an_extent_is_a_rule():
    assert parse_criterion("Unresectable disease", "inclusion") == _dx(UNRESECTABLE)
    assert parse_criterion("Histologically confirmed unresectable or metastatic melanoma", "inclusion") == {
        "all": [_dx("melanoma"), {"any": [_dx(UNRESECTABLE), _dx("metastatic_disease")]}]}
    # words side by side are one alternative: (inoperable and locally advanced) or metastatic
    inoperable = {"any": [{"all": [_dx(UNRESECTABLE), _dx("locally_advanced_disease")]}, _dx("metastatic_disease")]}
    assert parse_criterion("Inoperable locally advanced or metastatic breast cancer", "exclusion") == {
        "all": [_dx("breast_cancer"), inoperable]}
    assert parse_criterion("Unresectable locally advanced or metastatic breast cancer", "inclusion") == {
        "all": [_dx("breast_cancer"), inoperable]}
    # "advanced unresectable": the narrower one says it
    assert parse_criterion("Advanced unresectable disease", "inclusion") == _dx(UNRESECTABLE)


def test_a_resectability_beside_any_other_word_stays_with_the_trial_team():
    for text, kind in (("Is unresectable or metastatic.", "inclusion"),
                       ("resectable disease", "inclusion"),
                       ("Borderline resectable pancreatic cancer", "inclusion"),
                       # (contract note, round 30: "... based on most recent imaging" says how the
                       # extent was seen, no other condition: a rule since h144, tests/test_h144_round30.py)
                       ("Participants with locally-advanced, unresectable, or metastatic disease at initial diagnosis.",
                        "exclusion"),
                       ("Has a histologically or cytologically confirmed diagnosis of locally advanced, unresectable "
                        "NSCLC (not eligible for curative surgery and/or definitive radiotherapy with or without "
                        "chemotherapy), or Metastatic NSCLC", "inclusion"),
                       ("Prior chemotherapy for unresectable locally advanced or metastatic breast cancer", "exclusion"),
                       ("Stage IV mNSCLC (based on the American Joint Committee on Cancer Edition 8) not amenable to "
                        "curative treatment.", "inclusion"),
                       ("Previously untreated, unresectable, locally advanced or metastatic gastric or GEJ "
                        "adenocarcinoma.", "inclusion"),
                       ("Locally advanced unresectable metastatic disease", "inclusion")):
        rule = parse_criterion(text, kind)
        assert UNRESECTABLE not in _concepts_in(rule), (text, rule)


def test_two_cancers_of_a_stage_line_joined_by_or_are_either_never_both():
    assert parse_criterion("Stage III or IV breast cancer or NSCLC", "inclusion") == {
        "all": [{"any": [_dx("breast_cancer"), _dx("nsclc")]}, {"type": "stage", "stages": ["III", "IV"]}]}
    # a status beside the cancer is still required with it
    assert parse_criterion("Treatment-naïve, Hodgkin lymphoma (HL) participants with Ann Arbor Stage 3 or 4 disease.",
                           "inclusion") == {"all": [_dx("hodgkin_lymphoma"), _dx("newly_diagnosed"),
                                                    {"type": "stage", "stages": ["III", "IV"]}]}
    # "and": one patient with both, or either? never the stage form's rule
    rule = parse_criterion("Stage III or IV breast cancer and NSCLC", "inclusion")
    assert {"type": "stage", "stages": ["III", "IV"]} not in list(iter_leaves(rule))


# --- what patients and clinicians write ---------------------------------------------------

def _concepts(text: str) -> dict[str, bool]:
    return {f.concept: f.negated for f in extract(text, today=TODAY) if f.label == "CONDITION"}


def test_a_cancer_that_cannot_be_removed_is_read_from_what_people_write():
    for text in ("I have pancreatic cancer. The surgeon says it can't be removed.",
                 "My lung cancer is inoperable.",
                 "the doctor said it cant be removed",
                 "The tumour cannot be removed by surgery, they said.",
                 "my cancer is not resectable"):
        assert _concepts(text).get(UNRESECTABLE) is False, text      # said, and not negated
    assert _concepts("肺癌，医生说无法手术切除").get(UNRESECTABLE) is False
    assert _concepts("胰腺癌不能切除").get(UNRESECTABLE) is False
    # said not to be: negated; never said: nothing
    assert _concepts("It is not inoperable, they will operate next month.").get(UNRESECTABLE) is True
    assert UNRESECTABLE not in _concepts("I have melanoma, they removed it last year")


# --- judged end to end ------------------------------------------------------------------------

def _criterion(text: str, kind: str, patient: str):
    record = {"id": "local-resect", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "c-1", "kind": kind, "text": text, "rule": parse_criterion(text, kind)}]}
    result = match(Profile(extract(patient, today=TODAY)), [record], today=TODAY)[0]
    return result, result.criteria[0]


def test_an_unresectable_cancer_meets_the_line_with_the_criterion_text_and_the_evidence():
    line = "Histologically confirmed unresectable or metastatic melanoma"
    for patient in ("melanoma on my back, the surgeon says it can't be removed", "inoperable melanoma",
                    "melanoma with liver metastases"):
        result, criterion = _criterion(line, "inclusion", patient)
        assert criterion.status == "pass", patient
        shown = criterion.to_dict()
        assert shown["text"] == line and shown["evidence"], patient
    # an unresectable cancer is an advanced one
    assert _criterion("Histologically confirmed advanced or metastatic breast cancer", "inclusion",
                      "breast cancer, inoperable")[1].status == "pass"


def test_silence_about_surgery_is_asked_never_failed():
    result, criterion = _criterion("Inoperable locally advanced or metastatic breast cancer", "exclusion",
                                   "breast cancer, locally advanced")
    assert criterion.status == "unknown" and result.verdict != "ineligible"
    assert "diagnosis:unresectable_disease" in {q.key for q in result.questions}
    result, criterion = _criterion("Unresectable disease", "inclusion", "58 year old man with colon cancer")
    assert criterion.status == "unknown" and result.verdict != "ineligible"
    # a cancer already removed says nothing of what is left: asked, not failed
    result, criterion = _criterion("Unresectable disease", "inclusion", "melanoma, they removed it last year")
    assert criterion.status == "unknown"


def test_the_resectability_question_reads_in_both_languages():
    question = build_question("diagnosis:unresectable_disease")
    assert question.patient and "{" not in question.patient and "surgery" in question.patient
    assert question.zh_patient and "手术" in question.zh_patient


# --- lines of the new gold that were misread (general classes) ------------------------------

def test_a_treatments_name_alone_among_the_inclusions_is_a_list_item_for_the_team():
    for text in ("Radiotherapy", "Biologic therapy"):
        rule = parse_criterion(text, "inclusion")
        assert all(leaf.get("type") == "review" for leaf in iter_leaves(rule)), (text, rule)
    # with a word that says what it means, or in an exclusion, it is read as before
    assert parse_criterion("Prior radiotherapy", "inclusion") == {"type": "procedure", "concept": "radiotherapy"}
    assert parse_criterion("No prior radiotherapy", "inclusion") == {"not": {"type": "procedure", "concept": "radiotherapy"}}
    assert parse_criterion("Radiotherapy", "exclusion") == {"type": "procedure", "concept": "radiotherapy"}


def test_one_kind_of_personality_disorder_is_not_every_kind():
    rule = parse_criterion("Diagnosis of antisocial personality disorder", "exclusion")
    assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule)), rule
    assert parse_criterion("Personality disorder", "exclusion") == _dx("personality_disorder")


def test_the_records_bench_counts_the_words_that_keep_a_line_review():
    from benchmarks.criteria_records import review_words
    line = "Prior radiotherapy to the chest"
    criteria = [{"rule": parse_criterion(line, "exclusion")},
                {"rule": parse_criterion("No prior chemotherapy for advanced or metastatic disease", "inclusion")}]
    counted = review_words(criteria, most=50)
    words = dict(counted["words"])
    assert words["prior"] == 2 and words["chest"] == 1
    assert ("radiotherapy to", 1) in counted["pairs"]


def test_what_a_bracket_adds_is_never_dropped_in_silence():
    # "(including X)" with X unread widens the line: the team's beside the leaf
    rule = parse_criterion("Participants with symptomatic brain metastases (including leptomeningeal involvement).",
                           "exclusion")
    assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule)), rule
    # a kind named by a Roman number: which kinds, the team's
    rule = parse_criterion("Established diagnosis of Diabetes Mellitus (type I or II);", "inclusion")
    assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule)), rule
    # examples the head covers are still left out
    assert parse_criterion("Autoimmune disease (e.g. psoriasis)", "exclusion") == _dx("autoimmune_disease")
