"""What people say is recorded as they say it (issue #13): hedged denials and negative
results are never present, questions and wishes are not treatments given, past events are
past, a treatment's outcome reaches every drug of a list and the next sentence, viral
infections and haematology regimens are recognised, and no input raises."""
from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 2)


def _is_a(concept, wanted):
    from data.terminology import load_terminology

    return concept == wanted or load_terminology().is_a(concept, wanted)


def fact(text, concept, label=None):
    """The first fact of ``concept`` or of a kind of it ("colon cancer" is a malignancy)."""
    found = [f for f in extract(text, today=TODAY) if _is_a(f.concept, concept) and (label is None or f.label == label)]
    assert found, f"no {concept} in {text!r}: {[(f.label, f.concept) for f in extract(text, today=TODAY)]}"
    return found[0]


def present(f):
    return not (f.negated or f.uncertain or f.hypothetical or f.family or f.historical)


# --- 1. hedged denials and negative results --------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("I don't think she has HIV", "hiv"),
    ("I dont think she has hepatitis B", "hbv"),
    ("i do not think he has TB, he was never abroad", "tuberculosis"),
    ("I don't believe I have hep C", "hcv"),
])
def test_hedged_denial_of_an_infection_is_negative(text, concept):
    f = fact(text, concept)
    assert f.negated and f.status == "negative"


def test_doubt_is_not_a_positive_result():
    f = fact("I doubt it's TB", "tuberculosis")
    assert not present(f) and f.status != "positive"


@pytest.mark.parametrize("text, concept", [
    ("TB was ruled out", "tuberculosis"),
    ("hep B excluded", "hbv"),
    ("HIV test came back negative", "hiv"),
    ("negative QuantiFERON", "tuberculosis"),
    ("she had a negative quantiferon in january", "tuberculosis"),
    ("never had hepatitis", "viral_hepatitis"),
])
def test_negative_results_and_exclusions_are_negative(text, concept):
    f = fact(text, concept)
    assert f.negated and f.status == "negative"


def test_a_result_word_before_the_next_test_stays_with_the_first():
    facts = {f.concept: f.status for f in extract("HBsAg negative HIV positive")}
    assert facts == {"hbsag": "negative", "hiv": "positive"}


def test_a_positive_result_written_first_is_positive():
    assert fact("had a positive quantiferon last year", "tuberculosis").status == "positive"


@pytest.mark.parametrize("text", ["β-hCG negative", "pregnancy test negative", "negative pregnancy test",
                                  "beta hCG was negative last week", "urine hCG negative"])
def test_negative_pregnancy_test_is_not_pregnant(text):
    f = fact(text, "pregnant", "PREGNANCY")
    assert f.negated


@pytest.mark.parametrize("text", ["not sure if she has HIV", "i dont know if i had TB as a kid",
                                  "ive never been tested for HIV", "he has never been tested for hep C"])
def test_not_knowing_is_uncertain_never_positive(text):
    f = next(f for f in extract(text) if f.label == "INFECTION")
    assert f.uncertain and not f.negated
    assert f.status is None


def test_a_belief_about_a_marker_is_uncertain():
    assert fact("i think he's CD7+ but not sure", "cd7").uncertain


# --- 2. questions and wishes -------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("what is CAR-T?", "car_t"),
    ("is there a car-t trial for me?", "car_t"),
    ("could rituximab help?", "rituximab"),
    ("should she try CAR-T?", "car_t"),
    ("whats the difference between car-t and stem cell transplant?", "hsct"),
    ("can IVIG be used for lupus?", "ivig"),
    ("just curious about car t for later", "car_t"),
    ("my rheumatologist mentioned belimumab", "belimumab"),
    ("they want blinatumomab?", "blinatumomab"),
])
def test_a_question_or_wish_about_a_treatment_is_hypothetical(text, concept):
    assert fact(text, concept).hypothetical


def test_a_treatment_given_stays_given_in_a_question():
    facts = {f.concept: f for f in extract("Could Benlysta work if Cellcept didn't work?")}
    assert facts["mycophenolate"].status == "failed"
    assert facts["belimumab"].hypothetical


def test_a_question_in_a_later_clause_leaves_earlier_treatments_given():
    f = fact("MRD still 2.5% after hyper CVAD, they want blinatumomab?", "hyper_cvad")
    assert not f.hypothetical


def test_the_disease_in_a_question_is_still_the_patients():
    assert present(fact("i have AML. is there any car-t for AML?", "aml"))


# --- 3. past events ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["prior ectopic pregnancy in 2018", "ectopic pregnancy at age 26",
                                  "I had an ectopic pregnancy in 2018", "Hx ectopic pregnancy 2019",
                                  "pregnancy in 2023, normal delivery"])
def test_a_past_pregnancy_is_historical(text):
    f = fact(text, "pregnant", "PREGNANCY")
    assert f.historical and not f.negated


def test_a_pregnancy_now_is_not_historical():
    assert present(fact("she is 24 weeks pregnant", "pregnant", "PREGNANCY"))


def test_an_age_at_an_event_is_not_the_patients_age():
    ages = [f.value for f in extract("ectopic pregnancy at age 26") if f.label == "AGE"]
    assert ages == []


@pytest.mark.parametrize("text", ["history of TB, treated", "Hep C treated 2017", "he had hep B as a teenager, it cleared by itself"])
def test_a_treated_or_cleared_infection_is_past(text):
    f = next(f for f in extract(text) if f.label == "INFECTION")
    assert f.historical and not f.negated


def test_an_untreated_infection_is_not_past():
    f = fact("anti-HCV positive and HCV RNA detectable, not yet treated", "hcv_rna")
    assert not f.historical


# --- 5. ages in months, weeks, days --------------------------------------------------------

@pytest.mark.parametrize("text, years", [
    ("6-month-old", 0.5), ("a 6 month old baby", 0.5), ("7 weeks old", 0.134), ("a 3 day old", 0.008),
    ("our daughter is 4 months old", 0.333), ("35-year-old", 35),
])
def test_ages_in_months_weeks_and_days_are_in_years(text, years):
    ages = [f.value for f in extract(text) if f.label == "AGE"]
    assert ages == [pytest.approx(years, abs=0.002)]


# --- 6. response to treatment --------------------------------------------------------------

@pytest.mark.parametrize("text, concepts", [
    ("she tried cellcept, cytoxan and benlysta, nothing worked", ["mycophenolate", "cyclophosphamide", "belimumab"]),
    ("methotrexate, leflunomide and sulfasalazine, none of them helped", ["methotrexate", "leflunomide", "sulfasalazine"]),
    ("humira, enbrel and simponi, all failed", ["adalimumab", "etanercept", "golimumab"]),
    ("i was on methotrexate for 3 years and humira for 2, neither controlled my RA", ["methotrexate", "adalimumab"]),
    ("been on remicade, humira, stelara and entyvio. all failed.", ["infliximab", "adalimumab", "ustekinumab", "vedolizumab"]),
    ("been through methotrexate, enbrel and rinvoq. none worked for long", ["methotrexate", "etanercept", "upadacitinib"]),
])
def test_an_outcome_after_a_list_reaches_every_drug(text, concepts):
    statuses = {f.concept: f.status for f in extract(text) if f.label == "DRUG"}
    assert {c: statuses.get(c) for c in concepts} == {c: "failed" for c in concepts}


def test_neither_controlled_does_not_negate_the_disease():
    f = fact("i was on methotrexate and humira, neither controlled my RA", "rheumatoid_arthritis")
    assert not f.negated


@pytest.mark.parametrize("text, concept, status", [
    ("tried humira until last year, it stopped working", "adalimumab", "failed"),
    ("anakinra worked at first but not anymore", "anakinra", "failed"),
    ("metotrexate didnt do anything for my RA", "methotrexate", "failed"),
    ("she is on benlysta, shes still on it", "belimumab", "current"),
    ("mycophenolate since then, still on it", "mycophenolate", "current"),
    ("he was on remicade, it stopped working. now entyvio. still on it, still bleeding", "vedolizumab", "current"),
    ("rituximab is working", "rituximab", "current"),
    ("Cellcept is working for my kidneys", "mycophenolate", "current"),
    ("it stopped working so they switched me to saphnelo", "anifrolumab", "current"),
    ("had to stop aza because of side effects", "azathioprine", "intolerant"),
    ("i had anaphylaxis to rituximab in 2021", "rituximab", "intolerant"),
    ("i got sepsis after cyclophosphamide so we stopped it", "cyclophosphamide", "intolerant"),
])
def test_treatment_response(text, concept, status):
    assert fact(text, concept).status == status


def test_working_is_not_failed_and_not_working_is():
    assert fact("infliximab is working for now", "infliximab").status == "current"
    assert fact("infliximab is not working", "infliximab").status == "failed"


# --- 7. terminology --------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("hyper-CVAD", "hyper_cvad"), ("R-CHOP x6", "r_chop"), ("FLAG-IDA", "flag_ida"), ("nelarabine", "nelarabine"),
    ("venetoclax", "venetoclax"), ("blinatumomab", "blinatumomab"), ("azacitidine", "azacitidine"),
])
def test_haematology_regimens_and_drugs_are_recognised(text, concept):
    assert [f.concept for f in extract(text) if f.label == "DRUG"] == [concept]


def test_r_chop_is_chemotherapy_and_rituximab():
    from data.terminology import load_terminology

    terminology = load_terminology()
    assert terminology.is_a("r_chop", "chemotherapy") and terminology.is_a("r_chop", "rituximab")
    assert terminology.is_a("venetoclax", "targeted_therapy") and not terminology.is_a("venetoclax", "immunosuppressant")


@pytest.mark.parametrize("text", ["CMV infection", "CMV viremia", "cytomegalovirus reactivation"])
def test_cmv_is_a_viral_infection_of_its_own(text):
    from data.terminology import load_terminology

    facts = [f for f in extract(text) if f.label == "INFECTION"]
    assert [f.concept for f in facts] == ["cmv"]
    terminology = load_terminology()
    for bacterial_or_fungal in ("active_infection", "uti", "bacterial_pharyngitis", "tuberculosis", "syphilis"):
        assert not terminology.is_a("cmv", bacterial_or_fungal)


def test_autoimmune_hepatitis_is_not_viral():
    assert [f.concept for f in extract("she has autoimmune hepatitis")] == ["autoimmune_hepatitis"]


# --- 8. bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", " ", "\n\n\t", "?", "???", "a", "😀" * 5000, "лупус и ревматоидный артрит", "我有红斑狼疮，今年35岁",
    "مريض بالذئبة الحمراء", "\x00\x01\x02", "my son is " + "9" * 400, "I'm " + "1" * 50 + " years old",
    "lupus " * 3000, "<script>alert(1)</script>", "negative" * 200, "my " * 500 + "son is 3",
    "%s %d {0} \\x00 ' \" `", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
])
def test_any_text_gives_an_answer_never_a_traceback(text):
    facts = extract(text)
    assert isinstance(facts, list)


# --- more of the same, in clinicians' shorthand ---------------------------------------------

@pytest.mark.parametrize("text, concept", [("TB unlikely", "tuberculosis"), ("HIV status unknown, test requested", "hiv"),
                                           ("indeterminate QuantiFERON", "tuberculosis")])
def test_unlikely_unknown_or_indeterminate_is_uncertain(text, concept):
    f = fact(text, concept)
    assert f.uncertain and not f.negated and f.status is None


def test_i_might_be_pregnant_is_uncertain():
    f = fact("i might be pregnant, waiting for the test", "pregnant", "PREGNANCY")
    assert f.uncertain and not f.negated


@pytest.mark.parametrize("text, status", [("(anti-HBc+, HBsAg-)", "negative"), ("HBsAg- and HIV+", "negative")])
def test_a_sign_glued_to_a_serology_is_its_result(text, status):
    assert fact(text, "hbsag").status == status


@pytest.mark.parametrize("text, concept", [("had a stroke at 31", "stroke"), ("had colon cancer 8 yrs ago", "malignancy"),
                                           ("she had seizures in 2022, none since", "epilepsy"),
                                           ("i got CMV last year after rituximab", "cmv")])
def test_a_past_event_is_historical_not_negated(text, concept):
    f = fact(text, concept)
    assert f.historical and not f.negated


def test_a_dose_written_after_a_drug_means_it_is_taken_now():
    assert fact("MMF 1 g bd", "mycophenolate").status == "current"
    assert fact("On MTX 20 mg weekly + HCQ", "methotrexate").status == "current"
    assert fact("stopped prednisone 10 mg last year", "prednisone").status != "current"


@pytest.mark.parametrize("text", ["Is methotrexate safe in pregnancy?", "can I get pregnant on cellcept?"])
def test_a_pregnancy_asked_about_is_hypothetical(text):
    assert fact(text, "pregnant", "PREGNANCY").hypothetical


def test_a_pregnancy_stated_before_a_question_is_not():
    assert present(fact("I'm pregnant, is there a trial for me?", "pregnant", "PREGNANCY"))


def test_a_side_effect_named_after_a_drug_is_that_drugs_and_the_list_outcome_reaches_the_rest():
    facts = extract("mesalamine, azathioprine (pancreatitis), infliximab, vedolizumab, tofacitinib, all failed.")
    statuses = {f.concept: f.status for f in facts if f.label == "DRUG"}
    # pancreatitis is a condition of its own since round 10 (h40): the patient had it
    assert [f.concept for f in facts if f.label == "CONDITION"] == ["pancreatitis"]
    assert statuses == {"mesalazine": "failed", "azathioprine": "intolerant", "infliximab": "failed",
                        "vedolizumab": "failed", "tofacitinib": "failed"}


def test_failed_reaches_a_long_list():
    statuses = [f.status for f in extract("Failed MTX, MMF, rituximab, tocilizumab, baricitinib and IVIG.") if f.label == "DRUG"]
    assert statuses == ["failed"] * 6


@pytest.mark.parametrize("text, concept, status", [
    ("ITP that IVIG and romiplostim couldnt control", "romiplostim", "failed"),
    ("my wife had to stop tocilizumab after a bad infection", "tocilizumab", "intolerant"),
    ("HCQ, MTX stopped (transaminitis), belimumab ineffective", "methotrexate", "intolerant"),
    ("belimumab ineffective, anifrolumab started", "anifrolumab", "current"),
])
def test_more_treatment_response(text, concept, status):
    assert fact(text, concept).status == status


def test_a_question_word_does_not_reach_past_what_is_said_of_a_use():
    assert not fact("my doctor mentioned that I failed methotrexate", "methotrexate").hypothetical
    assert not fact("I can only take prednisone", "prednisone").hypothetical
    assert fact("is there a trial after failing rituximab?", "rituximab").status == "failed"


def test_now_does_not_reach_back_across_a_comma():
    assert fact("I had chemo in 2019, and now lupus", "chemotherapy").status is None
    assert fact("romiplostim now but platelets still 45", "romiplostim").status == "current"
    # still taken and the count still under the response bound: it is not working (round 12,
    # nlp/components/value_outcomes.py), as "romiplostim now but it isn't working" is
    assert fact("romiplostim now but platelets still <20", "romiplostim").status == "failed"


# --- past-dated and planned therapies (H6) ---------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("got IVIG and dexamethasone when I was admitted", "ivig"),
    ("got IVIG and dexamethasone when I was admitted", "dexamethasone"),
    ("had CHOP then romidepsin", "chop"),
    ("relapsed 4 months after BFM-type chemotherapy", "chemotherapy"),
    ("plt 88 after the last cytoxan dose", "cyclophosphamide"),
    ("Biologics: etanercept 2005-2009, infliximab 2009-2011", "etanercept"),
    ("MTX 15 mg weekly 2019-2021", "methotrexate"),          # a dose and frequency of then
    ("tocilizumab 8 mg/kg monthly 2021-2023, stopped due to loss of response", "tocilizumab"),
    ("Previous DMARDs: methotrexate (nausea), sulfasalazine, leflunomide.", "leflunomide"),
])
def test_a_therapy_given_in_the_past_is_past(text, concept):
    f = fact(text, concept, "DRUG")
    assert f.historical and f.status != "current"


@pytest.mark.parametrize("text, concept", [
    ("she had CMV after her transplant", "cmv"),
    ("i got sepsis after cyclophosphamide so we stopped it", "active_infection"),
])
def test_an_infection_had_is_past_and_positive(text, concept):
    f = fact(text, concept, "INFECTION")
    assert f.historical and not f.negated


def test_present_perfect_is_not_past():
    f = fact("she has had hepatitis B since birth", "hbv")
    assert not f.historical and f.status == "positive"
    assert not fact("shingles after starting tofacitinib", "tofacitinib").historical


@pytest.mark.parametrize("text, concept", [
    ("Rituximab planned next week.", "rituximab"),
    ("IVIG planned tomorrow.", "ivig"),
    ("Plan: start upadacitinib.", "upadacitinib"),
    ("Plt 9. On pred 60 mg. TPO-RA to be started.", "tpo_agonist"),
    ("his doctor said to try voclosporin next", "voclosporin"),
])
def test_a_planned_therapy_is_not_taken_now(text, concept):
    f = fact(text, concept, "DRUG")
    assert f.hypothetical and f.status != "current"


def test_a_dated_therapy_is_not_current_through_a_later_drugs_cue():
    facts = {f.concept: f for f in extract("Rituximab 2022, romiplostim currently, plt 40.", today=TODAY)}
    assert facts["rituximab"].date == "2022" and facts["rituximab"].status is None
    assert facts["romiplostim"].status == "current"
    facts = {f.concept: f for f in extract("MMF, rituximab 2024, nintedanib ongoing", today=TODAY)}
    assert facts["rituximab"].status is None and facts["rituximab"].date == "2024"
    # forwards a current cue still covers a list, and a list outcome still reaches every drug
    facts = {f.concept: f for f in extract("currently on MMF, HCQ and pred", today=TODAY)}
    assert facts["hydroxychloroquine"].status == "current"
    facts = {f.concept: f for f in extract("IFX + AZA, ADA, UST failed.", today=TODAY)}
    assert facts["infliximab"].status == "failed"


def test_a_bare_year_dates_only_the_mention_before_it():
    assert fact("splenectomy 2019 with relapse", "splenectomy").date == "2019"
    ck = fact("CK 2000 U/L", "ck")
    assert ck.value == 2000 and ck.date is None


def test_then_relapse_is_a_failure_of_the_therapy_before_it():
    assert fact("64F ALCL. Brentuximab-CHP x6 then relapse. CD30+", "brentuximab").status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("MMF 3 g daily, not working", "mycophenolate"),
    ("rituximab 375 mg/m2 weekly x4, no response", "rituximab"),
])
def test_a_dosing_frequency_does_not_hide_the_outcome_after_it(text, concept):
    """A frequency ("daily", "weekly") says how a drug is given, as a dose does: current only
    when nothing else is said; it no longer ends the reach of the outcome written after it."""
    assert fact(text, concept, "DRUG").status == "failed"


def test_a_frequency_alone_still_says_current():
    assert fact("prednisolone 15 mg daily", "prednisone", "DRUG").status == "current"


@pytest.mark.parametrize("text, concept", [
    ("canakinumab not tried (funding).", "canakinumab"),
    ("Previous: tocilizumab 2021-2023, stopped; canakinumab not tried.", "canakinumab"),
    ("IVIG never given.", "ivig"),
])
def test_a_treatment_said_not_tried_after_it_was_never_taken(text, concept):
    assert fact(text, concept, "DRUG").negated


def test_not_tried_anything_else_negates_nothing_before_it():
    assert not fact("rituximab, not tried anything else.", "rituximab", "DRUG").negated


def test_a_treatment_followed_by_another_is_not_current_by_a_bare_on():
    """"been on humira, then stelara, now entyvio": humira was noted as taken now (the bare
    "been on" reached it, and stelara across the "then")."""
    text = "been on humira, then stelara, now entyvio and its not really working"
    assert fact(text, "adalimumab", "DRUG").status != "current"
    assert fact(text, "ustekinumab", "DRUG").status != "current"
    assert fact(text, "vedolizumab", "DRUG").status == "failed"
    assert fact("been on plaquenil forever", "hydroxychloroquine", "DRUG").status == "current"


@pytest.mark.parametrize("text, concept", [
    ("Salvage with nelarabine x2 cycles - progressive disease.", "nelarabine"),
    ("nelarabine x2, progressed", "nelarabine"),
    ("T-ALL relapsed 4 months after BFM-type chemotherapy", "chemotherapy"),
])
def test_a_disease_that_progressed_or_relapsed_after_a_treatment_failed_it(text, concept):
    assert fact(text, concept, "DRUG").status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("Goal: CD7 CAR-T as bridge to allogeneic transplant.", "car_t"),
    ("Request: consideration for CAR-T.", "car_t"),
])
def test_a_goal_or_request_heading_is_a_plan(text, concept):
    assert fact(text, concept, "PROCEDURE").hypothetical


def test_not_a_candidate_for_a_drug_is_not_taken_and_an_option_set_aside_is_a_plan():
    """"eGFR 42 -> not a cisplatin candidate" read cisplatin as taken (a bare "not a" of the
    'not an option' rule hid the negation; a head and neck patient was ruled out as
    pre-treated); "HSCT not an option" is not had (h182, round 38: was read as considered)."""
    assert fact("eGFR 42 -> not a cisplatin candidate.", "cisplatin", "DRUG").negated
    assert fact("HSCT not an option", "hsct", "PROCEDURE").negated


def test_a_second_clause_with_its_own_verb_ends_a_negation():
    assert not fact("she is not a smoker and has lupus", "sle").negated
    assert fact("never had rituximab and has lupus", "rituximab", "DRUG").negated


def test_a_treatment_not_started_yet_was_never_taken_either_way_round():
    """"she hasnt started chemo yet" read as prior chemotherapy (a lupus patient with a new
    Hodgkin lymphoma was ruled out of a first-line trial)."""
    for text in ("she hasnt started chemo yet", "has not started chemo", "chemo not started yet"):
        f = fact(text, "chemotherapy", "DRUG")
        assert f.negated and f.historical, text


def test_a_disease_that_came_back_is_current_and_the_treatment_before_failed():
    """A grandmother: "it came back in march after chemo" left the CD7 trial's relapse branch
    open; "her lupus came back when she stopped MMF" made the lupus past."""
    assert fact("it came back in march after chemo", "chemotherapy", "DRUG").status == "failed"
    assert not fact("her lupus came back when she stopped MMF", "sle").historical
    assert fact("hep B came back negative", "hbv", "INFECTION").negated


def test_a_plan_without_a_heading_colon_is_a_plan():
    assert fact("Plan definitive RT +/- cetuximab. Trials?", "cetuximab", "DRUG").hypothetical
    assert fact("planned induction with R-CHOP", "r_chop", "DRUG").hypothetical
    assert not fact("had induction with R-CHOP in 2022", "r_chop", "DRUG").hypothetical
