"""ClinicalTrials.gov API v2 JSON -> trial records (registry/ctgov.py), from the
fixtures in tests/data/ctgov/ (fictional studies in the API's format; no network)."""
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.errors import DataError
from registry.criteria_text import REVIEW_RULE, walk
from registry.ctgov import import_file, study_to_record

FIXTURES = Path(__file__).parent / "data" / "ctgov"
REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731


def _one(name):
    records = import_file(FIXTURES / name, parse=REVIEW)
    assert len(records) == 1
    return records[0]


def test_single_study_fields():
    r = _one("single_study.json")
    assert r["id"] == r["nct_id"] == "NCT09900001"
    assert r["sources"] == ["ctgov single_study.json"]
    assert r["title"] == "CD19 CAR-T Cells in Refractory Systemic Lupus Erythematosus"
    assert r["official_title"].startswith("An Open-label, Single-arm Study")
    assert r["acronym"] == "FIX-SLE"
    assert (r["status"], r["phase"], r["study_type"]) == ("RECRUITING", "PHASE1/PHASE2", "INTERVENTIONAL")
    assert r["design"] == {"allocation": "NA", "purpose": "TREATMENT", "masking": "NONE", "model": "SINGLE_GROUP"}
    assert r["enrollment"] == {"count": 24, "type": "ESTIMATED"}
    assert r["dates"] == {"start": "2025-03-01", "primary_completion": "2026-12", "completion": "2027-06-30",
                          "last_updated": "2025-05-20"}
    assert r["eligibility"] == {"min_age_years": 18, "max_age_years": 65, "sex": "ALL", "healthy_volunteers": False}
    assert r["sponsors"] == [
        {"name": "Example University Hospital", "class": "OTHER", "role": "lead"},
        {"name": "Example Cell Therapeutics", "class": "INDUSTRY", "role": "collaborator"},
    ]
    assert r["other_ids"] == [{"id": "FIX-2025-001", "type": "org_study_id"}, {"id": "CTR20250001", "type": "other"}]
    assert r["arms"] == [{"label": "CD19 CAR-T", "type": "EXPERIMENTAL", "description": "One infusion of CD19 CAR-T cells."}]
    assert [o["measure"] for o in r["outcomes"]["primary"]] == ["Dose-limiting toxicity"]
    assert r["outcomes"]["secondary"][0] == {"measure": "SLEDAI-2K change from baseline", "description": None,
                                             "time_frame": "6 months"}
    assert [o["measure"] for o in r["outcomes"]["unclassified"]] == ["CAR-T cell expansion"]


def test_conditions_become_concepts_where_they_match_and_stay_as_written():
    r = _one("single_study.json")
    assert r["conditions"] == ["sle", "lupus_nephritis"]  # lupus nephritis is its own concept (under sle); the third matches nothing
    assert r["conditions_text"] == ["Systemic Lupus Erythematosus", "Lupus Nephritis", "Refractory Disease Of Unknown Kind"]


def test_target_antigens_come_from_intervention_names():
    r = _one("single_study.json")
    assert [(i["name"], i["target_antigens"]) for i in r["interventions"]] == [
        ("CD19 CAR-T cells", ["CD19"]), ("Fludarabine", []),
    ]


def test_contacts_and_locations_with_geopoint():
    r = _one("locations_contacts.json")
    assert r["contacts"] == [
        {"name": "Ann Central", "role": "central", "phone": "+86 571 0000 0000", "email": "ann.central@example.org"},
        {"name": "Bo Backup", "role": "central", "phone": None, "email": "bo.backup@example.org"},
        {"name": "Chen Official", "role": "study_director", "phone": None, "email": None},
    ]
    north, south = r["sites"]
    assert (north["facility"], north["city"], north["region"], north["country"], north["status"]) == (
        "Example Hospital North", "Hangzhou", "Zhejiang", "China", "RECRUITING")
    assert (north["lat"], north["lon"]) == (30.29365, 120.16142)
    assert north["contacts"] == [
        {"name": "Dai Site", "role": "contact", "phone": "+86 571 1111 1111 ext. 204", "email": None},
        {"name": "Eve Investigator", "role": "principal_investigator", "phone": None, "email": None},
    ]
    # what the registry does not give stays null: no invented region, coordinates or contacts
    assert (south["region"], south["lat"], south["lon"], south["contacts"]) == (None, None, None, [])


def test_criteria_split_with_nesting():
    r = _one("nested_criteria.json")
    outline = [(c["id"], c.get("combine"), c["text"]) for c in walk(r["criteria"])]
    assert outline[:13] == [
        ("inc-1", None, "Age 18 to 65 years at the time of signing informed consent."),
        ("inc-2", None, "Diagnosis of systemic lupus erythematosus meeting the 2019 EULAR/ACR classification criteria."),
        ("inc-3", "any", "Active disease despite standard therapy, defined as one of the following:"),
        ("inc-3.1", None, r"SLEDAI-2K score \>= 8 at screening;"),
        ("inc-3.2", None, "At least one BILAG A or two BILAG B organ domain scores."),
        ("inc-4", "all", "Adequate organ function:"),
        ("inc-4.1", None, "Absolute neutrophil count >= 1.0 x 10^9/L;"),
        ("inc-4.2", None, "Platelets >= 50 x 10^9/L;"),
        ("inc-4.3", "all", "Hepatic function:"),
        ("inc-4.3.1", None, "ALT and AST <= 3 x ULN;"),
        ("inc-4.3.2", None, "Total bilirubin <= 1.5 x ULN."),
        ("inc-5", "all", "Prior treatment, including: i) glucocorticoids; ii) at least one immunosuppressant."),
        ("inc-5.1", None, "glucocorticoids;"),
    ]
    exclusions = [(c["id"], c["text"]) for c in walk(r["criteria"]) if c["kind"] == "exclusion"]
    assert exclusions == [
        ("exc-1", "Active infection requiring systemic treatment."),
        ("exc-2", "Any of the following infections:"),
        ("exc-2.1", "HIV;"), ("exc-2.2", "hepatitis B surface antigen positive;"), ("exc-2.3", "hepatitis C RNA positive."),
        ("exc-3", "Prior CAR-T cell therapy or other gene therapy."),
        ("exc-4", "Pregnant or breastfeeding women."),
    ]


def test_every_line_of_the_eligibility_text_is_a_criterion():
    r = _one("nested_criteria.json")
    raw = json.loads((FIXTURES / "nested_criteria.json").read_text())
    text = raw["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    lines = [line.strip().lstrip("*").strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if line not in ("Inclusion Criteria:", "Exclusion Criteria:")]
    texts = " ".join(c["text"] for c in walk(r["criteria"]))
    for line in lines:
        body = line.split(" ", 1)[1] if line[:2] in ("1.", "2.", "3.", "a.", "b.") else line
        assert body in texts


def test_ages_become_age_leaves_and_eligibility_fields():
    r = _one("nested_criteria.json")
    age = next(c for c in r["criteria"] if c["id"] == "inc-age")
    assert age["rule"] == {"type": "age", "min": 18, "max": 65}
    assert age["verbatim"] is False
    # placed after the last inclusion criterion, before the exclusions
    kinds = [c["kind"] for c in r["criteria"]]
    assert kinds.index("exclusion") == [c["id"] for c in r["criteria"]].index("inc-age") + 1


def test_bundle_of_studies_months_and_sex_limits():
    first, second = import_file(FIXTURES / "bundle.json", parse=REVIEW)
    assert (first["id"], second["id"]) == ("NCT09900002", "NCT09900003")
    assert first["eligibility"]["min_age_years"] == 0.5  # "6 Months"
    assert first["conditions"] == ["t_all", "t_lbl"]
    assert first["interventions"][0]["target_antigens"] == ["CD7"]
    assert second["conditions"] == ["itp"]  # "Immune Thrombocytopenia (ITP)"
    assert second["interventions"][0]["target_antigens"] == ["BCMA"]
    leaves = {c["id"]: c["rule"] for c in second["criteria"] if not c["verbatim"]}
    assert leaves == {"inc-age": {"type": "age", "min": 18}, "inc-sex": {"type": "sex", "allowed": ["female"]}}


def test_missing_fields_stay_null(tmp_path):
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps({"protocolSection": {"identificationModule": {"nctId": "NCT09900009", "briefTitle": "Minimal"}}}))
    (r,) = import_file(path, parse=REVIEW)
    assert (r["status"], r["phase"], r["summary"], r["enrollment"]["count"]) == (None, None, None, None)
    assert r["eligibility"] == {"min_age_years": None, "max_age_years": None, "sex": None, "healthy_volunteers": None}
    assert (r["criteria"], r["sites"], r["contacts"], r["sponsors"]) == ([], [], [], [])


@pytest.mark.parametrize("name, where, message", [
    ("malformed_syntax.json", "malformed_syntax.json:1", "not valid JSON"),
    ("malformed_schema.json", "protocolSection.statusModule.overallStatus", "expected text, got a list"),
    ("not_a_study.json", "not_a_study.json", "not a ClinicalTrials.gov API v2 study"),
    ("empty_studies.json", "empty_studies.json", "holds no studies"),
    ("malformed_study.json", "studies[0]", "no protocolSection object"),
])
def test_malformed_fixtures_fail_naming_file_and_field(name, where, message):
    with pytest.raises(DataError) as info:
        import_file(FIXTURES / name, parse=REVIEW)
    assert where in str(info.value) and message in str(info.value)
    assert name in str(info.value)


def _study(**eligibility):
    return {"protocolSection": {"identificationModule": {"nctId": "NCT09900010", "briefTitle": "T"},
                                "eligibilityModule": eligibility}}


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\xff\xfe\xfd not utf-8", "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (json.dumps({"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}).encode(), "nested too deeply"),
    (json.dumps(_study(eligibilityCriteria="x" * 200_000)).encode(), "longer than the"),
    (json.dumps(_study(minimumAge="eighteen")).encode(), "is not an age"),
    (json.dumps(_study(minimumAge="65 Years", maximumAge="18 Years")).encode(), "above the maximum age"),
    (json.dumps({"protocolSection": {"identificationModule": {"nctId": "12345"}}}).encode(), "not an NCT number"),
])
def test_bad_content_fails_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        import_file(path, parse=REVIEW)
    assert message in str(info.value) and "bad.json" in str(info.value)


def test_missing_file_fails_with_a_clear_message(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        import_file(tmp_path / "absent.json")


def test_with_the_default_parser_every_rule_is_valid_or_review():
    # whatever nlp.criteria.parser does (or if it does not exist yet), records validate
    for name in ("single_study.json", "nested_criteria.json", "bundle.json"):
        for record in import_file(FIXTURES / name):
            for criterion in walk(record["criteria"]):
                assert ("rule" in criterion) != ("children" in criterion)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from([
        "nctId", "briefTitle", "overallStatus", "date", "count", "name", "locations", "contacts", "geoPoint",
        "lat", "lon", "conditions", "phases", "minimumAge", "eligibilityCriteria", "facility"]), children, max_size=4),
    max_leaves=20,
)
_MODULES = st.fixed_dictionaries({}, optional={name: _VALUES for name in (
    "identificationModule", "statusModule", "designModule", "eligibilityModule", "contactsLocationsModule",
    "conditionsModule", "armsInterventionsModule", "outcomesModule", "sponsorCollaboratorsModule")})


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(_MODULES)
def test_any_study_shape_gives_a_valid_record_or_a_clear_error(protocol):
    try:
        study_to_record({"protocolSection": protocol}, "fuzz.json", "", parse=REVIEW)
    except DataError as exc:
        assert str(exc).startswith("fuzz.json")


def _eligibility(tmp_path, **fields):
    path = tmp_path / "study.json"
    path.write_text(json.dumps(_study(**fields)))
    (record,) = import_file(path, parse=REVIEW)
    age = next((c["rule"] for c in record["criteria"] if c["id"] == "inc-age"), None)
    return record["eligibility"], age


def test_a_minimum_age_in_months_keeps_its_value_and_excludes_no_infant(tmp_path):
    eligibility, age = _eligibility(tmp_path, minimumAge="3 Months", maximumAge="17 Years")
    assert eligibility["min_age_years"] == 0.25 and eligibility["max_age_years"] == 17
    # whole years: a 4-month-old (age 0) is not excluded; age 0 is the team's (1 month or 11?)
    assert age == {"all": [{"type": "age", "min": 0, "max": 17},
                           {"any": [{"type": "age", "min": 1}, {"type": "review", "reason": "clinical", "note": 'The trial team judges: "minimum age 3 Months".'}]}]}


def test_ages_in_weeks_and_days_are_converted_and_rounded_down_for_the_leaf(tmp_path):
    eligibility, age = _eligibility(tmp_path, minimumAge="28 Days", maximumAge="78 Weeks")
    assert eligibility["min_age_years"] == round(28 / 365.25, 3)
    assert eligibility["max_age_years"] == round(78 * 7 / 365.25, 3)
    assert age == {"all": [{"type": "age", "min": 0, "max": 1},
                           {"any": [{"type": "age", "min": 1}, {"type": "review", "reason": "clinical", "note": 'The trial team judges: "minimum age 28 Days".'}]},
                           {"any": [{"type": "age", "max": 0}, {"type": "review", "reason": "clinical", "note": 'The trial team judges: "maximum age 78 Weeks".'}]}]}


def test_a_minimum_in_months_alone_still_states_the_age_so_no_fraction_applies(tmp_path):
    from data.rule_nodes import registry_criteria

    eligibility, age = _eligibility(tmp_path, minimumAge="3 Months")
    assert age == {"all": [{"type": "age", "min": 0}, {"any": [{"type": "age", "min": 1}, {"type": "review", "reason": "clinical", "note": 'The trial team judges: "minimum age 3 Months".'}]}]}
    path = tmp_path / "study.json"
    (record,) = import_file(path, parse=REVIEW)
    assert not any(c["id"] == "elig-age" for c in registry_criteria(record))


def test_sex_and_healthy_volunteers_come_from_the_structured_fields(tmp_path):
    eligibility, age = _eligibility(tmp_path, sex="FEMALE", minimumAge="18 Years", healthyVolunteers=True)
    assert eligibility == {"min_age_years": 18, "max_age_years": None, "sex": "FEMALE", "healthy_volunteers": True}
    assert age == {"type": "age", "min": 18}


def test_a_mesh_term_broader_than_the_trials_own_condition_adds_no_condition():
    """The registry files a breast cancer trial also under "Neoplasm Metastasis": the
    trial's conditions stay breast cancer (registry.ctgov.indexed_conditions)."""
    from registry.ctgov import indexed_conditions

    assert indexed_conditions(["breast_cancer"], ["malignancy"]) == ["breast_cancer"]
    assert indexed_conditions(["breast_cancer"], ["sle"]) == ["breast_cancer", "sle"]
    assert indexed_conditions([], ["malignancy"]) == ["malignancy"]


def test_nesting_limit_is_exact():
    # the top value is level 1: values at MAX_DEPTH levels pass, one level more is refused,
    # a scalar as well as an empty container
    from registry.ctgov import _check_depth
    from registry.record import MAX_DEPTH

    def nested(levels, inner):
        value = inner
        for _ in range(levels - 1):
            value = [value]
        return value

    for inner in (1, "x", [], {}):
        _check_depth(nested(MAX_DEPTH, inner), "f.json")
        with pytest.raises(DataError, match="nested too deeply"):
            _check_depth(nested(MAX_DEPTH + 1, inner), "f.json")


def test_a_run_reads_a_repeated_criterion_once_and_hands_out_copies():
    from registry.criteria_text import default_rule_parser, reader_stamp
    from registry.run import remembering

    calls = []

    def parse(text, kind):
        calls.append((text, kind))
        return default_rule_parser()(text, kind)

    remembered = remembering(parse)
    first, again = remembered("Pregnancy", "exclusion"), remembered("Pregnancy", "exclusion")
    other = remembered("Pregnancy", "inclusion")
    assert calls == [("Pregnancy", "exclusion"), ("Pregnancy", "inclusion")]
    assert first == again and first is not again
    assert other == default_rule_parser()("Pregnancy", "inclusion")
    stamped = remembering(default_rule_parser())
    assert reader_stamp(stamped.__wrapped__) == reader_stamp(None)
