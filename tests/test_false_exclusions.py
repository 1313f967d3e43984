"""Classes of false exclusions of relevant trials (issue #14, 2026-12-03): a title naming
the kind of disease above a trial's one listed condition, a "current use" list in brackets,
a treatment "for X" that is no diagnosis, and "Exceptions include ..." written as a
sentence of its own."""
from datetime import date

from core.facts import Fact, Profile
from core.rules import iter_leaves
from data.rule_nodes import condition_target, registry_criteria, title_kinds
from matching.engine import match
from nlp.criteria.parser import parse_criterion

TODAY = date(2026, 6, 1)


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def _solid_tumour_trial(conditions=("pancreatic_cancer",), title="TCR-T Cell Therapy on Advanced Solid Tumors"):
    return {"id": "T-ST", "nct_id": None, "title": title, "conditions": list(conditions),
            "conditions_text": ["Pancreatic Cancer"], "criteria": [
                {"id": "exc-1", "kind": "exclusion", "text": "Previous or concurrent history of other malignant tumors",
                 "rule": {"type": "history", "concept": "malignancy"}}]}


def _statuses(result):
    return {c.id: c.status for c in result.criteria}


def test_a_title_naming_the_kind_above_the_one_listed_condition_opens_the_trial_to_the_kind():
    trial = _solid_tumour_trial()
    assert title_kinds(trial) == ["solid_tumor"]
    assert "solid_tumor" in condition_target(trial)["rule"]["concepts"]
    result = match(Profile([_stated("nsclc", "non small cell lung cancer")]), [trial], today=TODAY)[0]
    statuses = _statuses(result)
    assert statuses["elig-condition"] == "pass"
    # the patient's own cancer is the trial's kind: "other malignant tumors" is for the team
    assert statuses["exc-1"] == "review" and result.verdict != "ineligible"


def test_another_cancer_than_the_titles_kind_is_still_ruled_out():
    trial = _solid_tumour_trial()
    result = match(Profile([_stated("aml", "acute myeloid leukemia")]), [trial], today=TODAY)[0]
    assert result.verdict == "ineligible" and _statuses(result)["elig-condition"] == "fail"


def test_title_kinds_never_widen_a_list_of_conditions_or_to_a_top_class():
    several = _solid_tumour_trial(conditions=("pancreatic_cancer", "colorectal_cancer"))
    assert title_kinds(several) == []
    oral = _solid_tumour_trial(conditions=("head_and_neck_cancer",), title="Surgery in Early Oral Cancer")
    assert title_kinds(oral) == []                       # "cancer" alone is no kind the title chose
    narrower = _solid_tumour_trial(title="A Trial in Pancreatic Cancer and Other Solid Tumors")
    assert title_kinds(narrower) == []                   # it names the listed condition too
    bare = {"id": "T", "title": "Advanced Solid Tumors", "criteria": []}
    assert title_kinds(bare) == [] and all("besides" not in str(c) for c in registry_criteria(bare))


def test_current_use_reaches_the_list_in_brackets():
    rule = parse_criterion("Current use of any prohibited therapy (systemic or topical treatments for psoriasis, "
                           "immunosuppressive drugs, any other experimental drug, etc)", "exclusion")
    therapies = [leaf for leaf in iter_leaves(rule) if leaf.get("type") == "therapy"]
    assert therapies and all(leaf.get("response") == "current" for leaf in therapies)
    # "treatments for psoriasis" is a treatment, not a diagnosis of psoriasis
    assert not any(leaf.get("type") == "diagnosis" for leaf in iter_leaves(rule))


def test_a_past_course_does_not_fail_a_current_use_exclusion():
    rule = parse_criterion("Current use of any prohibited therapy (systemic or topical treatments for psoriasis, "
                           "immunosuppressive drugs, any other experimental drug, etc)", "exclusion")
    trial = {"id": "T-PSO", "nct_id": None, "title": "psoriasis", "conditions": ["psoriasis"],
             "criteria": [{"id": "exc-2", "kind": "exclusion", "text": "Current use of ...", "rule": rule}]}
    facts = [_stated("psoriasis", "psoriasis"),
             Fact("DRUG", "methotrexate", "methotrexate", 20, 32, historical=True)]
    result = match(Profile(facts), [trial], today=TODAY)[0]
    assert result.verdict != "ineligible"


def test_a_treatment_for_a_condition_is_no_diagnosis_of_it():
    for text in ("Treatments for psoriasis", "Prior therapy for lupus nephritis"):
        rule = parse_criterion(text, "exclusion")
        assert not any(leaf.get("type") == "diagnosis" for leaf in iter_leaves(rule)), text


def test_exceptions_written_as_a_sentence_of_their_own_are_exceptions():
    rule = parse_criterion("Previous or concurrent history of other malignant tumors. Exceptions include curatively "
                           "treated basal cell carcinoma of the skin, squamous cell carcinoma of the skin, or in situ "
                           "cervical cancer that have not recurred within 5 years.", "exclusion")
    # the listed cancers sit under a "not" (exempted), never as exclusions of their own
    assert "all" in rule and rule["all"][0] == {"type": "history", "concept": "malignancy"}
    trial = {"id": "T-X", "nct_id": None, "title": "x", "conditions": ["pancreatic_cancer"],
             "criteria": [{"id": "exc-6", "kind": "exclusion", "text": "...", "rule": rule}]}
    facts = [_stated("pancreatic_cancer", "pancreatic cancer"),
             Fact("CONDITION", "cutaneous_squamous_cell_carcinoma", "skin SCC", 30, 38, historical=True)]
    result = match(Profile(facts), [trial], today=TODAY)[0]
    assert _statuses(result)["exc-6"] != "fail"


def test_exceptions_after_a_colon_are_exceptions():
    for text in ("Other malignancy within 3 years, except the following: basal cell carcinoma of the skin",
                 "Other malignancy within 3 years. Exceptions to this exclusion include the following: "
                 "basal cell carcinoma of the skin"):
        rule = parse_criterion(text, "exclusion")
        assert rule["all"][0] == {"type": "history", "concept": "malignancy", "within_days": 1095}, text
        # basal cell carcinoma only ever under the exception's "not", never required
        positive = [leaf for leaf in iter_leaves(rule["all"][0])]
        assert all(leaf["concept"] != "basal_cell_carcinoma" for leaf in positive)
        assert "not" in str(rule["all"][1]), text
