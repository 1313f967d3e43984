"""Assertion classes likely in unseen text (issue #13, helper h3, 2026-12-03): each test
names a class of phrasing written for the dev gold (conv-0434 ... conv-0613), not one message."""
from datetime import date

import pytest

from assertion_helpers import mentions, present
from nlp import extract

TODAY = date(2026, 12, 3)


def facts(text):
    return extract(text, today=TODAY)


def of(text, concept):
    return mentions(text, concept, TODAY)


# --- treatment lists and their outcome ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "been on humira then stelara, neither worked, now on skyrizi",
    "Infliximab, adalimumab, ustekinumab - no response to any. Risankizumab started 3 months ago.",
])
def test_an_outcome_after_a_list_reaches_every_item(text):
    drugs = [f for f in facts(text) if f.label == "DRUG"]
    assert [f.status for f in drugs[:-1]] == ["failed"] * (len(drugs) - 1)
    assert drugs[-1].status == "current" and present(drugs[-1])


def test_a_year_after_a_course_dates_its_own_therapy():
    found = {f.concept: f.date for f in facts("mycophenolate since 2021 and rituximab x2 (2023), both without adequate response")}
    assert found == {"mycophenolate": "2021", "rituximab": "2023"}
    found = {f.concept: f.date for f in facts("Prior R-CHOP x6 (2020) and radiotherapy (2021) for DLBCL.") if f.label != "CONDITION"}
    assert found == {"r_chop": "2020", "radiotherapy": "2021"}


@pytest.mark.parametrize("text, concept", [
    ("Prior R-CHOP x6 (2020) and radiotherapy (2021) for DLBCL.", "radiotherapy"),
    ("MMF was switched to azathioprine in view of pregnancy plans.", "mycophenolate"),
    ("they switched me from cellcept to azathioprine last spring", "mycophenolate"),
    ("Steroids initially, then MMF", "glucocorticoid"),
    ("used enbrel for 2 years, then cimzia, now nothing", "certolizumab"),
    ("my son is on MMF and tacrolimus since his kidney transplant", "kidney_transplant"),
    ("Therapy included field radiation followed by 11 cycles of temozolomide", "radiotherapy"),
    ("on MMF till last year then it stopped working", "mycophenolate"),
])
def test_treatments_of_the_past(text, concept):
    assert all(f.historical for f in of(text, concept))


def test_the_treatment_switched_to_stays_current():
    assert not of("MMF was switched to azathioprine", "azathioprine")[0].historical
    assert not of("Steroids initially, then MMF", "mycophenolate")[0].historical


@pytest.mark.parametrize("text, concept", [
    ("im booked in for CAR-T in february", "car_t"),
    ("Planned for autologous transplant in January.", "auto_hsct"),
    ("the team wants to give her rituximab next, she has ITP", "rituximab"),
])
def test_treatments_to_come_are_not_had(text, concept):
    f = of(text, concept)[0]
    assert f.hypothetical and not f.historical


# --- conditions, infections, pregnancy ------------------------------------------------------

def test_an_adverse_effect_that_ended_a_treatment_is_past_but_not_the_disease_before_it():
    assert of("cyclosporine gave me high blood pressure so I stopped it", "hypertension")[0].historical
    assert present(of("I have lupus and MMF gave me diarrhoea so we stopped it", "sle")[0])


@pytest.mark.parametrize("text, concept", [
    ("Had radiotherapy to the mediastinum in 2019 for Hodgkin lymphoma, in remission since.", "hodgkin_lymphoma"),
    ("Breast cancer in 2015, cancer-free since.", "breast_cancer"),
    ("jSLE with LN class IV and NPSLE (seizures 2024). CYC x6", "epilepsy"),
    ("74M hx of CAD s/p CABG, prior CVA (no residual deficits), HTN, HL, DMII", "type_2_diabetes"),
    ("my mum had breast cancer", "breast_cancer"),
])
def test_conditions_of_the_past(text, concept):
    assert of(text, concept)[0].historical


@pytest.mark.parametrize("text, concept", [
    ("lupus in remission since 2020", "sle"),
    ("DLBCL in complete remission after R-CHOP, relapsed 2024", "dlbcl"),
    ("my grandmother had scleroderma, i have lupus", "sle"),
    ("had a bone marrow transplant in 2021 for T-ALL, which has now come back", "t_all"),
])
def test_conditions_that_go_on(text, concept):
    assert present(of(text, concept)[0])


@pytest.mark.parametrize("text, concept", [
    ("clear for hepatitis and HIV", "hiv"),
    ("hep B vaccinated", "hbv"),
    ("with a negative history of diabetes", "diabetes_mellitus"),
    ("Not known to have any heart disease", "heart_disease"),
])
def test_denials_and_clear_results(text, concept):
    assert of(text, concept)[0].negated


def test_an_infection_test_to_come_is_no_history_of_infection():
    hiv = of("does my son need an HIV test before CAR-T?", "hiv")[0]
    assert hiv.hypothetical and hiv.status is None


@pytest.mark.parametrize("text, hypothetical", [
    ("we want to try for a baby next year", True),
    ("hoping to get pregnant one day", True),
    ("we are trying for a baby", False),
])
def test_a_wish_for_children_is_hypothetical(text, hypothetical):
    assert of(text, "planning")[0].hypothetical is hypothetical


@pytest.mark.parametrize("text, historical", [
    ("recurrent miscarriages", True),
    ("took hydroxychloroquine for years, stopped when pregnant", True),
    ("had gestational diabetes in her first pregnancy", True),
    ("she is in her first pregnancy", False),
])
def test_pregnancies_of_the_past(text, historical):
    assert of(text, "pregnant")[0].historical is historical


# --- who it is about -----------------------------------------------------------------------

@pytest.mark.parametrize("text, age, sex", [
    ("Mother of a 7 year old girl with ITP since age 4", 7, "female"),
    ("father of a 3 year old boy with leukaemia", 3, "male"),
])
def test_a_parent_naming_themself_writes_for_the_child(text, age, sex):
    found = facts(text)
    assert [f.value for f in found if f.label == "AGE" and not f.family] == [age]
    assert [f.concept for f in found if f.label == "SEX"] == [sex]


def test_the_writer_setting_their_illness_beside_the_relative():
    found = {f.concept: f for f in facts("my brother has SLE. I have RA myself")}
    assert present(found["sle"]) and found["rheumatoid_arthritis"].family


@pytest.mark.parametrize("text, concept", [
    ("His brother, 40 years old, has Crohn disease and takes adalimumab.", "adalimumab"),
    ("Her son, aged 12, has asthma.", "asthma"),
    ("The patient lives with her husband, who has diabetes and is on insulin.", "diabetes_mellitus"),
    ("Her mother also had ITP and required a splenectomy.", "splenectomy"),
    ("there is psoriasis on her fathers side", "psoriasis"),
])
def test_a_relative_of_the_patient(text, concept):
    assert of(text, concept)[0].family


def test_the_patient_with_her_baby_is_still_the_patient():
    assert present(of("she is breastfeeding her baby (4 months) and has lupus", "sle")[0])


# --- values ----------------------------------------------------------------------------------

def test_blood_pressure_gives_systolic_and_diastolic():
    values = {f.concept: f.value for f in facts("BP 150/95, HR 72")}
    assert values == {"sbp": 150, "dbp": 95}


@pytest.mark.parametrize("text, historical", [
    ("Cr 1.9 mg/dL in 2023", True),
    ("my creatinine was 1.4 mg/dL in march", True),
    ("SLEDAI 12 at last flare (2022)", True),
    ("my hemoglobin was 7 during my last admission", True),
    ("Her BMI was 24 at the first visit", True),
    ("creatinine 1.1 mg/dL today", False),
])
def test_values_of_an_earlier_time(text, historical):
    f = [f for f in facts(text) if f.label in ("LAB", "SCORE")][0]
    assert f.historical is historical


def test_a_newer_value_does_not_take_the_older_values_date():
    f = [f for f in facts("platelets 45 in March, now 80") if f.label == "LAB"][0]
    assert f.value == 80 and f.date is None and not f.historical


def test_a_month_without_a_year_never_dates_a_treatment():
    assert of("she is booked in for CAR-T in february", "car_t")[0].date is None


@pytest.mark.parametrize("text, concept", [
    ("she starts rituximab on monday", "rituximab"),
    ("due to start tocilizumab", "tocilizumab"),
    ("We will proceed with autologous transplant", "auto_hsct"),
    ("may need dialysis soon", "dialysis"),
])
def test_more_treatments_to_come(text, concept):
    assert of(text, concept)[0].hypothetical


def test_a_treatment_needed_now_is_not_to_come():
    assert not of("she needs dialysis 3 times a week", "dialysis")[0].hypothetical


def test_several_children_are_not_the_one_patient():
    found = {f.concept: f for f in facts("both my kids have asthma, I have lupus")}
    assert found["asthma"].family and present(found["sle"])
    assert present(of("my sons ITP is worse", "itp")[0])


@pytest.mark.parametrize("text, concept", [
    ("HIV test was fine", "hiv"),
    ("TB test came back ok", "tuberculosis"),
    ("bloods for hepatitis were clear", "viral_hepatitis"),
    ("hepatitis B: immune", "hbv"),
    ("she is HIV-free", "hiv"),
])
def test_a_plain_worded_clear_test_is_negative(text, concept):
    f = of(text, concept)[0]
    assert f.negated and f.status == "negative"


def test_a_positive_test_stays_positive():
    assert of("hep B test came back positive", "hbv")[0].status == "positive"


@pytest.mark.parametrize("text, concept, historical", [
    ("first they gave her steroids, then IVIG, now eltrombopag", "glucocorticoid", True),
    ("then they gave him rituximab", "rituximab", True),
    ("methotrexate a while ago", "methotrexate", True),
    ("steroids when she was diagnosed", "glucocorticoid", True),
    ("Patient was initially treated with R-CHOP, then radiotherapy and autologous stem cell transplant.", "auto_hsct", True),
    ("cyclophosphamide in 2022 did not work, mycophenolate since then, still on it", "mycophenolate", False),
    ("my son is 23, hes had crohns since 15", "crohns_disease", False),
    ("I've had 2 rounds of rituximab", "rituximab", True),
])
def test_sequences_and_the_present_perfect(text, concept, historical):
    assert of(text, concept)[0].historical is historical


@pytest.mark.parametrize("text, concept, negated", [
    ("She denies chest pain, dyspnea, hypertension, diabetes.", "diabetes_mellitus", True),
    ("ROS negative for fever, weight loss, lupus.", "sle", True),
    ("negative for HIV, has lupus", "sle", False),
    ("denies fever, lupus diagnosed 2015", "sle", False),
    ("No history of cancer, SLE diagnosed 2010", "sle", False),
])
def test_a_list_cue_over_a_comma_only_list_of_findings(text, concept, negated):
    assert of(text, concept)[0].negated is negated


@pytest.mark.parametrize("text, concept, historical", [
    ("she was put on prednisolone at first and then mycophenolate", "prednisone", True),
    ("she was put on prednisolone at first and then mycophenolate", "mycophenolate", False),
    ("my daughter did 6 months of cyclophosphamide infusions", "cyclophosphamide", True),
    ("they tried her on tacrolimus but her kidneys didnt like it", "tacrolimus", True),
    ("rituximab in the hospital", "rituximab", False),
])
def test_courses_and_trials_of_a_treatment(text, concept, historical):
    assert of(text, concept)[0].historical is historical


@pytest.mark.parametrize("text, concept, hypothetical", [
    ("next is rituximab", "rituximab", True),
    ("anifrolumab has been suggested", "anifrolumab", True),
    ("rituximab booked", "rituximab", True),
    ("stem cell transplant arranged for may", "hsct", True),
    ("she will be switched to MMF", "mycophenolate", True),
    ("Start MMF 500mg bd", "mycophenolate", True),
    ("she is down for a kidney transplant", "kidney_transplant", True),
    ("since the start of MMF she is better", "mycophenolate", False),
])
def test_plans_in_other_words(text, concept, hypothetical):
    assert of(text, concept)[0].hypothetical is hypothetical


@pytest.mark.parametrize("text, concept, historical", [
    ("She had 2 pregnancies, both uncomplicated.", "pregnant", True),
    ("She has a history of 3 pregnancies and live births.", "pregnant", True),
    ("She breastfed all three children.", "lactating", True),
    ("She is getting weight normally during her pregnancies.", "pregnant", False),
    ("pregnancy-induced hypertension in her first pregnancy", "pregnant", True),
])
def test_counted_pregnancies_are_over(text, concept, historical):
    assert of(text, concept)[-1].historical is historical


@pytest.mark.parametrize("text, concept, historical", [
    ("Six months ago her ALT was 200.", "alt", True),
    ("HbA1c 8.5% a year ago.", "hba1c", True),
    ("ALT 40 two weeks ago", "alt", False),
    ("He completed treatment for latent TB in 2018.", "tuberculosis", True),
])
def test_values_and_infections_dated_by_ago_or_treatment(text, concept, historical):
    assert of(text, concept)[0].historical is historical


@pytest.mark.parametrize("text, concept, hypothetical", [
    ("any trials of obinutuzumab near me", "obinutuzumab", True),
    ("any news on CAR-T for myositis", "car_t", True),
    ("does she need rituximab", "rituximab", True),
    ("Is on MMF 2g daily.", "mycophenolate", False),
])
def test_asking_about_a_treatment(text, concept, hypothetical):
    assert of(text, concept)[0].hypothetical is hypothetical
