"""Relevance, round 9 (issue #14): a graded condition fit (the patient's disease > a subtype
of it or the disease it is a subtype of > an umbrella such as "Advanced Cancers" > nothing),
an umbrella never rules a covered patient out; a title's "With MDS and Anemia" wants both,
so anaemia alone is no reason the MDS trial is the patient's; a disease named only through
an organ and its antibody ("anti-Jo-1 positive ILD") keeps its trials open; a medicine says
which kind a vague "leukaemia" is; diagnoses phrased unusually are read."""
from datetime import date

from core.facts import Profile
from data.condition_names import EXACT_FIT, KIND_FIT, RELATED_FIT, SUBTYPE_FIT, graded_fit, umbrella
from data.rule_nodes import condition_target, own_conditions, title_conjoined
from data.terminology import load_terminology
from matching.engine import match
from matching.evaluate import Evaluator
from matching.relevance import condition_strength, ranked_diagnoses, target_condition
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts=(), title=None):
    return {"id": trial_id, "nct_id": None, "title": title or trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts), "condition_terms": []}


def _fit(trial_conditions, concept, text="x"):
    return condition_strength(tuple(trial_conditions), ((concept, text),), load_terminology())


def test_the_condition_fit_is_graded_exact_then_subtype_then_umbrella_then_nothing():
    exact = _fit(["cml"], "cml")
    subtype = _fit(["leukemia"], "cml")                  # a leukaemia trial for a CML
    narrower = _fit(["t_all"], "acute_lymphoblastic_leukemia")    # a T-ALL trial for an ALL
    branch = _fit(["hematologic_malignancy"], "cml")     # "Hematologic Malignancies"
    top = _fit(["malignancy"], "cml")                    # "Advanced Cancers"
    other = _fit(["breast_cancer"], "cml")
    assert exact == EXACT_FIT and subtype == SUBTYPE_FIT and narrower == KIND_FIT and branch == top == RELATED_FIT
    assert exact > subtype > narrower > top > other == 0


def test_umbrellas_are_top_classes_and_the_branches_of_a_split_class():
    terminology = load_terminology()
    assert umbrella("malignancy", terminology) and umbrella("hematologic_malignancy", terminology)
    assert umbrella("solid_tumor", terminology) and umbrella("autoimmune_disease", terminology)
    assert not umbrella("leukemia", terminology) and not umbrella("cml", terminology)
    # a patient who names only an umbrella ("cancer") gets no subtype grade: every trial is as related as before
    assert graded_fit(RELATED_FIT, "malignancy", ("breast_cancer",), terminology) == RELATED_FIT
    assert graded_fit(EXACT_FIT, "cml", ("cml",), terminology) == EXACT_FIT


def test_an_umbrella_trial_never_rules_a_covered_patient_out_and_ranks_after_the_disease_trials():
    advanced = _trial("T-ADV", ["malignancy"], ["Advanced Cancers"])
    heme = _trial("T-HEME", ["hematologic_malignancy"], ["Hematologic Cancer"])
    leukaemia = _trial("T-LEUK", ["leukemia"], ["Leukemia"])
    cml = _trial("T-CML", ["cml"], ["Chronic Myeloid Leukemia"])
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    text = "I'm 47 with chronic granulocytic leukaemia in chronic phase, imatinib and nilotinib both failed."
    results = match(Profile(extract(text)), [advanced, heme, leukaemia, cml, breast], today=TODAY)
    by_id = {r.id: r for r in results}
    for trial in ("T-ADV", "T-HEME", "T-LEUK", "T-CML"):
        assert by_id[trial].verdict != "ineligible", trial
    assert by_id["T-BR"].verdict == "ineligible"
    order = [r.id for r in results]
    assert order.index("T-CML") < order.index("T-LEUK") < order.index("T-ADV")
    assert order.index("T-LEUK") < order.index("T-HEME")


_MDS_TITLE = ("ELEMENT-MDS: A Study to Compare the Efficacy and Safety of Luspatercept in Participants With "
              "Myelodysplastic Syndrome (MDS) and Anemia Not Receiving Blood Transfusions")


def _mds_trial():
    return {"id": "T-MDS", "nct_id": None, "title": _MDS_TITLE, "criteria": [], "conditions": ["mds", "anemia"],
            "conditions_text": ["Myelodysplastic Syndromes"], "condition_terms": ["Anemia"]}


def test_a_title_conjunction_narrows_and_adds_no_alternative_condition():
    record = _mds_trial()
    assert title_conjoined(record) == ["anemia"]
    assert own_conditions(record) == ["mds"]
    assert condition_target(record)["rule"]["concepts"] == ["mds"]
    # the sponsor's own list names every conjunct: each stays
    both = {"id": "T-OB", "title": "A Study of Orforglipron in Participants With Obesity or Overweight and Type 2 Diabetes",
            "conditions": ["obesity", "overweight", "type_2_diabetes"],
            "conditions_text": ["Obesity", "Overweight", "Type 2 Diabetes"], "condition_terms": []}
    assert title_conjoined(both) == [] and own_conditions(both) == ["obesity", "overweight", "type_2_diabetes"]
    # no conjunction: nothing changes
    plain = {**record, "title": "Luspatercept in Participants With Myelodysplastic Syndrome"}
    assert title_conjoined(plain) == [] and own_conditions(plain) == ["mds", "anemia"]


def test_anaemia_alone_is_ruled_out_of_the_mds_and_anaemia_trial_with_both_sides_cited():
    leaf = condition_target(_mds_trial())["rule"]
    ev = Evaluator(Profile(extract("34F with iron deficiency anaemia from heavy periods, Hb 9.8.")),
                   load_terminology(), today=TODAY)
    result = target_condition(ev, leaf)
    assert result.value == "false"
    assert "myelodysplastic syndrome" in result.reason.lower() and "iron deficiency anaemia" in result.reason.lower()
    mds = Evaluator(Profile(extract("68M, lower-risk MDS with ring sideroblasts, Hb 8.6, symptomatic anaemia.")),
                    load_terminology(), today=TODAY)
    assert target_condition(mds, leaf).value == "true"
    unknown = Evaluator(Profile(extract("I'm tired all the time, is there a study for me?")), load_terminology(), today=TODAY)
    assert target_condition(unknown, leaf).value == "unknown"        # no diagnosis: never ruled out


def test_a_myositis_named_only_by_its_antibody_and_lung_keeps_the_myositis_trials_open():
    myositis = _trial("T-IIM", ["inflammatory_myopathy"], ["Inflammatory Myopathy"])
    dm = _trial("T-DM", ["dermatomyositis"], ["Dermatomyositis"])
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    text = "52M, anti-Jo-1 positive ILD with mechanic's hands; no weakness, CK normal. FVC falling despite MMF."
    by_id = {r.id: r for r in match(Profile(extract(text)), [myositis, dm, breast], today=TODAY)}
    assert by_id["T-IIM"].verdict != "ineligible" and by_id["T-IIM"].condition_fit > 0
    assert by_id["T-DM"].verdict != "ineligible"
    assert by_id["T-BR"].verdict == "ineligible"
    gate = next(c for c in by_id["T-IIM"].criteria if c.id == "elig-condition")
    assert any("anti-Jo-1 points to" in e.reason for e in gate.evidence)
    # a negative antibody implies nothing: the stated ILD alone is no myositis
    negative = {r.id: r for r in match(Profile(extract("ILD, anti-Jo-1 negative, no muscle disease")), [myositis], today=TODAY)}
    assert negative["T-IIM"].verdict == "ineligible"


def test_an_antibody_alone_never_rules_a_trial_out():
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    by_id = {r.id: r for r in match(Profile(extract("my anti-Jo-1 came back positive, what now?")), [breast], today=TODAY)}
    assert by_id["T-BR"].verdict != "ineligible"


def test_a_medicine_for_one_kind_says_which_kind_a_vague_leukaemia_is():
    ev = Evaluator(Profile(extract("My dad has the Philadelphia chromosome leukaemia, the chronic one. "
                                   "He's been on imatinib for 4 years.")), load_terminology(), today=TODAY)
    fits = {concept: cap for concept, _text, cap in ranked_diagnoses(ev)}
    # the vague leukaemia is the CML the medicine names, no second diagnosis beside it (h178, round 37:
    # a vague cancer a medicine names is that cancer; rel-334 0.850 -> 0.920)
    assert fits.get("cml") == EXACT_FIT
    # beside no stated diagnosis it stays weak (a medicine alone)
    alone = Evaluator(Profile(extract("he takes imatinib")), load_terminology(), today=TODAY)
    assert {concept: cap for concept, _t, cap in ranked_diagnoses(alone)}.get("cml", 0) < EXACT_FIT


def _conditions(text):
    return {f.concept for f in extract(text) if f.label == "CONDITION"}


def test_diagnoses_phrased_unusually_are_read():
    assert "b_all" in _conditions("I'm 35 and have B-cell ALL, it came back.")
    assert "cml" in _conditions("He has chronic granulocytic leukaemia, chronic phase.")
    assert "mds" in _conditions("72M with CMML-1, WBC 14, Hb 9.1.")
    assert "crohns_disease" in _conditions("I've had regional ileitis since I was 20.")
    assert "scleromyositis" in _conditions("44F, scleromyositis with proximal weakness.")
    facts = extract("PM/Scl-75 antibody positive, sclerodactyly")
    assert "ssc_antibody" in {f.concept for f in facts if f.label == "BIOMARKER"}
    assert "polymyositis" not in {f.concept for f in facts}           # "PM" of PM/Scl is no polymyositis


def test_scleromyositis_keeps_both_the_scleroderma_and_the_myositis_trials_open():
    ssc = _trial("T-SSC", ["diffuse_systemic_sclerosis", "systemic_sclerosis"], ["Scleroderma, Diffuse"])
    iim = _trial("T-IIM", ["inflammatory_myopathy"], ["Inflammatory Myopathy"])
    sle = _trial("T-SLE", ["sle"], ["Systemic Lupus Erythematosus"])
    by_id = {r.id: r for r in match(Profile(extract("44F with scleromyositis, MTX and IVIG failed")), [ssc, iim, sle],
                                    today=TODAY)}
    assert by_id["T-SSC"].verdict != "ineligible" and by_id["T-IIM"].verdict != "ineligible"
    assert by_id["T-SLE"].verdict == "ineligible"
