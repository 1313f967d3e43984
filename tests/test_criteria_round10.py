"""Registry criteria, round 10 (issue #15, 2026-12-04): new concepts that registry exclusions
name (pancreatitis, pneumonitis, dysphagia, bleeding disorder, hepatitis A), "History or
current X", time cues that belong to one fact of a list, and lines the team keeps (a relative
clause after a list, a treatment a condition required, a suspicion, a screening test). Each
checked for what it does to a patient: never a false exclusion."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.rules import iter_leaves
from nlp.pipeline import extract


def _concepts(text: str) -> set[str]:
    return {fact.concept for fact in extract(text)}


# --- new concepts, read on both sides ------------------------------------------------------


def test_new_concepts_are_extracted_from_what_a_patient_writes():
    assert "pancreatitis" in _concepts("azathioprine gave him pancreatitis")
    assert "acute_pancreatitis" in _concepts("history of acute pancreatitis")
    assert "radiation_pneumonitis" in _concepts("she had radiation pneumonitis last year")
    assert "dysphagia" in _concepts("I have trouble swallowing")
    assert "bleeding_disorder" in _concepts("he has a bleeding disorder")
    assert "hav" in _concepts("i had hepatitis A as a child")


def test_hepatitis_a_in_a_letter_list_names_each_virus():
    # "hepatitis A, B, or C": before, "A" ended no elided list and "C virus infection" was
    # read as any active infection (a patient with pneumonia excluded by a hepatitis line)
    concepts = [fact.concept for fact in extract("Known active hepatitis A, B, or C virus infection")]
    assert concepts == ["hav", "hbv", "hcv"]
    rule = parse("Known active hepatitis A, B, or C virus infection", "exclusion")
    agents = {leaf["agent"] for leaf in iter_leaves(rule)}
    assert agents == {"hav", "hbv", "hcv"}


def test_hepatitis_a_is_no_other_hepatitis():
    rule = parse("Known active hepatitis A infection", "exclusion")
    assert rule == {"type": "infection", "agent": "hav", "state": "active"}
    assert verdict(rule, "I have chronic hepatitis B") != "true"


def test_pneumonitis_and_ild_history():
    rule = parse("History of interstitial lung disease or non-infectious pneumonitis.", "exclusion")
    assert rule == {"any": [{"type": "history", "concept": "interstitial_lung_disease"},
                            {"type": "history", "concept": "pneumonitis"}]}
    assert verdict(rule, "I had pneumonitis from pembrolizumab in 2022") == "true"
    assert verdict(rule, "I have rheumatoid arthritis, no lung problems") != "true"


def test_a_kind_of_pancreatitis_is_not_the_other_kind():
    rule = parse("History of chronic pancreatitis", "exclusion")
    assert rule == {"type": "history", "concept": "chronic_pancreatitis"}
    assert verdict(rule, "I had one attack of acute pancreatitis in 2019") != "true"


def test_coagulopathy_is_a_bleeding_disorder_and_haemophilia_one_kind():
    rule = parse("Coagulopathy", "exclusion")
    assert rule == {"type": "diagnosis", "concept": "bleeding_disorder"}
    assert verdict(rule, "I have haemophilia A") == "true"


def test_cerebrovascular_accident_is_a_stroke():
    assert "stroke" in _concepts("history of cerebrovascular accident")
    assert "stroke" in _concepts("transient ischaemic cerebral attack in 2020")


# --- time and history cues -----------------------------------------------------------------


def test_history_or_current_is_past_or_present():
    rule = parse("History or current acute or chronic pancreatitis", "exclusion")
    assert rule == {"any": [{"type": "history", "concept": "acute_pancreatitis"},
                            {"type": "history", "concept": "chronic_pancreatitis"}]}
    assert parse("History or active inflammatory bowel disease", "exclusion") == {"type": "history", "concept": "ibd"}


def test_a_window_stops_at_a_later_fact_with_its_own_history_cue():
    rule = parse("History of acute pancreatitis within 1 year of study entry or past medical history "
                 "of chronic pancreatitis.", "exclusion")
    assert rule == {"any": [{"type": "history", "concept": "acute_pancreatitis", "within_days": 365},
                            {"type": "history", "concept": "chronic_pancreatitis"}]}
    # an exclusion's window at the end still reaches every item
    rule = parse("Stroke, transient ischemic attack, or myocardial infarction within 6 months", "exclusion")
    assert all(leaf.get("within_days") == 182 for leaf in iter_leaves(rule))


def test_a_current_fact_after_another_is_no_history():
    # "... or has current X" after a history cue: read as history it absorbed the first
    # alternative (any past X excluded); now the current one is a diagnosis
    from nlp.criteria.parser import build_rule
    rule = build_rule("History of interstitial lung disease or current pneumonitis", "exclusion")
    assert {"type": "diagnosis", "concept": "pneumonitis"} in rule["any"]
    assert {"type": "history", "concept": "interstitial_lung_disease"} in rule["any"]


# --- lines the team keeps --------------------------------------------------------------------


def test_a_treatment_a_condition_required_is_the_teams():
    # read as all[condition, any steroid ever], a steroid course for another reason met it
    for text in ("History of interstitial lung disease that required steroids",
                 "Past medical history of ILD, drug-induced ILD, radiation pneumonitis which required steroid "
                 "treatment, or any evidence of clinically active ILD."):
        assert types(parse(text, "exclusion")) == {"review"}, text


def test_a_relative_clause_after_a_list_is_the_teams():
    for text in ("History of (noninfectious) pneumonitis/interstitial lung disease that required steroids or has "
                 "current pneumonitis/interstitial lung disease.",
                 "A pleural effusion, ascites or pericardial effusion that requires drainage"):
        assert types(parse(text, "exclusion")) == {"review"}, text


def test_a_suspicion_alone_is_the_teams_but_known_or_suspected_is_read():
    assert types(parse("History of non-infectious pneumonitis/ILD, current or suspected ILD", "exclusion")) == {"review"}
    assert parse("Known or suspected alcohol or drug abuse", "exclusion") == {"type": "diagnosis",
                                                                             "concept": "substance_use_disorder"}


def test_a_screening_test_required_is_no_infection():
    # "testing for hepatitis B and C is required" had been read as both infections excluding
    text = ("Known active hepatitis A, B, or C virus infection. For patients in France, Czech Republic and Italy "
            "only: testing for hepatitis B and C is required during Screening.")
    # (round 19, h88) the testing sentence is a site procedure and is dropped; the first
    # sentence's active hepatitis A, B or C is read (hepatitis A is a concept now), and nothing
    # is read from the testing sentence (the same three leaves as the first sentence alone)
    assert parse(text, "exclusion") == parse("Known active hepatitis A, B, or C virus infection.", "exclusion") == {
        "any": [{"type": "infection", "agent": "hav", "state": "active"},
                {"type": "infection", "agent": "hbv", "state": "active"},
                {"type": "infection", "agent": "hcv", "state": "active"}]}
    # a testing requirement alone stays the team's
    assert types(parse("Testing for hepatitis B and C is required during Screening.", "exclusion")) == {"review"}
    # "No HIV testing is required": no test required, the history of HIV is read
    assert parse("Participant has a known history of human immunodeficiency virus [HIV] infection. No HIV testing "
                 "is required unless mandated by a local health authority.", "exclusion") == {"type": "history",
                                                                                           "concept": "hiv"}
