"""Round 30 (h142, issue #14): the right trial first.

Letters' abbreviations (IDC, mBC, GBM, mRCC, "prostate ca", "MM (IgG kappa)") and receptor
lists with minus signs ("ER+/HER2-"); every site of "liver and bone metastases"; a past cancer
told as "PMH ...", "has been fine since then", or before another disease's relapses; a history
list that ends at "Now ..."; a weight said to hold, which no cancer cachexia trial is for; and
tumour markers as targets, so a marker trial ranks after the trials the patient fits equally.
"""
from datetime import date

from core.facts import Profile
from core.truth import FALSE, TRUE
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.relevance import gate_value
from matching.targets import target_names
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def _facts(text):
    return extract(text, today=TODAY)


def _conditions(text):
    return {f.concept: f for f in _facts(text) if f.label == "CONDITION"}


def _markers(text):
    return {f.concept: f.status for f in _facts(text) if f.label == "BIOMARKER"}


def test_a_letters_idc_with_its_receptors_is_a_breast_cancer():
    text = "Dear colleague, 46F, L breast ER+/HER2- IDC, cT2 cN0, grade 2."
    assert "breast_cancer" in _conditions(text)
    assert _markers(text) == {"estrogen_receptor": "positive", "her2": "negative"}


def test_receptor_lists_with_minus_signs_keep_each_state():
    assert _markers("ER-/PR-/HER2+ tumour") == {"estrogen_receptor": "negative", "progesterone_receptor": "negative",
                                                "her2": "positive"}
    assert _markers("57F mBC HR+/HER2-, PIK3CA not mutated") == {"hormone_receptor": "positive", "her2": "negative"}
    assert "her2" not in _markers("she had HER2-targeted therapy before")     # a therapy, no status


def test_cancer_abbreviations_of_letters():
    assert "glioblastoma" in _conditions("GBM, IDH-wt, 53M")
    assert "kidney_cancer" in _conditions("mRCC (clear cell), lung + bone mets")
    assert "breast_cancer" in _conditions("57F mBC, progressing on letrozole")
    assert "prostate_cancer" in _conditions("PMH prostate ca treated with radical prostatectomy 2016")


def test_mm_is_myeloma_only_beside_its_paraprotein_or_state():
    assert "multiple_myeloma" in _conditions("MM (IgG kappa) dx 2019, VRd + ASCT")
    assert "multiple_myeloma" in _conditions("relapsed MM after 3 lines")
    assert "multiple_myeloma" not in _conditions("a 12 MM nodule in the right lung")


def test_every_joined_site_of_metastases_is_read():
    found = _conditions("Metastatic breast cancer with liver and bone metastases.")
    assert {"liver_metastases", "bone_metastases"} <= set(found)
    found = _conditions("NSCLC with brain and bone metastases")
    assert "brain_metastases" in found and not found["brain_metastases"].negated
    found = _conditions("liver, lung and bone metastases from colon cancer")
    assert {"liver_metastases", "bone_metastases", "metastatic_disease"} <= set(found)
    found = _conditions("74M prostate adenocarcinoma, de novo metastatic to bone and liver")
    assert {"liver_metastases", "bone_metastases"} <= set(found)


def test_a_joined_site_takes_its_heads_negation():
    found = _conditions("breast cancer, no liver or bone metastases")
    assert found["liver_metastases"].negated and found["bone_metastases"].negated


def test_the_cancers_own_organ_is_no_joined_site():
    assert "metastatic_disease" not in _conditions("NSCLC, lung and bone metastases")


def test_a_bare_pmh_dates_what_follows():
    found = _conditions("PMH prostate ca treated with radical prostatectomy 2016, PSA undetectable since. T2DM on metformin.")
    assert found["prostate_cancer"].historical
    assert not found["type_2_diabetes"].historical


def test_a_history_list_ends_where_the_letter_says_now():
    found = _conditions("PMH: breast ca 2010 (lumpectomy + RT, 5 y tamoxifen), NED. Now 64F with metastatic NSCLC, EGFR ex19del.")
    assert found["breast_cancer"].historical
    assert not found["nsclc"].historical
    found = _conditions("PMH: HTN, T2DM. Currently: relapsed DLBCL after R-CHOP.")
    assert found["hypertension"].historical and not found["dlbcl"].historical


def test_fine_since_then_makes_an_operated_cancer_past():
    found = _conditions("she had a mastectomy for breast cancer in 2009 and has been fine since then.")
    assert found["breast_cancer"].historical


def test_another_diseases_relapses_do_not_bring_a_past_cancer_back():
    found = _conditions("55F. H/o Hodgkin lymphoma 2001 (ABVD + mantle RT), in remission since. "
                        "Now RRMS dx 2022, two relapses on dimethyl fumarate.")
    assert found["hodgkin_lymphoma"].historical
    assert not found["multiple_sclerosis"].historical
    # a cancer's own relapse still brings it back
    assert not _conditions("Hx: T-ALL 2019. Relapse 2025.")["t_all"].historical


def test_a_weight_said_to_hold_denies_cachexia():
    for text in ("27M, relapsed CD7+ T-ALL after allo-HSCT. Weight stable, eating well.",
                 "my son's T-ALL came back. he hasn't lost any weight and is eating normally.",
                 "T-ALL relapsed. Appetite and weight are fine."):
        assert _conditions(text)["cancer_cachexia"].negated, text
    assert not _conditions("pancreatic cancer, lost 8 kg in 3 months")["cancer_cachexia"].negated


def _gate(text, leaf):
    return gate_value(Evaluator(Profile(_facts(text)), load_terminology(), today=TODAY), leaf)


def test_a_cachexia_trial_is_not_for_a_cancer_patient_whose_weight_holds():
    leaf = {"type": "target_condition", "concepts": ["cancer_cachexia"], "texts": ["Anorexia", "Cachexia"],
            "patients": True}
    assert _gate("27M, relapsed CD7+ T-ALL after allo-HSCT, marrow blasts 25 %. Weight stable, eating well.", leaf) == FALSE
    assert _gate("61M metastatic pancreatic cancer, lost 8 kg in 3 months", leaf) == TRUE
    # no word of the weight: the trial stays open to a cancer patient, as before
    assert _gate("27M, relapsed CD7+ T-ALL after allo-HSCT, marrow blasts 25 %.", leaf) == TRUE


def test_markers_the_patient_carries_name_their_trials():
    assert target_names(Profile(_facts("KRAS G12D pancreatic cancer, liver mets"))) == ["G12D"]
    assert "G12C" in target_names(Profile(_facts("metastatic NSCLC, KRAS G12C")))
    # a negative HER2 names no HER2 trial as the patient's, nor does an unstated one
    assert target_names(Profile(_facts("HER2-negative gastric cancer"))) == []
    assert target_names(Profile(_facts("HER2-positive gastric cancer"))) != []


def test_a_drug_in_brackets_on_a_pmh_line_is_still_taken_now():
    facts = {f.concept: f for f in _facts("PMH: T2DM (metformin), IHD s/p PCI 2019.")}
    assert facts["type_2_diabetes"].historical
    assert facts["metformin"].status == "current" and not facts["metformin"].historical
