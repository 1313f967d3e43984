"""Round 30 (h144, issue #15): disease status, lines of therapy and performance scales in
registry criteria; the ConText bound "not more than"; the split-word step read once."""
import json
from datetime import date
from pathlib import Path

from core.rules import iter_leaves
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

GOLD = Path(__file__).resolve().parent / "data" / "criteria_gold" / "dev.jsonl"


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def _leaves(rule: dict) -> list[dict]:
    return [{k: v for k, v in leaf.items() if k != "note"} for leaf in iter_leaves(rule)]


def test_a_status_before_a_count_of_lines_is_kept_with_it():
    for text in ("Relapsed after or refractory to ≥2 lines of therapy",
                 "Relapsed or refractory to at least 2 prior lines of therapy",
                 "Refractory or relapsed after at least two prior lines of systemic therapy"):
        rule = parse_criterion(text, "inclusion")
        assert rule == {"all": [{"type": "diagnosis", "concept": "relapsed_or_refractory"},
                                {"type": "score", "score": "prior_lines", "op": ">=", "value": 2}]}, text


def test_one_status_word_before_the_lines_names_that_status():
    rule = parse_criterion("Multiple myeloma relapsed after at least 3 prior lines of therapy", "inclusion")
    assert {"type": "diagnosis", "concept": "relapsed_disease"} in _leaves(rule)
    assert {"type": "score", "score": "prior_lines", "op": ">=", "value": 3} in _leaves(rule)


def test_a_status_of_lines_in_an_exclusion_is_never_the_count_alone():
    # the count alone would exclude every patient with two lines, relapsed or not
    for text in ("Refractory or relapsed after at least two prior lines of systemic therapy",
                 "Relapsed after or refractory to ≥2 lines of therapy",
                 "Patients with NHL who are refractory or relapsed after at least two prior lines"):
        assert _reviews(parse_criterion(text, "exclusion")) >= 1, text


def test_a_status_without_a_concept_before_lines_is_the_teams():
    rule = parse_criterion("Progressed after at least 2 prior lines of therapy", "inclusion")
    assert _reviews(rule) >= 1


def test_a_therapy_response_stays_a_therapy_response():
    rule = parse_criterion("relapsed/refractory to JAK inhibitors", "inclusion")
    assert rule == {"type": "therapy", "concept": "jak_inhibitor", "response": "failed"}


def test_a_bare_relapsed_before_a_cancer_is_its_status():
    assert parse_criterion("Relapsed B cell lymphoma", "inclusion") == {
        "all": [{"type": "diagnosis", "concept": "relapsed_disease"}, {"type": "diagnosis", "concept": "b_cell_lymphoma"}]}
    # an exclusion's: the lymphoma alone would exclude every patient with one
    assert _reviews(parse_criterion("Relapsed B cell lymphoma", "exclusion")) >= 1


def test_a_bare_refractory_before_another_disease_in_an_exclusion_is_not_dropped():
    # the hypertension alone would exclude every hypertensive patient
    rule = parse_criterion("Refractory hypertension", "exclusion")
    assert rule != {"type": "diagnosis", "concept": "hypertension"} and _reviews(rule) >= 1


def test_the_autoimmune_voice_keeps_its_reading():
    # "refractory lupus" among the inclusions: the therapies failed (read by the therapy leaves)
    assert parse_criterion("Refractory lupus nephritis", "inclusion") == {"type": "diagnosis", "concept": "lupus_nephritis"}


def test_karnofsky_with_the_lansky_scale_is_the_teams():
    assert parse_criterion("Karnofsky/Lansky Performance Score more than or equal to 70", "inclusion")["type"] == "review"
    assert parse_criterion("Karnofsky Performance Status at least 70", "inclusion") == {
        "type": "score", "score": "karnofsky", "op": ">=", "value": 70}


def test_a_staging_edition_in_a_bracket_is_no_other_condition():
    assert parse_criterion("Stage IIB-IIIC (AJCC 8th edition)", "inclusion") == {
        "type": "stage", "stages": ["IIB", "IIC", "IIIA", "IIIB", "IIIC"]}
    assert parse_criterion("Stage IIB-III breast cancer (AJCC 8th edition)", "inclusion") == {
        "all": [{"type": "diagnosis", "concept": "breast_cancer"}, {"type": "stage", "stages": ["IIB", "IIC", "III"]}]}


def test_measurable_systemic_disease_is_narrower_than_measurable_disease():
    assert parse_criterion("Measurable systemic disease according to RECIST v1.1", "inclusion")["type"] == "review"
    assert parse_criterion("Measurable disease per RECIST 1.1", "inclusion") == {
        "type": "diagnosis", "concept": "measurable_disease"}


def test_central_nervous_metastases_are_brain_metastases():
    assert parse_criterion("Patients with central nervous metastases；", "exclusion") == {
        "type": "diagnosis", "concept": "brain_metastases"}


def test_not_more_than_is_a_bound_not_a_negation():
    rule = parse_criterion("Patients who have received at least 1 but not more than 3 prior chemotherapy regimens "
                           "in a metastatic setting.", "inclusion")
    assert "not" not in rule and _reviews(rule) >= 1
    assert parse_criterion("No chemotherapy", "inclusion") == {"not": {"type": "therapy", "concept": "chemotherapy"}}
    facts = extract("she is not on methotrexate", today=date(2026, 12, 6))
    assert any(f.concept == "methotrexate" and f.negated for f in facts)


def test_a_name_written_in_two_words_is_still_joined():
    facts = extract("she takes hydroxy chloroquine", today=date(2026, 12, 6))
    assert any(f.concept == "hydroxychloroquine" for f in facts)


def test_the_round_30_stratum_rows_are_in_the_gold():
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows if r["id"].startswith("s30-") and 151 <= int(r["id"][4:]) <= 300]
    assert ids == [f"s30-{i:04d}" for i in range(151, 301)]


def test_how_the_extent_was_seen_is_no_other_condition():
    assert parse_criterion("Locally advanced, unresectable, or metastatic disease based on most recent imaging.", "inclusion") == {
        "any": [{"type": "diagnosis", "concept": "locally_advanced_disease"},
                {"type": "diagnosis", "concept": "unresectable_disease"},
                {"type": "diagnosis", "concept": "metastatic_disease"}]}
    # a biopsy is no imaging: the line stays the team's
    assert parse_criterion("Metastatic disease confirmed by biopsy", "inclusion")["type"] == "review"
