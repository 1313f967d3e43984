"""Round 13 (h57, issue #14): studies in healthy volunteers and studies for patients, molecular
baskets (a title naming an alteration and a kind of tumour; a registry name of an alteration
and a top class), "a trial with less radiation" (what a trial offers is no treatment had) and
"Primary diagnosis of ..." in an exclusion (the team judges which diagnosis is the main one)."""
from datetime import date

from core.facts import Fact, Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.condition_names import alteration_words, condition_reach
from data.rule_nodes import healthy_only, registry_criteria, title_kinds
from data.terminology import load_terminology
from matching.engine import match
from matching.evaluate import Evaluator
from matching.relevance import gate_value, gate_values, healthy_only_person, healthy_volunteers, target_condition
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract
from test_relevance import STORED_FIELDS, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}
HEALTHY = Fact("CONDITION", "healthy", "no illness at all", 0, 17)


def _record(trial_id, title, conditions, texts, volunteers=None, **fields):
    eligibility = dict(STORED_FIELDS["eligibility"], healthy_volunteers=volunteers)
    return dict(STORED_FIELDS, id=trial_id, nct_id=None, title=title, criteria=[ADULT], conditions=list(conditions),
                conditions_text=list(texts), eligibility=eligibility, **fields)


def _ev(*facts):
    return Evaluator(Profile(list(facts)), load_terminology(), today=TODAY)


# --- which studies are in healthy volunteers only -----------------------------------------------

def test_a_study_in_healthy_volunteers_only_is_told_by_its_flag_and_title_or_conditions():
    assert healthy_only(_record("a", "Safety of TQH3821 Tablets in Adult Healthy Subjects", ["rheumatoid_arthritis"],
                                ["Rheumatoid Arthritis"], volunteers=True))
    assert healthy_only(_record("b", "Drug-drug interaction study", ["healthy"], ["Healthy Volunteers"], volunteers=True))
    # the registry says it takes no healthy volunteers, or says nothing: not one
    assert not healthy_only(_record("c", "Study in Healthy Subjects", [], ["Pharmacokinetics"], volunteers=False))
    assert not healthy_only(_record("d", "Study in Healthy Subjects", [], ["Pharmacokinetics"]))
    # healthy people beside patients, or a patient study that also takes healthy volunteers
    assert not healthy_only(_record("e", "Pharmacokinetics in Patients With Hepatic Impairment and Healthy Subjects",
                                    [], ["Hepatic Impairment"], volunteers=True))
    assert not healthy_only(_record("f", "Healthy Volunteers Versus Patients With Asthma", ["asthma"], ["Asthma"],
                                    volunteers=True))
    assert not healthy_only(_record("g", "Circulating Ghrelin as a Biomarker for Dementia", ["dementia"], ["Dementia"],
                                    volunteers=True))


def test_the_registry_criteria_carry_the_healthy_volunteer_criterion_before_the_gate():
    criteria = registry_criteria(_record("a", "Safety of TQH3821 Tablets in Adult Healthy Subjects",
                                         ["rheumatoid_arthritis"], ["Rheumatoid Arthritis"], volunteers=True))
    ids = [c["id"] for c in criteria]
    assert ids[-2:] == ["elig-healthy", "elig-condition"]          # the gate stays last
    patients = registry_criteria(_record("b", "Ifetroban in SSc", ["systemic_sclerosis"], ["Systemic Sclerosis"],
                                         volunteers=False))
    assert "elig-healthy" not in [c["id"] for c in patients]
    assert patients[-1]["rule"]["patients"] is True
    unknown = registry_criteria(_record("c", "A bundled trial", ["sle"], ["Lupus"]))
    assert "patients" not in unknown[-1]["rule"]


# --- a patient and a study in healthy volunteers --------------------------------------------------

def test_a_patient_stating_a_disease_is_ruled_out_of_a_study_in_healthy_volunteers_with_the_reason():
    leaf = {"type": "healthy_volunteers"}
    result = healthy_volunteers(_ev(_stated("rheumatoid_arthritis", "RA")), leaf)
    assert result.value == FALSE
    assert "healthy volunteers" in result.reason and "rheumatoid arthritis" in result.reason
    assert [f.text for f in result.facts] == ["RA"]
    assert healthy_volunteers(_ev(HEALTHY), leaf).value == TRUE
    # safety: nothing known, a condition only implied by a medicine, a past illness, the hot
    # flushes of the menopause (a healthy woman may have them) rule nothing out
    assert healthy_volunteers(_ev(), leaf).value == UNKNOWN
    assert healthy_volunteers(_ev(Fact("DRUG", "amlodipine", "amlodipine", 0, 10)), leaf).value == UNKNOWN
    assert healthy_volunteers(_ev(Fact("CONDITION", "appendicitis", "appendicitis", 0, 12, historical=True)),
                              leaf).value == UNKNOWN
    assert healthy_volunteers(_ev(_stated("vasomotor_symptoms", "hot flushes")), leaf).value == UNKNOWN


def test_the_ra_patient_sees_the_healthy_subject_study_ruled_out_and_the_study_with_healthy_controls_kept():
    trials = [_record("local-a-hv", "Safety of TQH3821 Tablets in Adult Healthy Subjects", ["rheumatoid_arthritis"],
                      ["Rheumatoid Arthritis"], volunteers=True),
              _record("local-b-ra", "Imaging RA joints in patients and healthy controls", ["rheumatoid_arthritis"],
                      ["Rheumatoid Arthritis", "Healthy"], volunteers=True)]
    ra = Profile([_stated("rheumatoid_arthritis", "RA"), Fact("AGE", "age", "40", value=40)])
    found = {r.id: r for r in match(ra, trials, today=TODAY)}
    assert found["local-a-hv"].verdict == "ineligible"
    failing = [c for c in found["local-a-hv"].criteria if c.status == "fail"]
    assert [c.id for c in failing] == ["elig-healthy"]          # not the condition gate: the study is for RA
    assert found["local-b-ra"].verdict != "ineligible"


# --- a healthy person and a study for patients ---------------------------------------------------

def test_a_person_who_says_they_have_no_illness_is_ruled_out_of_a_study_for_patients_only():
    leaf = {"type": "target_condition", "concepts": ["asthma"], "texts": ["Asthma"], "patients": True}
    open_leaf = {"type": "target_condition", "concepts": ["asthma"], "texts": ["Asthma"]}
    healthy = _ev(HEALTHY)
    assert healthy_only_person(healthy)
    result = target_condition(healthy, leaf)
    assert result.value == FALSE and "no illness" in result.reason and "asthma" in result.reason.lower()
    assert gate_value(_ev(HEALTHY), leaf) == FALSE
    # a study that may take healthy volunteers, or whose record says nothing: as before
    assert target_condition(_ev(HEALTHY), open_leaf).value == UNKNOWN
    # nobody said anything: the diagnosis is asked, never ruled out
    assert target_condition(_ev(), leaf).value == UNKNOWN
    # "healthy" beside a medicine taken for a condition: not only healthy
    both = _ev(HEALTHY, Fact("DRUG", "amlodipine", "amlodipine", 20, 30))
    assert not healthy_only_person(both) and target_condition(both, leaf).value != FALSE
    token = object()
    assert gate_values(_ev(HEALTHY), token, [leaf, open_leaf]) == [FALSE, UNKNOWN]


def test_a_study_for_healthy_people_stays_a_healthy_persons():
    leaf = {"type": "target_condition", "concepts": ["healthy"], "texts": ["Healthy"], "patients": True}
    assert target_condition(_ev(HEALTHY), leaf).value == TRUE


# --- molecular baskets ---------------------------------------------------------------------------

def test_a_title_naming_an_alteration_and_a_kind_above_the_listed_cancers_is_for_the_kind():
    basket = _record("k", "Phase 1/2a Study of JAB-21822 Plus JAB-3312 in Patients With Advanced Solid Tumors "
                     "Harboring KRAS p.G12C Mutation", ["nsclc", "colorectal_cancer", "pancreatic_cancer"],
                     ["KRAS P.G12C", "Non-small Cell Lung Cancer", "Colorectal Cancer", "Pancreatic Ductal Carcinoma"])
    assert title_kinds(basket) == ["solid_tumor"]
    # without an alteration in the title, a list of several conditions is the trial's scope
    plain = dict(basket, title="A Study of JAB-21822 Plus JAB-3312 in Patients With Advanced Solid Tumors")
    assert title_kinds(plain) == []
    assert alteration_words().search("BRAF Mutation-Related Tumors")
    assert not alteration_words().search("Immune Thrombocytopenia")


def test_a_leiomyosarcoma_patient_is_asked_about_the_alteration_not_ruled_out():
    basket = _record("local-kras", "A Study in Patients With Advanced Solid Tumors Harboring KRAS p.G12C Mutation",
                     ["nsclc", "colorectal_cancer", "pancreatic_cancer"],
                     ["KRAS P.G12C", "Non-small Cell Lung Cancer", "Colorectal Cancer", "Pancreatic Ductal Carcinoma"],
                     volunteers=False)
    sarcoma = Profile([_stated("leiomyosarcoma", "leiomyosarcoma of the uterus"), Fact("AGE", "age", "52", value=52)])
    found = match(sarcoma, [basket], today=TODAY)[0]
    gate = next(c for c in found.criteria if c.id == "elig-condition")
    assert gate.status != "fail"
    myeloma = Profile([_stated("multiple_myeloma", "myeloma"), Fact("AGE", "age", "60", value=60)])
    assert match(myeloma, [basket], today=TODAY)[0].verdict == "ineligible"      # a blood cancer: outside the kind


def test_a_name_of_an_alteration_and_a_top_class_beside_the_baskets_cancers_reaches_no_blood_cancer():
    texts = ("Non-small Cell Lung Cancer", "Solid Tumor", "BRAF Mutation-Related Tumors", "KRAS Mutation-Related Tumors",
             "Histiocytic Neoplasm")
    reach = condition_reach(("nsclc", "solid_tumor", "histiocytosis"), (), texts)
    for blood in ("mds", "aml", "multiple_myeloma", "cml"):
        assert not reach.get(blood), blood
    assert reach.get("breast_cancer") and reach.get("nsclc") and reach.get("histiocytosis")
    # alone, the name still reaches every tumour
    assert condition_reach((), (), ("KRAS Mutation-Related Tumors",)).get("multiple_myeloma")


# --- patient words and criterion words -----------------------------------------------------------

def test_a_treatment_named_as_what_a_trial_offers_is_no_treatment_had():
    facts = extract("Our boy is 9 and had a medulloblastoma removed. We were told about a trial with less radiation.")
    radiation = [f for f in facts if f.concept == "radiotherapy"]
    assert radiation and all(f.hypothetical for f in radiation)
    had = extract("He had radiation to the spine last year.")
    assert any(f.concept == "radiotherapy" and not f.hypothetical for f in had)


def test_primary_diagnosis_of_a_disease_in_an_exclusion_is_for_the_team_beside_a_comorbid_one():
    rule = parse_criterion("Primary diagnosis of major depressive disorder", "exclusion")
    trial = _record("local-ptsd", "Psychotherapies for PTSD", ["ptsd"], ["Post-Traumatic Stress Disorder"])
    trial["criteria"] = [ADULT, {"id": "exc-1", "kind": "exclusion", "text": "Primary diagnosis of major depressive "
                                 "disorder", "rule": rule}]
    veteran = Profile([_stated("ptsd", "PTSD"), _stated("major_depressive_disorder", "major depression"),
                       Fact("AGE", "age", "44", value=44)])
    found = match(veteran, [trial], today=TODAY)[0]
    assert found.verdict != "ineligible"
    exclusion = next(c for c in found.criteria if c.id == "exc-1")
    assert exclusion.status != "fail"


def test_a_germ_cell_tumour_trial_named_by_its_kinds_reaches_no_other_cancer():
    texts = ("Germ Cell Tumor", "Stage I Ovarian Yolk Sac Tumor AJCC v6 and v7", "Extragonadal Embryonal Carcinoma",
             "Testicular Mixed Choriocarcinoma and Teratoma")
    reach = condition_reach(("germ_cell_tumor",), (), texts)
    assert reach.get("germ_cell_tumor") and not reach.get("breast_cancer") and not reach.get("nsclc")
