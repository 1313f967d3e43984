"""Round 20 (h93, issue #15): registry criteria, precision and coverage on a new sample.

Classes found by the round's random sample (s20-0001 ... s20-0150 of
tests/data/criteria_gold/dev.jsonl) and by reading the 241 records' criteria for lines like
them: each test states the class with new texts of the same kind, not only the line that
showed it.
"""
from __future__ import annotations

import json
from pathlib import Path

from criteria_helpers import lab_leaf, parse, verdict

from core.rules import iter_leaves
from data.rule_nodes import PLAN_VERSION

GOLD = Path(__file__).parent / "data" / "criteria_gold"


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


# --- precision: one test written in its two forms --------------------------------------------

def test_pt_inr_under_one_threshold_is_the_teams():
    # "PT/INR <= 1.5 x ULN" was read as PT <= 1.5 x ULN AND INR <= 1.5 x ULN: which value the
    # threshold is for, the words do not say
    for text in ("PT/INR ≤ 1.5 x ULN",
                 "INR/PT no greater than 1.5 × ULN",
                 "Adequate coagulation defined by prothrombin time/international normalized ratio "
                 "and partial thromboplastin time ≤1.5 × ULN"):
        rule = parse(text, "inclusion")
        assert rule == {"type": "review", "reason": "other"}, (text, rule)


def test_pt_and_inr_named_apart_are_still_read():
    rule = parse("INR ≤ 1.5 and PT ≤ 1.5 x ULN", "inclusion")
    assert _reviews(rule) == 0
    assert {leaf["analyte"] for leaf in iter_leaves(rule)} == {"inr", "pt"}


# --- coverage: other names of one analyte in its bracket --------------------------------------

def test_a_bracket_of_names_of_the_same_analyte_is_dropped():
    rule = parse("Aspartate amino transferase (AST or SGOT) and alanine amino transferase (ALT or SGPT) "
                 "≤ 1.5 × institutional ULN.", "inclusion")
    assert rule == {"all": [lab_leaf("ast", "<=", uln=1.5), lab_leaf("alt", "<=", uln=1.5)]}
    assert parse("Aspartate aminotransferase (AST/SGOT) ≤ 2.5 × ULN", "inclusion") == lab_leaf("ast", "<=", uln=2.5)
    assert parse("Alanine aminotransferase (ALT, SGPT) ≤ 3 x ULN", "inclusion") == lab_leaf("alt", "<=", uln=3)
    # the single abbreviation, as before
    assert parse("AST (SGOT) ≤ 3 x ULN", "inclusion") == lab_leaf("ast", "<=", uln=3)


def test_a_bracket_naming_another_analyte_is_not_an_alias():
    # "(or AST)" names another test: never the bilirubin's other name
    rule = parse("Total bilirubin (ALT or AST) ≤ 3 x ULN", "inclusion")
    assert _reviews(rule) >= 1


def test_full_width_brackets_read_as_plain_ones():
    plain = parse("Alanine aminotransferase ≤ 3 × upper limit of normal (ULN) (≤ 5 × ULN for patients with "
                  "liver metastases)", "inclusion")
    wide = parse("Alanine aminotransferase ≤ 3 × upper limit of normal（ULN） (≤ 5 × ULN for patients with "
                 "liver metastases)", "inclusion")
    assert wide == plain and _reviews(wide) == 0


# --- coverage: an age line alone, a bleeding tendency, the study as a point in time -----------

def test_a_line_that_is_the_age_alone():
    for text, low in (("18 and over", 18), ("21 and older", 21), ("18 and over.", 18)):
        assert parse(text, "inclusion") == {"type": "age", "min": low}, text
    # any other word on the line: the number may be something else
    for text in ("Platelets 100 and over", "At least 18 and over 2 weeks"):
        assert {leaf["type"] for leaf in iter_leaves(parse(text, "inclusion"))} != {"age"}, text


def test_a_predisposition_to_bleed_is_a_bleeding_disorder():
    for text in ("Participants with any known predisposition to bleeding",
                 "Known bleeding tendency",
                 "History of a tendency to bleed"):
        rule = parse(text, "exclusion")
        assert [leaf.get("concept") for leaf in iter_leaves(rule)] == ["bleeding_disorder"], (text, rule)
    assert verdict(parse("Any known predisposition to bleeding", "exclusion"), "I have haemophilia A.") == "true"


def test_the_start_of_the_study_at_a_clause_end_is_the_trials_start():
    rule = parse("Treatment with investigational therapy within 28 days prior to initiation of study", "exclusion")
    assert rule == {"type": "therapy", "concept": "investigational_drug", "within_days": 28}
    rule = parse("Radiotherapy within 14 days before the start of the study.", "exclusion")
    assert rule == {"type": "procedure", "concept": "radiotherapy", "within_days": 14}


# --- a literal "No ..." exclusion stays literal -------------------------------------------------

def test_a_no_line_among_exclusions_is_read_literally():
    # NCT06442748 requires a history of seizure and excludes "No history of seizure"
    assert parse("No history of seizure", "exclusion") == {"not": {"type": "history", "concept": "epilepsy"}}


# --- the gold and the plan version ---------------------------------------------------------------

def test_round_20_sample_is_in_the_dev_gold_and_hashed():
    rows = [json.loads(line) for line in (GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    ours = [r for r in rows if r["id"].startswith("s20-")]
    assert len(ours) == 150 and len({r["id"] for r in ours}) == 150
    assert all(r["why"].startswith("round 20 random sample") for r in ours)
    hashes = set((GOLD / "sampled_hashes.txt").read_text(encoding="utf-8").split())
    import hashlib
    assert all(hashlib.sha256(r["text"].strip().lower().encode("utf-8")).hexdigest() in hashes for r in ours)


def test_plan_version_moved_for_the_changed_reading():
    assert int(PLAN_VERSION) >= 74


# --- later in the round: spellings and a method that swallowed a limit ------------------------

def test_child_bearing_in_any_spelling_is_childbearing():
    for text in ("For females of child-bearing potential, negative serum or urine pregnancy test within "
                 "14 days prior to study registration",
                 "For women of child bearing potential, a negative pregnancy test",
                 "For women of childbearing potential, a negative pregnancy test"):
        assert parse(text, "inclusion") == {"not": {"type": "pregnancy", "states": ["pregnant"]}}, text


def test_at_least_one_target_lesion_is_measurable_disease():
    assert parse("Has measurable disease (at least 1 target lesion) based on RECIST 1.1", "inclusion") == {
        "type": "diagnosis", "concept": "measurable_disease"}
    assert parse("At least one target lesion per RECIST 1.1", "inclusion") == {
        "type": "diagnosis", "concept": "measurable_disease"}


def test_a_method_never_swallows_a_bracket_saying_whom_the_line_is_for():
    # "(randomized portion only)" was taken in with "assessed by the Investigator based on ...":
    # the requirement then held for every part of the study
    for text in ("At least one measurable lesion assessed by the Investigator based on RECIST v1.1 "
                 "(randomized portion only);",
                 "LVEF ≥ 50% as assessed by echocardiogram (Part B only)"):
        assert _reviews(parse(text, "inclusion")) >= 1, text
    # a bracket of the method itself is still part of it
    assert parse("LVEF ≥ 50% as assessed by echocardiogram (ECHO) or MUGA", "inclusion") == lab_leaf(
        "lvef", ">=", 50, "%")
