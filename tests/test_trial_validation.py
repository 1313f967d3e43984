"""A bad trial record fails at load time with a message naming the file, the criterion id
and the field, so a curator can fix it without reading code."""
from __future__ import annotations

import copy

import pytest
import yaml

from data.errors import DataError
from data.trials import load_trials, validate_record


def _record(**overrides) -> dict:
    record = {
        "id": "NCT01234567",
        "nct_id": "NCT01234567",
        "sources": ["test page"],
        "title": "A test study",
        "conditions": ["sle"],
        "criteria": [
            {"id": "inc-1", "kind": "inclusion", "text": "Systemic lupus erythematosus",
             "rule": {"type": "diagnosis", "concept": "sle"}},
            {"id": "exc-1", "kind": "exclusion", "text": "HIV or hepatitis C",
             "rule": {"any": [{"type": "infection", "agent": "hiv", "state": "positive"},
                              {"type": "infection", "agent": "hcv", "state": "active"}]}},
        ],
    }
    record.update(overrides)
    return record


def _write(directory, record: dict, name: str | None = None) -> None:
    path = directory / f"{name or record['id']}.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _load_error(tmp_path, record: dict) -> str:
    _write(tmp_path, record)
    with pytest.raises(DataError) as info:
        load_trials(tmp_path)
    return str(info.value)


def test_a_valid_record_loads_normalised(tmp_path):
    _write(tmp_path, _record(dates={"start": "2025-10-31"}))
    [record] = load_trials(tmp_path)
    assert record["summary"] is None and record["sites"] == [] and record["title_note"] is None
    assert record["dates"] == {"start": "2025-10-31", "primary_completion": None, "completion": None, "last_updated": None}
    assert record["eligibility"]["sex"] is None
    assert record["criteria"][0]["verbatim"] is True


def test_unquoted_yaml_dates_become_iso_text(tmp_path):
    (tmp_path / "NCT01234567.yaml").write_text(
        yaml.safe_dump(_record(), sort_keys=False) + "dates: {start: 2025-10-31}\n", encoding="utf-8")
    [record] = load_trials(tmp_path)
    assert record["dates"]["start"] == "2025-10-31"


def test_unknown_top_level_field_names_file_and_field(tmp_path):
    message = _load_error(tmp_path, _record(phasee="NA"))
    assert message.startswith("NCT01234567.yaml: phasee: unknown field")


def test_unknown_nested_field_names_its_path(tmp_path):
    message = _load_error(tmp_path, _record(sites=[{"facility": "X", "postcode": "123"}]))
    assert message.startswith("NCT01234567.yaml: sites[0].postcode: unknown field")


def test_missing_required_field(tmp_path):
    record = _record()
    del record["title"]
    assert _load_error(tmp_path, record).startswith("NCT01234567.yaml: title: required field is missing")


def test_unknown_criterion_field_names_criterion_and_field(tmp_path):
    record = _record()
    record["criteria"][0]["rationale"] = "x"
    assert _load_error(tmp_path, record).startswith("NCT01234567.yaml: criterion inc-1: rationale: unknown field")


def test_unknown_leaf_type_names_criterion_and_rule_path(tmp_path):
    record = _record()
    record["criteria"][1]["rule"]["any"][0] = {"type": "lab_value", "analyte": "alt"}
    message = _load_error(tmp_path, record)
    assert message.startswith("NCT01234567.yaml: criterion exc-1: rule.any[0].type: unknown leaf type 'lab_value'")


def test_unknown_leaf_field(tmp_path):
    record = _record()
    record["criteria"][0]["rule"]["since"] = "2019"
    assert _load_error(tmp_path, record).startswith("NCT01234567.yaml: criterion inc-1: rule.since: unknown field")


def test_unknown_concept_names_the_field(tmp_path):
    record = _record()
    record["criteria"][1]["rule"]["any"][1]["agent"] = "hepatitis_z"
    message = _load_error(tmp_path, record)
    assert message.startswith("NCT01234567.yaml: criterion exc-1: rule.any[1].agent: unknown concept 'hepatitis_z'")


def test_concept_of_the_wrong_category(tmp_path):
    record = _record()
    record["criteria"][0]["rule"] = {"type": "diagnosis", "concept": "rituximab"}
    message = _load_error(tmp_path, record)
    assert message.startswith("NCT01234567.yaml: criterion inc-1: rule.concept: 'rituximab' is a therapy concept")


def test_procedure_leaf_needs_a_procedure(tmp_path):
    record = _record()
    record["criteria"][0]["rule"] = {"type": "procedure", "concept": "rituximab"}
    assert "is a drug, not a procedure" in _load_error(tmp_path, record)


def test_lab_unit_must_be_one_the_analyte_knows(tmp_path):
    record = _record()
    record["criteria"][0]["rule"] = {"type": "lab", "analyte": "creatinine", "op": ">", "value": 2.5, "unit": "mg/dl"}
    message = _load_error(tmp_path, record)
    assert message.startswith("NCT01234567.yaml: criterion inc-1: rule.unit: 'mg/dl' is not a unit of creatinine")


def test_score_value_outside_its_range(tmp_path):
    record = _record()
    record["criteria"][0]["rule"] = {"type": "score", "score": "ecog", "op": "<=", "value": 7}
    assert "rule.value: 7 is outside the ecog range 0-5" in _load_error(tmp_path, record)


def test_unknown_condition_concept(tmp_path):
    message = _load_error(tmp_path, _record(conditions=["lupus"]))
    assert message.startswith("NCT01234567.yaml: conditions[0]: 'lupus' is not a condition concept")


def test_duplicate_criterion_ids(tmp_path):
    record = _record()
    record["criteria"][1]["id"] = "inc-1"
    assert _load_error(tmp_path, record).startswith("NCT01234567.yaml: criterion inc-1: id: duplicate criterion id")


def test_a_criterion_has_a_rule_or_children_not_both(tmp_path):
    record = _record()
    record["criteria"][0]["combine"] = "any"
    record["criteria"][0]["children"] = [{"id": "inc-1.1", "text": "x", "rule": {"type": "review", "reason": "other"}}]
    assert "criterion inc-1: a criterion has either 'rule' or 'combine' with 'children'" in _load_error(tmp_path, record)


def test_a_criterion_needs_a_rule_or_children(tmp_path):
    record = _record()
    del record["criteria"][0]["rule"]
    assert "criterion inc-1: a criterion has either" in _load_error(tmp_path, record)


def test_children_inherit_kind_and_nest_their_ids(tmp_path):
    group = {"id": "inc-1", "kind": "inclusion", "text": "any of", "combine": "any",
             "children": [{"id": "inc-1.1", "text": "SLE", "rule": {"type": "diagnosis", "concept": "sle"}}]}
    _write(tmp_path, _record(criteria=[group]))
    [record] = load_trials(tmp_path)
    assert record["criteria"][0]["children"][0]["kind"] == "inclusion"

    bad = copy.deepcopy(group)
    bad["children"][0]["id"] = "inc-2"
    assert "criterion inc-2: id: a child of inc-1 must have an id starting inc-1." in _load_error(tmp_path, _record(criteria=[bad]))

    bad = copy.deepcopy(group)
    bad["children"][0]["kind"] = "exclusion"
    assert "criterion inc-1.1: kind: a child has its parent's kind" in _load_error(tmp_path, _record(criteria=[bad]))


def test_nct_id_must_match_an_nct_record_id(tmp_path):
    message = _load_error(tmp_path, _record(nct_id="NCT07654321"))
    assert message.startswith("NCT01234567.yaml: nct_id: must equal the id NCT01234567")


def test_local_ids_have_a_fixed_form(tmp_path):
    record = _record(id="Local_Study", nct_id=None)
    assert "id: 'Local_Study' must be the NCT number or 'local-<slug>'" in _load_error(tmp_path, record)


def test_the_file_is_named_after_the_id(tmp_path):
    _write(tmp_path, _record(), name="study")
    with pytest.raises(DataError, match=r"^study.yaml: id: the file must be named after the record's id"):
        load_trials(tmp_path)


def test_one_study_one_file(tmp_path):
    _write(tmp_path, _record())
    _write(tmp_path, _record(id="local-same-study", nct_id="NCT01234567"))
    with pytest.raises(DataError, match="NCT01234567 is already described by NCT01234567.yaml"):
        load_trials(tmp_path)


def test_broken_yaml_names_file_and_line(tmp_path):
    (tmp_path / "NCT01234567.yaml").write_text("id: NCT01234567\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^NCT01234567.yaml:\d+: not valid YAML"):
        load_trials(tmp_path)


def test_validate_record_names_any_source_and_leaves_the_input_alone():
    record = _record()
    original = copy.deepcopy(record)
    assert validate_record(record, "import study.json[2]")["id"] == "NCT01234567"
    assert record == original
    record["criteria"][0]["rule"] = {"type": "diagnosis"}
    with pytest.raises(DataError, match=r"^import study.json\[2\]: criterion inc-1: rule.concept: required"):
        validate_record(record, "import study.json[2]")
