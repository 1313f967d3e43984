"""Round 26 (h122, issue #15): the concepts registry criteria name that the terminology lacked,
end to end. The criteria reader turns "Prior treatment with a CDK4/6 inhibitor" into a therapy
leaf of the new class; a patient who names a member drug ("palbociclib") is judged by it with
the words as evidence, one who says nothing is asked the class in everyday words (en and zh),
never silently failed. Plus four reader fixes: "absence of" a marker is one negation, "on room
air" is how an SpO2 is taken, "already on" is a treatment now, and a window counted from the
diagnosis stays with the team."""
from __future__ import annotations

from core.facts import Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.question_texts import load_question_texts
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract


def _parse(text: str, kind: str = "exclusion") -> dict:
    return parse_criterion(text, kind)


def _judge(rule: dict, text: str):
    return Evaluator(Profile(extract(text))).rule(rule)


# --- the terminology: classes and their members ----------------------------------------------

def test_new_classes_hold_their_member_drugs():
    terms = load_terminology()
    for drug, klass in (("palbociclib", "cdk46_inhibitor"), ("olaparib", "parp_inhibitor"),
                        ("alectinib", "alk_inhibitor"), ("osimertinib", "egfr_tki"),
                        ("fulvestrant", "serd"), ("tamoxifen", "serm"), ("enzalutamide", "androgen_receptor_inhibitor"),
                        ("letrozole", "aromatase_inhibitor"), ("zoledronic_acid", "bisphosphonate"),
                        ("levetiracetam", "anticonvulsant"), ("metoprolol", "beta_blocker"),
                        ("sacituzumab_govitecan", "antibody_drug_conjugate"), ("brentuximab", "antibody_drug_conjugate")):
        assert terms.is_a(drug, klass), (drug, klass)
    # the hierarchy: SERDs, SERMs, antiandrogens and aromatase inhibitors are endocrine therapy
    for klass in ("serd", "serm", "androgen_receptor_inhibitor", "aromatase_inhibitor"):
        assert terms.is_a(klass, "endocrine_therapy")
    assert terms.is_a("letrozole", "endocrine_therapy") and terms.is_a("bradycardia", "arrhythmia")
    # endocrine therapy is not counted as systemic anticancer therapy (many trials allow it)
    assert not terms.is_a("endocrine_therapy", "systemic_anticancer_therapy")
    # nerve-pain medicines are no anticonvulsant here
    assert not terms.is_a("pregabalin", "anticonvulsant") and not terms.is_a("gabapentin", "anticonvulsant")


def test_hormone_therapy_words_stay_unread():
    # menopausal hormone therapy (and, for patients, steroids) share the words: only
    # "endocrine" / "anti-hormonal" name the cancer therapy
    for text in ("Prior hormone therapy", "No concurrent hormonal therapy"):
        assert "endocrine_therapy" not in str(_parse(text)), text
    assert _parse("Prior endocrine therapy") == {"type": "therapy", "concept": "endocrine_therapy"}


# --- the criteria reader -------------------------------------------------------------------------

def test_registry_lines_with_the_new_concepts_are_read_whole():
    cases = {
        "Prior treatment with ALK inhibitors": {"type": "therapy", "concept": "alk_inhibitor"},
        "Prior treatment with a selective estrogen receptor degrader (SERD)": {"type": "therapy", "concept": "serd"},
        "Previous systemic bisphosphonate or denosumab therapy":
            {"any": [{"type": "therapy", "concept": "bisphosphonate"}, {"type": "therapy", "concept": "denosumab"}]},
        "Prior treatment with a poly (ADP-ribose) polymerase (PARP) inhibitor or Apatinib":
            {"any": [{"type": "therapy", "concept": "parp_inhibitor"}, {"type": "therapy", "concept": "rivoceranib"}]},
        "Pheochromocytoma": {"type": "diagnosis", "concept": "pheochromocytoma"},
        "History of GI perforation": {"type": "history", "concept": "gi_perforation"},
        "Malabsorption syndrome": {"type": "diagnosis", "concept": "malabsorption"},
    }
    for text, rule in cases.items():
        assert _parse(text) == rule, text


def test_a_qualified_new_concept_stays_with_the_team():
    # "symptomatic" narrows bradycardia; an ADC by its payload is narrower than the class
    assert "review" in str(_parse("Symptomatic bradycardia"))
    assert "review" in str(_parse("Prior treatment with antibody drug conjugate with a topoisomerase I inhibitor "
                                  "exatecan derivative."))


def test_absence_of_a_marker_is_one_negation():
    # read twice ("absence of" and the marker's own "negative" under it), the rule asked FOR the
    # mutation: an EGFR-mutant patient met an inclusion that excludes them
    rule = _parse("Absence of sensitizing EGFR mutations", "inclusion")
    assert rule == {"not": {"type": "biomarker", "marker": "egfr_sensitizing_mutation", "state": "positive"}}
    assert _parse("Absence of ALK rearrangement", "inclusion") == \
        {"not": {"type": "biomarker", "marker": "alk_rearrangement", "state": "positive"}}
    # the plain "no" form is unchanged, and a negation of its own inside the clause still counts
    assert _parse("No EGFR mutation", "inclusion") == {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"}
    assert _parse("Exclusion of patients without EGFR mutation", "inclusion") == \
        {"not": {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"}}


def test_oxygen_saturation_on_room_air():
    assert _parse("Has a pulse oximetry \\< 95% on room air.") == \
        {"type": "lab", "analyte": "spo2", "op": "<", "value": 95, "unit": "%"}
    assert _parse("Oxygen saturation ≥ 92% at rest on room air", "inclusion") == \
        {"type": "lab", "analyte": "spo2", "op": ">=", "value": 92, "unit": "%"}


def test_already_on_is_a_treatment_now():
    assert _parse("Patient already on beta blocker") == \
        {"type": "therapy", "concept": "beta_blocker", "response": "current"}


def test_a_window_counted_from_the_diagnosis_is_the_teams():
    # read as a window from today it asked the wrong five years (and a malignancy history)
    for text in ("Patients who previously received endocrine therapy within 5 years prior to diagnosis of the "
                 "current malignancy.", "Chemotherapy within 6 months prior to diagnosis"):
        rule = _parse(text)
        assert "review" in str(rule) and "within_days" not in str(rule), text
    assert _parse("Chemotherapy within 6 months prior to screening") == \
        {"type": "therapy", "concept": "chemotherapy", "within_days": 182}


# --- end to end: the patient side ------------------------------------------------------------------

def test_a_member_drug_meets_the_class_with_its_words_as_evidence():
    rule = _parse("Prior treatment with a CDK4/6 inhibitor")
    assert rule == {"type": "therapy", "concept": "cdk46_inhibitor"}
    met = _judge(rule, "I took palbociclib with letrozole last year")
    assert met.value == TRUE
    assert [f.text for leaf in met.leaves for f in leaf.facts] == ["palbociclib"]
    assert "CDK4/6 inhibitor" in met.leaves[0].reason
    assert _judge(rule, "I have never had a CDK4/6 inhibitor").value == FALSE


def test_nothing_said_is_asked_in_everyday_words_never_failed():
    rule = _parse("Prior endocrine therapy")
    open_ = _judge(rule, "breast cancer, ER positive, had chemo")
    assert open_.value == UNKNOWN
    assert {leaf.ask for leaf in open_.leaves} == {"therapy:endocrine_therapy:any"}
    entry = load_question_texts().entry("therapy_any", "therapy:endocrine_therapy:any")
    terms = load_terminology()
    concept = terms["endocrine_therapy"]
    # the question names the class with its examples (en) and its Chinese name (zh)
    assert "{label}" in entry["patient"] and concept.attrs.get("examples")
    assert concept.zh and "内分泌" in concept.zh[0] and "{label}" in entry["zh_patient"]


def test_patients_name_the_new_concepts_in_their_words():
    said = {f.concept for f in extract("I take a beta blocker and my heart rate is slow, bradycardia they said. "
                                       "Had a bowel obstruction in 2019.")}
    assert {"beta_blocker", "bradycardia", "bowel_obstruction"} <= said
