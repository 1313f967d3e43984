"""Same-study detection and merging (registry/merge.py): same NCT number, or a
close title plus a shared site (000 + 001), curated data winning over imports, and
re-imports that change nothing."""
import copy
from pathlib import Path

import pytest

from registry.criteria_text import REVIEW_RULE
from registry.ctgov import import_file as import_json
from registry.merge import (
    FACILITY_THRESHOLD,
    TITLE_THRESHOLD,
    merge,
    merge_pair,
    merge_run,
    same_study,
    title_score,
)
from registry.page import import_file as import_page
from registry.record import new_record
from data.trials import load_trials

HERE = Path(__file__).parent
SEEDS = HERE / "data" / "seeds"
CTGOV = HERE / "data" / "ctgov"
REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731


def _seed(prefix):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return import_page(path, parse=REVIEW)[0]


def _record(**fields):
    record = new_record("page test.txt")
    record.update(id="local-test", **fields)
    return record


def _site(facility, city=None):
    return {"facility": facility, "city": city, "region": None, "country": None, "status": None,
            "lat": None, "lon": None, "contacts": []}


def test_seed_title_scores_show_the_threshold_separates_studies():
    t0, t1, t3, t4 = (_seed(p) for p in ("000", "001", "003", "004"))
    assert title_score(t0, t1) >= TITLE_THRESHOLD          # the same study (97)
    for a, b in ((t0, t3), (t0, t4), (t1, t3), (t1, t4), (t3, t4)):
        assert title_score(a, b) < TITLE_THRESHOLD - 25    # different studies (44-62)


def test_000_and_001_are_the_same_study_by_title_and_shared_site():
    assert same_study(_seed("000"), _seed("001")) == "title+site"


def test_same_hospital_different_study_is_not_merged():
    # 000 and 003 share the Hangzhou hospital but not the title
    assert same_study(_seed("000"), _seed("003")) is None


def test_close_title_without_a_shared_site_is_not_the_same_study():
    title = "CD7 CAR-T in Autoimmune Disease"
    a = _record(title=title, sites=[_site("Example Hospital", "Hangzhou")])
    b = _record(title=title, sites=[_site("Example Hospital", "Shenyang")])
    c = _record(title=title, sites=[])
    assert same_study(a, b) is None and same_study(a, c) is None


def test_facility_spellings_of_one_hospital_match():
    a = _record(title="T", sites=[_site("The first affiliated hospital of medical college of zhejiang university", "Hangzhou")])
    b = _record(title="T", sites=[_site("The First Affiliated Hospital,College of Medicine, Zhejiang University", "Hangzhou")])
    c = _record(title="T", sites=[_site("The First Affiliated Hospital of China Medical University", "Hangzhou")])
    assert same_study(a, b) == "title+site"
    assert same_study(a, c) is None
    assert FACILITY_THRESHOLD == 85.0


def test_same_nct_merges_and_different_ncts_never_do():
    a = _record(nct_id="NCT09900001", title="A")
    b = _record(nct_id="NCT09900001", title="Completely different wording")
    c = _record(nct_id="NCT09900002", title="A")
    assert same_study(a, b) == "nct"
    assert same_study(a, c) is None


def test_a_page_without_title_matches_by_its_summary():
    curated = next(r for r in load_trials() if r["nct_id"] is None)
    assert same_study(curated, _seed("002")) == "summary"
    assert same_study(_seed("002"), _seed("003")) is None


def test_merge_fills_gaps_unions_sites_and_keeps_the_criteria_source():
    page_000, page_001 = _seed("000"), _seed("001")
    ((merged, count),) = merge_run([page_000, page_001])
    assert count == 2
    assert merged["sources"] == ["page 001_f641ecdbc2fec890.txt", "page 000_3ee26ca7e77bbaeb.txt"]
    assert merged["criteria"] == page_001["criteria"]            # 001 has the criteria
    assert merged["title"] == page_001["title"]                  # and leads
    assert merged["enrollment"]["count"] == 75                   # filled from 000
    assert merged["summary"] == page_000["summary"]
    assert len(merged["outcomes"]["unclassified"]) == 7
    assert merged["arms"] == page_001["arms"]
    # one hospital, its city filled from 000
    (site,) = merged["sites"]
    assert (site["city"], site["status"]) == ("Hangzhou", "RECRUITING")
    assert merged["nct_id"] is None                               # neither page shows one


def test_merge_is_independent_of_order_and_idempotent():
    page_000, page_001 = _seed("000"), _seed("001")
    (first, _), = merge_run([page_000, page_001])
    (second, _), = merge_run([page_001, page_000])
    assert first["criteria"] == second["criteria"] and first["title"] == second["title"]
    again = merge_pair(first, page_000, "import")
    assert again == first
    assert merge_pair(first, page_001, "import") == first


def test_curated_record_wins_and_the_import_only_fills_gaps():
    curated = next(r for r in load_trials() if r["id"] == "NCT05030779")
    (fixture,) = import_json(CTGOV / "duplicate_of_bundled.json", parse=REVIEW)
    merged = merge_pair(curated, fixture, "bundled")
    assert merged["id"] == "NCT05030779"
    assert merged["status"] == curated["status"]                 # the fixture's RECRUITING does not win
    assert merged["criteria"] == curated["criteria"]
    assert merged["acronym"] == "FIXTURE-ACRONYM"                # a gap: filled
    assert merged["official_title"] == "FIXTURE official title"
    assert [s["facility"] for s in merged["sites"]] == [s["facility"] for s in curated["sites"]]  # no site added
    assert (merged["sites"][0]["lat"], merged["sites"][0]["lon"]) == (30.25, 120.17)              # gaps of a shared site
    assert merged["sources"] == [*curated["sources"], "ctgov duplicate_of_bundled.json"]


def test_import_with_criteria_leads_an_import_without():
    with_criteria = _record(title="Study", criteria=[{"id": "inc-1", "kind": "inclusion", "text": "x",
                                                       "verbatim": True, "rule": dict(REVIEW_RULE)}])
    without = _record(title="Study", status="RECRUITING")
    merged = merge_pair(without, with_criteria, "import")
    assert merged["criteria"] == with_criteria["criteria"] and merged["status"] == "RECRUITING"


def test_merging_brings_age_limits_into_criteria_of_an_import():
    a = _record(title="Study", criteria=[{"id": "inc-1", "kind": "inclusion", "text": "x", "verbatim": True,
                                          "rule": dict(REVIEW_RULE)}])
    b = copy.deepcopy(a)
    b["criteria"] = []
    b["eligibility"].update(min_age_years=18, max_age_years=65)
    merged = merge(a, b)
    age = next(c for c in merged["criteria"] if c["id"] == "inc-age")
    assert age["rule"] == {"type": "age", "min": 18, "max": 65}


@pytest.mark.parametrize("prefix, curated_id", [
    ("000", "NCT05239702"), ("001", "NCT05239702"), ("002", "local-cd7-cart-heme"),
    ("003", "NCT05030779"), ("004", "NCT07193667"),
])
def test_each_seed_page_finds_its_curated_record(prefix, curated_id):
    page = _seed(prefix)
    matches = [r["id"] for r in load_trials() if same_study(r, page)]
    assert matches == [curated_id]
