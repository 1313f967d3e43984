"""Round 28 (h132, issue #14): a negated treatment does not negate the disease it is dated
by or given for; a weight loss over a stated time beside a cancer is cancer cachexia; a cancer
trial's title naming another setting (first line, later line, early disease) ranks after the
trials for the patient's setting."""
from __future__ import annotations

from core.facts import Fact, Profile
from data.terminology import load_terminology
from matching.status_trials import patient_settings
from nlp.pipeline import extract


def _conditions(text: str) -> dict[str, bool]:
    """concept -> negated, for the CONDITION facts of ``text``."""
    return {f.concept: f.negated for f in extract(text) if f.label == "CONDITION"}


def test_a_negated_treatment_since_a_cancer_keeps_the_cancer():
    found = _conditions("My mum (58) has breast cancer in her liver and bones. No chemo since the first cancer in 2015.")
    assert found["malignancy"] is False
    assert found["breast_cancer"] is False
    chemo = [f for f in extract("No chemo since the first cancer in 2015.") if f.concept == "chemotherapy"]
    assert chemo and chemo[0].negated          # the treatment is still denied


def test_a_negated_steroid_since_the_diagnosis_keeps_the_lupus():
    assert _conditions("no steroids since her lupus was diagnosed") == {"sle": False}


def test_what_a_denied_treatment_is_for_is_had():
    assert _conditions("no chemo for the lymphoma so far")["lymphoma"] is False


def test_a_plain_negation_still_negates():
    assert _conditions("no lupus since 2015") == {"sle": True}
    assert _conditions("I have no cancer.") == {"malignancy": True}
    assert _conditions("no steroids for asthma and no lupus")["sle"] is True


def _cachexia(text: str) -> list[str]:
    return [f.text for f in extract(text) if f.label == "CONDITION" and f.concept == "cancer_cachexia"]


def test_weight_loss_over_a_window_beside_a_cancer_is_cachexia():
    assert _cachexia("My dad (64) has pancreatic cancer. He has lost 8 kg in 3 months.") == ["lost 8 kg in 3 months"]
    assert _cachexia("bowel cancer in my liver, I've dropped 7 kg over the last 10 weeks") == [
        "dropped 7 kg over the last 10 weeks"]
    assert _cachexia("metastatic prostate cancer. In the past 3 months he went from 82 to 74 kg.")
    assert _cachexia("66M oesophageal cancer, weight down from 80 to 72 kg over the last 2 months")
    assert _cachexia("pancreatic adenocarcinoma, anorexia with 10 % weight loss over 3 months")


def test_too_little_too_slow_unquantified_or_without_a_cancer_is_no_cachexia():
    assert _cachexia("I have Crohn's and lost 8 kg in 3 months") == []
    assert _cachexia("lung cancer, lost 3 kg in a year") == []
    assert _cachexia("breast cancer, lost 8 kg since spring") == []
    assert _cachexia("stage 4 pancreatic cancer, I've lost a bit of weight") == []
    assert _cachexia("lung cancer, lost 4 kg in 2 months, I was 100 kg") == []      # 4 %
    assert _cachexia("my sister has breast cancer and I lost 8 kg in 3 months") == []


def test_the_cachexia_trial_reads_the_stated_loss_as_the_patients_condition():
    from matching.relevance import ranked_diagnoses
    from matching.evaluate import Evaluator

    ev = Evaluator(Profile(extract("My mum (66) has pancreatic cancer in her liver and has lost 8 kg in 3 months.")),
                   load_terminology())
    strengths = {concept: cap for concept, _text, cap in ranked_diagnoses(ev)}
    assert strengths.get("cancer_cachexia") == strengths.get("pancreatic_cancer")


def _settings(text: str) -> set[str]:
    return patient_settings(Profile(extract(text)), load_terminology())


def test_the_settings_of_a_patients_cancer():
    assert _settings("I'm 51 and was just diagnosed: breast cancer, already in my bones. "
                     "I haven't started any treatment yet.") == {"untreated", "metastatic"}   # h137: "already in my bones"
    assert "treated" in _settings("metastatic HR+ breast cancer progressing on fulvestrant and palbociclib")
    assert "metastatic" in _settings("metastatic HR+ breast cancer progressing on fulvestrant and palbociclib")
    assert _settings("my wife has stage 4 breast cancer") == {"metastatic"}
    assert _settings("lupus for 10 years, on mycophenolate") == set()      # no cancer: no setting


def test_trial_settings_are_data():
    from data.condition_names import cancer_therapy_classes, trial_setting_own, trial_settings

    settings = trial_settings()
    # round 31 (h147): a castration-resistant prostate cancer is a setting too; round 34 (h162):
    # a cancer removed by an operation (resected); round 35 (h167): a cancer's radiotherapy had (irradiated)
    assert {against for _s, _n, against in settings} == {"treated", "untreated", "metastatic", "castration_resistant",
                                                         "resected", "irradiated"}
    assert all(names for _s, names, _a in settings)
    assert set(trial_setting_own()) <= {"treated", "untreated", "metastatic", "castration_resistant", "resected",
                                        "irradiated"}
    assert "systemic_anticancer_therapy" in cancer_therapy_classes()


def test_a_first_line_trial_ranks_after_the_later_line_ones_for_a_treated_patient(tmp_path):
    from data.store import open_store
    from matching.status_trials import setting_mismatched
    from registry.run import apply, plan, read_files, stored_trials
    from benchmarks.relevance import CTGOV_DIR

    db = open_store(str(tmp_path / "t.db"))
    files = [CTGOV_DIR / f"{n}.json" for n in ("NCT00456846", "NCT05501886", "NCT05952557", "NCT06331169")]
    apply(db, plan(read_files(files), stored_trials(db)))
    treated = Profile(extract("63F metastatic HR+ breast cancer, progressed on letrozole and palbociclib."))
    found = setting_mismatched(db, treated)
    # "First Line Therapy for Patients With Metastatic Breast Cancer" and "... Early Breast Cancer"
    assert {"NCT00456846", "NCT05952557"} <= found
    assert "NCT05501886" not in found and "NCT06331169" not in found
    untreated = Profile(extract("I'm 51 and was just diagnosed with breast cancer. I haven't started any treatment yet."))
    found = setting_mismatched(db, untreated)
    assert "NCT06331169" in found                    # "Previously Treated HER2-Low Advanced Breast Cancer"
    assert "NCT00456846" not in found
    assert setting_mismatched(db, Profile([Fact(label="CONDITION", concept="sle", text="lupus")])) == frozenset()
