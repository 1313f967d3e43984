"""Round 14 (h62, issue #14): the right trial first. A medicine for a condition that is no
common comorbidity says what a person who names no diagnosis has (trials for none of the
implied conditions are ruled out); tablets for comorbidities alone and a suspected diagnosis
keep every trial open. An amount written before a urine protein name ("3 g of protein in her
urine", a typo in a four-word term: "protien in her urine"). A class with only qualifiers
("Advanced Cancer") beside kinds of it reaches the class, not every disease below it."""
from datetime import date

from core.facts import Fact, Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.condition_names import condition_reach
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.relevance import gate_value, gate_values, target_condition, treated_diagnoses
from nlp.pipeline import extract

TODAY = date(2026, 12, 1)


def _ev(*facts):
    return Evaluator(Profile(list(facts)), load_terminology(), today=TODAY)


def _drug(concept, text, start=0, **kw):
    return Fact("DRUG", concept, text, start, start + len(text), **kw)


def _leaf(*concepts, texts=()):
    return {"type": "target_condition", "concepts": list(concepts), "texts": list(texts)}


# --- a medicine says what the person has --------------------------------------------------------

def test_a_medicine_for_a_main_condition_rules_out_trials_for_other_conditions():
    ev = _ev(_drug("mesalazine", "mesalamine"), _drug("azathioprine", "azathioprine", 20))
    assert [f.concept for f in treated_diagnoses(ev)] == ["ibd"]
    crohns, lupus = _leaf("crohns_disease"), _leaf("sle")
    assert target_condition(ev, crohns).value == TRUE
    result = target_condition(ev, lupus)
    assert result.value == FALSE
    assert "mesalamine is taken for" in result.reason and "say so" in result.reason
    # the truth-only paths agree with the judge
    assert gate_value(_ev(_drug("mesalazine", "mesalamine")), lupus) == FALSE
    assert gate_value(_ev(_drug("mesalazine", "mesalamine")), crohns) == TRUE
    token = object()
    assert gate_values(_ev(_drug("mesalazine", "mesalamine")), token, [crohns, lupus]) == [TRUE, FALSE]


def test_an_antiretroviral_or_a_tki_alone_is_the_diagnosis():
    hiv = _ev(_drug("antiretroviral", "TLD"))
    assert target_condition(hiv, _leaf("hiv")).value == TRUE
    assert target_condition(hiv, _leaf("breast_cancer")).value == FALSE
    cml = _ev(_drug("imatinib", "imatinib"))
    assert target_condition(cml, _leaf("cml")).value == TRUE
    assert target_condition(cml, _leaf("sle")).value == FALSE


def test_dementia_drugs_imply_dementia():
    ev = _ev(_drug("donepezil", "donepezil"), _drug("memantine", "memantine", 14))
    assert [f.concept for f in treated_diagnoses(ev)] == ["cognitive_impairment"]
    assert target_condition(ev, _leaf("cognitive_impairment")).value == TRUE
    assert target_condition(ev, _leaf("asthma")).value == FALSE


def test_tablets_for_comorbidities_alone_keep_every_trial_open():
    # "my bp pills", metformin: nothing of what the person came about; the diagnosis is asked
    for facts in ((_drug("amlodipine", "amlodipine"),), (_drug("metformin", "metformin"),),
                  (_drug("amlodipine", "amlodipine"), _drug("metformin", "metformin", 20))):
        ev = _ev(*facts)
        assert treated_diagnoses(ev) == []
        assert target_condition(ev, _leaf("breast_cancer")).value == UNKNOWN
        assert gate_value(_ev(*facts), _leaf("breast_cancer")) == UNKNOWN


def test_a_medicine_beside_a_comorbidity_medicine_counts_them_all():
    ev = _ev(_drug("imatinib", "imatinib"), _drug("amlodipine", "amlodipine", 20))
    assert {f.concept for f in treated_diagnoses(ev)} == {"cml", "hypertension"}
    assert target_condition(ev, _leaf("hypertension")).value == TRUE
    assert target_condition(ev, _leaf("cml")).value == TRUE
    assert target_condition(ev, _leaf("sle")).value == FALSE


def test_a_suspected_diagnosis_or_nothing_said_keeps_every_trial_open():
    suspected = Fact("CONDITION", "crohns_disease", "crohns", 30, 36, uncertain=True)
    ev = _ev(_drug("mesalazine", "mesalamine"), suspected)
    assert treated_diagnoses(ev) == []
    assert target_condition(ev, _leaf("sle")).value == UNKNOWN
    assert target_condition(_ev(), _leaf("sle")).value == UNKNOWN
    # a medicine of a relative's, a negated or a hypothetical one says nothing of the patient
    for drug in (_drug("imatinib", "imatinib", family=True), _drug("imatinib", "imatinib", negated=True),
                 _drug("imatinib", "imatinib", hypothetical=True)):
        assert target_condition(_ev(drug), _leaf("sle")).value == UNKNOWN


def test_a_stated_diagnosis_is_read_as_before_beside_medicines():
    ev = _ev(Fact("CONDITION", "sle", "lupus", 0, 5), _drug("imatinib", "imatinib", 10))
    assert treated_diagnoses(ev) == []
    assert target_condition(ev, _leaf("sle")).value == TRUE
    assert target_condition(ev, _leaf("cml")).value == TRUE          # implied: kept open and ranked
    assert target_condition(ev, _leaf("asthma")).value == FALSE


# --- amounts and typos of urine protein ------------------------------------------------------------

def _labs(text):
    return [(f.concept, f.value_normalized) for f in extract(text, today=TODAY) if f.label == "LAB"]


def _conditions(text):
    return [f.concept for f in extract(text, today=TODAY) if f.label == "CONDITION"]


def test_an_amount_in_bare_grams_before_the_urine_protein_name():
    assert _labs("she has 3 g of protein in her urine") == [("urine_protein_24h", 3.0)]
    assert _labs("he loses 2 g of protein a day") == [("urine_protein_24h", 2.0)]
    assert _labs("2 grams of protein in her urine") == [("urine_protein_24h", 2.0)]
    # a bare "g" after a name stays no unit of its own: "Hb 9g" is g/dL shorthand
    assert _labs("Hb 9g") == [("hemoglobin", 90.0)]
    # no amount of a drug becomes a lab
    assert _labs("she takes 3 g of mycophenolate") == []


def test_a_typo_in_a_four_word_urine_protein_term():
    assert _conditions("there is protien in his urine") == ["proteinuria"]
    assert _labs("lupus nephritis and 3 g of protien in her urine") == [("urine_protein_24h", 3.0)]
    assert "proteinuria" not in _conditions("lupus nephritis and 3 g of protien in her urine")


def test_the_other_proteinuria_phrasings_are_read():
    assert _labs("proteinuria 2.1 g/day") == [("urine_protein_24h", 2.1)]
    assert _labs("UPCR 250 mg/mmol") == [("upcr", 2210.0)]
    assert _labs("24h urine protein 1.5g") == [("urine_protein_24h", 1.5)]
    assert _conditions("nephrotic range proteinuria") == ["proteinuria"]
    assert _conditions("there is still protein in her urine") == ["proteinuria"]
    assert _labs("my protein leak is 1.2 g/day for a year now") == [("urine_protein_24h", 1.2)]
    assert _conditions("my kidneys leak protein") == ["proteinuria"]


# --- a class with only qualifiers beside kinds of it ------------------------------------------------

def test_advanced_cancer_beside_solid_tumours_and_lymphomas_reaches_the_class_not_every_cancer():
    concepts = ("solid_tumor", "hodgkin_lymphoma", "non_hodgkin_lymphoma", "pancreatic_cancer", "breast_cancer")
    texts = ("Solid Tumor", "Hodgkin's Lymphoma", "NHL (Non-Hodgkin Lymphoma)", "Pancreatic Cancer", "Breast Cancer",
             "Advanced Cancer", "Metastatic Cancer")
    reach = condition_reach(concepts, (), texts)
    for kept in ("malignancy", "hematologic_malignancy", "cll", "dlbcl", "nsclc", "breast_cancer"):
        assert kept in reach, kept
    for left in ("cml", "aml", "multiple_myeloma", "mds", "t_all"):
        assert left not in reach, left
    # alone, or in the plural (a group), it reaches every cancer as before
    assert "cml" in condition_reach((), (), ("Advanced Cancer",))
    assert "cml" in condition_reach(("solid_tumor", "hodgkin_lymphoma"), (),
                                    ("Solid Tumor", "Hodgkin's Lymphoma", "Advanced Cancers"))
