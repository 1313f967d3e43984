"""Round 33 (h158, issue #15): diagnosis-confirmation, histology and biomarker lines of registry
criteria: one status word shared by two receptors ("ER- and/or PR-positive"), statuses joined by
"or" before one disease, either status of one marker as no condition, a protein change in HGVS
notation ("KRAS p.G12C"), a summary of criteria ("Cardiac criteria, including ..."), "classical HL"
and "primary brain tumor" as terms."""
from datetime import date

from core.facts import Profile
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion
from nlp.criteria.rule_forms import review_only

ER = {"type": "biomarker", "marker": "estrogen_receptor", "state": "positive"}
PR = {"type": "biomarker", "marker": "progesterone_receptor", "state": "positive"}
MALIGNANCY = {"type": "diagnosis", "concept": "malignancy"}


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient)), today=date(2026, 12, 7)).rule(rule).value


def _concepts(text: str) -> set:
    return {getattr(fact, "concept", None) for fact in extract(text)}


def test_a_hanging_hyphen_shares_the_status_word():
    # "ER- and/or PR-positive" had been read as ER-negative or PR-positive
    assert parse_criterion("ER- and/or PR-positive", "inclusion") == {"any": [ER, PR]}
    assert parse_criterion("ER and PR negative", "inclusion") == {"all": [
        {"type": "biomarker", "marker": "estrogen_receptor", "state": "negative"},
        {"type": "biomarker", "marker": "progesterone_receptor", "state": "negative"}]}


def test_receptor_names_with_their_abbreviations_share_the_status_word():
    # s33-0037: it was any[<unread "estrogen receptor (ER)">, malignancy]
    rule = parse_criterion("Documented estrogen receptor (ER) and/or progesterone receptor (PR)-positive tumor",
                           "inclusion")
    assert rule == {"all": [{"any": [ER, PR]}, MALIGNANCY]}


def test_the_shared_status_verdicts():
    rule = parse_criterion("ER- and/or PR-positive breast cancer", "inclusion")
    assert _verdict(rule, "I have breast cancer, ER negative, PR negative.") == "false"
    assert _verdict(rule, "I have breast cancer, ER positive.") == "true"
    assert _verdict(rule, "I have breast cancer.") == "unknown"       # never failed for silence


def test_statuses_joined_by_or_before_one_disease_are_that_diseases():
    # "ER+ and/or PR+ breast cancer" had been any[all[ER+, review], all[PR+, breast cancer]]
    assert parse_criterion("ER+ and/or PR+ breast cancer", "inclusion") == {
        "all": [{"any": [ER, PR]}, {"type": "diagnosis", "concept": "breast_cancer"}]}
    assert parse_criterion("EGFR mutation or ALK rearrangement NSCLC", "exclusion") == {
        "all": [{"any": [{"type": "biomarker", "marker": "egfr_mutation", "state": "positive"},
                         {"type": "biomarker", "marker": "alk_rearrangement", "state": "positive"}]},
                {"type": "diagnosis", "concept": "nsclc"}]}


def test_a_disease_named_in_its_own_alternative_keeps_the_team_check():
    # round 9's form stays: the statuses' disease went into the other alternative's name
    rule = parse_criterion("ER+/HER2- or triple-negative breast cancer", "inclusion")
    assert "any" in rule and any(leaf == {"type": "diagnosis", "concept": "triple_negative_breast_cancer"}
                                 for leaf in rule["any"])


def test_either_status_of_one_marker_is_no_condition():
    # s33-0056, a sub-item of "breast cancer that:"; it was any[HR+, HR-] (asked for nothing)
    assert review_only(parse_criterion("Is HR-positive or HR-negative.", "inclusion"))
    assert review_only(parse_criterion("HER2-positive or HER2-negative breast cancer", "inclusion"))


def test_a_summary_of_criteria_is_the_teams():
    # s33-0016: it was any[history arrhythmia, cardiovascular disease] among the exclusions
    assert review_only(parse_criterion("Cardiac criteria, including history of arrhythmia and cardiovascular disease.",
                                       "exclusion"))
    assert review_only(parse_criterion("Cardiac criteria, including history of arrythmia and cardiovascular disease",
                                       "exclusion"))


def test_a_protein_change_in_hgvs_notation_is_the_variant():
    assert parse_criterion("Patients with KRAS p.G12C mutation", "inclusion") == {
        "type": "biomarker", "marker": "kras_g12c", "state": "positive"}
    assert parse_criterion("BRAF p.V600E mutation", "inclusion") == {
        "type": "biomarker", "marker": "braf_v600e", "state": "positive"}


def test_classical_hl_and_a_primary_brain_tumour():
    # s33-0032, s33-0135 (the second had been brain tumour beside an unread "primary")
    assert parse_criterion("Histologically confirmed classical HL", "inclusion") == {
        "type": "diagnosis", "concept": "hodgkin_lymphoma"}
    assert parse_criterion("Histological diagnosis of primary brain tumor", "inclusion") == {
        "type": "diagnosis", "concept": "brain_tumor"}
    assert "brain_tumor" in _concepts("She had a primary brain tumour removed in 2019.")
    assert "hodgkin_lymphoma" in _concepts("He has classical HL, stage 2.")
    # a bare "HL" in a history list is hyperlipidaemia, never Hodgkin lymphoma
    assert "hodgkin_lymphoma" not in _concepts("PMH: HTN, HL, DM2")


def test_the_scan_and_the_hyphenated_histology_are_how_it_was_found():
    # NCT00003454, NCT05605119 (s21-0030, s25-0034): the words had been unread beside the facts
    assert parse_criterion("Measurable disease by MRI or CT scan", "inclusion") == {
        "type": "diagnosis", "concept": "measurable_disease"}
    assert parse_criterion("Histo-pathological diagnosis of a solid tumor, Non-Hodgkin lymphoma or Hodgkin Lymphoma",
                           "inclusion") == {"any": [{"type": "diagnosis", "concept": "solid_tumor"},
                                                    {"type": "diagnosis", "concept": "non_hodgkin_lymphoma"},
                                                    {"type": "diagnosis", "concept": "hodgkin_lymphoma"}]}
    # a scan's own finding is still no fact the parser read
    assert review_only(parse_criterion("Abnormal CT scan", "exclusion"))


def test_who_made_the_diagnosis_is_no_condition():
    # NCT06417840 (s24-0066): "diagnosed by a health professional" had been unread
    rule = parse_criterion("History of an eating disorder (e.g., anorexia nervosa, bulimia nervosa, or binge eating) "
                           "diagnosed by a health professional.", "exclusion")
    assert rule == {"type": "history", "concept": "eating_disorder"}


def test_where_and_by_whom_a_marker_was_found_is_no_condition():
    kras = {"type": "biomarker", "marker": "kras_g12c", "state": "positive"}
    # s24-0036: "in tumor tissue or circulating tumor DNA" (the "tumor" had been a cancer of its own)
    assert parse_criterion("Patients must have disease with evidence of KRAS G12C mutation in tumor tissue or "
                           "circulating tumor deoxyribonucleic acid (DNA).", "inclusion") == kras
    # s31-0065: "(local or central)"; s28-0025: "rearrangement/fusion" is one alteration
    assert parse_criterion("Documented EGFR and ALK wild-type status (local or central).", "inclusion") == {"all": [
        {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"},
        {"type": "biomarker", "marker": "alk_rearrangement", "state": "negative"}]}
    assert parse_criterion("Participant has a ROS1 gene rearrangement/fusion as detected by a local test.",
                           "inclusion") == {"type": "biomarker", "marker": "ros1_rearrangement", "state": "positive"}
    # a fresh biopsy still to be taken stays the team's (an archival sample's age is no cancer history)
    assert review_only(parse_criterion("Participants with positive CLDN18.2 expression from archival tumor collected "
                                       "within past 24 months or from a fresh biopsy.", "inclusion"))


def test_a_marker_found_in_the_blood_verdicts():
    rule = parse_criterion("KRAS G12C mutation in tumor tissue or circulating tumor DNA", "inclusion")
    assert _verdict(rule, "Lung adenocarcinoma, KRAS G12C mutation on tissue NGS.") == "true"
    assert _verdict(rule, "Lung adenocarcinoma, KRAS G12C negative.") == "false"
    assert _verdict(rule, "Lung adenocarcinoma.") == "unknown"


def test_a_companion_assay_is_how_the_marker_was_found():
    # s33-0130: "confirmed through testing ... or clinical trial assay (CTA) methods" (the assay had
    # been a trial the patient took part in, and "p.G12C" an unread word)
    rule = parse_criterion("Patients with the KRAS p.G12C mutation confirmed through testing using prospectively "
                           "validated companion diagnostic reagents or clinical trial assay (CTA) methods.", "inclusion")
    assert rule == {"type": "biomarker", "marker": "kras_g12c", "state": "positive"}
    # a trial is still a trial
    assert any(leaf.get("concept") == "clinical_trial_participation"
               for leaf in parse_criterion("Participation in another clinical trial", "exclusion")["any"])


def test_a_bracket_repeating_a_word_is_the_same_name():
    # s23-0101: "CD4+ T-cell (CD4+) count" had been a CD4-positive marker beside an unread count
    rule = parse_criterion("CD4+ T-cell (CD4+) count of less than 350 cells/μL", "exclusion")
    assert rule == {"type": "lab", "analyte": "cd4_count", "op": "<", "value": 350, "unit": "/uL"}
    assert _verdict(rule, "HIV positive, CD4 count 220.") == "true"
