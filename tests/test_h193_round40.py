"""h193, round 40 (issue #14, relevance): the right trial first on the real registry records.

* A chronic disease told with the date it began ("asthma since 2005", "diagnosed 2003", "T2DM
  since 2009") or how long it has lasted is ongoing: unless it is said to be over it is present
  in any window up to now ("Documented evidence of asthma in the 10 years up to Visit 1"). The
  date of a one-off event (a heart attack in 2015) still dates the event. ``lasting`` in the
  terminology says which diseases go on once they began; a kind that comes and goes says
  ``lasting: false`` (acute kidney injury, gestational diabetes).
"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.evaluate import Evaluator
from matching.pruned import match
from nlp.criteria.parser import build_rule
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
AZD4604 = "NCT06020014"       # inc-6: "Documented evidence of asthma in the 10 years up to ... Visit 1"
DUPILUMAB = "NCT05097287"
IGLARLIXI = "NCT06716424"     # "Type 2 Diabetes diagnosed for at least 1 year ... on Metformin"
OTHERS = ("NCT00739752", "NCT05381389", "NCT06326047")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = open_store(str(tmp_path_factory.mktemp("h193") / "t.db"))
    ids = (AZD4604, DUPILUMAB, IGLARLIXI, *OTHERS)
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return TrialCatalog(db)


def verdicts(catalog, text):
    return {r.id: r.verdict for r in match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)}


def judged(rule_text, kind, patient):
    rule = build_rule(rule_text, kind)
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


# --- a chronic disease begun long ago is present now -------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 46 (m) and have had asthma since 2005. Two severe attacks in the last year needed prednisolone and one "
    "put me in hospital. On high-dose Fostair and montelukast, eosinophils 500. Never smoked.",
    "52F asthma diagnosed 2003, on high-dose ICS/LABA + montelukast; 3 severe exacerbations requiring OCS in "
    "the past 12 months. Eos 0.4. Never smoker.",
    "My mum (61) has had asthma since 1998. She still had 2 bad attacks needing prednisolone in the past 12 "
    "months on a high-dose steroid inhaler and montelukast. Eosinophils 400, she never smoked.",
    "I'm 44 (f) and I've been asthmatic for 15 years. Three attacks last year needed steroid tablets.",
])
def test_an_asthma_begun_long_ago_is_asthma_in_the_last_ten_years(catalog, text):
    got = verdicts(catalog, text)
    assert got[AZD4604] != "ineligible"
    assert got[DUPILUMAB] != "ineligible"


@pytest.mark.parametrize("patient", [
    "asthma since 2005",
    "asthma diagnosed in 2001, on a brown inhaler",
    "He has been asthmatic since 1999.",
])
def test_a_window_on_a_lasting_disease_holds_whatever_its_start(patient):
    assert judged("Documented evidence of asthma in the 10 years up to Visit 1.", "inclusion", patient) == "true"
    assert judged("History of asthma within the last 5 years", "exclusion", patient) == "true"


@pytest.mark.parametrize("patient", [
    "57F, T2DM since 2009 on metformin 2 g only, HbA1c 8.0 %, BMI 33.",
    "I'm 58 (m), type 2 diabetes diagnosed in 2006, on metformin. HbA1c 8.4, BMI 30.",
])
def test_a_diabetes_begun_long_ago_keeps_a_diabetes_trial_open(catalog, patient):
    assert verdicts(catalog, patient)[IGLARLIXI] != "ineligible"


@pytest.mark.parametrize("patient", [
    "I had a heart attack in 2015.",
    "MI 2016, stented.",
])
def test_a_one_off_event_long_ago_stays_out_of_the_window(patient):
    assert judged("Myocardial infarction within 6 months", "exclusion", patient) == "false"


@pytest.mark.parametrize("patient", [
    "I had asthma as a child but it went away in 1995.",
    "Childhood asthma, resolved in 2001, no inhalers since.",
])
def test_a_lasting_disease_said_to_be_over_keeps_its_date(patient):
    assert judged("History of asthma within the last 5 years", "exclusion", patient) != "true"


def test_which_diseases_last():
    terminology = load_terminology()
    assert all(terminology.lasting(c) for c in ("asthma", "copd", "type_2_diabetes", "hypertension", "sle",
                                               "lupus_nephritis", "crohns_disease", "kidney_disease"))
    assert not any(terminology.lasting(c) for c in ("acute_kidney_injury", "scleroderma_renal_crisis",
                                                   "gestational_diabetes", "myocardial_infarction", "stroke",
                                                   "breast_cancer", "hashimoto_thyroiditis"))
