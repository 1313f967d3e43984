"""Relevance, round 8 (issue #14): kidney function said as "my kidneys are working at 15 %"
is an eGFR, so a diabetic patient's kidney-disease trials stay open (it was read as
nothing and the gate ruled them out for the diabetes alone); an unknown still rules
nothing out."""
from datetime import date

from core.facts import Profile
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts), "condition_terms": []}


def _egfr(text):
    return [(f.value_normalized, f.text) for f in extract(text) if f.label == "LAB" and f.concept == "egfr"]


def test_kidneys_working_at_a_percentage_is_an_egfr():
    assert _egfr("My kidneys are only working at 15 % and I'm starting dialysis next month.")[0][0] == 15
    assert _egfr("his kidneys are working at about 35 % now, the nephrologist said")[0][0] == 35
    assert _egfr("my kidneys are only working at about 20 percent now")[0][0] == 20
    # the organ alone is still the organ-involvement reader's, no lab value
    facts = extract("lupus that has now spread to his kidneys")
    assert not [f for f in facts if f.label == "LAB"] and "lupus_nephritis" in {f.concept for f in facts}


def test_a_diabetic_patients_kidney_trials_stay_open_when_the_kidneys_work_at_15_percent():
    ckd = _trial("T-CKD", ["kidney_disease"], ["Chronic Kidney Disease"])
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    t2d = _trial("T-T2D", ["type_2_diabetes"], ["Type 2 Diabetes"])
    text = "My kidneys are only working at 15 % and I'm starting dialysis next month. I've had type 2 diabetes for 25 years."
    results = {r.id: r for r in match(Profile(extract(text)), [ckd, breast, t2d], today=TODAY)}
    assert results["T-CKD"].verdict != "ineligible" and results["T-CKD"].condition_fit > 0
    assert results["T-BR"].verdict == "ineligible"
    assert results["T-T2D"].verdict != "ineligible"


def test_lupus_of_the_skin_alone_keeps_the_lupus_trials_open_weakly_and_is_no_sle():
    sle = {"id": "T-SLE", "nct_id": None, "title": "CAR-T for refractory SLE", "conditions": ["sle"],
           "conditions_text": ["Systemic Lupus Erythematosus"], "condition_terms": [],
           "criteria": [{"id": "inc-1", "kind": "inclusion", "text": "Diagnosis of SLE",
                         "rule": {"type": "diagnosis", "concept": "sle"}}]}
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    facts = extract("I have discoid lupus on my face and scalp, skin only, hydroxychloroquine hasn't helped. 39F.")
    assert "cutaneous_lupus" in {f.concept for f in facts} and "sle" not in {f.concept for f in facts}
    results = {r.id: r for r in match(Profile(facts), [sle, breast], today=TODAY)}
    assert results["T-SLE"].verdict == "possible" and results["T-SLE"].condition_fit > 0
    assert next(c for c in results["T-SLE"].criteria if c.id == "inc-1").status == "unknown"   # SLE is asked, not assumed
    assert results["T-BR"].verdict == "ineligible"
