"""Issue #16: section headings and notes are never criteria. "Subjects with any of the
following exclusion criteria were not eligible for this trial:", "the function of vital
organs meets the following requirements:", "Note: It is sufficient if one of Articles 4 and
5 is fulfilled." are not shown as met / open / failed in results, summary or triage; their
sub-criteria are, each with its own verdict (data/criteria_headings.yaml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from bot.results import criteria_by_status, shown_criteria
from core.facts import Profile
from data.criteria_headings import is_heading, read_headings
from data.errors import DataError
from data.trials import load_trials
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 1, 15)
HEADINGS = [
    "Subjects with any of the following exclusion criteria were not eligible for this trial:",
    "the function of vital organs meets the following requirements:",
    "Note: It is sufficient if one of Articles 4 and 5 is fulfilled.",
    "Subjects with any of the following conditions will be excluded:",
    "The following screening can be performed by meeting any of the above 4 entry criteria",
    "Liver, kidney and cardiopulmonary functions meet the following requirements:",
    "Inclusion criteria",
    "N.B. Other protocol-defined criteria apply",
]
CRITERIA = [
    "Age 18 to 65 years, male or female",
    "Relapsed refractory systemic lupus erythematosus.",
    "HIV antibody positive",
    "Meets one of the four disease groups: relapsed/refractory systemic lupus erythematosus, diffuse "
    "systemic sclerosis, inflammatory myopathy or immune thrombocytopenia.",
    "Pregnant or lactating women",
]


@pytest.mark.parametrize("text", HEADINGS)
def test_headings_and_notes_are_recognised(text):
    assert is_heading(text)


@pytest.mark.parametrize("text", CRITERIA)
def test_criteria_are_not_headings(text):
    assert not is_heading(text)


def test_a_bad_pattern_names_the_file_and_entry(tmp_path):
    bad = tmp_path / "criteria_headings.yaml"
    bad.write_text("headings: ['(unclosed']\n")
    with pytest.raises(DataError, match=r"headings\[0\]"):
        read_headings(bad)


def _shown_texts(groups: dict) -> list[str]:
    return [row["text"] for rows in groups.values() for row in rows]


@pytest.fixture(scope="module")
def seed_results():
    out = []
    for text in ["34F, SLE since 2015, failed MMF and belimumab, HIV negative",
                 "my son is 19 with T-ALL, CD7 positive, relapsed after chemo",
                 "55 year old woman with diffuse systemic sclerosis, failed cyclophosphamide", "lupus"]:
        profile = Profile().add(extract(text, today=TODAY))
        out.extend(match(profile, load_trials(), today=TODAY))
    return out


def test_no_heading_of_the_seed_trials_is_shown_as_a_criterion(seed_results):
    for result in seed_results:
        shown = _shown_texts(criteria_by_status(result.criteria))
        for text in HEADINGS[:6]:
            assert text not in shown, (result.trial["id"], text)


def test_a_headings_sub_criteria_keep_their_own_verdicts(seed_results):
    result = next(r for r in seed_results if r.trial["id"] == "NCT05030779")
    rows = {row["id"]: row for row in shown_criteria(result.criteria)}
    heading = next(c for c in result.criteria if c.id == "exc-1")
    assert "exc-1" not in rows and heading.children
    for child in heading.children:               # each exclusion stands on its own, top level
        assert rows[child.id]["parent"] is None and rows[child.id]["status"] == child.status


def test_triage_does_not_count_or_list_headings(seed_results):
    from bot.commands.triage import _shown_top

    for result in seed_results:
        ids = {row["id"] for row in _shown_top(result)}
        headings = {c.id for c in result.criteria if is_heading(c.text) and c.children}
        assert not ids & headings


@dataclass
class _C:                    # a criterion result, as matching.engine.CriterionResult
    id: str
    kind: str
    text: str
    status: str
    parent: str | None = None
    combine: str | None = None
    evidence: list = field(default_factory=list)
    criterion: dict = field(default_factory=dict)


def test_under_a_one_of_note_only_the_deciding_alternative_is_shown():
    rule = {"type": "diagnosis", "concept": "sle"}
    criteria = [
        _C("inc-1", "inclusion", "Systemic sclerosis", "pass", combine="all"),
        _C("inc-1.1", "inclusion", "antibodies positive", "pass", "inc-1", criterion={"rule": rule}),
        _C("inc-1.2", "inclusion", "Note: It is sufficient if one of Articles 4 and 5 is fulfilled.", "pass",
           "inc-1", combine="any"),
        _C("inc-1.2.1", "inclusion", "Definition of relapsing-refractory: failure of treatment", "pass", "inc-1.2",
           criterion={"rule": rule}),
        _C("inc-1.2.2", "inclusion", "Definition of progressive: mRSS increase", "fail", "inc-1.2",
           criterion={"rule": rule}),
        _C("exc-1", "exclusion", "Note: pregnancy tests are done at screening.", "review",
           criterion={"rule": {"type": "review", "reason": "other"}}),
    ]
    groups = criteria_by_status(criteria)
    assert [r["id"] for r in groups["met"]] == ["inc-1"]
    assert [c["id"] for c in groups["met"][0]["children"]] == ["inc-1.1", "inc-1.2.1"]   # the note gone
    assert not groups["failed"] and not groups["review"]          # a note without rule is no criterion


def test_a_heading_carrying_its_own_rule_stays_a_criterion():
    rule = {"all": [{"type": "lab", "lab": "wbc", "op": ">=", "value": 3, "unit": "10^9/L"}]}
    text = "Bone marrow function needs to meet the following requirements: a. White blood cell count ≥3×109/L;"
    groups = criteria_by_status([_C("inc-2", "inclusion", text, "unknown", criterion={"rule": rule})])
    assert [r["id"] for r in groups["open"]] == ["inc-2"]


CTGOV = Path("/work/shared/ctgov")


@pytest.mark.skipif(not CTGOV.is_dir(), reason="the real registry records are not on this machine")
def test_real_registry_records_show_no_heading_as_a_criterion():
    from registry.ctgov import import_file

    records = []
    for path in sorted(CTGOV.glob("NCT*.json"))[:40]:
        try:
            records.extend(import_file(path))
        except Exception:          # a record the importer refuses is not this test's concern
            continue
    assert len(records) >= 30
    profile = Profile().add(extract("62 year old woman with lupus, failed mycophenolate", today=TODAY))
    bare_headings = 0
    for result in match(profile, records, today=TODAY):
        for row in shown_criteria(result.criteria):
            original = next(c for c in result.criteria if c.id == row["id"])
            rule = original.criterion.get("rule")
            has_children = any(c.parent == original.id for c in result.criteria)
            if is_heading(row["text"]) and (has_children or rule is None or rule.get("type") == "review"):
                bare_headings += 1
    assert bare_headings == 0


def test_a_long_lead_ending_with_a_colon_names_something_and_stays():
    assert not is_heading("Diagnosed as refractory dermatomyositis, and conventional hormone therapy is not "
                          "effective and (or) ineffective treatment methods:")
    assert is_heading("Systemic primary exclusion criteria:") and is_heading("Exclusion:")


def test_triage_json_marks_headings_and_notes():
    import io
    import sys

    from bot.commands.triage import _print_json_line
    from bot.results import heading_ids

    profile = Profile().add(extract("34F, SLE since 2015, failed MMF", today=TODAY))
    results = match(profile, load_trials(), today=TODAY)
    expected = {r.trial["id"]: heading_ids(r.criteria) for r in results}
    out, sys.stdout = sys.stdout, io.StringIO()
    try:
        _print_json_line({"profile": {}}, results, {})
        written = sys.stdout.getvalue()
    finally:
        sys.stdout = out
    import json

    for trial in json.loads(written)["trials"]:
        marked = {c["id"] for c in trial["criteria"] if c.get("heading")}
        assert marked == expected[trial["id"]]
        texts = {c["text"] for c in trial["criteria"] if c.get("heading")}
        assert not texts & set(CRITERIA)
    assert any(expected.values())
