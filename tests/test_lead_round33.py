"""Round 33 (lead): a father for his son of 16 with ITP whose spleen is still in, a woman of 29
with ulcerative colitis, a haematologist's relapsed CD7+ T-ALL, a husband for his wife with
diffuse scleroderma, a mother for her daughter with class IV lupus nephritis, a nephrologist's
class V lupus nephritis, and a TREC dev note of an acute stroke through ``triage``.

- "no his spleen is still in" named nothing: an organ said to be still there is its removal,
  negated (data/patterns/organs_kept.jsonl).
- "no other health problems" with no question open was "Sorry, I didn't find anything new".
- "an acute 1.7-cm infarct of the right periventricular white matter" named no stroke, and the
  registry's "Atherosclerotic Cardiovascular Disease (ASCVD)" was coronary artery disease only,
  so a stroke patient was ruled out of an ASCVD trial "for another condition".
- "NIHSS score was calculated as 7" had no value.
- "proteinuria despite MMF 3g, tacrolimus and two doses of rituximab": the doses pushed the
  rituximab out of the failure's reach; "her lupus is still active despite MMF" lost the failure
  to a longer backward rule; "active despite MMF" read the MMF as a course over.
- "PMH: lacunar infarct 2019, AF on apixaban. New dx anti-synthetase syndrome with ILD": the new
  diagnosis was read as history.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Fact, Profile
from data.terminology import load_terminology
from matching.engine import match
from nlp import extract

TODAY = date(2026, 12, 6)


def _facts(text, label=None, concept=None):
    return [f for f in extract(text, today=TODAY)
            if (label is None or f.label == label) and (concept is None or f.concept == concept)]


# --- an organ still there ----------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("no his spleen is still in, the docs wanted to take it out but we said no", "splenectomy"),
    ("he still has his spleen", "splenectomy"),
    ("Spleen is still in place, had IVIG", "splenectomy"),
    ("spleen in situ", "splenectomy"),
    ("she still has her womb", "hysterectomy"),
    ("Crohn's, ileocolonic. Colon intact, no resections.", "colectomy"),
    ("thymus not removed", "thymectomy"),
])
def test_an_organ_said_to_be_still_there_was_not_removed(text, concept):
    found = _facts(text, "PROCEDURE", concept)
    assert len(found) == 1 and found[0].negated


@pytest.mark.parametrize("text", [
    "her spleen is still enlarged",
    "is his spleen still there?",
    "still has her spleen pain",
])
def test_an_organ_that_is_still_ill_or_asked_about_names_no_removal(text):
    assert not [f for f in _facts(text) if f.concept in ("splenectomy", "hysterectomy", "colectomy")]


def test_a_removal_said_as_before_stays_had():
    found = _facts("her spleen was taken out in 2010", "PROCEDURE", "splenectomy")
    assert found and not found[0].negated


# --- nothing more to tell, no question open ----------------------------------------------------

def test_no_other_health_problems_with_no_question_open_is_acknowledged(tmp_path):
    from bundled_engine import engine_with_records, said, talk, tracker_of
    engine = engine_with_records(tmp_path, TODAY)
    talk(engine, "a", "im writing for my son hes 19 and has had itp since he was 11")
    for _ in range(12):         # past every open question
        if tracker_of(engine, "a").pending is None:
            break
        engine.message("a", "skip")
    assert tracker_of(engine, "a").pending is None
    before = tracker_of(engine, "a").profile.facts
    reply = said(engine.message("a", "no other health problems"))
    assert "didn't find anything" not in reply and "couldn't find" not in reply
    assert reply.startswith("OK.")
    assert tracker_of(engine, "a").profile.facts == before


# --- a stroke in a note's words, and the trials for atherosclerotic disease ---------------------

@pytest.mark.parametrize("text, span", [
    ("MRI of the head revealed an acute 1.7-cm infarct of the right periventricular white matter and posterior right basal ganglia.", "infarct"),
    ("right MCA infarct", "MCA infarct"),
    ("lacunar infarct in the left internal capsule", "lacunar infarct"),
    ("History of a left thalamic infarction in 2018.", "thalamic infarction"),
    ("acute ischemic stroke", "acute ischemic stroke"),
])
def test_an_infarct_of_the_brain_is_an_ischaemic_stroke(text, span):
    found = _facts(text, "CONDITION", "ischaemic_stroke")
    assert [f.text for f in found] == [span]


@pytest.mark.parametrize("text", ["infarct of the spleen", "myocardial infarction in 2019", "renal infarct"])
def test_an_infarct_elsewhere_is_no_stroke(text):
    assert not _facts(text, "CONDITION", "ischaemic_stroke")


def test_no_infarct_on_the_scan_is_no_stroke():
    found = _facts("no evidence of infarct in the brain", "CONDITION", "ischaemic_stroke")
    assert found and all(f.negated for f in found)


def test_a_dated_ischaemic_stroke_is_over():
    found = _facts("ischaemic stroke 2019, on clopidogrel", "CONDITION", "ischaemic_stroke")
    assert found and found[0].historical


def test_atherosclerotic_disease_holds_coronary_peripheral_and_ischaemic_stroke_not_a_bleed():
    terms = load_terminology()
    for kind in ("coronary_artery_disease", "peripheral_arterial_disease", "ischaemic_stroke"):
        assert terms.is_a(kind, "atherosclerotic_cardiovascular_disease")
    assert terms.is_a("ischaemic_stroke", "stroke")
    assert not terms.is_a("stroke", "atherosclerotic_cardiovascular_disease")     # a haemorrhage too
    assert [f.concept for f in _facts("ASCVD", "CONDITION")] == ["atherosclerotic_cardiovascular_disease"]
    assert [f.concept for f in _facts("coronary artery disease", "CONDITION")] == ["coronary_artery_disease"]


def test_a_trial_for_ascvd_is_for_a_patient_with_an_ischaemic_stroke_or_coronary_disease():
    trial = {"id": "T-ASCVD", "nct_id": None, "title": "Outcomes in ASCVD", "criteria": [],
             "conditions": ["atherosclerotic_cardiovascular_disease"], "conditions_text": []}
    for concept, text in (("ischaemic_stroke", "infarct"), ("coronary_artery_disease", "CAD")):
        result = match(Profile([Fact("CONDITION", concept, text, 0, len(text))]), [trial], today=TODAY)[0]
        gate = next(c for c in result.criteria if c.id == "elig-condition")
        assert gate.status == "pass", concept
    asthma = match(Profile([Fact("CONDITION", "asthma", "asthma", 0, 6)]), [trial], today=TODAY)[0]
    assert asthma.verdict == "ineligible"


# --- a score's value in a note's words ----------------------------------------------------------

@pytest.mark.parametrize("text, concept, value", [
    ("His National Institutes of Health Stroke Scale (NIHSS) score was calculated as 7.", "nihss", 7),
    ("eGFR estimated at 45", "egfr", 45),
    ("ECOG assessed as 1", "ecog", 1),
    ("mRSS calculated as 31 today", "mrss", 31),
])
def test_a_value_calculated_or_estimated_is_read(text, concept, value):
    found = [f for f in extract(text, today=TODAY) if f.concept == concept]
    assert found and found[0].value == value


# --- a failure over a list with doses and counts -------------------------------------------------

def _status(text):
    return {f.concept: (f.status, f.historical) for f in _facts(text) if f.label == "DRUG"}


def test_despite_reaches_every_item_of_a_dosed_list():
    got = _status("persistent proteinuria despite MMF 3g, tacrolimus and two doses of rituximab.")
    assert {c: s for c, (s, _) in got.items()} == {"mycophenolate": "failed", "tacrolimus": "failed", "rituximab": "failed"}


def test_a_failure_list_stops_at_a_treatment_taken_now():
    got = _status("failed MMF 3g, tacrolimus 2mg and now on rituximab")
    assert got["mycophenolate"][0] == "failed" and got["tacrolimus"][0] == "failed"
    assert got["rituximab"][0] == "current"


def test_still_active_despite_keeps_the_failure_and_the_treatment_taken():
    got = _status("her lupus is still active despite MMF")
    assert got["mycophenolate"] == ("failed", False)
    got = _status("SLE with class IV LN, active despite MMF 3g/day, tacrolimus 4mg and 2 doses of rituximab.")
    assert got["mycophenolate"] == ("failed", False) and got["tacrolimus"] == ("failed", False)
    assert got["rituximab"] == ("failed", True)


def test_a_sentence_that_the_disease_is_still_active_after_treatments_still_fails_them():
    got = _status("She is on MMF and benlysta. Her lupus is still active.")
    assert got["mycophenolate"][0] == "failed" and got["belimumab"][0] == "failed"


def test_flared_despite_says_nothing_of_now():
    got = _status("she flared despite rituximab in 2021")
    assert got["rituximab"][0] == "failed"


# --- a new diagnosis after a history on the same line -------------------------------------------

def test_a_new_diagnosis_after_the_history_on_its_line_is_current():
    facts = _facts("PMH: lacunar infarct 2019, AF on apixaban, hypothyroid. New dx anti-synthetase syndrome (Jo-1+) with ILD.")
    by = {f.concept: f for f in facts if f.label == "CONDITION"}
    assert by["hypothyroidism"].historical                  # the history stays history
    assert not by["antisynthetase_syndrome"].historical
    assert not by["interstitial_lung_disease"].historical


# --- a brother's dermatomyositis: a whole list's failure in the present, "was also on", "but it" ---

def test_nothing_is_really_stopping_it_fails_the_whole_list_before_it():
    got = _status("He has had high dose steroids, tacrolimus, IVIG and tofacitinib. nothing is really stopping it.")
    assert {s for s, _ in got.values()} == {"failed"} and len(got) == 4
    got = _status("he has had steroids, tacrolimus and IVIG, nothing is stopping it")
    assert {s for s, _ in got.values()} == {"failed"}


def test_nothing_else_helping_is_no_failure():
    assert _status("she is on MMF, nothing else helps")["mycophenolate"][0] != "failed"


@pytest.mark.parametrize("text", [
    "he was also on cyclophosphamide for 6 months",
    "she was briefly on azathioprine",
    "he was previously on tacrolimus",
])
def test_was_on_with_a_word_of_when_between_is_over(text):
    drug = [f for f in _facts(text) if f.label == "DRUG"][0]
    assert drug.historical and drug.status != "current"


@pytest.mark.parametrize("text, status", [
    ("she was on azathioprine but it made her sick", "intolerant"),
    ("she took mtx but it caused nausea", "intolerant"),
    ("she was on azathioprine but it gave her pancreatitis", "intolerant"),
    ("she was on MMF 2g but it made her sick", "intolerant"),
    ("she tried azathioprine but it did not work", "failed"),
])
def test_an_outcome_said_of_it_after_but_is_the_treatments(text, status):
    drug = [f for f in _facts(text) if f.label == "DRUG"][0]
    assert drug.status == status


def test_an_outcome_of_it_after_another_mention_is_not_the_treatments():
    got = _status("she takes azathioprine, tacrolimus is planned but it made her sick before")
    assert got["azathioprine"][0] != "intolerant"


@pytest.mark.parametrize("text, concept, when", [
    ("he was diagnosed last christmas with AML", "aml", "2025-12"),
    ("on MMF since easter", "mycophenolate", "2026-04"),
    ("lupus since christmas 2023", "sle", "2023-12"),
])
def test_a_holiday_dates_a_fact_like_a_season(text, concept, when):
    found = [f for f in _facts(text) if f.concept == concept]
    assert found and str(found[0].date) == when


# --- a height is no age ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["shes 5 foot 4", "she is 5 feet tall", "hes 5 ft 10 and 80 kg", "im 5 foot 4",
                                  "my daughter is 5 foot 2"])
def test_a_height_in_feet_is_no_age(text):
    assert not [f for f in _facts(text) if f.label == "AGE"]


@pytest.mark.parametrize("text, age", [("she is 24", 24), ("my son is 9", 9), ("hes 5 ft 10 and 80 kg, 45 years old", 45),
                                       ("im 34 and 5ft 6", 34)])
def test_an_age_beside_a_height_is_read(text, age):
    assert [f.value for f in _facts(text) if f.label == "AGE"] == [age]


# --- results with no diagnosis; a question naming a trial --------------------------------------

def test_results_with_facts_but_no_diagnosis_ask_the_diagnosis_instead_of_listing(tmp_path):
    from bundled_engine import engine_with_records, said, talk, tracker_of
    engine = engine_with_records(tmp_path, TODAY)
    talk(engine, "a", "/role patient")
    engine.message("a", "im 30, female")
    reply = said(engine.command("a", "results", ""))
    assert "I don't know the diagnosis yet" in reply and "/trials" in reply
    assert "may qualify" not in reply
    summary = said(engine.command("a", "summary", ""))
    assert "I don't know the diagnosis yet" in summary and "Referral summary" not in summary
    engine.message("a", "I have lupus since 2015, mycophenolate didnt help")
    assert "may qualify" in said(engine.command("a", "results", ""))


def test_a_healthy_volunteer_still_gets_results(tmp_path):
    from bundled_engine import engine_with_records, said, talk
    engine = engine_with_records(tmp_path, TODAY, "ageing_no_disease.json")
    talk(engine, "a", "/role patient")
    engine.message("a", "im healthy, 70, female")
    assert "I don't know the diagnosis yet" not in said(engine.command("a", "results", ""))


def test_a_question_naming_a_known_trial_shows_that_trial(tmp_path):
    from bundled_engine import engine_with_records, said, talk
    engine = engine_with_records(tmp_path, TODAY)
    trial = engine.trials[0]
    ident = trial.get("nct_id") or trial["id"]
    reply = talk(engine, "a", f"what are the exclusion criteria for {ident}?")[0]
    assert (trial.get("title") or trial["id"]) in reply
    assert "can't answer that one" not in reply
    unknown = said(engine.message("a", "what are the criteria for NCT99999999?"))
    assert "can't answer that one" in unknown       # no such trial: nothing invented


def test_a_stoma_is_a_procedure_of_its_own_under_bowel_resection():
    found = _facts("she has an ileostomy since 2020", "PROCEDURE", "ostomy")
    assert found and not found[0].negated
    assert load_terminology().is_a("ostomy", "bowel_resection")
    assert not _facts("stomach pain", "PROCEDURE")


# --- serum IgG, not an antibody's class ---------------------------------------------------------

@pytest.mark.parametrize("text, value", [("IgG 4.2 g/L on replacement", 4.2), ("HBsAg neg, anti-HBc IgG pos, IgG 6.1", 6.1),
                                         ("immunoglobulin G 420 mg/dL", 420)])
def test_a_serum_igg_level_is_read(text, value):
    assert [f.value for f in _facts(text, "LAB", "igg")] == [value]


@pytest.mark.parametrize("text", ["anti-dsDNA IgG 200", "anti-HBc IgG positive", "CMV IgG positive, IgM negative"])
def test_an_antibody_tests_class_is_no_igg_level(text):
    assert not _facts(text, "LAB", "igg")


@pytest.mark.parametrize("text", ["no other autoimmune diseases besides her lupus", "no other illnesses apart from her lupus"])
def test_a_negation_ends_at_besides_or_apart_from(text):
    lupus = _facts(text, "CONDITION", "sle")
    assert lupus and not lupus[0].negated


# --- a cancer of the past against a cancer diagnosis leaf -----------------------------------------

def _leaf_status(facts, rule, kind="exclusion"):
    trial = {"id": "T-X", "nct_id": None, "title": "T-X", "conditions": [], "conditions_text": [],
             "criteria": [{"id": "exc-1" if kind == "exclusion" else "inc-1", "kind": kind, "text": "the line", "rule": rule}]}
    result = match(Profile(list(facts)), [trial], today=TODAY)[0]
    return next(c for c in result.criteria if c.id in ("exc-1", "inc-1")).status


def test_a_cancer_of_the_past_leaves_current_diagnosis_of_cancer_to_the_team():
    facts = [f for f in extract("I had a melanoma cut out of my back in 2011, only surgery. These days it's my asthma.", today=TODAY)]
    melanoma = [f for f in facts if f.concept == "melanoma"]
    assert melanoma and melanoma[0].historical
    assert _leaf_status(facts, {"type": "diagnosis", "concept": "malignancy"}) == "unknown"


def test_a_cancer_of_now_still_meets_a_cancer_diagnosis_leaf():
    facts = extract("She has metastatic breast cancer, on letrozole.", today=TODAY)
    assert _leaf_status(facts, {"type": "diagnosis", "concept": "malignancy"}) == "fail"
    assert _leaf_status(facts, {"type": "diagnosis", "concept": "breast_cancer"}, "inclusion") == "pass"


def test_a_history_of_malignancy_leaf_still_counts_a_past_cancer():
    facts = extract("PMH: prostate cancer treated with radical prostatectomy 2016.", today=TODAY)
    assert _leaf_status(facts, {"type": "history", "concept": "malignancy"}) == "fail"


def test_no_response_despite_a_list_fails_every_item():
    got = _status("ITP, no response despite prednisolone 60 mg, IVIG and romiplostim.")
    assert {c: s for c, (s, _) in got.items()} == {"prednisone": "failed", "ivig": "failed", "romiplostim": "failed"}
    assert _status("no flares on mmf")["mycophenolate"][0] != "failed"


def test_a_cancer_resected_weeks_ago_with_more_to_come_goes_on():
    facts = _facts("Intrahepatic cholangiocarcinoma resected R0 six weeks ago, no adjuvant yet, disease-free on CT.",
                   "CONDITION", "cholangiocarcinoma")
    assert facts and not facts[0].historical
    done = _facts("breast cancer 2015 treated with surgery and adjuvant letrozole, finished 2020", "CONDITION", "breast_cancer")
    assert done and done[0].historical
