"""The next best question and answers turned into facts."""
from datetime import date

import pytest

from data.errors import DataError
from matching.engine import match
from matching.question_texts import read_question_texts
from matching.questions import build_question, next_question
from core.facts import Fact, Profile

TODAY = date(2026, 1, 15)


def _trial(trial_id, *criteria, conditions=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": list(criteria), "conditions": list(conditions)}


def _criterion(cid, kind, rule):
    return {"id": cid, "kind": kind, "text": cid, "rule": rule}


HIV = {"type": "infection", "agent": "hiv", "state": "positive"}
PREGNANT = {"type": "pregnancy", "states": ["pregnant"]}


def _results(trials, *facts):
    return match(Profile(list(facts)), trials, today=TODAY)


# --- choice -----------------------------------------------------------------------------

def test_a_shared_exclusion_is_asked_before_one_that_concerns_a_single_trial():
    trials = [
        _trial("T1", _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT)),
        _trial("T2", _criterion("exc-1", "exclusion", dict(HIV))),
        _trial("T3", _criterion("exc-1", "exclusion", dict(HIV))),
    ]
    question = next_question(_results(trials, Fact("SEX", "female", "F")))
    assert question.key == "infection:hiv:positive"
    assert question.form == "yes_no"
    assert question.options == ["Yes", "No", "Not sure"]


def test_the_diagnosis_is_asked_first_while_unknown():
    trials = [
        _trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}),
               _criterion("exc-1", "exclusion", HIV), conditions=["sle"]),
        _trial("T2", _criterion("exc-1", "exclusion", dict(HIV))),
    ]
    assert next_question(_results(trials)).key == "diagnosis:sle"


def test_a_comorbidity_named_by_an_exclusion_is_not_the_diagnosis():
    trials = [
        _trial("T1", _criterion("exc-1", "exclusion", {"type": "diagnosis", "concept": "esrd"}),
               _criterion("exc-2", "exclusion", HIV), conditions=["sle"]),
        _trial("T2", _criterion("exc-1", "exclusion", dict(HIV)), conditions=["sle"]),
    ]
    # the trials' own condition is what is asked first (issue #14), never the comorbidity
    assert next_question(_results(trials)).key == "diagnosis:sle"
    stated = _results(trials, Fact("CONDITION", "sle", "lupus"))
    assert next_question(stated).key == "infection:hiv:positive"


def test_several_unknown_diagnoses_become_one_choice_question():
    trials = [
        _trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}), conditions=["sle"]),
        _trial("T2", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "itp"}), conditions=["itp"]),
    ]
    question = next_question(_results(trials))
    assert question.key == "diagnosis"
    assert question.form == "choice"
    assert question.options[-2:] == ["None of these", "Not sure"]
    facts = question.answer_to_facts("lupus")
    assert {(f.concept, f.negated) for f in facts} == {("sle", False), ("itp", True)}
    none = question.answer_to_facts("none of these")
    assert all(f.negated for f in none) and len(none) == 2


def test_too_many_unknown_diagnoses_are_asked_in_the_persons_own_words():
    """Registry trials for 8 diseases and nothing stated: no list of 8 diseases to pick
    from, one open question naming the diseases trialbot is for; the reply is free text."""
    concepts = ["sle", "itp", "crohns_disease", "ulcerative_colitis", "dermatomyositis",
                "rheumatoid_arthritis", "breast_cancer", "type_2_diabetes"]
    trials = [_trial(f"T{i}", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": c}), conditions=[c])
              for i, c in enumerate(concepts)]
    question = next_question(_results(trials))
    assert question.key == "diagnosis" and question.concepts == []
    assert question.options == ["Not sure"]
    assert "lupus" in question.patient and "breast" not in question.patient
    assert question.answer_to_facts("lupus") == []          # read as free text by the engine
    assert question.answer_to_facts("not sure") is None
    # with a diagnosis stated, the other diseases of several trials are at most six
    stated = next_question(_results(trials, Fact("CONDITION", "sle", "lupus")))
    assert stated is None or len(stated.concepts) <= 6


def test_once_a_disease_of_the_trial_is_stated_its_other_disease_groups_wait():
    # a lupus patient is not asked first whether she also has systemic sclerosis or ITP
    groups = {"any": [
        {"all": [{"type": "diagnosis", "concept": "sle"}, {"type": "score", "score": "sledai", "op": ">=", "value": 8}]},
        {"type": "diagnosis", "concept": "diffuse_systemic_sclerosis"},
        {"type": "diagnosis", "concept": "itp"},
    ]}
    trials = [
        _trial("T1", _criterion("inc-1", "inclusion", groups), _criterion("exc-1", "exclusion", HIV),
               conditions=["sle", "diffuse_systemic_sclerosis", "itp"]),
        _trial("T2", _criterion("exc-1", "exclusion", dict(HIV)), conditions=["sle"]),
    ]
    question = next_question(_results(trials, Fact("CONDITION", "sle", "lupus")))
    assert question.key != "diagnosis" and not question.key.startswith("diagnosis:")
    # while the disease is unknown, the diagnosis still comes first
    assert next_question(_results(trials)).key == "diagnosis"


def test_asked_keys_are_not_asked_again_and_nothing_left_gives_none():
    trials = [_trial("T1", _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT))]
    results = _results(trials)
    first = next_question(results)
    second = next_question(results, asked={first.key})
    assert second is not None and second.key != first.key
    assert next_question(results, asked={first.key, second.key}) is None


def test_ineligible_and_likely_trials_ask_nothing():
    trials = [_trial("T1", _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT))]
    results = _results(trials, Fact("INFECTION", "hiv", "HIV positive", status="positive"))
    assert results[0].verdict == "ineligible"
    assert next_question(results) is None


def test_a_question_that_can_rule_a_trial_out_wins_over_one_that_cannot():
    either = {"any": [{"type": "diagnosis", "concept": "sle"}, {"type": "diagnosis", "concept": "itp"}]}
    trials = [_trial("T1",
                     _criterion("inc-1", "inclusion", {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"}),
                     _criterion("inc-2", "inclusion", {"any": [{"type": "score", "score": "ecog", "op": "<=", "value": 2},
                                                                {"type": "score", "score": "karnofsky", "op": ">=", "value": 60}]}),
                     _criterion("inc-3", "inclusion", either))]
    results = _results(trials, Fact("CONDITION", "sle", "SLE"))
    # platelets alone can fail inc-1; neither score alone can fail inc-2
    assert next_question(results).key == "lab:platelets"


def test_a_question_that_cannot_settle_anything_alone_waits():
    review_unless = {"any": [{"type": "score", "score": "ecog", "op": "<=", "value": 2},
                             {"all": [{"type": "diagnosis", "concept": "interstitial_lung_disease"},
                                      {"type": "review", "reason": "clinical"}]}]}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", review_unless))]
    results = _results(trials)
    assert next_question(results).key == "score:ecog"
    # ECOG not known: the ILD question alone can only lead to "review" or stay unknown
    assert next_question(results, asked={"score:ecog"}) is None


def test_choice_is_deterministic():
    trials = [_trial("T1", _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT))]
    keys = {next_question(_results(trials)).key for _ in range(5)}
    assert len(keys) == 1


def test_trial_questions_list_the_open_criteria_in_clinician_and_patient_wording():
    trials = [_trial("T1", _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT))]
    result = _results(trials)[0]
    assert [q.key for q in result.questions] == ["infection:hiv:positive", "pregnancy"]
    hiv = result.questions[0]
    assert hiv.patient == "Have you ever tested positive for HIV?"
    assert hiv.clinician == "HIV status?"
    assert hiv.to_dict()["form"] == "yes_no"


def test_a_leafs_own_ask_text_wins():
    leaf = {**HIV, "ask": {"patient": "Any HIV test?", "clinician": "HIV?"}}
    question = build_question("infection:hiv:positive", leaf)
    assert question.patient == "Any HIV test?" and question.clinician == "HIV?"


def test_lab_question_carries_the_canonical_unit():
    question = build_question("lab:creatinine")
    assert question.form == "number" and question.unit == "mg/dL"
    assert "(mg/dL)" in question.clinician


# --- answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("reply", ["not sure", "Not sure.", "skip", "I don't know", "no idea"])
def test_not_sure_and_skip_give_none(reply):
    assert build_question("infection:hiv:positive").answer_to_facts(reply) is None


def test_yes_and_no_to_an_infection_question():
    question = build_question("infection:hiv:positive")
    [yes] = question.answer_to_facts("yes")
    assert (yes.label, yes.concept, yes.status, yes.negated) == ("INFECTION", "hiv", "positive", False)
    [no] = question.answer_to_facts("No, never")
    assert no.negated and no.status == "negative"


def test_an_unreadable_reply_gives_an_empty_list():
    assert build_question("infection:hiv:positive").answer_to_facts("purple") == []


def test_a_number_with_a_unit_is_converted_to_the_canonical_unit():
    [fact] = build_question("lab:creatinine").answer_to_facts("265 µmol/L")
    assert fact.label == "LAB" and fact.concept == "creatinine"
    assert fact.value_normalized == pytest.approx(3.0, abs=0.01)
    assert fact.unit_normalized == "mg/dL" and not fact.implausible


def test_a_bare_number_is_taken_in_the_questions_unit():
    [fact] = build_question("lab:creatinine").answer_to_facts("1.1")
    assert fact.value_normalized == pytest.approx(1.1)


def test_an_implausible_number_is_flagged():
    [fact] = build_question("lab:creatinine").answer_to_facts("99999")
    assert fact.implausible


def test_a_comparator_and_a_uln_multiple_are_read():
    [below] = build_question("lab:platelets").answer_to_facts("< 20")
    assert below.comparator == "<" and below.value_normalized == 20
    [uln] = build_question("lab:alt").answer_to_facts("2x ULN")
    assert uln.uln_multiple == 2


def test_a_unit_the_analyte_is_not_measured_in_is_not_understood():
    assert build_question("lab:creatinine").answer_to_facts("3 weeks ago") == []


def test_age_and_weight_answers():
    [age] = build_question("age").answer_to_facts("45 years old")
    assert age.label == "AGE" and age.value == 45 and not age.implausible
    [weight] = build_question("weight").answer_to_facts("154 lb")
    assert weight.value_normalized == pytest.approx(69.85, abs=0.1)


def test_a_count_of_drugs():
    question = build_question("therapy_count:biologic:failed_or_intolerant")
    [fact] = question.answer_to_facts("2")
    assert (fact.concept, fact.value, fact.status) == ("biologic", 2, "failed")
    [none] = question.answer_to_facts("none")
    assert none.negated


def test_a_count_of_drugs_keeps_the_ones_already_named():
    """"infliximab worked for a while then stopped" before "how many biologics did not work?":
    the question says to count it, "no" or "0" leave the count open (was "never had
    biologic"), a smaller number counts it."""
    basis = [Fact("DRUG", "infliximab", "infliximab", status="failed", historical=True)]
    question = build_question("therapy_count:biologic:failed_or_intolerant", basis=basis)
    assert "(infliximab) too" in question.patient and "including infliximab" in question.clinician
    assert question.answer_to_facts("no") is None and question.answer_to_facts("0") is None
    [fact] = question.answer_to_facts("1")
    assert fact.value == 1 and not fact.negated
    assert "too" not in build_question("therapy_count:biologic:failed_or_intolerant").patient


@pytest.mark.parametrize("reply, expected", [
    ("2025-03-14", "2025-03-14"),
    ("March 2025", "2025-03"),
    ("2019", "2019"),
    ("3 weeks ago", "2025-12-25"),
])
def test_a_last_dose_date(reply, expected):
    [fact] = build_question("last_dose:glucocorticoid").answer_to_facts(reply, today=TODAY)
    assert fact.concept == "glucocorticoid" and fact.date == expected


@pytest.mark.parametrize("reply, expected", [
    ("maybe 1 year ago", "2025-01"), ("not sure, maybe 2019", "2019"), ("i think March 2025", "2025-03"),
    ("probably around 2019", "2019"),
])
def test_a_hedged_date_is_the_estimate(reply, expected):
    [fact] = build_question("last_dose:glucocorticoid").answer_to_facts(reply, today=TODAY)
    assert fact.date == expected


def test_a_hedged_number_is_the_estimate_and_a_hedge_alone_stays_open():
    [age] = build_question("age").answer_to_facts("maybe 45", today=TODAY)
    assert age.value == 45
    [platelets] = build_question("lab:platelets").answer_to_facts("not sure, around 20", today=TODAY)
    assert platelets.value == 20
    assert build_question("age").answer_to_facts("maybe", today=TODAY) is None
    assert build_question("infection:hiv:positive").answer_to_facts("maybe yes") is None   # yes/no: still unsure


def test_taking_it_now_and_never_for_a_last_dose():
    question = build_question("last_dose:glucocorticoid")
    [now] = question.answer_to_facts("taking it now", today=TODAY)
    assert now.status == "current"
    [never] = question.answer_to_facts("never", today=TODAY)
    assert never.negated and never.historical
    [no] = question.answer_to_facts("no", today=TODAY)
    assert no.negated and not no.historical


def test_a_date_answer_refines_the_fact_the_question_was_about():
    basis = Fact("DRUG", "rituximab", "rituximab", status="failed")
    question = build_question("last_dose:rituximab", basis=[basis])
    [fact] = question.answer_to_facts("June 2025", today=TODAY)
    assert (fact.concept, fact.status, fact.date, fact.text) == ("rituximab", "failed", "2025-06", "rituximab")


def test_pregnancy_choice():
    question = build_question("pregnancy")
    [fact] = question.answer_to_facts("breastfeeding")
    assert (fact.concept, fact.negated) == ("lactating", False)
    none = question.answer_to_facts("none of these")
    assert {f.concept for f in none} == {"pregnant", "lactating", "planning"} and all(f.negated for f in none)


def test_sex_choice_uses_the_extraction_vocabulary():
    assert build_question("sex").answer_to_facts("woman")[0].concept == "female"
    assert build_question("sex").answer_to_facts("Male")[0].concept == "male"


def test_an_answer_settles_the_criterion_it_was_asked_for():
    trials = [_trial("T1", _criterion("exc-1", "exclusion", HIV))]
    question = next_question(_results(trials))
    facts = question.answer_to_facts("no")
    assert _results(trials, *facts)[0].criteria[0].status == "pass"


# --- texts ------------------------------------------------------------------------------

def test_question_texts_reject_unknown_fields(tmp_path):
    bad = tmp_path / "questions.yaml"
    bad.write_text("kinds:\n  age:\n    form: number\n    patient: a\n    clinician: b\n    colour: red\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_question_texts(bad)
    assert "kinds.age.colour" in str(err.value)


def test_every_question_kind_the_evaluators_name_has_texts():
    from matching.question_texts import load_question_texts

    kinds = load_question_texts().kinds
    for key in ("diagnosis:sle", "diagnosis_date:sle", "therapy:biologic:failed", "therapy_count:biologic:failed",
                "last_dose:rituximab", "lab:alt", "confirm:lab:alt", "score:ecog", "confirm:score:ecog", "age",
                "confirm:age", "weight", "sex", "pregnancy", "infection:hbv:active", "history:epilepsy",
                "history_date:malignancy", "procedure:car_t", "procedure_date:clinical_trial_participation",
                "biomarker:cd7"):
        question = build_question(key)
        assert question.kind in kinds and question.patient and question.clinician, key
        assert "{" not in question.patient + question.clinician, key


def test_a_plain_no_or_yes_to_a_marker_question_is_never_a_result():
    """"Has a test shown CD19 expression?" — "no" means no result is known (a negative
    result could rule a trial out), "yes" does not say which result; only the result counts."""
    question = build_question("biomarker:cd19")
    assert question.answer_to_facts("no") is None
    assert question.answer_to_facts("yes") == []
    [fact] = question.answer_to_facts("negative")
    assert (fact.concept, fact.status, fact.negated) == ("cd19", "negative", True)
    [fact] = question.answer_to_facts("Positive")
    assert fact.status == "positive"


def test_a_cancer_patient_is_not_asked_about_a_second_cancer_to_open_another_arm():
    """A basket trial for solid tumours or Burkitt lymphoma, and a patient with peripheral
    T-cell lymphoma: no "have you also been diagnosed with a solid tumour?" (``one_of_a_kind``
    in data/question_priors.yaml); the arm stays open for the trial team. A lupus patient is
    still asked about RA, a disease of another kind."""
    arms = {"any": [{"type": "diagnosis", "concept": "solid_tumor"}, {"type": "diagnosis", "concept": "burkitt_lymphoma"},
                    {"all": [{"type": "diagnosis", "concept": "non_hodgkin_lymphoma"}, {"type": "biomarker", "marker": "cd20",
                                                                                        "state": "positive"}]}]}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", arms),
                     conditions=["solid_tumor", "burkitt_lymphoma", "non_hodgkin_lymphoma"])]
    question = next_question(_results(trials, Fact("CONDITION", "ptcl", "PTCL")))
    assert question is None or not (question.key == "diagnosis" or question.key.startswith("diagnosis:"))
    ra = {"any": [{"type": "diagnosis", "concept": "rheumatoid_arthritis"},
                  {"all": [{"type": "diagnosis", "concept": "sle"}, {"type": "score", "score": "sledai", "op": ">=", "value": 30}]}]}
    trials = [_trial("T2", _criterion("inc-1", "inclusion", ra), conditions=["rheumatoid_arthritis", "sle"])]
    question = next_question(_results(trials, Fact("CONDITION", "sle", "lupus")))
    assert question is not None


def test_a_trials_open_questions_skip_a_second_cancer_too():
    """The trial's own list of open questions (the triage report's "Still open") follows
    the same rule: a T-cell lymphoma referral is not asked "Diagnosis of Burkitt lymphoma?";
    a lupus patient's list still asks about RA."""
    arms = {"any": [{"type": "diagnosis", "concept": "solid_tumor"}, {"type": "diagnosis", "concept": "burkitt_lymphoma"}]}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", arms), conditions=["solid_tumor", "burkitt_lymphoma"])]
    [result] = _results(trials, Fact("CONDITION", "ptcl", "PTCL"))
    assert not [q.key for q in result.questions if q.key.startswith("diagnosis:")]
    ra = {"type": "diagnosis", "concept": "rheumatoid_arthritis"}
    trials = [_trial("T2", _criterion("exc-1", "exclusion", ra), conditions=["sle"])]
    [result] = _results(trials, Fact("CONDITION", "sle", "lupus"))
    assert "diagnosis:rheumatoid_arthritis" in [q.key for q in result.questions]


def test_a_low_ranked_trials_disease_is_not_asked_first_when_a_diagnosis_is_stated():
    """A patient with type 2 diabetes (and trials for it ranked first) is not asked first
    whether they have diabetic foot disease because the 15th trial is for it; with no
    diagnosis stated, a trial's disease is still asked first."""
    filler = [_trial(f"T{i:02d}", _criterion("inc-1", "inclusion", {"type": "lab", "analyte": "hba1c", "op": ">=", "value": 7, "unit": "%"}),
                     conditions=["type_2_diabetes"]) for i in range(14)]
    foot = _trial("Z-foot", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "diabetic_foot"}),
                  conditions=["diabetic_foot"])
    results = _results(filler + [foot], Fact("CONDITION", "type_2_diabetes", "type 2 diabetes"))
    assert [r.id for r in results].index("Z-foot") >= 10
    question = next_question(results)
    assert question is None or question.key != "diagnosis:diabetic_foot"
    unstated = next_question(_results([foot]))
    assert unstated is not None and "diabetic_foot" in unstated.key + " ".join(getattr(unstated, "concepts", ()) or ())
