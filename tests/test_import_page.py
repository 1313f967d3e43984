"""Registry pages saved as text -> trial records (registry/page.py): the five seed
pages of tests/data/seeds/ give four studies that agree with the curated records in
data/trials/, and the heuristics (headings as data) work on a layout of their own."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.errors import DataError
from registry.criteria_text import REVIEW_RULE, walk
from registry.merge import merge_run
from registry.page import import_file, page_to_record
from data.trials import load_trials

SEEDS = Path(__file__).parent / "data" / "seeds"
REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731


def _seed(prefix):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    (record,) = import_file(path, parse=REVIEW)
    return record


def _norm(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def studies():
    """The five seed pages imported and merged: one record per study."""
    records = [import_file(path, parse=REVIEW)[0] for path in sorted(SEEDS.glob("*.txt"))]
    return [record for record, _count in merge_run(records)]


@pytest.fixture(scope="module")
def curated():
    return {record["id"]: record for record in load_trials()}


def _curated_for(imported, curated):
    """The curated record of the same study: by NCT number, else by the seed file."""
    if imported["nct_id"]:
        return curated[imported["nct_id"]]
    files = {s.split(" ", 1)[1] for s in imported["sources"]}
    (match,) = [c for c in curated.values() if files & {s.split(" ", 1)[1] for s in c["sources"]}]
    return match


def test_five_seed_pages_are_four_studies(studies):
    assert len(studies) == 4
    merged = [s for s in studies if len(s["sources"]) == 2]
    assert [sorted(s["sources"]) for s in merged] == [["page 000_3ee26ca7e77bbaeb.txt", "page 001_f641ecdbc2fec890.txt"]]


def test_nct_numbers_as_shown_and_never_invented(studies, curated):
    by_source = {s["sources"][0].split(" ", 1)[1][:3]: s for s in studies}
    assert by_source["003"]["nct_id"] == curated["NCT05030779"]["nct_id"]
    assert by_source["004"]["nct_id"] == curated["NCT07193667"]["nct_id"]  # not the related trials' NCTs
    # 000/001 and 002 print no NCT number: the import leaves it unknown
    assert by_source["002"]["nct_id"] is None and by_source["002"]["id"].startswith("local-")
    assert next(s for s in studies if len(s["sources"]) == 2)["nct_id"] is None


def test_titles_match_the_curated_records(studies, curated):
    for study in studies:
        expected = _curated_for(study, curated)
        if study.get("title_note"):  # 002 shows no title: a placeholder naming the page
            assert study["title"] == "Untitled study (002_cc188eb8ecb2188a.txt)"
            continue
        assert study["title"] == expected["title"]


def test_every_curated_criterion_text_is_among_the_imported_ones(studies, curated):
    for study in studies:
        expected = _curated_for(study, curated)
        imported = {_norm(c["text"]) for c in walk(study["criteria"])}
        missing = [c["id"] for c in walk(expected["criteria"])
                   if c.get("verbatim", True) and _norm(c["text"]) not in imported]
        assert missing == [], f"{expected['id']}: curated criteria not imported: {missing}"


def test_enrolment_status_and_site_cities_match(studies, curated):
    for study in studies:
        expected = _curated_for(study, curated)
        assert study["enrollment"]["count"] == expected["enrollment"]["count"]
        if study["status"] is not None:  # 000/001 show only a site's status, not the study's
            assert study["status"] == expected["status"]
        assert {s["city"] for s in study["sites"] if s["city"]} == {s["city"] for s in expected["sites"] if s["city"]}


def test_ages_sex_and_design_of_004():
    r = _seed("004")
    assert r["eligibility"] == {"min_age_years": 18, "max_age_years": 65, "sex": "ALL", "healthy_volunteers": False}
    assert next(c for c in r["criteria"] if c["id"] == "inc-age")["rule"] == {"type": "age", "min": 18, "max": 65}
    assert r["design"] == {"allocation": "NA", "purpose": "TREATMENT", "masking": "NONE", "model": "SINGLE_GROUP"}
    assert (r["status"], r["phase"], r["dates"]["last_updated"]) == ("RECRUITING", "NA", "2025-09-26")
    assert [s["name"] for s in r["sponsors"]] == ["First Affiliated Hospital of China Medical University", "ShenZhen Cell Valley"]
    assert r["other_ids"] == [{"id": "2024-757-2", "type": "org_study_id"}]


def test_site_without_a_heading_and_glued_status_of_000():
    r = _seed("000")
    assert [(s["facility"], s["city"], s["region"], s["country"], s["status"]) for s in r["sites"]] == [
        ("The first affiliated hospital of medical college of zhejiang university", "Hangzhou", "Zhejiang", "China", "RECRUITING"),
    ]
    # the status glued to the first outcome measure is cut off it
    assert r["outcomes"]["unclassified"][0]["measure"] == "Dose-limiting toxicity (DLT)"
    assert len(r["outcomes"]["unclassified"]) == 7


def test_contacts_of_002_without_invented_phone_numbers():
    r = _seed("002")
    assert r["contacts"] == [
        {"name": "Yun Kang", "role": "central", "phone": None, "email": None},
        {"name": "Mei Heng, M.D., Ph.D", "role": "central", "phone": None, "email": None},
    ]
    assert r["enrollment"]["count"] == 80  # "80 participants in 1 patient group"


def test_page_without_nct_gets_a_stable_local_id():
    first, second = _seed("002"), _seed("002")
    assert first["id"] == second["id"] and first["id"].startswith("local-")
    assert _seed("000")["id"] != first["id"]


OTHER_LAYOUT = """\
Phase 2 Study of Anti-CD19 CAR-T in Refractory Myositis
Overall Status: Not yet recruiting
NCT Number: NCT09900020
Conditions
Dermatomyositis
Polymyositis
Enrollment: 30 patients
Eligibility
Key Inclusion Criteria
1. Age 18-70 years;
2. Refractory myositis, defined as:
a) failure of glucocorticoids;
b) failure of at least one immunosuppressant.
Key Exclusion Criteria
1. Active hepatitis B.
Minimum Age: 18 Years
Maximum Age: 70 Years
Sex: Female
Study Locations
Example Myositis Centre
Munich, Bavaria, Germany
Recruiting
Contact: Dr. Example, +49 89 0000 0000, myositis@example.org
Study Sites
Second Example University Hospital
Berlin, Germany
Site contact: Dr. Berlin, +49 30 1234 5678
"""


def test_a_layout_of_its_own_is_read_by_its_headings():
    r = page_to_record(OTHER_LAYOUT, "other.txt", parse=REVIEW)
    assert (r["id"], r["status"], r["enrollment"]["count"]) == ("NCT09900020", "NOT_YET_RECRUITING", 30)
    assert r["conditions"] == ["dermatomyositis", "polymyositis"]
    assert r["eligibility"]["min_age_years"] == 18 and r["eligibility"]["max_age_years"] == 70
    assert r["eligibility"]["sex"] == "FEMALE"
    assert [(c["id"], c["text"]) for c in walk(r["criteria"]) if c["verbatim"]] == [
        ("inc-1", "Age 18-70 years;"),
        ("inc-2", "Refractory myositis, defined as:"),
        ("inc-2.1", "failure of glucocorticoids;"),
        ("inc-2.2", "failure of at least one immunosuppressant."),
        ("exc-1", "Active hepatitis B."),
    ]
    site, second = r["sites"]
    assert (site["facility"], site["city"], site["country"], site["status"]) == (
        "Example Myositis Centre", "Munich", "Germany", "RECRUITING")
    assert (second["facility"], second["city"], second["region"], second["status"]) == (
        "Second Example University Hospital", "Berlin", None, None)
    assert second["contacts"] == [{"name": "Dr. Berlin", "role": "site", "phone": "+49 30 1234 5678", "email": None}]
    # "Contact: ..." is a heading of its own: a trial contact, phone and e-mail as written
    assert r["contacts"] == [{"name": "Dr. Example", "role": "contact", "phone": "+49 89 0000 0000",
                              "email": "myositis@example.org"}]


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"hello\x00world", "binary"),
    (b"\xff\xfe\xfa\xfb", "not UTF-8"),
    (b"just some words\nwith no registry headings at all\n", "does not look like a registry page"),
    (b"Title\nInclusion Criteria\n" + b"x" * 150_000 + b"\n", "too long"),
    (b"x\n" * 1_100_000, "larger than"),
])
def test_bad_pages_fail_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        import_file(path, parse=REVIEW)
    assert message in str(info.value) and "page.txt" in str(info.value)


def test_field_lines_inside_the_criteria_do_not_end_them():
    page = ("Lupus CAR-T Study\nInclusion Criteria:\n- Adult;\nSex: All\n"
            "Conditions: active lupus nephritis is allowed;\n- Signed consent.\nExclusion Criteria:\n- HIV.\n")
    r = page_to_record(page, "fields.txt", parse=REVIEW)
    assert r["eligibility"]["sex"] == "ALL"
    assert [c["text"] for c in walk(r["criteria"])] == [
        "Adult;", "Conditions: active lupus nephritis is allowed;", "Signed consent.", "HIV.",
    ]


_PIECES = st.sampled_from([
    "Inclusion Criteria:", "Exclusion Criteria", "- ", "* ", "1. ", "a. ", "i) ", "ii) ", "Status", "RECRUITING",
    "Enrollment", "75", "Locations", "Hangzhou, Zhejiang, China", "Example Hospital", "Time frame: 2 years",
    "NCT09900001", "any of the above 2", "meet any of the following:", "Recurrence: x", "18 Years", "ALL", "No",
    ":", "Sex: All", "Contact: A, +1 555 0100 1234", "Conditions", "Lupus", "", "E. coli", "Arm 1", "Experimental",
])


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=4).map(" ".join) | st.text(max_size=40), max_size=25))
def test_any_text_gives_a_valid_record_or_a_clear_error(lines):
    try:
        record = page_to_record("\n".join(lines), "fuzz.txt", parse=REVIEW)
    except DataError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    texts = [c["text"] for c in walk(record["criteria"])]
    assert all(t.strip() for t in texts)


def test_an_nct_number_cited_in_a_sentence_is_not_the_studys():
    page = ("CAR-T Follow-up Study\nBrief Summary\nLong-term follow-up of patients treated in NCT09900001.\n"
            "Inclusion Criteria:\n- Treated in the parent study.\n")
    r = page_to_record(page, "cited.txt", parse=REVIEW)
    assert r["nct_id"] is None and r["id"].startswith("local-car-t-follow-up-study-")
