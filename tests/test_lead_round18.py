"""Lead's eighteenth-session fixes: what patients, relatives and doctors write, read as they mean it."""
import pytest

from nlp.pipeline import extract


def _one(text, label, concept=None):
    found = [f for f in extract(text) if f.label == label and (concept is None or f.concept == concept)]
    assert found, f"no {label} {concept or ''} in {text!r}"
    return found[0]


# --- a treatment stopped because the disease went on failed ---------------------------

@pytest.mark.parametrize("text, concept", [
    ("MMF 3 g/day 2021-2023, stopped due to progression of ILD", "mycophenolate"),
    ("azathioprine, stopped as her disease got worse", "azathioprine"),
    ("she came off MMF because the lung disease kept progressing", "mycophenolate"),
    ("tocilizumab discontinued due to inefficacy", "tocilizumab"),
    ("switched from adalimumab due to a flare", "adalimumab"),
])
def test_a_treatment_stopped_because_the_disease_went_on_failed(text, concept):
    fact = _one(text, "DRUG", concept)
    assert fact.status == "failed" and fact.historical


@pytest.mark.parametrize("text, concept, status", [
    ("she is on cellcept because her disease was getting worse", "mycophenolate", "current"),
    ("methotrexate stopped because of her lungs", "methotrexate", "intolerant"),
])
def test_a_reason_without_a_stop_or_about_an_organ_is_no_failure(text, concept, status):
    assert _one(text, "DRUG", concept).status == status


@pytest.mark.parametrize("text, concept", [
    ("MMF 3 g/day 2021-2023, stopped due to progression of ILD", "interstitial_lung_disease"),
    ("methotrexate stopped due to disease progression, lupus nephritis still active", "lupus_nephritis"),
])
def test_the_disease_that_went_on_is_not_over(text, concept):
    assert not _one(text, "CONDITION", concept).historical


def test_a_condition_said_stopped_is_still_over():
    assert _one("stopped prednisolone, her seizures stopped", "CONDITION", "epilepsy").historical


# --- "isn't working": the tokenizer's "is" + "n't" -------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("tofacitinib isn't working", "tofacitinib"),
    ("humira isnt helping", "adalimumab"),
    ("benlysta aren't working", "belimumab"),
    ("now on tofacitinib which isnt working", "tofacitinib"),
])
def test_a_treatment_that_isnt_working_failed_and_goes_on(text, concept):
    fact = _one(text, "DRUG", concept)
    assert fact.status == "failed" and fact.ongoing


@pytest.mark.parametrize("text", [
    "she isnt working at the moment because of the lupus, she is on MMF",
    "my husband isnt working, he's on MMF",
])
def test_a_person_not_working_is_no_failure(text):
    assert _one(text, "DRUG", "mycophenolate").status == "current"


def test_a_present_failure_after_now_on_is_the_new_treatments_only():
    text = "ive had UC for 10 yrs, failed 5-ASA, aza, infliximab, vedo and now on tofacitinib which isnt working either"
    facts = {f.concept: f for f in extract(text) if f.label == "DRUG"}
    assert facts["tofacitinib"].status == "failed" and facts["tofacitinib"].ongoing
    for concept in ("mesalazine", "azathioprine", "infliximab", "vedolizumab"):
        assert facts[concept].status == "failed" and not facts[concept].ongoing, concept


# --- ages: "my mum's 68" ------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("my mum's 68, she has had RA for ages", 68),
    ("my dad's 70 and has ITP", 70),
    ("my son\u2019s 19 now", 19),
    ("my daughter's 7 yo", 7),
])
def test_a_relatives_age_after_s(text, value):
    assert _one(text, "AGE").value == value


def test_a_number_of_people_after_s_is_no_age():
    assert not [f for f in extract("my mum's 2 sisters have lupus") if f.label == "AGE"]


# --- "Current: ..." lists what is taken now --------------------------------------------

@pytest.mark.parametrize("text, concepts", [
    ("34F SLE (dx 2012), refractory to CYC and RTX. Current: belimumab, HCQ, pred 7.5. C3 low.",
     ("belimumab", "hydroxychloroquine", "prednisone")),
    ("SLE. Current meds: belimumab, HCQ, pred 7.5. Previously tried rituximab.", ("belimumab", "hydroxychloroquine")),
    ("Meds: MMF 1g bd, HCQ 200", ("mycophenolate", "hydroxychloroquine")),
    ("UC.\nCurrent medication:\n- vedolizumab 300 mg\n- mesalazine\n\nPrevious: infliximab", ("vedolizumab", "mesalazine")),
])
def test_a_current_medication_heading_makes_its_list_current(text, concepts):
    facts = {f.concept: f for f in extract(text) if f.label == "DRUG"}
    for concept in concepts:
        assert facts[concept].status == "current", concept


@pytest.mark.parametrize("text, concept", [
    ("SLE. Current meds: belimumab, HCQ. Previously tried rituximab.", "rituximab"),
    ("UC.\nCurrent medication:\n- vedolizumab 300 mg\n\nPrevious: infliximab", "infliximab"),
    ("34F SLE, refractory to CYC and RTX. Current: belimumab.", "rituximab"),
])
def test_what_lies_outside_the_current_list_is_not_made_current(text, concept):
    assert _one(text, "DRUG", concept).status != "current"


def test_a_long_list_after_tried_is_tried_as_a_whole():
    facts = extract("tried pred, ivig, ritux, eltrombopag, fostamatinib, avatrombopag and danazol.")
    assert all(f.historical for f in facts if f.label == "DRUG") and len([f for f in facts if f.label == "DRUG"]) == 7


# --- "no idea about" is not knowing, not a denial ---------------------------------------

@pytest.mark.parametrize("text, label, concept", [
    ("no idea about his CD7, nobody told us", "BIOMARKER", "cd7"),
    ("I have no idea what his CD7 is", "BIOMARKER", "cd7"),
    ("no clue about hepatitis", "INFECTION", "viral_hepatitis"),
    ("havent a clue about her HIV status", "INFECTION", "hiv"),
    ("dont have any idea if he had TB", "INFECTION", "tuberculosis"),
])
def test_not_knowing_is_unknown_not_negative(text, label, concept):
    fact = _one(text, label, concept)
    assert fact.uncertain and not fact.negated and fact.status != "negative"


def test_a_denial_beside_not_knowing_keeps_its_own_reading():
    facts = {f.concept: f for f in extract("no HIV, no idea about hep b")}
    assert facts["hiv"].negated and facts["hbv"].uncertain and not facts["hbv"].negated


# --- the disease went on after a treatment, said with a contrast -----------------------

@pytest.mark.parametrize("text, concepts", [
    ("shes done cyclophosphamide, MMF and rituximab but her kidneys keep getting worse",
     ("cyclophosphamide", "mycophenolate", "rituximab")),
    ("on MMF but she keeps getting worse", ("mycophenolate",)),
    ("MMF and tacrolimus but the lupus keeps flaring", ("mycophenolate", "tacrolimus")),
    ("he's on ruxolitinib but he's going downhill", ("ruxolitinib",)),
    ("tried rituximab but she kept getting worse", ("rituximab",)),
])
def test_a_treatment_with_the_disease_getting_worse_after_it_failed(text, concepts):
    facts = {f.concept: f for f in extract(text) if f.label == "DRUG"}
    for concept in concepts:
        assert facts[concept].status == "failed", concept


def test_getting_worse_after_a_stop_is_no_failure():
    assert _one("stopped pred and she got worse", "DRUG", "prednisone").status is None


# --- a test is for an illness, not for a drug ---------------------------------------------

def test_a_drug_after_tested_for_is_not_doubted():
    facts = {f.concept: f for f in extract("she was tested for TB before starting humira and it was negative")}
    assert not facts["adalimumab"].uncertain
    assert facts["tuberculosis"].negated


@pytest.mark.parametrize("text, concept", [
    ("she is being evaluated for a stem cell transplant", "hsct"),
    ("he was screened for CAR-T", "car_t"),
])
def test_a_procedure_screened_or_evaluated_for_is_not_done(text, concept):
    fact = _one(text, "PROCEDURE", concept)
    assert fact.hypothetical or fact.uncertain


# --- a later bare mention keeps how the treatment went ---------------------------------

def _fact(label, concept, **kw):
    from core.facts import Fact
    return Fact(label, concept, concept, 0, len(concept), **kw)


def test_a_later_mention_without_an_outcome_keeps_the_outcome_known():
    from core.facts import Profile
    profile = Profile.merge([[_fact("DRUG", "chemotherapy", status="failed", date="2023")],
                             [_fact("DRUG", "chemotherapy", historical=True)]])
    (chemo,) = profile.facts
    assert chemo.status == "failed" and chemo.date == "2023" and chemo.historical


@pytest.mark.parametrize("later", [
    {"status": "current"},                   # "actually it works now"
    {"negated": True},                       # "no, he never had chemo"
    {"uncertain": True},                     # "not sure he had chemo"
])
def test_a_later_mention_that_says_how_it_went_or_denies_it_replaces_it(later):
    from core.facts import Profile
    profile = Profile.merge([[_fact("DRUG", "chemotherapy", status="failed")], [_fact("DRUG", "chemotherapy", **later)]])
    (chemo,) = profile.facts
    assert chemo.status == later.get("status")


def test_a_relative_naming_the_regimen_later_does_not_undo_the_failure(tmp_path):
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore
    from data.store import open_store, sync_bundled
    db = open_store(tmp_path / "t.db")
    sync_bundled(db)
    engine = Engine(SessionStore(db), gazetteer=None)
    engine.start("cli:carry")
    text = ""
    for message in ("for my brother", "he has AML that came back after chemo. hes 44.",
                    "they said FLT3 negative. he had 7+3 and then FLAG-Ida", "/profile"):
        text += "\n".join(Renderer(PLAIN).render(engine.message("cli:carry", message)))
    assert "corrected it" not in text
    assert "chemotherapy (did not help)" in text.rsplit("What I know", 1)[-1]


# --- a cancer that became another is over ---------------------------------------------

@pytest.mark.parametrize("text, past, now", [
    ("myelodysplasia that turned into AML", "mds", "aml"),
    ("MDS which became AML in 2024", "mds", "aml"),
    ("AML secondary to MDS", "mds", "aml"),
])
def test_a_cancer_that_became_another_is_over(text, past, now):
    facts = {f.concept: f for f in extract(text)}
    assert facts[past].historical and not facts[now].historical


def test_a_disease_turning_into_a_word_is_not_over():
    assert not _one("her lupus turned into a nightmare", "CONDITION", "sle").historical


# --- a class of treatments in a clinician's shorthand -------------------------------------

@pytest.mark.parametrize("text", ["TNFi x3 failed", "failed 2 anti-TNFs", "3 TNF blockers failed", "TNFis failed"])
def test_tnf_inhibitors_in_shorthand(text):
    assert _one(text, "DRUG", "anti_tnf").status == "failed"


# --- failing now: "despite" with the disease going on, "even on" ----------------------

@pytest.mark.parametrize("text, concept", [
    ("her kidneys are getting worse despite cyclophosphamide and MMF", "cyclophosphamide"),
    ("ILD progressing despite tacrolimus and MMF.", "tacrolimus"),
    ("platelets still under 20 even on romiplostim", "romiplostim"),
])
def test_a_treatment_failing_now_is_still_taken(text, concept):
    fact = _one(text, "DRUG", concept)
    assert fact.status == "failed" and fact.ongoing


def test_a_past_flare_despite_a_treatment_says_nothing_of_now():
    fact = _one("she flared despite MMF", "DRUG", "mycophenolate")
    assert fact.status == "failed" and not fact.ongoing


# --- a stop said of the treatment beside it ---------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Still's disease, 24, stopped canakinumab because of infections, now on tocilizumab", "adult_onset_stills_disease"),
    ("58F, SSc-ILD, MMF discontinued due to progression, now on nintedanib.", "systemic_sclerosis"),
    ("SSc-ILD, MMF stopped due to progression", "interstitial_lung_disease"),
])
def test_a_disease_before_a_stopped_treatment_is_not_over(text, concept):
    assert not _one(text, "CONDITION", concept).historical


def test_a_stop_said_of_a_treatment_after_a_failure_keeps_the_infection_cleared():
    assert _one("CMV viraemia cleared with valganciclovir", "INFECTION", "cmv").historical


def test_a_doubt_after_a_list_of_denials_is_of_what_follows():
    facts = {f.concept: f for f in extract("no HIV, no hep C, but not sure about hep B, he had the vaccine as a kid")}
    assert facts["hiv"].negated and not facts["hiv"].uncertain
    assert facts["hcv"].negated and not facts["hcv"].uncertain
    assert facts["hbv"].uncertain and facts["hbv"].status != "positive"


def test_headings_inside_a_line_end_at_their_sentence():
    facts = {f.concept: f for f in extract("Current meds: tacrolimus 3mg bd, pred 5mg, HCQ 200mg. Previous: CYC x6 2021, RTX 2023.")}
    assert facts["tacrolimus"].status == "current" and facts["hydroxychloroquine"].status == "current"
    assert facts["rituximab"].historical and facts["rituximab"].status != "current"
    assert facts["cyclophosphamide"].historical


# --- a bracket's prophylaxis or hedge is its own treatment's ----------------------------

@pytest.mark.parametrize("text, label, concept", [
    ("Hep B sAg negative, anti-HBc positive (on entecavir prophylaxis). HIV negative.", "INFECTION", "anti_hbc"),
    ("latent TB (isoniazid prophylaxis)", "INFECTION", "tuberculosis"),
    ("asthma (salbutamol prn)", "CONDITION", "asthma"),
    ("lupus (maybe rituximab next?)", "CONDITION", "sle"),
])
def test_a_brackets_prophylaxis_or_hedge_is_of_its_own_treatment(text, label, concept):
    fact = _one(text, label, concept)
    assert not fact.hypothetical and not fact.uncertain and not fact.negated


def test_an_anti_hbc_result_before_prophylaxis_stays_positive():
    assert _one("anti-HBc positive (on entecavir prophylaxis)", "INFECTION", "anti_hbc").status == "positive"


def test_a_negative_result_in_a_bracket_with_a_treatment_still_negates():
    assert _one("hep B (negative, no entecavir needed)", "INFECTION", "hbv").negated


def test_a_urine_pcr_in_a_letter_is_the_protein_creatinine_ratio():
    fact = _one("urine PCR 250 mg/mmol", "LAB", "upcr")
    assert fact.value == 250 and fact.unit == "mg/mmol"
    assert not [f for f in extract("covid PCR negative") if f.label == "LAB"]


# --- a partner or child named without "my", with an age -------------------------------

@pytest.mark.parametrize("text, concept, value", [
    ("Hi. Wife (62) with refractory myositis - antisynthetase. On pred 20 + tacrolimus.", "inflammatory_myopathy", 62),
    ("Son, 16, crohns since 9", "crohns_disease", 16),
    ("Husband 55 with AML", "aml", 55),
    ("Daughter is 19 and has lupus", "sle", 19),
])
def test_a_partner_or_child_named_bare_with_an_age_is_the_patient(text, concept, value):
    facts = extract(text)
    age = next(f for f in facts if f.label == "AGE")
    assert age.value == value and not age.family
    assert not _one(text, "CONDITION", concept).family


def test_a_nursing_writers_baby_is_still_not_the_patient():
    facts = extract("baby is 6 weeks now and im breastfeeding, i have ITP")
    assert not _one("baby is 6 weeks now and im breastfeeding, i have ITP", "CONDITION", "itp").family
    assert not [f for f in facts if f.label == "AGE"]


# --- a failure said of its own subject after a comma ------------------------------------

@pytest.mark.parametrize("text", [
    "Wife (62) with refractory myositis, on pred and tacrolimus, rituximab didnt help",
    "on MMF and HCQ, rituximab didnt help",
])
def test_treatments_taken_before_a_comma_are_not_the_failures_subject(text):
    facts = {f.concept: f for f in extract(text) if f.label == "DRUG"}
    assert facts["rituximab"].status == "failed"
    assert all(f.status == "current" for c, f in facts.items() if c != "rituximab")


@pytest.mark.parametrize("text", ["IFX, ADA, UST failed", "tried MMF, rituximab didnt help either"])
def test_a_bare_list_keeps_the_outcomes_reach(text):
    assert all(f.status == "failed" for f in extract(text) if f.label == "DRUG")


# --- a weight in stones ---------------------------------------------------------------------

@pytest.mark.parametrize("text, kg", [
    ("weight 12 stone", 76.2),
    ("i weigh 11st 4lb", 71.7),
    ("about 9 stone 6", 59.9),
    ("I weigh 11st", 69.9),
])
def test_a_weight_in_stones_is_read_in_kilograms(text, kg):
    assert _one(text, "WEIGHT").value_normalized == pytest.approx(kg, abs=0.1)


@pytest.mark.parametrize("text", ["1st cycle of chemo", "lost 5 stone this year", "he's 21st in line"])
def test_an_ordinal_or_a_weight_change_is_no_weight(text):
    assert not [f for f in extract(text) if f.label == "WEIGHT"]


@pytest.mark.parametrize("text, value", [
    ("he is 2 and a half", 2.5),
    ("my daughter is 4 and a half years old and has ITP", 4.5),
    ("she is 2", 2),
])
def test_a_young_childs_age_to_the_half_year(text, value):
    assert _one(text, "AGE").value == value


def test_the_thing_getting_worse_may_be_misspelt():
    facts = extract("had steriods, ivig and eltrombopag but her platlets keep dropping")
    assert all(f.status == "failed" for f in facts if f.label == "DRUG") and len([f for f in facts if f.label == "DRUG"]) == 3
