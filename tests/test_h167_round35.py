"""h167, round 35 (issue #14, relevance): a lung cancer by its lobe ("RUL adenocarcinoma", "LUL
squamous cell carcinoma"), a site of spread beside it naming no other organ's cancer; a cancer's
radiotherapy had (``irradiated``): the adjuvant-radiotherapy trials rank after the others for the
disease; a blood pressure stated normal rules out a trial listed under hypertension alone; organ
function in lay words ("kidneys are at about 35 percent", "heart is pumping at about 40 %")."""
from __future__ import annotations

from datetime import date

from assertion_helpers import one
from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.pruned import match
from matching.status_trials import patient_settings, setting_mismatched
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)


def facts(text):
    return extract(text, today=TODAY)


def conditions(text):
    return [f.concept for f in facts(text) if f.label == "CONDITION" and not f.negated]


def settings(text):
    return patient_settings(Profile(facts(text)), load_terminology())


def store(tmp_path, *ids):
    db = open_store(str(tmp_path / "t.db"))
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return db


def test_a_lobe_shorthand_before_the_histology_is_a_lung_cancer():
    assert conditions("64M RUL adenocarcinoma pT2a pN1 (stage IIB): lobectomy 06/2026.") == ["nsclc"]
    assert conditions("68M LUL squamous cell carcinoma pT2b pN1 (stage IIB).") == ["nsclc"]
    assert "nsclc" in conditions("I'm 63 (m). Right upper lobe adenocarcinoma, stage 4, it's gone to my bones.")
    # a sigmoid adenocarcinoma stays a colorectal cancer; a skin carcinoma beside a lung named no lung cancer
    assert conditions("57M sigmoid adenocarcinoma pT3N2: anterior resection 05/2026") == ["colorectal_cancer"]
    assert "nsclc" not in conditions("Her lung function is poor. She had a carcinoma of the skin removed.")


def test_a_site_of_spread_names_no_cancer_of_its_own_organ():
    # "new liver mets" in the sentence had kept the adenocarcinoma a cancer of no organ
    found = conditions("61F LLL adenocarcinoma, EGFR L858R; PD on first-line osimertinib after 22 months "
                       "(new liver mets). No brain mets.")
    assert "nsclc" in found and "solid_tumor" not in found
    # a spread said in the sentence before is not the histology's own ("metastatic adenocarcinoma")
    assert "nsclc" in conditions("CT: 4 cm right lower lobe mass with liver metastases. Biopsy: adenocarcinoma.")
    assert "solid_tumor" in conditions("a lung mass; biopsy: metastatic adenocarcinoma")


def test_a_radiotherapy_had_is_the_irradiated_setting():
    assert "irradiated" in settings("I'm 55. I had a mastectomy for breast cancer (ER positive, HER2 negative) in "
                                    "2023 and then radiotherapy to the chest wall - the radiotherapy finished 3 "
                                    "years ago. I've been on letrozole since.")
    assert "irradiated" in settings("58F L breast IDC ER+/HER2-, pT2 pN1a: mastectomy + ALND 11/2022, adjuvant "
                                    "PMRT completed 03/2023. Letrozole since 04/2023.")
    # only planned: no
    assert "irradiated" not in settings("I'm 64 (f). I had my womb and ovaries taken out 5 weeks ago for womb "
                                        "cancer - stage 1. The doctor wants me to have radiotherapy next.")
    # two cancers: the radiotherapy may have been the other one's
    assert "irradiated" not in settings("Breast cancer in 2010 treated with surgery and radiotherapy. Now at 62 "
                                        "I have endometrial cancer, stage I, surgery planned.")


def test_adjuvant_radiotherapy_trials_rank_after_for_a_woman_past_her_radiotherapy(tmp_path):
    db = store(tmp_path, "NCT02992574", "NCT03788213", "NCT04472845", "NCT05774951", "NCT05857631")
    text = ("My mum (61) had a mastectomy and radiotherapy for breast cancer (hormone positive, HER2 negative) "
            "four years ago and has taken anastrozole since. Her last scans were clear.")
    found = setting_mismatched(db, Profile(facts(text)))
    assert {"NCT02992574", "NCT03788213", "NCT04472845"} <= found    # post-mastectomy / adjuvant RT
    assert "NCT05774951" not in found      # camizestrant after >= 2 years of adjuvant endocrine therapy
    ranked = [r.id for r in match(Profile(facts(text)), TrialCatalog(db), today=TODAY)]
    assert ranked[0] == "NCT05774951"
    # radiotherapy still to come: the postoperative RT trial keeps its place
    assert "NCT05857631" not in setting_mismatched(db, Profile(facts(
        "61F, endometrial cancer stage 1B, had a hysterectomy 3 weeks ago and they recommend radiotherapy now.")))


def test_bp_normal_in_a_note_denies_hypertension():
    assert one("29F, BMI 36, PCOS on metformin. No diabetes, BP normal. Wants a weight-loss trial.",
               "hypertension").negated
    assert not [f for f in facts("BP normal on amlodipine.") if f.concept == "hypertension" and f.negated]


def _verdicts(db, text):
    return {r.id: r.verdict for r in match(Profile(facts(text)), TrialCatalog(db), today=TODAY)}


def test_a_normal_blood_pressure_rules_out_a_trial_listed_under_hypertension_alone(tmp_path):
    db = store(tmp_path, "NCT06948422", "NCT06948435", "NCT06972459")
    normal = _verdicts(db, "I'm 48 (m), BMI 37, sleep apnoea on a CPAP machine. No diabetes and my blood "
                           "pressure is normal. I'd like to lose weight in a study.")
    assert normal.get("NCT06948422", "ineligible") == "ineligible"   # listed under Hypertension alone
    # listed under Overweight or Obesity too, but its title joins them ("With Hypertension and
    # Obesity or Overweight"): each is needed, so the normal blood pressure rules it out as well
    # (h183, round 38; the gold grades it 0 for this patient, rel-1373)
    assert normal["NCT06948435"] == "ineligible"
    assert normal["NCT06972459"] != "ineligible"
    # fine on a blood pressure medicine: a treated hypertension, kept
    treated = _verdicts(db, "I'm 58 (f). Heart attack 2 years ago, one stent. BMI 35. No diabetes. My blood "
                            "pressure is fine on ramipril.")
    assert treated["NCT06948422"] != "ineligible"


def test_organ_function_in_lay_words():
    egfr = one("Her kidneys are at about 35 percent now and there is still lots of protein.", "egfr")
    assert egfr.value == 35
    assert one("My heart is pumping at about 40 % since a heart attack two years ago.", "lvef").value == 40
    assert not [f for f in facts("his kidneys are at risk from the lupus") if f.label == "LAB"]
