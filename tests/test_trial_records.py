"""The four curated trial records: they load, they are faithful to the seed pages (every
criterion line is present verbatim), and every rule is evaluable or an explicit review."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from data.terminology import load_terminology
from data.trials import iter_criteria, load_trials
from core.rules import LEAF_FIELDS, iter_leaves

# The eligibility section of each seed page: the line it starts after, the line it ends
# before, and the lines inside it that are headings or layout rather than criteria.
ELIGIBILITY_SECTIONS = {
    "001_f641ecdbc2fec890.txt": ("Eligibility Criteria", "Sites / Locations",
                                 {"Inclusion Criteria:", "Exclusion Criteria:"}),
    "002_cc188eb8ecb2188a.txt": ("Volunteers", "Primary purpose",
                                 {"Inclusion criteria", "Exclusion criteria"}),
    "003_ff4d7777517f14a6.txt": ("- Target Recruitment", "Study & Design", {"- 9", "-"}),
    "004_ab785b4620726f46.txt": ("Eligibility Criteria", "18 Years",
                                 {"Check the participation requirements, including inclusion and exclusion rules, "
                                  "age limits, and whether healthy volunteers are accepted.",
                                  "Inclusion Criteria", "Exclusion Criteria"}),
}
# Criterion lines per page, counted by hand (inclusion + exclusion): 001 16 + 13,
# 002 10 + 1, 003 4 + 11 + the 2 requirements after the exclusions, 004 35 + 12.
EXPECTED_LINES = {"001_f641ecdbc2fec890.txt": 29, "002_cc188eb8ecb2188a.txt": 11,
                  "003_ff4d7777517f14a6.txt": 17, "004_ab785b4620726f46.txt": 47}
_LIST_MARKER = re.compile(r"^(?:[-*]\s+|\d+\.\s+)")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _criterion_lines(page: Path) -> list[str]:
    start, end, skip = ELIGIBILITY_SECTIONS[page.name]
    lines = page.read_text(encoding="utf-8").split("\n")
    body = lines[lines.index(start) + 1:lines.index(end)]
    return [_normalise(_LIST_MARKER.sub("", line.strip())) for line in body if line.strip() and line.strip() not in skip]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_trials()


@pytest.fixture(scope="module")
def by_id(records) -> dict[str, dict]:
    return {r["id"]: r for r in records}


def _texts(record: dict) -> list[str]:
    return [_normalise(c["text"]) for c, _parent, _depth in iter_criteria(record["criteria"])]


def test_the_four_seed_studies_load(records):
    assert sorted(r["id"] for r in records) == ["NCT05030779", "NCT05239702", "NCT07193667", "local-cd7-cart-heme"]


def test_nct05239702_appears_once_and_merges_both_pages(records):
    merged = [r for r in records if r["nct_id"] == "NCT05239702"]
    assert len(merged) == 1
    record = merged[0]
    assert record["sources"] == ["seed 000_3ee26ca7e77bbaeb.txt", "seed 001_f641ecdbc2fec890.txt"]
    assert record["enrollment"]["count"] == 75                      # from 000
    assert len(record["outcomes"]["unclassified"]) == 7              # from 000
    assert record["keywords"][0] == "CAR T-cell therapy"             # from 001
    assert len(record["arms"]) == 5                                  # from 001
    assert record["sites"][0]["status"] == "RECRUITING"
    assert record["phase"] is None and record["sponsors"] == [] and record["contacts"] == []


def test_the_study_without_nct_number_keeps_it_unknown(by_id):
    record = by_id["local-cd7-cart-heme"]
    assert record["nct_id"] is None
    assert record["title_note"]                                     # the title is the curator's
    assert record["sites"] == []
    assert record["enrollment"]["count"] == 80
    assert [c["name"] for c in record["contacts"]] == ["Yun Kang", "Mei Heng, M.D., Ph.D"]
    assert all(c["phone"] is None and c["email"] is None for c in record["contacts"])


def test_omitted_thresholds_stay_a_review_with_a_note(by_id):
    criterion = next(c for c, _, _ in iter_criteria(by_id["local-cd7-cart-heme"]["criteria"])
                     if c["text"].startswith("Liver, kidney and cardiopulmonary"))
    assert criterion["rule"]["type"] == "review"
    assert "omits the thresholds" in criterion["note"]


def test_requirements_listed_among_exclusions_are_inclusions(by_id):
    criteria = {c["text"]: c for c, _, _ in iter_criteria(by_id["NCT05030779"]["criteria"])}
    counts = criteria["Platelets ≥30×10E9/L, and absolute lymphocyte count ≥1.0×10E9/L"]
    steroids = next(c for t, c in criteria.items() if t.startswith("Methylprednisolone (maximum dose 1mg/kg)"))
    for criterion in (counts, steroids):
        assert criterion["kind"] == "inclusion"
        assert "Listed among the exclusions on the page" in criterion["note"]
    assert counts["rule"] == {"all": [
        {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"},
        {"type": "lab", "analyte": "alc", "op": ">=", "value": 1.0, "unit": "10^9/L"},
    ]}


def test_nct07193667_needs_one_of_four_disease_groups(by_id):
    record = by_id["NCT07193667"]
    assert record["eligibility"] == {"min_age_years": 18, "max_age_years": 65, "sex": "ALL", "healthy_volunteers": False}
    assert record["dates"] == {"start": "2025-10-31", "primary_completion": None, "completion": "2027-12-31",
                               "last_updated": "2025-09-26"}
    groups = next(c for c in record["criteria"] if c.get("combine") == "any")
    assert groups["verbatim"] is False
    assert [g["text"] for g in groups["children"]] == [
        "Relapsed refractory systemic lupus erythematosus.",
        "Relapsing Refractory/Progressive Diffuse Systemic Sclerosis",
        "Relapsed refractory/progressive inflammatory myopathy",
        "Relapsed Refractory/Progressive Immune Thrombocytopenia",
    ]
    # "It is sufficient if one of Articles 4 and 5 is fulfilled": relapsed-refractory OR progressive
    for group in groups["children"][1:]:
        note = group["children"][-1]
        assert note["text"] == "Note: It is sufficient if one of Articles 4 and 5 is fulfilled."
        assert note["combine"] == "any"
        first, second = (c["text"].lower() for c in note["children"])
        assert first.startswith(("definition of relapse", "definition of relapsing", "definition of recurrent"))
        assert second.startswith("definition of progressive")
    # the SLE group has only the relapse-refractory definition, so it is required
    assert groups["children"][0]["combine"] == "all"
    assert groups["children"][0]["children"][-1]["text"].startswith("Definition of relapse-refractory")


def test_compound_exclusion_lines_become_any_of_leaves(by_id):
    labs = next(c for c, _, _ in iter_criteria(by_id["NCT05239702"]["criteria"])
                if c["text"].startswith("Serum creatinine > 2.5mg/dl"))
    assert labs["kind"] == "exclusion"
    assert [leaf["analyte"] for leaf in labs["rule"]["any"]] == ["creatinine", "alt", "ast", "bilirubin"]


@pytest.mark.parametrize("page_name", sorted(ELIGIBILITY_SECTIONS))
def test_every_criterion_line_of_the_seed_pages_is_in_the_records(page_name, seeds_dir, records):
    lines = _criterion_lines(seeds_dir / page_name)
    texts = [t for r in records if any(page_name in s for s in r["sources"]) for t in _texts(r)]
    missing = [line for line in lines if not any(line in text for text in texts)]
    assert missing == []
    assert len(lines) == EXPECTED_LINES[page_name]


def test_verbatim_criterion_texts_appear_on_their_source_pages(seeds_dir, records):
    for record in records:
        pages = " ".join(_normalise(_LIST_MARKER.sub("", line.strip()))
                         for s in record["sources"]
                         for line in (seeds_dir / s.split(" ", 1)[1]).read_text(encoding="utf-8").split("\n"))
        for criterion, _, _ in iter_criteria(record["criteria"]):
            if criterion["verbatim"]:
                assert _normalise(criterion["text"]) in pages, (record["id"], criterion["id"])


def test_every_rule_is_evaluable_or_an_explicit_review(records):
    terminology = load_terminology()
    for record in records:
        for criterion, _, _ in iter_criteria(record["criteria"]):
            assert ("rule" in criterion) != ("children" in criterion)
            if "rule" not in criterion:
                continue
            for leaf in iter_leaves(criterion["rule"]):
                assert leaf["type"] in LEAF_FIELDS
                if leaf["type"] == "review":
                    assert leaf["reason"] and (leaf.get("note") or criterion.get("note")), (record["id"], criterion["id"])
                for field in ("concept", "analyte", "score", "agent", "marker"):
                    if field in leaf:
                        assert leaf[field] in terminology


def test_criteria_counts(by_id):
    def counts(record):
        return Counter(c["kind"] for c, _, _ in iter_criteria(record["criteria"]))
    assert counts(by_id["NCT05239702"]) == {"inclusion": 16, "exclusion": 13}
    assert counts(by_id["NCT05030779"]) == {"inclusion": 6, "exclusion": 11}
    assert counts(by_id["NCT07193667"]) == {"inclusion": 36, "exclusion": 12}
    assert counts(by_id["local-cd7-cart-heme"]) == {"inclusion": 9, "exclusion": 1}
