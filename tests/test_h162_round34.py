"""h162, round 34 (issue #14, relevance): plans read as plans ("the team plans CAR-T for her",
"untreated; for R-CHOP", "Chemo starts in two weeks"), the operations that remove a cancer in
lay words ("a lumpectomy in July", "mastectomy", "WLE", "a Whipple", "lobectomy") and the setting
they make (``resected``): the trials for the disease in an advanced or metastatic setting rank
after those for early disease."""
from __future__ import annotations

from datetime import date

from assertion_helpers import mentions, one
from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.store import open_store
from data.terminology import load_terminology
from matching.status_trials import patient_settings, setting_mismatched
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)


def facts(text):
    return extract(text, today=TODAY)


def settings(text):
    return patient_settings(Profile(facts(text)), load_terminology())


def test_a_team_that_plans_a_cell_therapy_has_not_given_it():
    car_t = one("my daughter is 8. her leukaemia (B-cell ALL) came back 18 months after treatment and "
                "the team plans CAR-T for her.", "car_t")
    assert car_t.hypothetical and not car_t.asserted
    assert one("35F T-ALL in CR1, MRD 0.2 %. The team plans allo-HSCT.", "allo_hsct").hypothetical
    # a plan for children is still no pregnancy (the rule reads medicines and procedures only)
    kids = one("no plans for kids, shes 29 with lupus", "planning")
    assert kids.negated and not kids.hypothetical


def test_a_plan_after_a_semicolon_is_a_plan():
    r_chop = one("60M DLBCL stage III, IPI 3, untreated; for R-CHOP. PMH: T2DM on metformin.", "r_chop")
    assert r_chop.hypothetical
    sct = one("Relapse 10/2026, blasts 34%. FLAG-Ida x1 11/2026; for allo-SCT if MRD negative after "
              "cycle 2.", "allo_hsct")
    assert sct.hypothetical
    assert one("on metformin; for diabetes", "metformin").asserted


def test_a_start_some_weeks_away_is_to_come():
    assert one("Hodgkin lymphoma, stage 2A. Chemo starts in two weeks.", "chemotherapy").hypothetical
    assert one("Radiotherapy begins in 3 weeks.", "radiotherapy").hypothetical
    # a month's name is no such span: "Anifrolumab start in march" stays as it was read
    assert one("Belimumab 1 year not good, stop. Anifrolumab start in march.", "anifrolumab").asserted


def test_the_operations_that_remove_a_cancer_are_read():
    assert one("I had a lumpectomy in July for breast cancer", "wide_local_excision").asserted
    assert mentions("pT2 pN1a. WLE + SLNB 08/2026, adjuvant RT completed.", "wide_local_excision", TODAY)
    assert one("mastectomy last year, on anastrozole", "mastectomy").asserted
    assert mentions("I had a Whipple operation for pancreatic cancer in August", "pancreaticoduodenectomy", TODAY)
    assert mentions("64M RUL adenocarcinoma pT2a pN1: lobectomy 06/2026", "lung_lobectomy", TODAY)
    assert mentions("57M sigmoid adenocarcinoma pT3N2: anterior resection 05/2026", "colectomy", TODAY)
    # a registry's "willing to undergo mastectomy" is one to come, not one had
    willing = one("Patient willing to undergo mastectomy or breast-conserving surgery after neoadjuvant "
                  "therapy", "mastectomy")
    assert willing.hypothetical


def test_a_cancer_removed_by_an_operation_is_the_resected_setting():
    assert "resected" in settings("I'm 59 (f). I had a Whipple operation for pancreatic cancer in August and I'm now "
                                  "halfway through my chemo (FOLFIRINOX).")
    assert "resected" in settings("My sister (53) had a mastectomy for breast cancer (ER positive, HER2 negative) "
                                  "three years ago and has been on anastrozole since.")
    # spread since: metastatic, not resected
    came_back = settings("My dad (70) had a Whipple for pancreatic cancer two years ago, then 6 months of chemo. "
                         "Now it has come back in his liver.")
    assert "resected" not in came_back and "metastatic" in came_back
    # an old breast cancer's lumpectomy is not the new ovarian cancer's setting
    assert "resected" not in settings("I had breast cancer in 2012 (lumpectomy, radiation and 5 years of tamoxifen) "
                                      "and have been all clear since. Now at 64 I've been diagnosed with ovarian "
                                      "cancer, high grade serous, stage IIIC.")
    # no cancer stated: no setting
    assert settings("I'm 55 (F), BRCA1 carrier, never had cancer; I had a preventive double mastectomy.") == set()


def test_after_a_mastectomy_the_advanced_breast_trials_rank_after(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    ids = ("NCT04862663", "NCT05774951", "NCT00089661", "NCT02513394")
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    text = ("My sister (53) had a mastectomy for breast cancer (ER positive, HER2 negative) three years ago and has "
            "been on anastrozole since - two and a half years now, no sign of it coming back.")
    found = setting_mismatched(db, Profile(facts(text)))
    assert "NCT04862663" in found          # "... for Advanced/Metastatic HR+/HER2- Breast Cancer"
    assert "NCT05774951" not in found      # "... in ER+/HER2- Early Breast Cancer After ... Adjuvant ..."
    assert "NCT02513394" not in found      # "PALbociclib CoLlaborative Adjuvant Study"
    # "... for Non-metastatic Breast Cancer" names no metastatic setting
    assert "NCT00089661" not in found
    # without the operation the advanced trial keeps its place
    assert "NCT04862663" not in setting_mismatched(db, Profile(facts(
        "My sister (53) has breast cancer (ER positive, HER2 negative) and is on anastrozole.")))
