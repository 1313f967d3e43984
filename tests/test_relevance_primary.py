"""Round 5 of issue #14: a patient's main diagnosis ranks before the common comorbidities
named beside it, and a title naming a subtype narrows the ranking's condition fit; neither
rules a trial out."""
from datetime import date

from core.facts import Fact, Profile
from data.rule_nodes import own_conditions, ranked_conditions
from data.terminology import load_terminology
from matching.engine import match
from matching.relevance import comorbidities

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions=(), title=None):
    return {"id": trial_id, "nct_id": None, "title": title or trial_id, "criteria": [],
            "conditions": list(conditions), "conditions_text": []}


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def test_comorbidities_beside_a_cancer_or_autoimmune_disease_only():
    terminology = load_terminology()
    ra, htn, t2dm = _stated("rheumatoid_arthritis", "RA"), _stated("hypertension", "HTN"), _stated("type_2_diabetes", "T2DM")
    assert comorbidities([ra, htn, t2dm], terminology) == {"hypertension", "type_2_diabetes"}
    assert comorbidities([_stated("myelofibrosis", "myelofibrosis"), htn], terminology) == {"hypertension"}
    # no main diagnosis: every one counts in full (hypertension with diabetes, CKD with diabetes)
    assert comorbidities([htn, t2dm], terminology) == set()
    assert comorbidities([_stated("chronic_kidney_disease", "CKD"), t2dm], terminology) == set()
    # obesity is under overweight: a comorbidity too
    assert comorbidities([ra, _stated("obesity", "obese")], terminology) == {"obesity"}


def test_the_main_diagnosis_trials_rank_first_and_comorbidity_trials_stay_possible():
    trials = [_trial("A-HTN", ["hypertension"]), _trial("B-T2DM", ["type_2_diabetes"]),
              _trial("Z-RA", ["rheumatoid_arthritis"]), _trial("Y-LUNG", ["nsclc"])]
    facts = [_stated("rheumatoid_arthritis", "rheumatoid arthritis"), _stated("hypertension", "high blood pressure"),
             _stated("type_2_diabetes", "type 2 diabetes")]
    results = match(Profile(facts), trials, today=TODAY)
    assert results[0].id == "Z-RA"
    verdicts = {r.id: r.verdict for r in results}
    assert verdicts["A-HTN"] != "ineligible" and verdicts["B-T2DM"] != "ineligible"     # never ruled out for it
    assert verdicts["Y-LUNG"] == "ineligible"
    # hypertension alone: its trial first, in full
    alone = match(Profile([_stated("hypertension", "HTN")]), trials, today=TODAY)
    assert alone[0].id == "A-HTN" and alone[0].condition_fit > results[-1].condition_fit


def test_a_past_medical_history_list_ranks_after_the_disease_a_note_is_about():
    """A note about pancreatic cancer listing CKD and anaemia under "Past Medical History:"
    (read as history): the cancer trials rank first, the CKD trial stays possible. Without a
    current main diagnosis, or for a main-kind disease in the history, nothing changes."""
    terminology = load_terminology()
    cancer = _stated("pancreatic_cancer", "pancreatic adenocarcinoma")
    ckd, anaemia = (Fact("CONDITION", c, t, 0, len(t), historical=True)
                    for c, t in (("kidney_disease", "Chronic kidney disease"), ("anemia", "Anemia")))
    assert comorbidities([cancer, ckd, anaemia], terminology) == {"kidney_disease", "anemia"}
    assert comorbidities([ckd, anaemia], terminology) == set()
    past_sle = Fact("CONDITION", "sle", "SLE", 0, 3, historical=True)
    assert comorbidities([cancer, past_sle], terminology) == set()
    trials = [_trial("A-CKD", ["kidney_disease"]), _trial("Z-PANC", ["pancreatic_cancer"])]
    results = match(Profile([cancer, ckd, anaemia]), trials, today=TODAY)
    assert [r.id for r in results][0] == "Z-PANC"
    assert {r.id: r.verdict for r in results}["A-CKD"] != "ineligible"


def test_a_title_naming_a_subtype_narrows_the_ranking_fit_not_the_gate():
    terminology = load_terminology()
    assert terminology.is_a("dlbcl", "non_hodgkin_lymphoma")
    record = _trial("NCT-RT", ["non_hodgkin_lymphoma", "dlbcl"],
                    title="Radiation Dose Optimization in Diffuse Large B-Cell Lymphoma")
    assert ranked_conditions(record) == ["dlbcl"]
    assert own_conditions(record) == ["non_hodgkin_lymphoma", "dlbcl"]          # the gate's, unchanged
    # a title naming the broad condition too, or by its abbreviation, keeps it
    both = dict(record, title="Non-Hodgkin Lymphoma: Diffuse Large B-Cell Lymphoma")
    assert ranked_conditions(both) == ["non_hodgkin_lymphoma", "dlbcl"]
    ssc = _trial("NCT-SSC", ["systemic_sclerosis", "diffuse_systemic_sclerosis"],
                 title="Ifetroban in Diffuse Cutaneous Systemic Sclerosis (SSc) or SSc-associated PAH")
    assert "systemic_sclerosis" in ranked_conditions(ssc)
    # a T-lymphoblastic lymphoma patient: the trial stays open, after one for lymphoma in general
    general = _trial("NCT-LY", ["lymphoma"])
    facts = [_stated(_concept_named("T-lymphoblastic lymphoma"), "T-lymphoblastic lymphoma")]
    results = {r.id: r for r in match(Profile(facts), [record, general], today=TODAY)}
    assert results["NCT-RT"].verdict != "ineligible"
    assert results["NCT-RT"].condition_fit < results["NCT-LY"].condition_fit


def _concept_named(name):
    from data.condition_names import condition_concept
    concept = condition_concept(name)
    assert concept is not None and load_terminology().is_a(concept, "non_hodgkin_lymphoma")
    return concept


# --- one disease under two names, and pregnancy ----------------------------------------------

def test_t_lymphoblastic_lymphoma_and_leukaemia_keep_each_others_trials_open_weakly():
    t_all_trial = _trial("NCT-TALL", ["t_all"])
    facts = [_stated("t_lbl", "T-lymphoblastic lymphoma")]
    result = match(Profile(facts), [t_all_trial, _trial("NCT-AML", ["aml"])], today=TODAY)
    verdicts = {r.id: r.verdict for r in result}
    assert verdicts["NCT-TALL"] != "ineligible" and verdicts["NCT-AML"] == "ineligible"


def test_systemic_jia_is_still_disease_in_a_child():
    from nlp.pipeline import extract

    facts = [f for f in extract("my daughter is 13 and has systemic juvenile idiopathic arthritis") if f.label == "CONDITION"]
    assert [f.concept for f in facts] == ["systemic_jia"]
    aosd = _trial("NCT-AOSD", ["adult_onset_stills_disease"])
    ra = _trial("NCT-RA", ["rheumatoid_arthritis"])
    verdicts = {r.id: r.verdict for r in match(Profile(facts), [aosd, ra], today=TODAY)}
    assert verdicts["NCT-AOSD"] != "ineligible" and verdicts["NCT-RA"] == "ineligible"


def test_a_pregnancy_keeps_trials_for_its_complications_open_and_never_rules_out():
    pregnant = Fact("PREGNANCY", "pregnant", "22 weeks pregnant", 0, 17)
    preeclampsia = _trial("NCT-PE", ["preeclampsia"])
    lupus = _trial("NCT-SLE", ["sle"])
    with_lupus = {r.id: r for r in match(Profile([pregnant, _stated("sle", "lupus")]), [preeclampsia, lupus], today=TODAY)}
    assert with_lupus["NCT-PE"].verdict != "ineligible"
    gate = next(c for c in with_lupus["NCT-PE"].criteria if c.id == "elig-condition")
    assert gate.status == "pass" and "pregnant" in gate.evidence[0].reason
    # pregnancy alone: the lupus trial is not ruled out (the diagnosis is still asked)
    alone = {r.id: r for r in match(Profile([pregnant]), [preeclampsia, lupus], today=TODAY)}
    assert alone["NCT-SLE"].verdict != "ineligible" and alone["NCT-PE"].verdict != "ineligible"
    # a patient who is not pregnant, with a diagnosis: the pre-eclampsia trial is ruled out
    other = {r.id: r for r in match(Profile([_stated("sle", "lupus")]), [preeclampsia], today=TODAY)}
    assert other["NCT-PE"].verdict == "ineligible"


def test_a_trial_for_lymphoid_malignancies_is_not_for_myeloid_ones():
    lymphoid = _trial("NCT-LYM", ["lymphoid_malignancy"])
    for concept, open_ in (("myelofibrosis", False), ("aml", False), ("multiple_myeloma", True), ("cll", True),
                           ("t_all", True), ("hodgkin_lymphoma", True)):
        result = match(Profile([_stated(concept, concept)]), [lymphoid], today=TODAY)[0]
        assert (result.verdict != "ineligible") is open_, concept


def test_blood_cancer_and_colitis_names_the_terminology_lacked():
    from nlp.pipeline import extract

    def concepts(text):
        return {f.concept for f in extract(text) if f.label == "CONDITION"}

    assert "cutaneous_t_cell_lymphoma" in concepts("he has mycosis fungoides, early stage")
    assert concepts("she has Sezary syndrome") == {"cutaneous_t_cell_lymphoma"}
    assert concepts("she has ulcerative proctitis") == {"ulcerative_colitis"}
    assert load_terminology().is_a("cutaneous_t_cell_lymphoma", "lymphoid_malignancy")


def test_a_habit_is_no_diagnosis_it_never_rules_a_trial_out():
    # "I'm 40 and I smoke" had every trial ruled out "for lung cancer; you told me: tobacco smoking"
    lung, alcohol = _trial("NCT-LUNG", ["nsclc"]), _trial("NCT-AUD", ["alcohol_use_disorder"])
    lupus = _trial("NCT-SLE", ["sle"])
    for habit in ("smoking", "alcohol_use", "illicit_drug_use", "cannabis_use", "former_smoker"):
        verdicts = {r.id: r.verdict for r in match(Profile([_stated(habit, habit)]), [lung, alcohol, lupus], today=TODAY)}
        assert "ineligible" not in verdicts.values(), habit
    # beside a diagnosis, the diagnosis decides as before
    both = {r.id: r.verdict for r in match(Profile([_stated("sle", "lupus"), _stated("smoking", "smoker")]),
                                           [lung, lupus], today=TODAY)}
    assert both == {"NCT-SLE": both["NCT-SLE"], "NCT-LUNG": "ineligible"} and both["NCT-SLE"] != "ineligible"
