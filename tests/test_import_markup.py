"""Registry text with markup or a wrong decoding is read as written (registry.record.repair_text):
real records write "LVEF \\&lt; 50%" and "HÃ©matologie"; a submitter may paste HTML."""
import json

import pytest

from registry.ctgov import import_file
from registry.record import repair_text


@pytest.mark.parametrize("text, expected", [
    ("LVEF \\&lt; 50% at screening", "LVEF \\< 50% at screening"),          # NCT03256916
    ("CHU De Nantes - HÃ©matologie C", "CHU De Nantes - Hématologie C"),    # NCT04576156
    ("SjÃ¶grenâ€™s syndrome", "Sjögren’s syndrome"),
    ("Ã¢â€°Â¥ 18 years", "≥ 18 years"),                                     # decoded wrongly twice
    ("cafÃ© ECOG ≤ 2", "café ECOG ≤ 2"),                                   # beside a right character
    ("<b>Inclusion</b> Criteria:<br>Age &gt;= 18", "Inclusion Criteria:\nAge >= 18"),
    ("<ul><li>ECOG 0-1</li></ul>", "\n\n* ECOG 0-1\n\n"),
])
def test_markup_entities_and_misdecoded_text_are_repaired(text, expected):
    assert repair_text(text) == expected


@pytest.mark.parametrize("text", ["age < 18 years and ANC<1.5 x 10^9/L", "AT&T", "Behçet's disease, naïve",
                                  "≥ 18 ünd café", "Ã alone", "a <b and c> d"])
def test_text_that_needs_no_repair_is_left_alone(text):
    assert repair_text(text) == text


def test_an_imported_study_reads_its_criteria_and_sites_repaired(tmp_path):
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09900011", "briefTitle": "T"},
        "eligibilityModule": {"eligibilityCriteria": "<b>Inclusion</b> Criteria:<br>* Age &gt;= 18 years\n* ECOG \\&lt;= 2"},
        "contactsLocationsModule": {"locations": [{"facility": "Hopital Avicenne - HÃ©matologie Clinique", "city": "Bobigny",
                                                   "country": "France"}]}}}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(study))
    (record,) = import_file(path)
    texts = [c["text"] for c in record["criteria"]]
    assert "Age >= 18 years" in texts
    age = next(c for c in record["criteria"] if c["text"] == "Age >= 18 years")
    assert age["rule"] == {"type": "age", "min": 18}
    assert record["sites"][0]["facility"] == "Hopital Avicenne - Hématologie Clinique"
