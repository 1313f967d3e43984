"""Round 29 (h137, issue #14): the right trial first for cancers told by their extent and
treatment history in everyday words: a site a stated cancer has spread to ("spread to my
bones", "it's in her bones and her liver", "gone to his liver", "came back in my bones",
"liver secondaries"); a cancer not treated yet ("she hasn't had any treatment"); a denied
treatment for the advanced disease keeps the disease ("No treatment for advanced disease
yet"); a myeloma's paraprotein rising again is a relapse; shorthand cancer names ("small cell
lung ca", "colon adenocarcinoma") and an unknown marker's result ("p16-negative")."""
from __future__ import annotations

from core.facts import Fact, Profile
from data.terminology import load_terminology
from matching.status_trials import patient_settings
from nlp.pipeline import extract


def _conditions(text: str) -> dict[str, Fact]:
    return {f.concept: f for f in extract(text) if f.label == "CONDITION"}


def _settings(text: str) -> set[str]:
    return patient_settings(Profile(extract(text)), load_terminology())


def test_a_site_of_spread_in_everyday_words():
    found = _conditions("58 (f), my HR+ breast cancer spread to my bones 3 years ago.")
    assert found["bone_metastases"].text == "spread to my bones"
    found = _conditions("My mum is 67. Her breast cancer came back 8 years after the operation and now "
                        "it's in her bones and her liver.")
    assert {"breast_cancer", "bone_metastases", "liver_metastases"} <= set(found)
    found = _conditions("im 71, prostate cancer that has gone to my bones and lymph glands.")
    assert "bone_metastases" in found
    assert not found["prostate_cancer"].historical        # "gone to" is no "went away"
    assert "bone_metastases" in _conditions("my breast cancer came back in my bones")
    assert "liver_metastases" in _conditions("66M, left-sided colon adenocarcinoma with liver secondaries.")
    assert "liver_metastases" in _conditions("my wife has breast cancer and it has already gone to her liver.")
    assert "metastatic_disease" in _conditions("My kidney cancer has spread to my lungs.")


def test_no_site_of_spread_denied_doubted_asked_or_not_the_patients():
    for text in ("My breast cancer hasn't spread to her bones.",
                 "breast cancer, they think it may have gone to the liver",
                 "I have breast cancer. Will it spread to my bones?",
                 "my mum's breast cancer spread to her liver. I have lupus.",
                 "my myeloma is in my bones",
                 "I went to the liver clinic with my breast cancer",
                 "it's in her bones and her liver now"):          # no cancer stated
        found = _conditions(text)
        assert not {"bone_metastases", "liver_metastases", "metastatic_disease"} & set(found), text


def test_the_cancers_own_organ_is_no_site_of_spread():
    found = _conditions("she has lung cancer, now it's in both lungs and her liver")
    assert "liver_metastases" in found
    assert "metastatic_disease" not in found


def test_the_extent_in_everyday_words_is_the_metastatic_setting():
    assert "metastatic" in _settings("my mum's breast cancer came back and now it's in her bones")
    assert _settings("I'm 51 and was just diagnosed: breast cancer, already in my bones. "
                     "I haven't started any treatment yet.") == {"untreated", "metastatic"}
    assert "metastatic" not in _settings("my breast cancer hasn't spread, the nodes are clear")


def test_not_treated_yet_in_everyday_words():
    assert _settings("my wife (44) has breast cancer, it's in her bones. she hasn't had any treatment.") == {
        "untreated", "metastatic"}
    assert "untreated" in _settings("My husband has lung cancer. He's not been treated yet.")
    status = _conditions("she has breast cancer and hasn't had any treatment since 2019")["newly_diagnosed"]
    assert status.negated                                  # treated before


def test_a_denied_treatment_for_the_advanced_disease_keeps_the_disease():
    found = _conditions("57F, breast cancer with liver metastases. No treatment for advanced disease yet.")
    assert found["advanced_disease"].negated is False
    assert _conditions("No chemo for metastatic disease yet.")["metastatic_disease"].negated is False
    assert _conditions("breast cancer. No metastatic disease.")["metastatic_disease"].negated is True
    assert _conditions("myeloma, no relapse so far")["relapsed_disease"].negated is True


def test_a_rising_paraprotein_is_a_relapse():
    found = _conditions("My dad (74) has myeloma. He never had a transplant. He had VRd and then lenalidomide, "
                        "and now his paraprotein is rising again.")
    assert found["relapsed_disease"].asserted
    assert "relapsed_disease" not in _conditions("My dad (74) was just diagnosed with myeloma.")


def test_the_newly_diagnosed_maintenance_trial_ranks_after_for_a_rising_paraprotein(tmp_path):
    from benchmarks.relevance import CTGOV_DIR
    from data.store import open_store
    from matching.status_trials import mismatched_trials
    from registry.run import apply, plan, read_files, stored_trials

    db = open_store(str(tmp_path / "t.db"))
    files = [CTGOV_DIR / f"{n}.json" for n in ("NCT05827016", "NCT04975997")]
    apply(db, plan(read_files(files), stored_trials(db)))
    relapsed = Profile(extract("My mum (72) has myeloma. She had VRd and then lenalidomide, "
                               "and now the paraprotein is rising."))
    found = mismatched_trials(db, relapsed)
    assert "NCT05827016" in found       # "... Newly Diagnosed Multiple Myeloma" after a transplant
    assert "NCT04975997" not in found   # "... Relapsed or Refractory Multiple Myeloma"


def test_an_early_breast_trial_ranks_after_for_a_cancer_in_her_bones(tmp_path):
    from benchmarks.relevance import CTGOV_DIR
    from data.store import open_store
    from matching.status_trials import setting_mismatched
    from registry.run import apply, plan, read_files, stored_trials

    db = open_store(str(tmp_path / "t.db"))
    files = [CTGOV_DIR / f"{n}.json" for n in ("NCT05952557", "NCT05501886", "NCT00089661")]
    apply(db, plan(read_files(files), stored_trials(db)))
    profile = Profile(extract("my mum's breast cancer came back and now it's in her bones and her liver. "
                              "letrozole and palbociclib stopped working"))
    found = setting_mismatched(db, profile)
    assert "NCT05952557" in found        # "... Early Breast Cancer (CAMBRIA-...)"
    assert "NCT05501886" not in found
    # "... Aromatase Inhibitor Therapy for Non-metastatic Breast Cancer": "Non-metastatic" names no
    # metastatic disease, so the title does not keep its place for her
    assert "NCT00089661" in found


def test_shorthand_cancer_names_and_an_unknown_markers_result():
    assert "sclc" in _conditions("67M small cell lung ca, extensive stage, treatment-naive.")
    assert "colorectal_cancer" in _conditions("66M colon adenocarcinoma, RAS wild type")
    found = _conditions("72F, SCC oropharynx p16-negative, T3N2b, no distant spread on PET.")
    assert found["head_and_neck_cancer"].negated is False
    her2 = [f for f in extract("breast cancer, HER2-negative.") if f.concept == "her2"]
    assert her2 and her2[0].negated                     # a known marker keeps its result
