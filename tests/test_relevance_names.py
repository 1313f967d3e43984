"""Registry names that name one kind of a listed cancer do not open a trial to every cancer
(issue #14, round 4): "Glottis Tumor" beside larynx cancer, "Peritoneal Carcinoma" beside
ovarian cancer, "Carcinoma in Situ" beside breast cancer; a plural ("Pelvic Cancers"), a
list or a name alone still reaches as before. Lay and registry names the terminology learnt."""
from datetime import date

from core.facts import Fact, Profile
from data.condition_names import condition_concept, condition_reach
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts)}


def _gate(facts, trial):
    result = match(Profile(list(facts)), [trial], today=TODAY)[0]
    return next(c for c in result.criteria if c.id == "elig-condition").status


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def test_a_singular_kind_beside_a_listed_cancer_is_not_every_cancer():
    larynx = _trial("T-LAR", ["head_and_neck_cancer"], ["Glottis Tumor", "Larynx Cancer"])
    assert _gate([_stated("breast_cancer", "breast cancer")], larynx) == "fail"
    assert _gate([_stated("head_and_neck_cancer", "laryngeal cancer")], larynx) == "pass"
    ovary = _trial("T-OV", ["ovarian_cancer"], ["Ovarian Cancer", "Peritoneal Carcinoma"])
    assert _gate([_stated("nsclc", "NSCLC")], ovary) == "fail"
    assert _gate([_stated("ovarian_cancer", "ovarian cancer")], ovary) == "pass"
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer", "Carcinoma in Situ"])
    assert _gate([_stated("sclc", "small cell lung cancer")], breast) == "fail"


def test_a_plural_a_list_or_a_name_alone_still_reaches_the_class():
    pelvic = _trial("T-PEL", ["breast_cancer"], ["Pelvic Cancers", "Breast Cancer"])
    assert _gate([_stated("ovarian_cancer", "ovarian cancer")], pelvic) == "pass"
    alone = _trial("T-GL", [], ["Glottis Tumor"])
    assert _gate([_stated("breast_cancer", "breast cancer")], alone) == "pass"       # no listed kind: open
    listing = _trial("T-LIST", ["pancreatic_cancer"], ["Bladder, Biliary Tract, Rare Tumors", "Pancreatic Cancer"])
    assert _gate([_stated("bladder_cancer", "bladder cancer")], listing) == "pass"
    braf = _trial("T-BRAF", ["nsclc"], ["Non-small Cell Lung Cancer", "BRAF Mutation-Related Tumors"])
    assert _gate([_stated("colorectal_cancer", "bowel cancer")], braf) == "pass"     # a biomarker basket


def test_the_pruning_reach_reads_the_same_names():
    reach = condition_reach(("head_and_neck_cancer",), (), ("Glottis Tumor", "Larynx Cancer"))
    assert "breast_cancer" not in reach and "head_and_neck_cancer" in reach


def test_registry_and_lay_names_the_terminology_knows():
    assert condition_concept("Larynx Cancer") == "head_and_neck_cancer"
    assert condition_concept("GastroEsophageal Cancer") == "gastroesophageal_cancer"
    basket = _trial("T-GE", ["breast_cancer", "gastroesophageal_cancer"], ["ER+ Breast Cancer", "GastroEsophageal Cancer"])
    assert _gate([_stated("gastric_cancer", "gastric adenocarcinoma")], basket) == "pass"
    assert _gate([_stated("esophageal_cancer", "oesophageal cancer")], basket) == "pass"
    assert _gate([_stated("colorectal_cancer", "bowel cancer")], basket) == "fail"
    facts = extract("my mom is 63, they found stones in her bile duct on the scan")
    assert any(f.concept == "choledocholithiasis" and not f.negated for f in facts)
    facts = extract("68M gout (3 flares/yr) on allopurinol, no diabetes")      # a short common word, about a disease
    assert any(f.concept == "gout" and not f.negated for f in facts)


def test_a_title_naming_the_listed_condition_by_its_abbreviation_adds_no_broader_kind():
    from data.rule_nodes import own_conditions, title_kinds

    record = {"id": "T-MET", "title": "Capmatinib in Patients With MET Exon 14 Skipping Positive Advanced NSCLC",
              "official_title": "A Study of Capmatinib in Advanced Nonsmall Cell Lung Cancer (NSCLC)",
              "conditions": ["nsclc"], "conditions_text": ["Non-Small Cell Lung Carcinoma"], "criteria": []}
    assert title_kinds(record) == [] and own_conditions(record) == ["nsclc"]
    assert _gate([_stated("sclc", "small cell lung cancer")], record) == "fail"    # a sibling's trial
    basket = dict(record, id="T-TCR", title="TCR-T Cell Therapy on Advanced Solid Tumors", official_title=None,
                  conditions=["pancreatic_cancer"], conditions_text=["Pancreatic Cancer"])
    assert title_kinds(basket) == ["solid_tumor"]                                   # a broader kind: as before


def test_the_lung_diseases_heading_beside_lung_cancer_is_no_ild_trial():
    # a biopsy trial for suspected lung neoplasms the registry lists under "Lung Diseases"
    assert condition_concept("Lung Diseases") == "lung_disease"
    biopsy = dict(_trial("T-PET", ["lung_disease", "lung_cancer"], ["Lung Diseases"]),
                  condition_terms=["Lung Neoplasms"])
    assert _gate([_stated("idiopathic_pulmonary_fibrosis", "IPF")], biopsy) == "fail"
    assert _gate([_stated("sclc", "small cell lung cancer")], biopsy) == "pass"
    copd = _trial("T-COPD", ["lung_disease"], ["Lung Diseases"])                      # the heading alone: open
    assert _gate([_stated("interstitial_lung_disease", "ILD")], copd) == "pass"
    facts = extract("he has lung disease")                                            # patients' words: as before
    assert [f.concept for f in facts if f.label == "CONDITION"] == ["chronic_lung_disease"]
