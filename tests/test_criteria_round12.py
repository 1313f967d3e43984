"""Registry criteria, round 12 (issue #15, 2026-12-04): re-importing a study is byte-stable
(a site naming no facility was added again on every import) and a run validates each new
record once; criteria classes read in this round (see docs/benchmarks.md)."""
from __future__ import annotations

import json

import pytest
from criteria_helpers import parse, verdict

import registry.run as run
from registry.criteria_text import REVIEW_RULE
from registry.ctgov import study_to_record
from registry.merge import merge_pair


def _study(nct: str = "NCT09900021") -> dict:
    places = [("Atlanta", "Georgia"), ("Nashville", "Tennessee"), ("Atlanta", "Georgia"), ("Dallas", "Texas")]
    locations = [{"city": c, "state": s, "country": "United States"} for c, s in places]
    locations.append({"facility": "Mayo Clinic", "city": "Rochester", "state": "Minnesota", "country": "United States"})
    return {"protocolSection": {
        "identificationModule": {"nctId": nct, "briefTitle": "A study"},
        "contactsLocationsModule": {"locations": locations},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* Age 18 or older"},
    }}


def _read(tmp_path, study: dict) -> list[dict]:
    path = tmp_path / f"{study['protocolSection']['identificationModule']['nctId']}.json"
    path.write_text(json.dumps(study))
    return run.read_files([path], parse=lambda text, kind: REVIEW_RULE)


def test_reimporting_a_study_with_unnamed_sites_changes_nothing(tmp_path):
    first = run.plan(_read(tmp_path, _study()), [])
    stored = [(first[0].record, "import")]
    assert [s["city"] for s in stored[0][0]["sites"]] == ["Atlanta", "Nashville", "Atlanta", "Dallas", "Rochester"]
    for _ in range(3):
        again = run.plan(_read(tmp_path, _study()), stored)
        assert again[0].action == "unchanged"
        assert json.dumps(again[0].record, sort_keys=True) == json.dumps(stored[0][0], sort_keys=True)
        stored = [(again[0].record, "import")]


def test_an_unnamed_site_in_another_place_is_still_added():
    record = _read_plain()
    other = json.loads(json.dumps(record))
    other["sites"][0]["city"] = "Boston"
    merged = merge_pair(record, other, "import")
    assert [s["city"] for s in merged["sites"]] == ["Boston", "Nashville", "Atlanta", "Dallas", "Rochester", "Atlanta"]


def _read_plain() -> dict:
    return study_to_record(_study(), "x.json", "x.json", lambda text, kind: REVIEW_RULE)


def test_a_run_validates_a_new_record_once(tmp_path, monkeypatch):
    records = _read(tmp_path, _study()) + _read(tmp_path, _study("NCT09900022"))
    calls = []
    real = run.validate_record
    monkeypatch.setattr(run, "validate_record", lambda record, where: calls.append(where) or real(record, where))
    outcomes = run.plan(records, [])
    assert [o.action for o in outcomes] == ["new", "new"] and calls == []
    # a study merged from two records of the run, and a merge into a stored trial, are validated
    run.plan(records + _read(tmp_path, _study()), [])
    assert calls == ["import NCT09900021"]
    run.plan(records[:1], [(outcomes[0].record, "import")])
    assert calls == ["import NCT09900021", "import NCT09900021"]
