"""Round 40 (h194, issue #15): registry criteria, a new hand-judged sample (s40-0001 ...
s40-0080) and the rules it and the known leftovers asked for: a lone lower-case word closed
by a full stop is the end of a wrapped sentence; a compared value written before a score's
name ("Less than 30 Karnofsky score"); the Lansky play-performance scale (the children's
Karnofsky), with both scales on one line left to the team; an exemption bracket closing a
list ("(unless considered stable ...)") keeps the team's check on every item."""
from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion
from benchmarks.criteria import without_notes


def _plain(text: str, kind: str) -> dict:
    return without_notes(parse_criterion(text, kind))


def _review_only(rule: dict) -> bool:
    return all(leaf["type"] == "review" for leaf in iter_leaves(rule))


def _full(rule: dict) -> bool:
    return not any(leaf["type"] == "review" for leaf in iter_leaves(rule))


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient)), today=date(2026, 12, 7)).rule(rule).value


# --- a lone lower-case word closed by a full stop --------------------------------------------

def test_a_lone_lower_case_word_with_a_full_stop_is_a_wrapped_sentences_end():
    # s40-0024 "cetuximab." (the last word of "... prior treatment with panitumumab or
    # cetuximab."), "sweeteners.", "discretion.": no criterion of their own
    for text in ("cetuximab.", "bevacizumab.", "sweeteners.", "discretion.", "pembrolizumab."):
        assert _review_only(parse_criterion(text, "exclusion")), text


def test_a_capitalised_drug_or_a_list_item_is_still_read():
    # an item of its own opens in capitals or ends with "," / ";" (or with nothing)
    assert _plain("Cetuximab.", "exclusion") == {"type": "therapy", "concept": "cetuximab"}
    assert _plain("Prior cetuximab.", "exclusion") == {"type": "therapy", "concept": "cetuximab"}
    assert _plain("smokers", "exclusion") == {"type": "diagnosis", "concept": "smoking"}
    assert _plain("Celiac disease;", "exclusion") == {"type": "diagnosis", "concept": "celiac_disease"}


# --- a compared value before a score's name ---------------------------------------------------

def test_a_compared_value_before_the_score_name():
    # s30-0239 "Less than 30 Karnofsky score at enrolment"
    expected = {"type": "score", "score": "karnofsky", "op": "<", "value": 30}
    assert _plain("Less than 30 Karnofsky score at enrolment", "exclusion") == expected
    assert _plain("Lower than 50 KPS", "exclusion") == {"type": "score", "score": "karnofsky", "op": "<", "value": 50}
    assert _plain("< 70% Karnofsky performance status", "exclusion") == \
        {"type": "score", "score": "karnofsky", "op": "<", "value": 70}
    assert _plain("At least 60 Karnofsky performance status", "inclusion") == \
        {"type": "score", "score": "karnofsky", "op": ">=", "value": 60}


def test_a_value_before_a_score_needs_a_comparison_and_no_unit_of_its_own():
    # "70 Karnofsky": no comparison, no rule; a value with a unit is another measure's
    assert not _full(parse_criterion("70 Karnofsky", "inclusion"))
    rule = parse_criterion("Platelets < 50 x10^9/L Karnofsky", "exclusion")
    assert not any(leaf.get("score") == "karnofsky" for leaf in iter_leaves(rule))
    # a value written after the name is read as before
    assert _plain("KPS < 50", "exclusion") == {"type": "score", "score": "karnofsky", "op": "<", "value": 50}


def test_a_score_read_from_a_value_before_it_judges_a_patient():
    rule = parse_criterion("Less than 50 Karnofsky score", "exclusion")
    assert _verdict(rule, "Karnofsky 40.") == "true"
    assert _verdict(rule, "Karnofsky performance status 80.") == "false"


# --- the Lansky play-performance scale --------------------------------------------------------

def test_lansky_is_a_score_read_like_karnofsky():
    assert _plain("Lansky ≥ 50", "inclusion") == {"type": "score", "score": "lansky", "op": ">=", "value": 50}
    assert _plain("Lansky play-performance scale score less than 50", "exclusion") == \
        {"type": "score", "score": "lansky", "op": "<", "value": 50}
    assert _plain("Lansky performance score of at least 60", "inclusion") == \
        {"type": "score", "score": "lansky", "op": ">=", "value": 60}
    assert _plain("Less than 40 Lansky", "exclusion") == {"type": "score", "score": "lansky", "op": "<", "value": 40}


def test_a_childs_lansky_score_is_read_from_the_parents_words():
    rule = parse_criterion("Lansky play scale ≥ 50", "inclusion")
    assert _verdict(rule, "My son is 9, his Lansky score is 70.") == "true"
    assert _verdict(rule, "Her Lansky play-performance scale is 40.") == "false"
    # a Karnofsky score says nothing of the Lansky scale
    assert _verdict(rule, "Karnofsky 40.") != "false"


def test_both_scales_on_one_line_stay_the_teams():
    # which scale applies is the patient's age's: read together, a child's Karnofsky would count
    for text in ("Karnofsky/Lansky Performance Score more than or equal to 70",
                 "Karnofsky ≥ 50 for patients > 16 years of age and Lansky ≥ 50 for patients ≤ 16 years of age",
                 "Lansky score ≥ 60 for patients < 16 years; Karnofsky ≥ 60 for older patients"):
        rule = parse_criterion(text, "inclusion")
        assert not any(leaf["type"] == "score" for leaf in iter_leaves(rule)), text


# --- an exemption closing a list --------------------------------------------------------------

def test_an_exemption_closing_a_list_reaches_every_item():
    # s39-0055: a stable cirrhosis was excluded by the cirrhosis alternative
    for text in ("Acute liver disease, cirrhosis, chronic liver disease (unless considered stable for more than 6 months).",
                 "Cirrhosis, hepatitis (unless stable for more than 6 months)",
                 "Diabetes, hypertension, heart failure (unless well controlled on medication)"):
        rule = parse_criterion(text, "exclusion")
        assert not _full(rule), text
        # no alternative excludes on its own
        for alternative in rule.get("any", [rule]):
            assert not _full(alternative), (text, alternative)
        assert _verdict(rule, "I have liver cirrhosis, stable for years. I have diabetes.") != "true"


def test_an_except_of_kinds_still_names_what_does_not_count():
    # "(except basal cell carcinoma)" is no exemption bracket: the items before keep their reading
    rule = _plain("Cirrhosis, hepatitis B", "exclusion")
    assert {"type": "diagnosis", "concept": "cirrhosis"} in rule["any"]
    assert _plain("Known cirrhosis", "exclusion") == {"type": "diagnosis", "concept": "cirrhosis"}


def test_a_list_of_thresholds_keeps_its_exemption_where_it_is_written():
    # the bilirubin's Gilbert syndrome says nothing of the ALT and AST limits before it
    rule = _plain("ALT more than 1.5 × ULN OR AST more than 1.5 × ULN OR total bilirubin more than 1.5 × ULN "
                  "(unless due to Gilbert syndrome).", "exclusion")
    assert {"type": "lab", "analyte": "alt", "op": ">", "uln": 1.5} in rule["any"]
    assert {"type": "lab", "analyte": "ast", "op": ">", "uln": 1.5} in rule["any"]
