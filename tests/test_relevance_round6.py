"""Relevance, round 6 (issue #14): the ranking's condition fit reads the registry's names as
the gate does (a trial whose conditions stay text ranks by them); rare diseases the records
and patients name have concepts (MPAL, JMML, BPDCN, plasmacytoma, thymoma, UCTD, IgG4-RD);
a plasmacytoma keeps myeloma trials open and MCTD the trials for the diseases it overlaps,
weakly; an unknown diagnosis still rules nothing out."""
from datetime import date

from core.facts import Fact, Profile
from data.condition_names import condition_concept, condition_reach
from data.condition_names import NAME_FIT
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts=(), mesh=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts), "condition_terms": list(mesh)}


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def _gate(facts, trial):
    result = match(Profile(list(facts)), [trial], today=TODAY)[0]
    return next(c for c in result.criteria if c.id == "elig-condition")


def test_a_trial_whose_conditions_stay_text_ranks_by_its_names():
    # "Treatment in HER2-negative Metastatic Breast Cancer Patients With Germline BRCA
    # Mutation" maps to no concept as a whole: the gate admits a breast cancer patient by
    # the name, and the ranking now reads the name too (before: fit 0, below every trial
    # for nothing in particular)
    named = _trial("T-TEXT", [], ["Treatment in HER2-negative Metastatic Breast Cancer Patients With Germline BRCA Mutation"])
    unrelated = _trial("T-OTHER", [], ["Zygomatic Fractures"])
    listed = _trial("T-LISTED", ["breast_cancer"], ["Breast Cancer"])
    results = match(Profile([_stated("breast_cancer", "breast cancer")]), [unrelated, named, listed], today=TODAY)
    fits = {r.id: r.condition_fit for r in results}
    assert fits["T-LISTED"] > fits["T-TEXT"] > 0 == fits.get("T-OTHER", 0)
    ranked = [r.id for r in results if r.verdict != "ineligible"]
    assert ranked[:2] == ["T-LISTED", "T-TEXT"]


def test_rare_diagnoses_are_named():
    for text, concept in (("refractory MPAL", "mpal"), ("mixed phenotype acute leukaemia", "mpal"),
                          ("my son has JMML", "jmml"), ("I have BPDCN", "bpdcn"),
                          ("solitary plasmacytoma of bone", "plasmacytoma"), ("recurrent thymoma", "thymoma"),
                          ("undifferentiated connective tissue disease", "uctd"),
                          ("IgG4-related disease", "igg4_related_disease")):
        assert concept in {f.concept for f in extract(text) if f.label == "CONDITION"}, text
    assert condition_concept("Thymoma") == "thymoma"
    assert condition_concept("Undifferentiated Connective Tissue Diseases") == "uctd"


def test_rare_blood_cancers_keep_the_blood_cancer_trials_and_no_other():
    cd7 = _trial("T-CD7", ["hematologic_malignancy"])
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    for concept in ("mpal", "jmml", "bpdcn"):
        assert _gate([_stated(concept, concept)], cd7).status == "pass"
        failed = _gate([_stated(concept, concept)], breast)
        assert failed.status == "fail" and "Breast Cancer" in failed.text          # cites the trial's conditions
        assert "you told me:" in failed.evidence[0].reason
    # MPAL is myeloid and lymphoblastic at once: AML and ALL trials stay open, weakly
    assert _gate([_stated("mpal", "MPAL")], _trial("T-AML", ["aml"], ["Acute Myeloid Leukemia"])).status == "pass"
    assert _gate([_stated("mpal", "MPAL")], _trial("T-ALL", ["t_all"], ["T Acute Lymphoblastic Leukemia"])).status == "pass"
    assert _gate([_stated("mpal", "MPAL")], _trial("T-CML", ["cml"], ["Chronic Myeloid Leukemia"])).status == "fail"
    basket = _trial("T-SOLID", ["solid_tumor"], ["Solid Tumor"])
    assert _gate([_stated("thymoma", "thymoma")], basket).status == "pass"


def test_a_plasmacytoma_keeps_myeloma_trials_open_weakly():
    myeloma = _trial("T-MM", ["multiple_myeloma"], ["Multiple Myeloma"])
    assert _gate([_stated("plasmacytoma", "plasmacytoma")], myeloma).status == "pass"
    assert condition_reach(("multiple_myeloma",)).get("plasmacytoma") == NAME_FIT
    # a myeloma criterion is not met by a plasmacytoma: it is not myeloma
    from data.terminology import load_terminology
    assert not load_terminology().is_a("plasmacytoma", "multiple_myeloma")


def test_mctd_keeps_the_trials_of_the_diseases_it_overlaps_and_uctd_does_not():
    lupus = _trial("T-SLE", ["sle"], ["Systemic Lupus Erythematosus"])
    myositis = _trial("T-DM", ["dermatomyositis"], ["Dermatomyositis"])
    crohns = _trial("T-CD", ["crohns_disease"], ["Crohn Disease"])
    mctd = [_stated("mixed_connective_tissue_disease", "MCTD")]
    assert _gate(mctd, lupus).status == "pass" and _gate(mctd, myositis).status == "pass"
    assert _gate(mctd, crohns).status == "fail"
    uctd = [_stated("uctd", "undifferentiated connective tissue disease")]
    failed = _gate(uctd, lupus)
    assert failed.status == "fail" and "you told me: undifferentiated connective tissue disease" in failed.evidence[0].reason


def test_an_unknown_diagnosis_still_rules_nothing_out():
    # a name the terminology does not know ("PTLD") is no stated diagnosis: the gate is
    # unknown (the diagnosis is asked), never failed
    trial = _trial("T-MM", ["multiple_myeloma"], ["Multiple Myeloma"])
    assert _gate(extract("my brother has PTLD after his kidney transplant"), trial).status == "unknown"


def test_a_past_cancer_beside_a_current_diagnosis_ranks_after_it_and_opens_none_of_its_own_trials():
    # twelfth session: a cancer cured years ago beside the cancer she has now no longer keeps
    # every trial for the old cancer open (they ranked after the new one's, but were listed
    # as "may qualify"); the rule-out says both and asks to be told if it is active again
    ovary = _trial("T-OV", ["ovarian_cancer"], ["Ovarian Cancer"])
    breast = _trial("T-BR", ["breast_cancer"], ["Breast Cancer"])
    lung = _trial("T-LU", ["nsclc"], ["Non-small Cell Lung Cancer"])
    facts = extract("I had breast cancer in 2012 and have been all clear since. Now I have been diagnosed "
                    "with ovarian cancer, high grade serous, stage IIIC.")
    results = match(Profile(facts), [breast, lung, ovary], today=TODAY)
    order = [r.id for r in results]
    assert order.index("T-OV") < order.index("T-BR")               # what she has now first
    verdicts = {r.id: r.verdict for r in results}
    assert verdicts["T-BR"] == "ineligible" and verdicts["T-LU"] == "ineligible"
    gate = next(c for c in next(r for r in results if r.id == "T-BR").criteria if c.id == "elig-condition")
    assert "ovarian cancer now, and breast cancer in the past" in gate.evidence[0].reason
    # a past cancer alone keeps its full strength
    alone = match(Profile(extract("I had breast cancer in 2012")), [breast, ovary], today=TODAY)
    assert alone[0].id == "T-BR"


def test_the_relevance_bench_counts_the_held_aside_rule_outs_and_never_lists_them(monkeypatch):
    """`bench matching --json` printed the test half's patient and trial ids of its false
    exclusions; the held-aside half is counted only, so nobody tunes on its patients."""
    import benchmarks.relevance as R

    class Store:
        def close(self):
            pass

    found = {"patients": 1, "with_relevant": 1, "ndcg@10": 1.0, "baseline_bm25_ndcg@10": 0.5,
             "not_relevant_ruled_out": 0.9, "patients_stating_a_diagnosis": 1, "not_relevant_ruled_out_stated": 0.9,
             "false_exclusions_grade2": ["rel-x:NCT1"], "false_exclusions_by_condition": []}
    monkeypatch.setattr(R, "RELEVANCE_DIR", R.Path("."))
    monkeypatch.setattr(R, "CTGOV_DIR", R.Path("."))
    monkeypatch.setattr(R, "build_catalogue", lambda folder: Store())
    monkeypatch.setattr(R, "all_trial_records", lambda db: [{"id": "NCT1"}])
    monkeypatch.setattr(R, "KeywordBaseline", lambda records: None)
    monkeypatch.setattr(R, "load_patients", lambda name: [])
    monkeypatch.setattr(R, "evaluate_set", lambda db, patients, baseline, ids: dict(found))
    result = R.bench_relevance()
    assert result["test"]["false_exclusions_grade2"] == 1 and result["dev"]["false_exclusions_grade2"] == ["rel-x:NCT1"]
    assert ("test: grade-2 trials ruled out (target 0)", 1) in result["table"]
