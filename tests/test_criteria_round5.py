"""Registry criteria, round 5 (issue #15, 2026-12-03): a sub-study's items, and the new leaf
kinds, each checked for what it does to a patient (never a false exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, verdict

from core.truth import FALSE, TRUE, UNKNOWN
from registry.criteria_text import reread, split_criteria, walk

# NCT03067181: a flat list where the pilot study's items followed "Adequate renal function
# defined as:" and were read as every patient's (an 8-year-old failed ">= 11 and < 25 years")
PILOT = """Inclusion Criteria:

* Adequate renal function defined as:
* Creatinine clearance >= 70 mL/min/1.73 m^2 OR
* Platelet count >= 100,000/mm^3 (within 7 days prior to enrollment)
* Eligibility criteria to participate in the pilot study of the AYA-Hears instrument (patient reported outcomes [PROs] of ototoxicity) Note: participants in group 1 will not receive protocol-directed therapy
* >= 11 and < 25 years old at enrollment
* Able to fluently speak and read English
"""


def test_a_pilot_study_heading_takes_its_items_and_they_never_decide_alone():
    criteria = split_criteria(PILOT)
    by_text = {c["text"]: c for c in walk(criteria)}
    pilot = next(c for c in criteria if c["text"].startswith("Eligibility criteria to participate"))
    assert [c["text"] for c in pilot["children"]] == [">= 11 and < 25 years old at enrollment",
                                                       "Able to fluently speak and read English"]
    renal = by_text["Adequate renal function defined as:"]
    assert len(renal["children"]) == 2                       # the pilot items are no renal items
    age = by_text[">= 11 and < 25 years old at enrollment"]["rule"]
    assert verdict(age, "8 year old boy with a germ cell tumour") != FALSE
    assert verdict(age, "15 year old boy with a germ cell tumour") == TRUE
    # a fresh reading of stored criteria keeps it so
    again = {c["text"]: c for c in walk(reread(criteria))}
    assert again[">= 11 and < 25 years old at enrollment"]["rule"] == age
