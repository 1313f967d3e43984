"""The assertion scorer of `bench extraction` (benchmarks/assertion.py): a fact stored as
present where the gold says otherwise is an assertion error; spans may differ, concepts
may not; the gold sets are well formed."""
from benchmarks.assertion import SETS, load, predicted_assertion, score_set
from core.facts import Fact
from data.terminology import load_terminology


def _row(text, *entities):
    out = []
    for phrase, label, concept, assertion in entities:
        start = text.index(phrase)
        out.append({"start": start, "end": start + len(phrase), "label": label, "concept": concept,
                    "assertion": assertion, "experiencer": "patient", "time": "current"})
    return {"id": "t", "text": text, "entities": out}


def test_the_pipeline_reading_of_a_fact_in_the_golds_words():
    assert predicted_assertion(Fact("INFECTION", "hiv", "HIV", negated=True)) == ("absent", "patient", "current")
    assert predicted_assertion(Fact("CONDITION", "sle", "lupus", family=True)) == ("present", "family", "current")
    assert predicted_assertion(Fact("DRUG", "rituximab", "rituximab", status="failed"))[2] == "past"
    assert predicted_assertion(Fact("DRUG", "rituximab", "rituximab", hypothetical=True))[0] == "hypothetical"


def test_a_denial_read_as_present_would_count_and_a_match_needs_the_concept():
    report = score_set([_row("I don't think she has HIV. She has lupus.",
                             ("HIV", "INFECTION", "hiv", "absent"), ("lupus", "CONDITION", "sle", "present"))])
    assert report["overall"]["support"] == 2
    assert report["assertion_errors"] == 0          # the pipeline reads the hedged denial as absent
    wrong = score_set([_row("She has lupus.", ("lupus", "CONDITION", "sle", "absent"))])
    assert wrong["assertion_errors"] == 1 and wrong["assertion_error_kinds"] == {"CONDITION assertion=absent": 1}


def test_the_assertion_gold_sets_are_well_formed_and_split():
    terminology = load_terminology()
    for kind in SETS:
        dev, test = load(kind, "dev"), load(kind, "test")
        assert dev and test and not {r["id"] for r in dev} & {r["id"] for r in test}
        for row in dev + test:
            for e in row["entities"]:
                assert row["text"][e["start"]:e["end"]], row["id"]
                assert e["assertion"] in ("present", "absent", "possible", "hypothetical")
                assert e["experiencer"] in ("patient", "family") and e["time"] in ("current", "past", "planned")
                assert e.get("new_concept") or e["label"] in ("AGE", "SEX", "PREGNANCY", "WEIGHT", "LOCATION") \
                    or e["concept"] in terminology, (row["id"], e["concept"])
    assert sum(len(load("conversation", s)) for s in ("dev", "test")) >= 400
    assert sum(len(load("notes", s)) for s in ("dev", "test")) >= 40
