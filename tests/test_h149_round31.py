"""Round 31 (h149, issue #15): comorbidity, infection and CNS lines of registry criteria: an
infection defined in its bracket by its tests, a condition's duration written as a measure,
"history or evidence of", two terms, and "any pathology like X" kept for the team."""
import json
from pathlib import Path

from datetime import date

from core.facts import Fact, Profile
from core.rules import iter_leaves
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp.criteria.parser import parse_criterion

GOLD = Path(__file__).resolve().parent / "data" / "criteria_gold" / "dev.jsonl"


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def _without_notes(rule):
    if isinstance(rule, dict):
        return {k: _without_notes(v) for k, v in rule.items() if k != "note"}
    if isinstance(rule, list):
        return [_without_notes(x) for x in rule]
    return rule


def _inf(agent: str, state: str = "positive") -> dict:
    return {"type": "infection", "agent": agent, "state": state}


def test_a_bracket_of_tests_defines_the_infection_before_it():
    # the tests are the infection; "active" is no second requirement beside them (it read as
    # all[active hepatitis B, HBsAg or HBV DNA, ...]: a positive HBsAg alone stayed open)
    rule = parse_criterion("Concurrent active Hepatitis B (defined as HBsAg positive and/or detectable HBV DNA) and "
                           "Hepatitis C virus (defined as anti-HCV Ab positive and detectable HCV RNA) infection.",
                           "exclusion")
    assert rule == {"all": [{"any": [_inf("hbsag"), _inf("hbv_dna")]}, _inf("anti_hcv"), _inf("hcv_rna")]}
    assert parse_criterion("Active hepatitis B (defined as HBsAg positive)", "exclusion") == _inf("hbsag")


def test_another_record_gains_the_bracket_reading():
    # s30-0042 (round 30): hepatitis C beside its antibody was also "active"
    rule = parse_criterion("Known active or chronic hepatitis B (HBsAg +ve) or hepatitis C infection (HCV antibody +ve).",
                           "exclusion")
    assert rule == {"any": [_inf("hbsag"), _inf("anti_hcv")]}


def test_a_bracket_of_another_virus_is_still_a_requirement():
    # tests of another agent are no definition of the one before
    rule = parse_criterion("Active hepatitis B (HIV positive)", "exclusion")
    assert {"type": "infection", "agent": "hbv", "state": "active"} in list(iter_leaves(rule))


def test_a_duration_written_as_a_measure_is_the_time_since_diagnosis():
    for text in ("Duration of Diabetes \\> 2 years;", "Diabetes duration \\> 2 years"):
        assert parse_criterion(text, "inclusion") == {
            "type": "diagnosis", "concept": "diabetes_mellitus", "min_duration_months": 24}, text


def test_a_maximum_duration_is_the_diagnosis_not_held_that_long():
    shorter = {"all": [{"type": "diagnosis", "concept": "diabetes_mellitus"},
                       {"not": {"type": "diagnosis", "concept": "diabetes_mellitus", "min_duration_months": 24}}]}
    assert parse_criterion("Diabetes duration \\< 2 years", "exclusion") == shorter
    rule = parse_criterion("Patients aged \\>= 18 years diagnosed with diabetes mellitus, of a duration of \\<= 5 years "
                           "since their diagnosis", "inclusion")
    # "<= 5 years": 60 months still count, 61 do not
    assert {"not": {"type": "diagnosis", "concept": "diabetes_mellitus", "min_duration_months": 61}} in rule["all"]
    assert {"type": "age", "min": 18} in rule["all"]


def test_a_duration_word_alone_names_nothing():
    # "Duration of treatment": no condition after it, the line stays the team's
    assert _reviews(parse_criterion("Duration of treatment > 6 months", "inclusion")) >= 1


def test_history_or_evidence_of_is_the_history():
    assert parse_criterion("Known history or evidence of brain metastases and/or leptomeningeal spread.", "exclusion") == {
        "type": "history", "concept": "brain_metastases"}
    # another record's line: COPD in the past counts as well as now
    rule = parse_criterion("History or clinical evidence of chronic obstructive pulmonary disease (COPD) including "
                           "Asthma-COPD Overlap Syndrome (ACOS) or any other significant lung disease", "exclusion")
    assert {"type": "history", "concept": "copd"} in list(iter_leaves(rule))
    # "Evidence of" alone is now
    assert parse_criterion("Evidence of brain metastases", "exclusion") == {"type": "diagnosis", "concept": "brain_metastases"}


def test_chronic_renal_disease_is_kidney_disease():
    assert parse_criterion("Chronic renal disease", "exclusion") == {"type": "diagnosis", "concept": "kidney_disease"}


def test_a_lower_case_history_of_a_condition_is_an_item():
    # a list written in lower case (NCT05381389): "history of ..." opens an item, never a
    # wrapped tail left to the team
    assert parse_criterion("history of renal disease", "exclusion") == {"type": "history", "concept": "kidney_disease"}
    assert parse_criterion("history of hepatic disease", "exclusion") == {"type": "history", "concept": "liver_disease"}
    # other lower-case openings stay fragments
    assert _reviews(parse_criterion("infection at the injection site", "exclusion")) >= 1


def test_a_cardiac_rhythm_disorder_is_an_arrhythmia():
    assert parse_criterion("Cardiac rhythm disorder", "exclusion") == {"type": "diagnosis", "concept": "arrhythmia"}


def test_hiv_seropositivity_with_a_note_that_no_test_is_required():
    assert parse_criterion("Participants with a known history of HIV seropositivity. Screening for HIV infection at "
                           "baseline is not required", "exclusion") == {"type": "history", "concept": "hiv"}
    assert parse_criterion("Known seropositivity for HIV", "exclusion") == _inf("hiv")


def test_examples_of_any_pathology_keep_the_teams_check():
    # "pathology" is a filler word elsewhere ("confirmed by pathology"): before "like" it is
    # the head the examples are of, any pathology, never only the two named
    rule = parse_criterion("Having any pathology like chronic renal disease, and hepatic impairment was excluded", "exclusion")
    assert _reviews(rule) >= 1


def test_the_duration_reading_judges_patients():
    # the exclusion "Diabetes duration < 2 years": diabetes for 10 months is excluded, for 5
    # years not; diabetes of no stated duration is asked, never failed
    rule = parse_criterion("Diabetes duration \\< 2 years", "exclusion")

    def judged(**fields):
        profile = Profile([Fact("CONDITION", "diabetes_mellitus", "diabetes", **fields)])
        return Evaluator(profile, today=date(2026, 1, 31)).rule(rule).value

    assert judged(duration_days=300) == TRUE
    assert judged(duration_days=365 * 5) == FALSE
    assert judged() == UNKNOWN


def test_the_round_31_rows_are_in_the_gold():
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    mine = [r for r in rows if r["id"].startswith("s31-") and 151 <= int(r["id"][4:]) <= 300]
    assert len(mine) == 150
    assert all(r["why"].startswith("round 31 comorbidity stratum") for r in mine)
