"""h178, round 37 (issue #14, relevance): a breast cancer named only by its treatment.
Letrozole and trastuzumab (and pertuzumab) say breast cancer unless the patient names one of
their other uses (``also_taken_for``: PCOS, a gynaecological cancer; a HER2-positive gastric
or bowel cancer); a cancer stated only vaguely ("the cancer was hormone positive", "an ER+
tumour") that a medicine names precisely is that cancer; a medicine also given for the
current cancer keeps no past one in treatment."""
from __future__ import annotations

from datetime import date

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.store import get_trial, open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.engine import match as engine_match
from matching.evaluate import Evaluator
from matching.pruned import match
from matching.relevance import _diagnoses, implied_diagnoses
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
BREAST = "NCT05774951"        # camizestrant in ER+/HER2- early breast cancer
PANCREAS = "NCT05380414"      # profiling programme of advanced pancreatic cancer


def evidence(text):
    return Evaluator(Profile(extract(text, today=TODAY)), load_terminology(), today=TODAY)


def diagnoses(text):
    stated, _suspected, _key, implied = _diagnoses(evidence(text))
    return {f.concept for f in stated}, {f.concept for f in implied}


def results(tmp_path, text):
    """Each trial judged in full (the pruned ones too, the way triage does), and the ids
    candidate pruning kept."""
    db = open_store(str(tmp_path / "t.db"))
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in (BREAST, PANCREAS)]), stored_trials(db)))
    profile = Profile(extract(text, today=TODAY))
    kept = {r.id for r in match(profile, TrialCatalog(db), today=TODAY) if r.verdict != "ineligible"}
    full = {r.id: r for r in engine_match(profile, [get_trial(db, t) for t in (BREAST, PANCREAS)], today=TODAY)}
    return full, kept


def test_letrozole_since_a_lumpectomy_is_a_breast_cancer(tmp_path):
    text = "I'm 58 and have been on letrozole since my lumpectomy two and a half years ago. Everything is fine."
    implied = implied_diagnoses(evidence(text), [])
    assert [(f.concept, f.text) for f in implied] == [("breast_cancer", "letrozole")]
    got, kept = results(tmp_path, text)
    assert got[BREAST].verdict != "ineligible" and kept == {BREAST}
    # the pancreatic cancer trial is ruled out, its reason naming the medicine
    assert got[PANCREAS].verdict == "ineligible"
    gate = next(c for c in got[PANCREAS].top if c.id == "elig-condition")
    reasons = " ".join(e.reason for e in gate.evidence)
    assert gate.status == "fail" and "letrozole" in reasons and "breast cancer" in reasons.lower()


def test_trastuzumab_finished_last_year_is_a_breast_cancer():
    stated, implied = diagnoses("My sister (47) finished trastuzumab last year, after her operation and chemo. "
                                "Her scans are clear.")
    assert not stated and "breast_cancer" in implied


def test_the_other_uses_of_letrozole_and_trastuzumab_imply_nothing():
    # HER2-positive gastric cancer treated with trastuzumab: no breast cancer beside it
    stated, implied = diagnoses("60M HER2-positive metastatic gastric adenocarcinoma, progressed after "
                                "trastuzumab and XELOX.")
    assert "gastric_cancer" in stated and "breast_cancer" not in stated | implied
    stated, implied = diagnoses("I'm 31 and have PCOS. My gynaecologist gave me letrozole to help me ovulate.")
    assert "breast_cancer" not in stated | implied


def test_a_vague_cancer_a_medicine_names_is_that_cancer(tmp_path):
    text = "I'm 57 and have been on anastrozole for two years since my mastectomy. The cancer was hormone positive."
    stated, implied = diagnoses(text)
    assert stated == {"breast_cancer"} and "malignancy" not in stated
    got, kept = results(tmp_path, text)
    assert got[PANCREAS].verdict == "ineligible" and got[BREAST].verdict != "ineligible" and kept == {BREAST}
    stated, _ = diagnoses("49F tamoxifen since mastectomy 02/2024 for an ER+ tumour. NED. ECOG 0.")
    assert stated == {"breast_cancer"}


def test_a_named_cancer_is_not_refined_by_another_cancers_medicine():
    # a current gastric cancer stays the diagnosis; the tamoxifen of a past breast cancer adds no other
    stated, _ = diagnoses("66F, breast cancer 2011 treated with surgery and 5 years of tamoxifen. Now metastatic "
                          "gastric adenocarcinoma, untreated.")
    assert "gastric_cancer" in stated and "malignancy" not in stated


def test_a_medicine_also_given_for_the_current_cancer_keeps_no_past_one_in_treatment():
    ev = evidence("I had breast cancer in 2010 (surgery, chemo and 5 years of letrozole) and have been all clear "
                  "since. Now at 62 I've been diagnosed with endometrial cancer, stage I, surgery planned next month.")
    stated, _suspected, _key, _implied = _diagnoses(ev)
    assert {f.concept for f in stated} == {"endometrial_cancer"}
    assert [f.concept for f in ev.__dict__["_past_cancers"]] == ["breast_cancer"]
