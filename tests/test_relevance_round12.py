"""Issue #14, round 12: a trial aimed at an antigen the patient's cancer rarely carries ranks
after a study fitting as broadly (the terminology's ``found_in``, matching/targets.py); a trial
filed under a class of many diseases is no "same condition outside the limits"
(matching/outside_limits.py); the registry's "Alcohol Drinking" is the habit, not the
disorder; a past cancer beside a current one only suspected ranks after it
(matching/relevance.py)."""
from datetime import date

from core.facts import Fact, Profile
from data.condition_names import UNTREATING_STEP
from data.store import open_store, upsert_trials
from data.terminology import load_terminology
from matching.candidates import find_candidates
from matching.catalog import TrialCatalog
from matching.engine import match
from matching.evidence import Evidence
from matching.outside_limits import outside_limits
from matching.pruned import match as pruned_match
from matching.relevance import PAST_BESIDE_SUSPECTED, ranked_diagnoses
from matching.targets import elsewhere_fits, elsewhere_trials, untargeted_trials
from matching.untreating import untreating_trials
from nlp.pipeline import extract
from test_relevance import STORED_FIELDS, _gate, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}
CD7 = {"id": "inc-2", "kind": "inclusion", "text": "Tumour cells CD7 positive by flow cytometry",
       "rule": {"type": "biomarker", "marker": "cd7", "state": "positive"}}
SAMPLES = [{"type": "PROCEDURE", "name": "Blood sample", "target_antigens": [], "description": None}]
CHILDREN = dict(STORED_FIELDS["eligibility"], min_age_years=2.5, max_age_years=18.0)
CELLS = [{"type": "BIOLOGICAL", "name": "CD7 CAR-T cells", "target_antigens": [], "description": None}]


def _record(trial_id, title, conditions, texts, criteria=(ADULT,), purpose="TREATMENT", interventions=CELLS, **more):
    return dict(STORED_FIELDS, id=trial_id, nct_id=None, title=title, criteria=list(criteria), conditions=conditions,
                conditions_text=texts, interventions=list(interventions),
                design=dict(STORED_FIELDS["design"], purpose=purpose), **more)


def _store(tmp_path):
    db = open_store(str(tmp_path / "u.db"))
    trials = [
        _record("local-a-cd7", "CD7 CAR-T cells in CD7-positive relapsed haematological tumours",
                ["hematologic_malignancy"], ["Hematologic Malignancy"], criteria=(ADULT, CD7)),
        _record("local-b-monitor", "Immune determinants of the response to adoptive cell therapy",
                ["hematologic_malignancy"], ["Hematologic Cancer"], purpose="OTHER", interventions=SAMPLES),
        _record("local-c-cml", "Asciminib in chronic myeloid leukaemia", ["cml"], ["Chronic Myeloid Leukemia"]),
    ]
    upsert_trials(db, trials, "import")
    return db, trials


def _profile(*facts, age=60):
    return Profile([*facts, Fact("AGE", "age", str(age), value=age)])


def test_target_antigens_name_the_diseases_whose_cells_carry_them():
    terminology = load_terminology()
    targets = [c for c in terminology.by_category("biomarker") if c.attrs.get("target")]
    assert targets and all(c.attrs.get("found_in") for c in targets)
    assert {"t_lymphoblastic_neoplasm", "aml"} <= set(terminology["cd7"].attrs["found_in"])
    assert "plasma_cell_neoplasm" in terminology["bcma"].attrs["found_in"]
    for concept in targets:      # every one a condition the terminology knows
        assert all(terminology[d].category == "condition" for d in concept.attrs["found_in"])


def test_a_cd7_trial_is_aimed_elsewhere_for_a_cml_not_for_a_t_all_an_aml_or_a_leukaemia(tmp_path):
    db, _trials = _store(tmp_path)
    assert "local-a-cd7" in elsewhere_trials(db, _profile(_stated("cml", "CML")))
    assert "local-a-cd7" in elsewhere_trials(db, _profile(_stated("multiple_myeloma", "myeloma")))
    for concept, text in (("t_all", "T-ALL"), ("aml", "AML"), ("leukemia", "leukaemia"), ("ptcl", "PTCL")):
        assert elsewhere_trials(db, _profile(_stated(concept, text))) == frozenset(), concept
    # CD7 stated positive: aimed at the patient's cells
    positive = Fact("BIOMARKER", "cd7", "CD7+", status="positive")
    assert elsewhere_trials(db, _profile(_stated("cml", "CML blast crisis"), positive)) == frozenset()
    # an AML only suspected beside the CML may carry it
    suspected = Fact("CONDITION", "aml", "maybe AML", uncertain=True)
    assert elsewhere_trials(db, _profile(_stated("cml", "CML"), suspected)) == frozenset()
    # no cancer stated (or only a past one): nothing is aimed elsewhere
    assert elsewhere_trials(db, _profile()) == frozenset()
    assert elsewhere_trials(db, _profile(Fact("CONDITION", "cml", "CML", historical=True))) == frozenset()


def test_the_step_is_the_untreating_one_and_keeps_no_fit_at_none():
    assert elsewhere_fits(["a", "b"], [2, 0], frozenset({"a", "b"})) == [2 - UNTREATING_STEP, 0]


def test_for_a_cml_the_monitoring_study_ranks_before_the_cd7_trial_and_verdicts_stay(tmp_path):
    db, trials = _store(tmp_path)
    cml = _profile(_stated("cml", "CML"))
    sets = dict(untargeted=untargeted_trials(db, cml), untreating=untreating_trials(db))
    before = {r.id: r for r in match(cml, trials, today=TODAY, **sets)}
    ranked = match(cml, trials, today=TODAY, elsewhere=elsewhere_trials(db, cml), **sets)
    ids = [r.id for r in ranked]
    assert ids[0] == "local-c-cml"
    assert ids.index("local-b-monitor") < ids.index("local-a-cd7")
    # never a verdict: the CD7 criterion is unknown and asked, the trial is not ruled out
    assert {r.id: r.verdict for r in ranked} == {i: r.verdict for i, r in before.items()}
    cd7 = next(r for r in ranked if r.id == "local-a-cd7")
    assert cd7.verdict != "ineligible"
    chat = [r.id for r in pruned_match(cml, TrialCatalog(db), today=TODAY) if r.id.startswith("local-")]
    assert chat.index("local-b-monitor") < chat.index("local-a-cd7")


def test_for_an_aml_the_cd7_trial_keeps_its_place_before_the_study(tmp_path):
    db, _trials = _store(tmp_path)
    aml = _profile(_stated("aml", "AML"))
    chat = [r.id for r in pruned_match(aml, TrialCatalog(db), today=TODAY) if r.id.startswith("local-")]
    assert chat.index("local-a-cd7") < chat.index("local-b-monitor")


def test_a_trial_filed_under_a_class_of_cancers_is_no_same_condition_outside_the_limits(tmp_path):
    db = open_store(str(tmp_path / "u.db"))
    child = {"id": "inc-1", "kind": "inclusion", "text": "2.5 to 18 years", "rule": {"type": "age", "min": 2.5, "max": 18}}
    upsert_trials(db, [
        _record("local-d-antiemetic", "Olanzapine for vomiting in children receiving chemotherapy",
                ["hematologic_malignancy"], ["Hematopoietic System--Cancer"], criteria=(child,),
                purpose="SUPPORTIVE_CARE", interventions=(), eligibility=CHILDREN),
        _record("local-e-tall", "Nelarabine in children with T-ALL", ["t_all"], ["T Acute Lymphoblastic Leukemia"],
                criteria=(child,), eligibility=CHILDREN),
    ], "import")
    adult = Profile([_stated("t_all", "T-ALL"), Fact("AGE", "age", "30", value=30)])
    found = find_candidates(db, adult, TODAY)
    listed = {row["id"] for row in outside_limits(db, found)}
    assert "local-e-tall" in listed                  # the patient's own disease, other ages
    assert "local-d-antiemetic" not in listed        # blood cancers in general: not "this condition"


def test_alcohol_drinking_in_a_registry_is_the_habit_and_keeps_the_study_open():
    terminology = load_terminology()
    assert "Alcohol Drinking" in terminology["alcohol_use"].attrs["registry_terms"]
    assert "Alcohol Drinking" not in terminology["alcohol_use_disorder"].attrs.get("registry_terms", [])
    said = [f.concept for f in extract("I'm 43, army veteran with PTSD. I drink a few beers most evenings.")
            if f.label == "CONDITION"]
    assert "alcohol_use" in said and "alcohol_use_disorder" not in said
    study = _record("local-f-drink", "Cannabis and alcohol consumption", ["alcohol_use", "cannabis_use", "alcohol_use_disorder"],
                    ["Alcohol Drinking", "Cannabis Use", "Alcohol Use Disorder"])
    veteran = Profile([_stated("ptsd", "PTSD"), _stated("alcohol_use", "alcohol use"),
                       Fact("AGE", "age", "44", value=44)])
    result = match(veteran, [study], today=TODAY)[0]
    assert _gate(result).status != "fail"
    # drinking alone is no diagnosis: a trial for another disease is not ruled out by it
    other = _record("local-g-ra", "A study in rheumatoid arthritis", ["rheumatoid_arthritis"], ["Rheumatoid Arthritis"])
    drinker = Profile([_stated("alcohol_use", "beers"), Fact("AGE", "age", "44", value=44)])
    assert _gate(match(drinker, [other], today=TODAY)[0]).status != "fail"


def test_a_past_cancer_beside_a_suspected_current_one_ranks_after_it_and_rules_out_nothing_more():
    breast = _record("local-h-breast", "A study in breast cancer", ["breast_cancer"], ["Breast Cancer"])
    ovary = _record("local-i-ovary", "A study in ovarian cancer", ["ovarian_cancer"], ["Ovarian Cancer"])
    lung = _record("local-j-lung", "A study in lung cancer", ["nsclc"], ["Non-small Cell Lung Cancer"])
    past = Fact("CONDITION", "breast_cancer", "breast cancer", 0, 13, historical=True)
    suspected = Fact("CONDITION", "ovarian_cancer", "ovarian cancer", 40, 54, uncertain=True)
    patient = Profile([past, suspected, Fact("AGE", "age", "61", value=61), Fact("SEX", "female", "female")])
    ranked = match(patient, [breast, ovary, lung], today=TODAY)
    ids = [r.id for r in ranked]
    assert ids.index("local-i-ovary") < ids.index("local-h-breast")
    by_id = {r.id: r for r in ranked}
    assert by_id["local-i-ovary"].verdict != "ineligible"
    assert by_id["local-h-breast"].verdict != "ineligible"     # the past cancer is heard, not dropped
    lung_gate = _gate(by_id["local-j-lung"])
    assert lung_gate.status == "fail"                            # as before: the patient named her cancers
    # the ranking's reading: the past cancer at most PAST_BESIDE_SUSPECTED
    caps = {concept: cap for concept, _text, cap in ranked_diagnoses(Evidence(patient, today=TODAY))}
    assert caps["breast_cancer"] == PAST_BESIDE_SUSPECTED < caps["ovarian_cancer"]
