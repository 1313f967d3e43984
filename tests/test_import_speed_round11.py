"""Import speed, round 11 (issue #15): a study's JSON is written out for its local id only
when the study has neither an NCT number nor a title; the records stay the same."""
from __future__ import annotations

import json

from registry.criteria_text import REVIEW_RULE
from registry.ctgov import study_to_record
from registry.record import finish, local_id, new_record, source_name

REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731


def _study(identification: dict) -> dict:
    return {"protocolSection": {"identificationModule": identification,
                                "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n* Adults"}}}


def _record(nct: str | None, title: str | None) -> dict:
    record = new_record(source_name("ctgov", "x.json"))
    record["nct_id"], record["title"] = nct, title
    return record


def test_the_text_is_written_out_only_for_a_study_with_neither_nct_number_nor_title():
    calls = []

    def text() -> str:
        calls.append(1)
        return '{"protocolSection": {}}'

    assert finish(_record("NCT09900011", "A title"), "x.json", "x.json", text=text)["id"] == "NCT09900011"
    assert finish(_record(None, "A title"), "x.json", "x.json", text=text)["id"] == local_id("A title", "")
    assert calls == []
    untitled = finish(_record(None, None), "x.json", "x.json", text=text)
    assert calls == [1]
    assert untitled["id"] == local_id(None, '{"protocolSection": {}}')


def test_a_text_given_as_a_string_gives_the_same_ids_as_a_function_giving_it():
    for nct, title in (("NCT09900012", "T"), (None, "Some study title"), (None, None)):
        as_text = finish(_record(nct, title), "x.json", "x.json", text="the study's text")
        as_function = finish(_record(nct, title), "x.json", "x.json", text=lambda: "the study's text")
        assert as_text == as_function


def test_a_study_without_nct_number_or_title_keeps_the_id_of_its_whole_json():
    study = _study({"orgStudyIdInfo": {"id": "ORG-1"}})
    record = study_to_record(study, "x.json", parse=REVIEW)
    # the id of earlier imports: the hash over the study's JSON, keys sorted
    assert record["id"] == local_id(None, json.dumps(study, sort_keys=True))
    titled = study_to_record(_study({"briefTitle": "Lupus study"}), "x.json", parse=REVIEW)
    assert titled["id"] == local_id("Lupus study", "")
    numbered = study_to_record(_study({"nctId": "NCT09900013", "briefTitle": "T"}), "x.json", parse=REVIEW)
    assert numbered["id"] == "NCT09900013"
