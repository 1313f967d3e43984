"""Issue #16: questions chosen by how much their answer can change the verdicts of the
best-ranked trials (matching/question_value.py, priors in data/question_priors.yaml), and
the first round stopping when nothing left is likely to change one."""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Fact, Profile
from data.errors import DataError
from matching.engine import match
from matching.question_priors import load_priors, read_priors
from matching.question_value import question_kind, trial_gains
from matching.questions import next_question

TODAY = date(2026, 1, 15)
HIV = {"type": "infection", "agent": "hiv", "state": "positive"}
PREGNANT = {"type": "pregnancy", "states": ["pregnant"]}
STEROIDS_FAILED = {"type": "therapy", "concept": "glucocorticoid", "response": "failed_or_intolerant"}
CSDMARD_FAILED = {"type": "therapy", "concept": "csdmard", "response": "failed_or_intolerant"}
LUPUS = Fact("CONDITION", "sle", "lupus")


def _trial(trial_id, *criteria, conditions=("sle",)):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": list(criteria), "conditions": list(conditions)}


def _criterion(cid, kind, rule):
    return {"id": cid, "kind": kind, "text": cid, "rule": rule}


def _results(trials, *facts):
    return match(Profile(list(facts)), trials, today=TODAY)


def test_question_kinds_name_the_priors_entries():
    assert question_kind("infection:hiv:positive") == "infection_positive"
    assert question_kind("therapy:glucocorticoid:failed_or_intolerant") == "therapy_failed_or_intolerant"
    assert question_kind("confirm:lab:creatinine") == "confirm_lab"
    assert question_kind("last_dose:rituximab") == "last_dose"
    assert question_kind("pregnancy") == "pregnancy"


def test_a_rare_exclusion_waits_for_a_question_that_decides_more():
    # HIV could rule the trial out too, but rarely does; steroids that did not work are
    # what many people miss: that question comes first
    trials = [_trial("T1", _criterion("inc-1", "inclusion", STEROIDS_FAILED), _criterion("exc-1", "exclusion", HIV),
                     _criterion("exc-2", "exclusion", PREGNANT))]
    results = _results(trials, LUPUS)
    gains = trial_gains(results[0], set(), load_priors())
    assert gains["therapy:glucocorticoid:failed_or_intolerant"] > gains["infection:hiv:positive"]
    assert gains["therapy:glucocorticoid:failed_or_intolerant"] > gains["pregnancy"]
    question = next_question(results)
    assert question.key == "therapy:glucocorticoid:failed_or_intolerant" and question.worth


def test_rare_exclusions_alone_are_left_for_ask_me_more():
    trials = [_trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}),
                     _criterion("exc-1", "exclusion", HIV), _criterion("exc-2", "exclusion", PREGNANT),
                     _criterion("exc-3", "exclusion", {"type": "diagnosis", "concept": "esrd"}))]
    question = next_question(_results(trials, LUPUS))
    # still a question ("ask me more" asks it), but not worth holding the results back for
    assert question is not None and not question.worth
    assert question.gain < load_priors().threshold


def test_the_last_open_criterion_is_worth_asking_an_answer_makes_the_trial_likely():
    trials = [_trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}),
                     _criterion("exc-1", "exclusion", HIV))]
    results = _results(trials, LUPUS)
    assert results[0].verdict == "possible"
    question = next_question(results)
    assert question.key == "infection:hiv:positive" and question.worth     # "no" -> likely
    assert question.gain > 0.9


def test_a_question_that_can_change_no_verdict_is_not_worth_asking():
    review_only = {"all": [{"type": "diagnosis", "concept": "interstitial_lung_disease"},
                           {"type": "review", "reason": "clinical"}]}
    platelets = {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}),
                     _criterion("inc-2", "inclusion", platelets), _criterion("exc-1", "exclusion", review_only))]
    results = _results(trials, LUPUS)
    # platelets "not sure": the trial stays possible whatever is said of ILD, which alone can
    # only lead to "review" (the team judges whether it is severe) or pass
    question = next_question(results, asked={"lab:platelets"})
    assert question is None or (question.gain == 0 and not question.worth)
    # with the platelets still to ask, "no ILD" could make the trial likely once they are fine
    assert next_question(results).key == "lab:platelets"


def test_another_disease_of_the_trial_is_not_asked_once_the_patients_branch_is_likely_to_fail():
    # a trial for lupus (needs failed steroids and a failed conventional drug) or RA
    either = {"any": [{"all": [{"type": "diagnosis", "concept": "sle"}, STEROIDS_FAILED, CSDMARD_FAILED]},
                      {"type": "diagnosis", "concept": "rheumatoid_arthritis"}]}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", either), conditions=("sle", "rheumatoid_arthritis"))]
    results = _results(trials, LUPUS)
    question = next_question(results)
    assert question.key.startswith("therapy:")          # the lupus branch first, not "do you also have RA?"
    assert question.key == "therapy:csdmard:failed_or_intolerant"      # "no" is likelier than for steroids
    after = _results(trials, LUPUS, *question.answer_to_facts("no"))
    assert after[0].verdict == "ineligible"
    question = next_question(after)
    # the lupus branch failed: only RA could keep the trial, but a lupus patient asked "do you
    # also have rheumatoid arthritis?" finds it odd (round 6): nothing is asked about it, and
    # (round 43) the RA branch, another group of the trial than hers, keeps the trial "may
    # qualify" no more (tests/test_lead_round43.py)
    assert question is None or not question.key.startswith("diagnosis:")
    assert after[0].verdict == "ineligible"
    # a form of the stated disease is still asked: a trial for lupus nephritis or RA
    nephritis = {"any": [{"type": "diagnosis", "concept": "lupus_nephritis"},
                         {"type": "diagnosis", "concept": "rheumatoid_arthritis"}]}
    trials = [_trial("T2", _criterion("inc-1", "inclusion", nephritis), conditions=("sle", "rheumatoid_arthritis"))]
    assert next_question(_results(trials, LUPUS)).key == "diagnosis:lupus_nephritis"


def test_the_best_ranked_trials_weigh_more():
    priors = load_priors()
    assert priors.weight(0) >= priors.weight(1) >= priors.weight(4) > priors.weight(5) == priors.later_weight


def test_who_answers_changes_what_is_worth_asking():
    platelets = {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", {"type": "diagnosis", "concept": "sle"}),
                     _criterion("inc-2", "inclusion", platelets), _criterion("exc-1", "exclusion", {"type": "diagnosis", "concept": "esrd"}))]
    results = _results(trials, LUPUS)
    clinician = next_question(results, audience="clinician")
    patient = next_question(results, audience="patient")
    assert clinician.key == patient.key == "lab:platelets"
    assert clinician.gain > patient.gain               # a clinician has the value at hand more often


def test_asked_keys_stay_open_in_the_likely_completion():
    # once "not sure" was said about steroids, nothing is assumed about them: the other
    # requirement alone cannot settle the lupus branch
    either = {"all": [{"type": "diagnosis", "concept": "sle"}, STEROIDS_FAILED, CSDMARD_FAILED]}
    trials = [_trial("T1", _criterion("inc-1", "inclusion", either))]
    results = _results(trials, LUPUS)
    gains = trial_gains(results[0], {"therapy:glucocorticoid:failed_or_intolerant"}, load_priors())
    assert "therapy:glucocorticoid:failed_or_intolerant" not in gains
    assert gains["therapy:csdmard:failed_or_intolerant"] > 0        # a "no" still rules the trial out


def test_the_priors_file_is_checked(tmp_path):
    good = read_priors()
    assert 0 < good.threshold < 1 and good.p_true("infection:hiv:positive", "infection_positive", False) < 0.05
    bad = tmp_path / "question_priors.yaml"
    text = (load_priors.__wrapped__.__globals__["PRIORS_FILE"]).read_text(encoding="utf-8")
    bad.write_text(text.replace("threshold: ", "threshold: 7 #"), encoding="utf-8")
    with pytest.raises(DataError, match="threshold"):
        read_priors(bad)
    bad.write_text(text.replace("known:", "knwon:"), encoding="utf-8")
    with pytest.raises(DataError, match="question_priors.yaml"):
        read_priors(bad)


def test_other_diseases_of_several_trials_are_not_asked_of_a_patient_with_one_of_theirs():
    # lupus patients whose lupus branch failed: each trial could still take another disease,
    # but "do you also have systemic sclerosis, Graves' disease or polymyositis?" is odd to
    # someone who told us their diagnosis (round 6): no question is asked about them, and
    # (round 43) those branches, other groups of the trial than hers, keep no trial open
    def trial(trial_id, other):
        either = {"any": [{"all": [{"type": "diagnosis", "concept": "sle"}, STEROIDS_FAILED]},
                          {"type": "diagnosis", "concept": other}]}
        return _trial(trial_id, _criterion("inc-1", "inclusion", either), conditions=("sle", other))
    trials = [trial("T1", "systemic_sclerosis"), trial("T2", "graves_disease"), trial("T3", "polymyositis")]
    first = next_question(_results(trials, LUPUS))
    assert first.key == "therapy:glucocorticoid:failed_or_intolerant"
    after = _results(trials, LUPUS, *first.answer_to_facts("no"))
    question = next_question(after, asked={first.key})
    assert question is None or not question.key.startswith("diagnosis")
    assert {r.verdict for r in after} == {"ineligible"}


def test_the_best_fitting_trials_questions_come_first():
    # a lupus nephritis patient: the lupus trial fits the diagnosis itself, the two kidney-
    # disease trials only through the organ and rank after it; their "hypertension?" (which
    # could rule both out) is no longer asked before what the lupus trial needs
    htn = _criterion("inc-htn", "inclusion", {"type": "diagnosis", "concept": "hypertension"})
    steroids = _criterion("inc-1", "inclusion", STEROIDS_FAILED)
    trials = [_trial("A-lupus", steroids, conditions=("sle",)),
              _trial("B-ckd", htn, conditions=("kidney_disease",)),
              _trial("C-ckd", htn, conditions=("kidney_disease",))]
    results = _results(trials, Fact("CONDITION", "lupus_nephritis", "lupus nephritis"))
    fits = {r.id: r.condition_fit for r in results}
    assert results[0].id == "A-lupus" and fits["B-ckd"] < fits["A-lupus"]    # the ranking this rests on
    question = next_question(results)
    assert question.key == "therapy:glucocorticoid:failed_or_intolerant"
    # with the lupus trial decided, the kidney trials' question is theirs to ask again
    decided = _results(trials[1:], Fact("CONDITION", "lupus_nephritis", "lupus nephritis"))
    assert next_question(decided).key == "diagnosis:hypertension"


def test_a_weaker_fit_weighs_as_a_trial_after_those_shown():
    priors = load_priors()
    assert priors.fit_weight(1, 2, 3) == min(priors.weight(1), priors.weaker_fit_weight) <= priors.later_weight
    assert priors.fit_weight(1, 3, 3) == priors.weight(1)
