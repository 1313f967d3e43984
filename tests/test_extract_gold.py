"""The gold set is well formed, the scorer counts exactly, and the pipeline reaches the
F1 target on it (a quality check, not a timed test)."""
from data.terminology import load_terminology
from benchmarks.extraction import evaluate, load_gold, score
from core.facts import ANY_DRUG, LABELS, Fact
from core.rules import STAGE_FORM

FIXED_CONCEPTS = {"AGE": {"age"}, "SEX": {"female", "male"}, "PREGNANCY": {"pregnant", "lactating", "planning"},
                  "WEIGHT": {"weight"}, "TOXICITY": {"toxicity"}}


def test_gold_set_is_large_and_well_formed():
    gold = load_gold()
    terminology = load_terminology()
    assert len(gold) >= 150
    for row in gold:
        for entity in row["entities"]:
            assert 0 <= entity["start"] < entity["end"] <= len(row["text"]), row["where"]
            assert entity["label"] in LABELS, row["where"]
            if entity["label"] in FIXED_CONCEPTS:
                assert entity["concept"] in FIXED_CONCEPTS[entity["label"]], row["where"]
            elif entity["label"] == "LOCATION":
                assert entity["concept"] == row["text"][entity["start"]:entity["end"]], row["where"]
            elif entity["label"] == "ALLERGY" and entity["concept"] == ANY_DRUG:
                continue            # "no known drug allergies": every drug (core.facts)
            elif entity["label"] == "STAGE":
                assert STAGE_FORM.fullmatch(entity["concept"]), row["where"]    # "IV", "IIIB" (core.rules)
            else:
                assert entity["concept"] in terminology, row["where"]


def test_gold_set_covers_every_label():
    labels = {e["label"] for row in load_gold() for e in row["entities"]}
    assert labels == set(LABELS)


def test_scorer_needs_span_label_and_concept_to_match():
    gold = [{"where": "t:1", "text": "lupus and RA", "entities": [
        {"start": 0, "end": 5, "label": "CONDITION", "concept": "sle", "negated": False},
        {"start": 10, "end": 12, "label": "CONDITION", "concept": "rheumatoid_arthritis"}]}]
    predicted = [[Fact("CONDITION", "sle", "lupus", 0, 5, negated=True), Fact("CONDITION", "sle", "RA", 10, 12)]]
    report = score(gold, predicted)
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 1, 1)
    assert report.attributes["negated"] == [0, 1]


def test_pipeline_meets_the_f1_target_on_the_gold_set():
    assert evaluate().overall.f1 >= 0.95
