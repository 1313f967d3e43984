"""h198, round 41 (issue #14, relevance): the right trial first on the real registry records.

* Among trials fitting the patient's condition equally, one with a site in the country the
  person names comes before one without: a tie-break after the condition fit, never above a
  better fit, ruling nothing out (``matching.home_trials``).
* A disease of a main kind stated only as past ("had ITP as a teenager, it went away") beside a
  current diagnosis ("now she has lupus") is no current comorbidity: the ranking reads it as a
  past cancer, at most a name's fit; one of no main kind ("had TB back in the 1980s, fully
  treated", "asthma as a child") at most a comorbidity's fit beside any current diagnosis
  ("now he has Parkinson's").
* With no diagnosis of a main kind and only common comorbidities stated (asthma, hypertension,
  type 2 diabetes), the one named first is what the person came about: the others, named
  after it ("I also have high blood pressure"), are its comorbidities to the ranking; a
  complication of it (diabetic neuropathy beside diabetes) is not.
"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.condition_names import COMORBIDITY_FIT, EXACT_FIT, NAME_FIT
from data.store import open_store
from matching import relevance
from matching.catalog import TrialCatalog
from matching.evaluate import Evaluator
from matching.home_trials import person_countries
from matching.pruned import match
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
# relapsed myeloma, condition "Multiple Myeloma" each
MEZI_KD = "NCT05552976"       # no site in Turkey or Saudi Arabia
TALQ = "NCT06208150"          # sites in Saudi Arabia and Turkey
TEC_PVD = "NCT05572515"       # Turkey
MEZI_VD = "NCT05519085"       # Turkey
ISB2001 = "NCT05862012"       # Australia, India, United States
TEC_INDIA = "NCT07030517"     # India only
IBER_MAINT = "NCT05827016"    # newly diagnosed maintenance: a lower fit for a relapse; Switzerland
MYELOMA = (MEZI_KD, TALQ, TEC_PVD, MEZI_VD, ISB2001, TEC_INDIA, IBER_MAINT)
# asthma and hypertension
DUPILUMAB, DEXPRAMIPEXOLE, AZD4604, TOZORAKIMAB = "NCT05097287", "NCT05813288", "NCT06020014", "NCT06932263"
ASTHMA = (DUPILUMAB, DEXPRAMIPEXOLE, AZD4604, TOZORAKIMAB)
BAXDROSTAT, ORFO_HTN = "NCT06344104", "NCT06948422"
HYPERTENSION = (BAXDROSTAT, ORFO_HTN)
NN0519, IGLARLIXI = "NCT06326047", "NCT06716424"
GHRELIN, TB = "NCT05381090", "NCT05381194"   # dementia biomarkers (Parkinson's group); pre-XDR TB


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = open_store(str(tmp_path_factory.mktemp("h198") / "t.db"))
    ids = (*MYELOMA, *ASTHMA, *HYPERTENSION, NN0519, IGLARLIXI, GHRELIN, TB)
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return TrialCatalog(db)


def ranked(catalog, text):
    return [r.id for r in match(Profile(extract(text, today=TODAY)), catalog, today=TODAY) if r.verdict != "ineligible"]


def fits(text):
    ev = Evaluator(Profile(extract(text, today=TODAY)), today=TODAY)
    found: dict[str, float] = {}
    for concept, _text, cap in relevance.ranked_diagnoses(ev):
        found[concept] = max(found.get(concept, 0), cap)
    return found


RELAPSED = "My myeloma relapsed after 3 lines (VRd + ASCT, then Dara-Pd, then Kd). I'm 64."


# -- a site in the person's country: a tie-break after the condition fit --------------------

@pytest.mark.parametrize("place", ["I live in Saudi Arabia.", "We're from Riyadh, Saudi Arabia.",
                                   "I'm in saudi arabia"])
def test_a_trial_with_a_site_in_the_persons_country_comes_first_among_equals(catalog, place):
    order = ranked(catalog, f"{RELAPSED} {place}")
    assert order[0] == TALQ
    assert order.index(IBER_MAINT) > order.index(TEC_INDIA)      # a better fit stays above


def test_without_a_country_the_order_is_the_fits_and_the_text(catalog):
    assert ranked(catalog, RELAPSED)[0] == MEZI_KD


@pytest.mark.parametrize("place", ["I live in Turkey.", "Ankara, Turkey."])
def test_trials_without_a_home_site_go_after_those_with_one(catalog, place):
    order = ranked(catalog, f"{RELAPSED} {place}")
    assert set(order[:3]) == {TALQ, TEC_PVD, MEZI_VD}
    assert order.index(MEZI_KD) == 3


@pytest.mark.parametrize("place", ["I live in Switzerland.", "Zurich, Switzerland."])
def test_a_home_site_never_lifts_a_trial_above_a_better_fit(catalog, place):
    order = ranked(catalog, f"{RELAPSED} {place}")
    assert order.index(IBER_MAINT) > max(order.index(t) for t in (MEZI_KD, TALQ, TEC_PVD, MEZI_VD, ISB2001, TEC_INDIA))


@pytest.mark.parametrize("text, country", [
    ("I live in Brazil and have MDS.", {"Brazil"}),
    ("I'm 70 (m), from Melbourne, Australia, with myeloma.", {"Australia"}),
    ("we're in the uk, my dad has myeloma", {"United Kingdom"}),
    ("I have myeloma.", set()),
])
def test_the_persons_country(text, country):
    assert person_countries(Profile(extract(text, today=TODAY))) == country


def test_a_home_site_rules_nothing_out(catalog):
    plain = {r.id: r.verdict for r in match(Profile(extract(RELAPSED, today=TODAY)), catalog, today=TODAY)}
    home = {r.id: r.verdict for r in match(Profile(extract(f"{RELAPSED} I live in India.", today=TODAY)),
                                           catalog, today=TODAY)}
    assert plain == home


# -- a past condition beside a current one ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "My wife had ITP as a teenager, it went away. Now she has lupus with a rash and sore joints.",
    "I'm 29 (f). I had ITP when I was 12 but it resolved. Now I have lupus - joints and a rash.",
])
def test_a_past_disease_of_a_main_kind_is_no_current_comorbidity(text):
    found = fits(text)
    assert found["sle"] == EXACT_FIT
    assert found["itp"] <= NAME_FIT


@pytest.mark.parametrize("text", [
    "My dad (70) had TB back in the 1980s, fully treated. Now he has Parkinson's, diagnosed 3 years ago, on levodopa.",
    "I'm 72 (m). I had tuberculosis in 1990 and was treated. These days it's Parkinson's disease, on co-careldopa.",
])
def test_a_past_condition_ranks_after_the_current_one(catalog, text):
    found = fits(text)
    assert found["parkinsons_disease"] == EXACT_FIT and found["tuberculosis"] <= COMORBIDITY_FIT
    order = ranked(catalog, text)
    assert order.index(GHRELIN) < order.index(TB)


@pytest.mark.parametrize("text", [
    "I'm 30 (m). I had asthma as a child but grew out of it. Now my T-ALL has come back after chemo.",
    "I'm 45 (f). I had asthma as a kid, nothing since my teens. Crohn's since 2012, infliximab failed.",
])
def test_a_childhood_asthma_stays_a_comorbidity_at_most(text):
    assert fits(text)["asthma"] <= COMORBIDITY_FIT


def test_a_relapse_of_a_past_disease_is_the_disease_now():
    # "had T-ALL in 2019 and now it has come back": the T-ALL itself, not a past one
    assert fits("My son had T-ALL in 2019 and now it has come back, CD7 positive.")["t_all"] == EXACT_FIT


# -- several common conditions: the first named is what the person came about ---------------

@pytest.mark.parametrize("text", [
    "I'm 50 (f), asthmatic since my twenties. High-dose Symbicort and montelukast but three courses of "
    "prednisolone this year; eosinophils 0.45. I also have high blood pressure, on ramipril.",
    "My husband (57) has bad asthma - even on a high-dose purple inhaler and montelukast he needed steroid "
    "tablets twice this year. He also takes amlodipine for his blood pressure.",
    "46M severe eosinophilic asthma, 3 OCS courses in 12 months despite high-dose ICS/LABA, eos 0.7. Also HTN on losartan.",
])
def test_asthma_named_first_comes_before_the_hypertension_named_after(catalog, text):
    found = fits(text)
    assert found["asthma"] == EXACT_FIT and found["hypertension"] == COMORBIDITY_FIT
    order = ranked(catalog, text)
    top_asthma = min(order.index(t) for t in ASTHMA if t in order)
    assert all(order.index(t) > top_asthma for t in HYPERTENSION if t in order)


@pytest.mark.parametrize("text", [
    "My dad (63) has had type 2 diabetes and high blood pressure for 12 years. He takes metformin and amlodipine.",
    "I'm 58 (m) with type 2 diabetes on metformin, and I also have high blood pressure on amlodipine.",
])
def test_diabetes_named_first_comes_before_the_hypertension(catalog, text):
    found = fits(text)
    assert found["type_2_diabetes"] == EXACT_FIT and found["hypertension"] == COMORBIDITY_FIT
    order = ranked(catalog, text)
    assert order.index(IGLARLIXI) < min(order.index(t) for t in HYPERTENSION if t in order)


@pytest.mark.parametrize("text", [
    "I'm 55 (f) with high blood pressure on three tablets, still 160/95. I also have type 2 diabetes on metformin.",
    "My mum (66) has high blood pressure and type 2 diabetes.",
])
def test_hypertension_named_first_keeps_its_place(text):
    found = fits(text)
    assert found["hypertension"] == EXACT_FIT and found["type_2_diabetes"] == COMORBIDITY_FIT


@pytest.mark.parametrize("text", [
    "My husband (58) has had type 2 diabetes for 10 years. His feet are numb - the doctor says it's diabetic neuropathy.",
    "I have type 2 diabetes and diabetic neuropathy in my feet.",
])
def test_a_complication_named_after_its_disease_is_no_comorbidity(text):
    found = fits(text)
    assert found["type_2_diabetes"] == EXACT_FIT and found["diabetic_neuropathy"] == EXACT_FIT


def test_a_main_diagnosis_keeps_the_earlier_reading():
    # a cancer or an autoimmune disease beside them: the comorbidities as before, whatever the order
    found = fits("I have high blood pressure and asthma, and last month I was told I have lupus.")
    assert found["sle"] == EXACT_FIT
    assert found["hypertension"] == COMORBIDITY_FIT and found["asthma"] == COMORBIDITY_FIT
