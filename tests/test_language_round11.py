"""People's language, round 11 (issue #13): hepatitis B tests named without the virus,
diseases looked for, outcomes said of the patient after a list of treatments, clinicians'
durations, anti-infectives from the drug lexicon, alcohol use and organizing pneumonia.
Wordings of their own, not the gold set's."""
from nlp.pipeline import extract


def _facts(text):
    return {(f.label, f.concept): f for f in extract(text)}


def test_hepatitis_b_antigen_named_after_the_antibody():
    facts = _facts("Hep B core antibody is positive but the surface antigen came back negative.")
    assert facts[("INFECTION", "anti_hbc")].status == "positive"
    antigen = facts[("INFECTION", "hbsag")]
    assert antigen.negated or antigen.status == "negative"
    assert ("INFECTION", "hbv") not in facts


def test_hepatitis_b_shorthand_in_a_serology_line():
    facts = _facts("HBV serology: sAg neg, cAb pos.")
    assert facts[("INFECTION", "hbsag")].status == "negative"
    assert facts[("INFECTION", "anti_hbc")].status == "positive"


def test_surface_antigen_without_hepatitis_b_is_not_read():
    assert not any(f.concept == "hbsag" for f in extract("the blasts show CD7 surface antigen expression"))


def test_hepatitis_d_and_e_are_their_own():
    facts = _facts("Hepatitis D antibody negative. Hep E IgM positive last year.")
    assert facts[("INFECTION", "hdv")].negated
    assert ("INFECTION", "hev") in facts
    assert not {("INFECTION", "hbv"), ("INFECTION", "hcv"), ("INFECTION", "viral_hepatitis")} & set(facts)


def test_a_disease_looked_for_is_suspected():
    for text in ("the doctors are testing him for coeliac", "they're checking my daughter for MS",
                 "Under investigation for sarcoidosis."):
        conditions = [f for f in extract(text) if f.label == "CONDITION"]
        assert conditions and all(f.uncertain for f in conditions), text


def test_the_suspicion_does_not_reach_the_next_clause():
    facts = _facts("they are testing her for crohns at the moment, she already has psoriasis")
    assert facts[("CONDITION", "crohns_disease")].uncertain
    assert not facts[("CONDITION", "psoriasis")].uncertain


def test_still_ill_after_a_list_of_treatments_is_failure():
    facts = _facts("he had prednisolone, azathioprine and rituximab but his platelets are still low")
    for drug in ("prednisone", "azathioprine", "rituximab"):
        assert facts[("DRUG", drug)].status == "failed", drug


def test_nothing_has_worked_after_a_list():
    facts = _facts("she tried cimzia, simponi and actemra, nothing has worked")
    for drug in ("certolizumab", "golimumab", "tocilizumab"):
        assert facts[("DRUG", drug)].status == "failed", drug


def test_a_relatives_illness_stays_theirs_after_the_patient_is_named():
    facts = _facts("my son has crohns since 2020. his sister has myasthenia and my mum has RA too")
    assert not facts[("CONDITION", "crohns_disease")].family
    assert facts[("CONDITION", "myasthenia_gravis")].family
    assert facts[("CONDITION", "rheumatoid_arthritis")].family


def test_clinicians_compact_duration():
    sle = _facts("44F SLE x8y, on HCQ.")[("CONDITION", "sle")]
    assert sle.duration_days is not None and 2900 < sle.duration_days < 2930
    ritux = _facts("rituximab x2 in 2021")[("DRUG", "rituximab")]
    assert ritux.duration_days is None       # a count, not a duration


def test_onset_age_with_the_age_now_gives_how_long():
    crohns = _facts("hes had crohns since he was 9, he is 15 now")[("CONDITION", "crohns_disease")]
    assert crohns.duration_days is not None and 2150 < crohns.duration_days < 2200


def test_diffuse_or_limited_in_a_bracket_after_scleroderma():
    assert ("CONDITION", "diffuse_systemic_sclerosis") in _facts("Scleroderma (diffuse), on MMF")
    assert ("CONDITION", "limited_systemic_sclerosis") in _facts("SSc (limited) since 2015")


def test_anti_infectives_are_drugs():
    facts = _facts("on isoniazid and valaciclovir, had amoxicillin and cipro for a chest infection in may")
    for drug in ("isoniazid", "valacyclovir", "amoxicillin", "ciprofloxacin"):
        assert ("DRUG", drug) in facts, drug


def test_an_illness_a_drug_guards_against_is_not_had():
    facts = _facts("she takes aciclovir to prevent shingles")
    assert facts[("DRUG", "aciclovir")].status != "intolerant"
    assert facts[("INFECTION", "herpes_zoster")].hypothetical


def test_drug_susceptibility_is_not_a_treatment():
    facts = _facts("The isolate is susceptible to isoniazid and ethambutol.")
    assert facts[("DRUG", "isoniazid")].hypothetical and facts[("DRUG", "ethambutol")].hypothetical


def test_alcohol_use_is_not_alcohol_use_disorder():
    facts = _facts("he drinks alcohol on weekends but is not an alcoholic")
    assert not facts[("CONDITION", "alcohol_use")].negated
    assert facts[("CONDITION", "alcohol_use_disorder")].negated
    assert not _facts("PMH: alcohol excess")[("CONDITION", "alcohol_use_disorder")].negated


def test_organizing_pneumonia_is_not_an_infection():
    facts = _facts("CT chest showed organising pneumonia, started on prednisolone")
    assert ("CONDITION", "organizing_pneumonia") in facts
    assert ("INFECTION", "active_infection") not in facts


def test_misspelt_results_are_results():
    facts = _facts("the hep B core antibodies came back positve but the surface antigen was negitive")
    assert facts[("INFECTION", "anti_hbc")].status == "positive"
    assert facts[("INFECTION", "hbsag")].negated


def test_a_course_with_its_length_and_year_is_over():
    facts = _facts("Latent TB, rifampicin for 4 months (2021).")
    assert facts[("DRUG", "rifampin")].date == "2021" and facts[("DRUG", "rifampin")].duration_days is not None


def test_an_infection_a_past_course_was_for_is_over():
    facts = _facts("she took doxycycline last month for a chest infection")
    assert facts[("INFECTION", "active_infection")].historical
    assert not _facts("Started meropenem for sepsis today.")[("INFECTION", "active_infection")].historical


def test_a_relatives_treatment_by_pronoun():
    patient = _facts("i have psoriasis and my brother has it too, hes on stelara")
    assert patient[("DRUG", "ustekinumab")].family
    relative = _facts("my husband has crohns. his sister has lupus, she is on benlysta")
    assert relative[("DRUG", "belimumab")].family
    assert not _facts("my daughter has lupus, she is on benlysta")[("DRUG", "belimumab")].family
