"""Relevance, round 10 (issue #14): a diagnosis only suspected ("they think it might be
lupus", "being investigated for MS") never rules its trials out, also beside a stated one
("RA, and now they suspect lupus": the lupus trials were ruled out by the stated RA), and
alone it ranks its trials first; a rule-out cites the trial's conditions and the patient's
stated diagnosis; the antigen-target boost reaches graded fits (a leukaemia trial for a
T-ALL, 2.5), not only an umbrella's 2."""
from datetime import date

from core.facts import Fact, Profile
from data.condition_names import EXACT_FIT, NAME_FIT, SUBTYPE_FIT
from data.terminology import load_terminology
from matching.candidates import patient_of
from matching.engine import match
from matching.evaluate import Evaluator
from matching.relevance import asserted_diagnoses, ranked_diagnoses, suspected_diagnoses
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts), "condition_terms": []}


def _gate(result):
    return next(c for c in result.criteria if c.id == "elig-condition")


def _trials():
    return [_trial("T-SLE", ["sle"], ["Systemic Lupus Erythematosus"]),
            _trial("T-RA", ["rheumatoid_arthritis"], ["Rheumatoid Arthritis"]),
            _trial("T-BR", ["breast_cancer"], ["Breast Cancer"]),
            _trial("T-MS", ["multiple_sclerosis"], ["Multiple Sclerosis"])]


def _results(text, trials=None):
    return {r.id: r for r in match(Profile(extract(text)), trials or _trials(), today=TODAY)}


def _ev(text):
    return Evaluator(Profile(extract(text)), load_terminology(), today=TODAY)


# --- a hedged diagnosis never rules its trials out --------------------------------------------

def test_a_suspected_diagnosis_beside_a_stated_one_keeps_its_trials_open():
    text = "Seropositive RA for 10 years, now they suspect lupus as well. Failed methotrexate."
    ev = _ev(text)
    assert [f.concept for f in asserted_diagnoses(ev)] == ["rheumatoid_arthritis"]
    assert [f.concept for f in suspected_diagnoses(ev)] == ["sle"]
    results = _results(text)
    assert results["T-SLE"].verdict != "ineligible"
    gate = _gate(results["T-SLE"])
    assert gate.status != "fail"
    reason = gate.evidence[0].reason
    assert "systemic lupus erythematosus" in reason.lower() and "suspected" in reason
    assert "rheumatoid arthritis" in reason.lower()          # what was stated is named too
    # the stated diagnosis still rules out a trial for neither
    assert results["T-BR"].verdict == "ineligible" and _gate(results["T-BR"]).status == "fail"
    assert results["T-RA"].verdict != "ineligible"


def test_pruning_keeps_the_trials_of_a_suspected_diagnosis_beside_a_stated_one():
    patient = patient_of(Profile(extract("Seropositive RA for 10 years, now they suspect lupus as well.")), TODAY)
    assert "sle" in patient.conditions and "rheumatoid_arthritis" in patient.conditions
    alone = patient_of(Profile(extract("They think it might be lupus, still running tests.")), TODAY)
    assert alone.conditions == ()              # a hedged diagnosis alone narrows nothing


def test_a_hedged_diagnosis_alone_rules_nothing_out_and_ranks_its_trials_first():
    for text in ("My rheumatologist thinks it might be lupus, they are still running tests. I'm 34.",
                 "They suspect lupus, the blood tests are not back yet."):
        results = _results(text)
        assert all(r.verdict != "ineligible" for r in results.values()), text
        assert all(_gate(r).status != "fail" for r in results.values()), text
        ranked = sorted(results.values(), key=lambda r: -r.condition_fit)
        assert ranked[0].id == "T-SLE", text
        assert 0 < results["T-SLE"].condition_fit <= NAME_FIT and results["T-BR"].condition_fit == 0


def test_a_suspected_diagnosis_fits_weaker_than_a_stated_one():
    ev = _ev("Seropositive RA for 10 years, now they suspect lupus as well.")
    caps = {concept: cap for concept, _text, cap in ranked_diagnoses(ev)}
    assert caps["rheumatoid_arthritis"] == EXACT_FIT and caps["sle"] == NAME_FIT
    results = _results("Seropositive RA for 10 years, now they suspect lupus as well.")
    assert results["T-RA"].condition_fit > results["T-SLE"].condition_fit > 0


def test_an_unknown_diagnosis_never_rules_a_trial_out():
    for text in ("I'm 45 and want to know about studies.", "My mother has lupus. I'm 30, what is there for me?"):
        results = _results(text)
        assert all(r.verdict != "ineligible" for r in results.values()), text
        assert all(_gate(r).status == "unknown" for r in results.values()), text


def test_a_rule_out_cites_the_trials_conditions_and_the_stated_diagnosis():
    results = _results("I have had multiple sclerosis since 2010, relapsing remitting, on ocrelizumab.")
    gate = _gate(results["T-BR"])
    assert results["T-BR"].verdict == "ineligible" and gate.status == "fail"
    reason = gate.evidence[0].reason
    assert reason.startswith("for breast cancer") and "you told me: multiple sclerosis" in reason
    assert "multiple sclerosis" in [f.text.lower() for f in gate.evidence[0].facts]    # the patient's words
    assert results["T-MS"].verdict != "ineligible"


# --- the antigen-target boost reaches graded fits ---------------------------------------------

def test_a_trial_aimed_at_the_patients_antigen_under_the_class_of_their_disease_ranks_as_their_own():
    leukaemia = _trial("T-LEUK", ["leukemia"], ["Leukemia"])          # a T-ALL is a leukaemia: SUBTYPE_FIT
    own = _trial("T-TALL", ["t_all"], ["T Acute Lymphoblastic Leukemia"])
    profile = Profile(extract("19M, relapsed T-cell acute lymphoblastic leukaemia, CD7 positive blasts."))
    plain = {r.id: r for r in match(profile, [leukaemia, own], today=TODAY)}
    assert plain["T-LEUK"].condition_fit == SUBTYPE_FIT and plain["T-TALL"].condition_fit == EXACT_FIT
    boosted = match(profile, [leukaemia, own], today=TODAY, targeted=frozenset({"T-LEUK"}))
    by_id = {r.id: r for r in boosted}
    assert by_id["T-LEUK"].condition_fit == EXACT_FIT and by_id["T-LEUK"].targeted
    assert boosted[0].id == "T-LEUK"


def test_the_boost_never_lifts_a_weak_fit_or_a_trial_for_another_disease():
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    profile = Profile(extract("19M, relapsed T-cell acute lymphoblastic leukaemia, CD7 positive blasts."))
    by_id = {r.id: r for r in match(profile, [breast], today=TODAY, targeted=frozenset({"T-BR"}))}
    assert by_id["T-BR"].condition_fit == 0 and by_id["T-BR"].verdict == "ineligible"


def test_a_fact_marked_uncertain_is_read_as_suspected():
    hedged = Fact("CONDITION", "sle", "lupus", 0, 5, uncertain=True)
    stated = Fact("CONDITION", "rheumatoid_arthritis", "RA", 10, 12)
    ev = Evaluator(Profile([stated, hedged]), load_terminology(), today=TODAY)
    assert [f.concept for f in suspected_diagnoses(ev)] == ["sle"]
    results = {r.id: r for r in match(Profile([stated, hedged]), _trials(), today=TODAY)}
    assert results["T-SLE"].verdict != "ineligible" and results["T-BR"].verdict == "ineligible"


def test_a_suspected_class_of_a_stated_diagnosis_keeps_nothing_else_open():
    # "any study for the cancer side?" after a stated breast cancer: the cancer is hers
    text = "51 yo woman, breast cancer 2 years ago, on tamoxifen since. Is there any study for the cancer side?"
    ev = _ev(text)
    assert "breast_cancer" in [f.concept for f in asserted_diagnoses(ev)]
    assert not [f for f in suspected_diagnoses(ev) if f.concept == "malignancy"]
    results = _results(text, [*_trials(), _trial("T-CRC", ["colorectal_cancer"], ["Colorectal Cancer"])])
    assert results["T-CRC"].verdict == "ineligible" and results["T-BR"].verdict != "ineligible"
