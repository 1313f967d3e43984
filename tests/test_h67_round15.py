"""Round 15 (h67): the parts of a study in registry eligibility text are alternatives."""
from core.facts import Profile
from matching.engine import judge_criteria
from matching.evaluate import Evaluator
from nlp.pipeline import extract
from registry.criteria_text import reread, split_criteria

# the shape of a first-in-human trial's text: one inclusion item "for each of the respective
# parts", bare part labels each followed by that part's paragraph (a general text, not a record)
PARTS = """Inclusion Criteria:

1. Male or female patients aged 18 years or older.
2. Patients have to meet the following criteria for each of the respective parts of the study:

   Part 1:

   Pathological diagnosis of a solid tumor.

   Part 2A and 2B:

   Diagnosis of acute myeloid leukemia (AML).

   Part 3:

   Diagnosis of diffuse large B cell lymphoma.

   Patients must have received at least two lines of therapy.
3. ECOG performance status of 0 or 1.

Exclusion Criteria:

1. Pregnant or lactating women.
"""


def _by_id(criteria, wanted):
    for criterion in criteria:
        if criterion["id"] == wanted:
            return criterion
        found = _by_id(criterion.get("children", []), wanted)
        if found:
            return found
    return None


def _has_review(rule):
    if rule.get("type") == "review":
        return True
    return any(_has_review(r) for key in ("all", "any") for r in rule.get(key, [])) or (
        "not" in rule and _has_review(rule["not"]))


def test_bare_part_labels_take_their_paragraphs_and_are_alternatives():
    criteria = split_criteria(PARTS)
    group = _by_id(criteria, "inc-2")
    assert group["combine"] == "any"
    parts = group["children"]
    assert [p["text"] for p in parts] == ["Part 1:", "Part 2A and 2B:", "Part 3:"]
    assert [len(p["children"]) for p in parts] == [1, 1, 2]
    assert parts[1]["children"][0]["text"].startswith("Diagnosis of acute myeloid leukemia")
    assert parts[2]["combine"] == "all"


def test_a_patient_of_one_part_is_not_ruled_out_by_another_parts_criteria():
    criteria = split_criteria(PARTS)
    profile = Profile(extract("62 year old man with relapsed AML"))
    judged = {c.id: c.status for c in judge_criteria({"criteria": criteria}, Evaluator(profile))}
    assert judged["inc-2.2"] == "pass"      # the AML part
    assert judged["inc-2"] == "pass"        # the solid tumour and lymphoma parts are not asked of him


def test_labelled_items_in_a_row_are_alternatives_items_of_one_part_together():
    text = """Inclusion Criteria:

* Phase 2: Histologically confirmed metastatic NSCLC.
* Phase 3: Histologically confirmed metastatic colorectal cancer.
* Phase 3: Measurable disease per RECIST.
* Adequate organ function.
"""
    criteria = split_criteria(text)
    group = criteria[0]
    assert group["combine"] == "any" and group["verbatim"] is False
    assert group["text"] == "One of these parts: Phase 2; Phase 3"
    phase3 = group["children"][1]
    assert phase3["verbatim"] is False and phase3["combine"] == "all" and len(phase3["children"]) == 2
    # inside the alternatives, a part's label adds no review of its own
    assert "only for the patients" not in str(group["children"][0]["rule"])
    assert criteria[1]["text"] == "Adequate organ function."


def test_cohort_items_of_one_heading_are_alternatives():
    text = """Inclusion Criteria:

* The respective cohorts for patient inclusion are:
  * Cohort 1: Biliary tract cancer
  * Cohort 2: Bladder cancer
  * Cohort 3: Cervical cancer
"""
    group = split_criteria(text)[0]
    assert group["combine"] == "any"
    assert len(group["children"]) == 3
    # among the alternatives the label is the alternative itself: the rest is read alone
    assert group["children"][1]["rule"] == {"type": "diagnosis", "concept": "bladder_cancer"}
    assert group["children"][1]["text"] == "Cohort 2: Bladder cancer"


def test_an_exclusion_of_one_part_alone_is_the_teams():
    text = """Exclusion Criteria:

* Phase 2: Active brain metastases
* Pregnant or lactating women.
"""
    criteria = split_criteria(text)
    rule = criteria[0]["rule"]
    assert "all" in rule and rule["all"][-1]["type"] == "review"
    assert "only for the patients of Phase 2" in rule["all"][-1]["note"]
    assert not _has_review(criteria[1]["rule"])


def test_a_label_naming_several_parts_is_no_single_part():
    text = """Exclusion Criteria:

Group 1 and 2

* Pregnant or lactating women.
"""
    criteria = split_criteria(text)
    assert criteria[0]["text"] == "Group 1 and 2"
    assert not _has_review(criteria[0]["children"][0]["rule"])


def test_words_that_only_look_like_labels_are_no_parts():
    text = """Inclusion Criteria:

* Stage IV disease
* Group A streptococcal infection treated
* Part of the study visits at the site
"""
    criteria = split_criteria(text)
    assert [c["text"] for c in criteria][:3] == [
        "Stage IV disease", "Group A streptococcal infection treated", "Part of the study visits at the site"]
    assert all("children" not in c for c in criteria)


def test_reread_keeps_the_parts():
    for text in (PARTS, "Exclusion Criteria:\n\n* Phase 2: Active brain metastases\n"):
        criteria = split_criteria(text)
        assert reread(criteria) == criteria


def test_a_group_of_one_part_holds_only_for_that_part():
    text = """Exclusion Criteria:

* Phase 3: Patients with known CNS lesions must not have any of the following:
  * Any brainstem lesions
  * Active hepatitis B infection
* Group 1 and 2: patients with any of the following:
  * Active hepatitis C infection
"""
    criteria = split_criteria(text)
    hepatitis_b = criteria[0]["children"][1]["rule"]
    assert hepatitis_b["all"][-1]["note"].endswith('"only for the patients of: Phase 3".')
    assert not _has_review(criteria[1]["children"][0]["rule"])
    assert reread(criteria) == criteria


def test_a_list_heading_of_one_part_is_that_parts_group():
    text = """Inclusion Criteria:

* Age 18 years or older.

Part 1 additional inclusion criteria:

* Documented progressive disease.

Part 2 additional inclusion criteria:

* Platelet count >= 100,000/mm^3.

Exclusion Criteria:

* Pregnant or lactating women.

Part 1 additional exclusion criteria:

* Known central nervous system lymphoma.
"""
    criteria = split_criteria(text)
    parts = _by_id(criteria, "inc-2")
    assert parts["combine"] == "any" and parts["text"] == "One of these parts: Part 1; Part 2"
    assert [p["text"] for p in parts["children"]] == ["Part 1 additional inclusion criteria:",
                                                       "Part 2 additional inclusion criteria:"]
    assert _by_id(criteria, "inc-2.2.1")["rule"]["type"] == "lab"
    cns = _by_id(criteria, "exc-2.1")["rule"]
    assert cns["all"][-1]["note"].endswith('"only for the patients of: Part 1".')
    assert not _has_review(_by_id(criteria, "exc-1")["rule"])
    assert reread(criteria) == criteria
