"""The terminology loads, validates, and answers is-a and unit questions."""
import pytest

from data.errors import DataError
from data.terminology import load_terminology, read_terminology


def test_bundled_terminology_loads():
    terms = load_terminology()
    assert "sle" in terms and "rituximab" in terms and "creatinine" in terms


def test_hierarchy():
    terms = load_terminology()
    assert terms.is_a("dermatomyositis", "inflammatory_myopathy")
    assert terms.is_a("rituximab", "biologic")
    assert terms.is_a("car_t", "gene_therapy")
    assert terms.is_a("infliximab", "immunosuppressant")
    assert not terms.is_a("sle", "inflammatory_myopathy")


def test_unit_conversion_to_canonical():
    terms = load_terminology()
    assert terms.to_canonical("creatinine", 265, "umol/L") == pytest.approx(3.0, abs=0.01)
    assert terms.to_canonical("hemoglobin", 9, "g/dL") == pytest.approx(90)
    assert terms.to_canonical("platelets", 25000, "/uL") == pytest.approx(25)
    assert terms.to_canonical("creatinine", 1, "furlongs") is None


def _write(tmp_path, text):
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_unknown_field_names_file_and_field(tmp_path):
    _write(tmp_path, "category: condition\nconcepts:\n  - id: a\n    colour: red\n")
    with pytest.raises(DataError) as err:
        read_terminology(tmp_path)
    assert "x.yaml" in str(err.value) and "colour" in str(err.value)


def test_unknown_parent_is_rejected(tmp_path):
    _write(tmp_path, "category: condition\nconcepts:\n  - id: a\n    parents: [nowhere]\n")
    with pytest.raises(DataError) as err:
        read_terminology(tmp_path)
    assert "nowhere" in str(err.value)


def test_duplicate_id_is_rejected(tmp_path):
    _write(tmp_path, "category: condition\nconcepts:\n  - id: a\n  - id: a\n")
    with pytest.raises(DataError) as err:
        read_terminology(tmp_path)
    assert "duplicate" in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path):
    _write(tmp_path, "category: condition\nconcepts: [\n")
    with pytest.raises(DataError) as err:
        read_terminology(tmp_path)
    assert "x.yaml" in str(err.value) and "not valid YAML" in str(err.value)
