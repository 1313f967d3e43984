"""Round 30 (h143, issue #15): drug classes registry lines name (ROS1, MET and KRAS G12C
inhibitors, HER2-targeted therapy, SGLT2 inhibitors), trial participation with an investigational
product, and the lines a drug word made misread (a trial "now" beside another item's window, a
vaccine's purpose, a wrapped tail of classes, "On <drug>" at a line's start)."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from data.terminology import load_terminology
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def _leaves(rule: dict) -> list[dict]:
    return list(iter_leaves(rule))


def _criterion(text: str, kind: str, patient: str):
    record = {"id": "local-h143", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "c-1", "kind": kind, "text": text, "rule": parse_criterion(text, kind)}]}
    result = match(Profile(extract(patient, today=TODAY)), [record], today=TODAY)[0]
    return result.criteria[0]


# --- the classes ---------------------------------------------------------------------------

def test_the_driver_targeted_classes_are_read_as_prior_treatment():
    assert parse_criterion("Prior treatment with ROS1 inhibitors", "exclusion") == {
        "type": "therapy", "concept": "ros1_inhibitor"}
    assert parse_criterion("Previously received a KRAS G12C inhibitor.", "exclusion") == {
        "type": "therapy", "concept": "kras_g12c_inhibitor"}
    # a therapy aimed at HER2 is the class, never the HER2 status of the tumour
    rule = parse_criterion("Prior treatment with a HER2-targeted agent", "exclusion")
    assert rule == {"type": "therapy", "concept": "her2_targeted_therapy"}
    assert not any(leaf.get("type") == "biomarker" for leaf in _leaves(rule))


def test_a_class_beside_an_unread_alternative_is_never_the_whole_line():
    rule = parse_criterion("Prior treatment with any MET inhibitor or hepatocyte growth factor -targeting therapy.",
                           "exclusion")
    assert any(leaf.get("type") == "review" for leaf in _leaves(rule))


def test_member_drugs_name_their_classes():
    terminology = load_terminology()
    assert terminology.is_a("crizotinib", "ros1_inhibitor") and terminology.is_a("crizotinib", "met_inhibitor")
    assert terminology.is_a("crizotinib", "alk_inhibitor")
    assert terminology.is_a("sotorasib", "kras_g12c_inhibitor") and terminology.is_a("adagrasib", "kras_g12c_inhibitor")
    assert terminology.is_a("trastuzumab_deruxtecan", "her2_targeted_therapy")
    assert terminology.is_a("trastuzumab_deruxtecan", "antibody_drug_conjugate")
    assert terminology.is_a("dapagliflozin", "sglt2_inhibitor") and terminology.is_a("sglt2_inhibitor", "oral_antidiabetic")
    assert not terminology.is_a("osimertinib", "her2_targeted_therapy")


def test_a_patient_on_a_member_drug_meets_the_class_and_one_who_cannot_say_is_asked():
    line = "Previously received a KRAS G12C inhibitor."
    assert _criterion(line, "exclusion", "NSCLC, KRAS G12C. Progressed on sotorasib in 2025.").status == "fail"
    assert _criterion(line, "exclusion", "NSCLC, KRAS G12C mutation, had carboplatin and pemetrexed.").status \
        in ("unknown", "review")


def test_sglt2_inhibitors_in_a_persons_words():
    facts = extract("He takes dapagliflozin 10 mg daily and is on an SGLT2 inhibitor.", today=TODAY)
    concepts = {f.concept for f in facts if f.label == "DRUG"}
    assert {"dapagliflozin", "sglt2_inhibitor"} <= concepts


# --- trial participation and the investigational product --------------------------------

def test_a_trial_with_an_investigational_product_is_the_product():
    for text in ("Participation in another clinical study with an investigational medicinal product within 28 days.",
                 "Previous (within 28 days) or concomitant participation in another clinical study with "
                 "investigational medicinal product(s)."):
        assert parse_criterion(text, "exclusion") == {"type": "therapy", "concept": "investigational_drug",
                                                      "within_days": 28}, text


def test_a_trial_now_keeps_its_now_beside_another_items_window():
    rule = parse_criterion("Currently participating in another clinical trial or having participated in a previous "
                           "clinical trial with receipt of an investigational product within 30 days of the first "
                           "administration of IP;", "exclusion")
    # the product within 30 days excludes; the trial now is the team's (a procedure leaf has no "now"),
    # never any trial in the last 30 days (one without a drug is allowed)
    assert {"type": "therapy", "concept": "investigational_drug", "within_days": 30} in rule["any"]
    participation = [leaf for leaf in _leaves(rule) if leaf.get("concept") == "clinical_trial_participation"]
    assert participation
    assert all(any(leaf.get("type") == "review" for leaf in _leaves(branch))
               for branch in rule["any"] if any(x.get("concept") == "clinical_trial_participation" for x in _leaves(branch)))


def test_an_investigational_product_taken_is_a_trial_participation_and_a_denied_one_says_nothing():
    line = "Participated in any interventional clinical trials within 1 month prior to screening."
    assert parse_criterion(line, "exclusion") == {"type": "procedure", "concept": "clinical_trial_participation",
                                                  "within_days": 30}
    assert _criterion(line, "exclusion", "I had an experimental drug 2 weeks ago.").status == "fail"
    denied = _criterion(line, "exclusion", "No investigational drugs.")
    assert denied.status != "pass"        # a trial of a device or a diet stays possible: asked


# --- lines a drug word made misread --------------------------------------------------------

def test_a_vaccines_purpose_is_no_disease_of_the_patient():
    rule = parse_criterion("Has received any non-oncology live vaccine therapy used for prevention of infectious "
                           "diseases within 28 days of study treatment.", "exclusion")
    assert not any(leaf.get("type") in ("history", "diagnosis", "infection") for leaf in _leaves(rule))


def test_a_wrapped_tail_of_lower_case_classes_is_a_fragment():
    rule = parse_criterion("anti-CTLA-4, anti-PD-1, and anti-PD-L1 therapeutic antibodies", "exclusion")
    assert all(leaf.get("type") == "review" for leaf in _leaves(rule))
    # a whole item keeps its reading
    assert parse_criterion("Prior treatment with an anti-PD-1 antibody.", "exclusion") == {
        "type": "therapy", "concept": "pd1_inhibitor"}


def test_on_a_drug_at_the_lines_start_is_taken_now():
    rule = parse_criterion("On standard anti-diabetic agents (metformin and/or insulin) with an HbA1c of \\<=9% at "
                           "screening", "inclusion")
    therapies = [leaf for leaf in _leaves(rule) if leaf.get("type") == "therapy"]
    assert {leaf["concept"] for leaf in therapies} == {"metformin", "insulin"}
    assert all(leaf.get("response") == "current" for leaf in therapies)


def test_more_classes_older_lines_name():
    assert parse_criterion("Prior therapy with any CDK inhibitor.", "exclusion") == {
        "type": "therapy", "concept": "cdk_inhibitor"}
    assert parse_criterion("Use of anti-psychotic medication", "exclusion") == {
        "type": "therapy", "concept": "antipsychotic"}
    assert parse_criterion("Current use of monoamine oxidase Inhibitor or used 2 weeks before treatment", "exclusion") == {
        "type": "therapy", "concept": "maoi", "within_days": 14}
    terminology = load_terminology()
    assert terminology.is_a("palbociclib", "cdk_inhibitor")
    assert terminology.is_a("quetiapine", "antipsychotic") and terminology.is_a("phenelzine", "maoi")
    # "Neuroleptics (pimozide)": an item of a heading's list of drugs, not read as the class
    assert parse_criterion("Neuroleptics (pimozide).", "exclusion") != {"type": "therapy", "concept": "pimozide"}


def test_day_1_dosing_is_the_trials_first_dose():
    assert parse_criterion("Received strong cytochrome P450 3A (CYP3A) inhibitors ≤7 days prior to Day 1 dosing or strong "
                           "CYP3A inducers ≤14 days prior to Day 1 dosing.", "exclusion") == {
        "any": [{"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_days": 7},
                {"type": "therapy", "concept": "strong_cyp3a_inducer", "within_days": 14}]}


def test_a_therapeutic_trial_now_is_the_teams():
    rule = parse_criterion("Concurrent participation in any other therapeutic clinical trial", "exclusion")
    assert any(leaf.get("type") == "review" for leaf in _leaves(rule))
    assert any(leaf.get("concept") == "clinical_trial_participation" for leaf in _leaves(rule))


def test_the_classes_are_asked_and_read_in_both_languages():
    question = build_question("therapy:kras_g12c_inhibitor")
    assert "sotorasib" in question.patient and "KRAS G12C" in question.zh_patient
    assert "{" not in question.patient + question.zh_patient
    concepts = {f.concept for f in extract("我之前用过ROS1抑制剂，也做过抗HER2治疗。", today=TODAY)}
    assert {"ros1_inhibitor", "her2_targeted_therapy"} <= concepts
    assert any(f.concept == "sglt2_inhibitor" and f.status == "current" for f in extract("现在在吃SGLT2抑制剂", today=TODAY))


def test_a_menin_inhibitor_trial_is_no_met_inhibitor():
    facts = extract("Query suitability for the venetoclax combination or menin inhibitor trials.", today=TODAY)
    assert not any(f.concept == "met_inhibitor" for f in facts)
    assert any(f.concept == "met_inhibitor" for f in extract("She progressed on a MET inhibitor.", today=TODAY))


def test_a_kinase_class_named_with_tyrosine_kinase_inhibitor_is_that_class_not_any_tki():
    # "an EGFR tyrosine kinase inhibitor" had been read as any[EGFR TKI, any TKI]: a patient on
    # imatinib for CML was excluded from a trial that excludes prior EGFR TKIs
    for text, concept in (("Prior treatment with an EGFR tyrosine kinase inhibitor", "egfr_tki"),
                          ("Prior treatment with an ALK tyrosine kinase inhibitor", "alk_inhibitor"),
                          ("Prior treatment with a ROS1 tyrosine kinase inhibitor", "ros1_inhibitor")):
        assert parse_criterion(text, "exclusion") == {"type": "therapy", "concept": concept}, text
    assert load_terminology().is_a("osimertinib", "tyrosine_kinase_inhibitors")


def test_weight_loss_medicines_and_the_lrp4_antibody():
    assert parse_criterion("Use of weight loss medications within 90 days of visit 1.", "exclusion") == {
        "type": "therapy", "concept": "weight_loss_medication", "within_days": 90}
    terminology = load_terminology()
    assert terminology.is_a("orlistat", "weight_loss_medication")
    # a diabetes medicine that also lowers weight is no member: asked, never counted
    assert not terminology.is_a("semaglutide", "weight_loss_medication")
    facts = extract("Myasthenia gravis, LRP4 antibody positive.", today=TODAY)
    assert any(f.concept == "anti_lrp4" and f.status == "positive" for f in facts)
