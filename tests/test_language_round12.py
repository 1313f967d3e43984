"""People's language, round 12 (issue #13): a treatment named as the setting of a past event,
relatives' own illnesses, resolved and cleared infections, test headings, one result for a
list of tests, an acute infection treated by a past course, a relapse on tapering. Wordings
of their own, not the gold set's."""
from nlp.pipeline import extract


def _facts(text):
    return {(f.label, f.concept): f for f in extract(text)}


def _all(text, concept):
    return [f for f in extract(text) if f.concept == concept]


def test_a_treatment_named_as_the_setting_of_a_past_event_is_past():
    for text, drug in (("h/o DVT on tofacitinib", "tofacitinib"),
                       ("she caught shingles on upadacitinib, it was horrible", "upadacitinib"),
                       ("had sepsis twice whilst on rituximab", "rituximab")):
        fact = _facts(text)[("DRUG", drug)]
        assert fact.historical and fact.status is None, text


def test_the_setting_stays_current_when_the_text_says_it_goes_on():
    fact = _facts("got a UTI while on methotrexate in 2021, still taking it")[("DRUG", "methotrexate")]
    assert fact.status == "current" and not fact.historical


def test_an_illness_on_a_treatment_now_is_no_setting():
    facts = _facts("he has crohns on infliximab")
    assert facts[("DRUG", "infliximab")].status == "current"
    assert not facts[("CONDITION", "crohns_disease")].historical


def test_an_acute_event_during_a_treatment_of_an_earlier_year_is_past():
    facts = _facts("Pneumonia whilst on azathioprine in 2022; azathioprine continued.")
    assert facts[("INFECTION", "active_infection")].historical
    facts = _facts("Shingles on tofacitinib 2021, tofacitinib stopped.")
    assert facts[("INFECTION", "herpes_zoster")].historical


def test_an_ongoing_treatment_since_a_year_does_not_date_the_event():
    facts = _facts("pneumonia on methotrexate since 2018")
    assert not facts[("INFECTION", "active_infection")].historical


def test_a_test_heading_is_no_result():
    facts = _facts("Hepatitis B serology: HBsAg negative, anti-HBc negative.")
    assert ("INFECTION", "hbv") not in facts
    assert facts[("INFECTION", "hbsag")].negated
    assert facts[("INFECTION", "anti_hbc")].negated


def test_a_heading_with_its_own_result_stays():
    fact = _facts("HIV screen: negative")[("INFECTION", "hiv")]
    assert fact.negated or fact.status == "negative"


def test_one_result_for_a_list_of_tests():
    for text in ("they did HIV, hep C and TB tests, all came back negative",
                 "checked him for hep B and HIV, both negative",
                 "HCV, HIV and syphilis: all negative"):
        infections = [f for f in extract(text) if f.label == "INFECTION"]
        assert len(infections) >= 2 and all(f.negated or f.status == "negative" for f in infections), text


def test_a_positive_result_between_is_its_own():
    facts = _facts("HBsAg positive, HIV and HCV both negative")
    assert facts[("INFECTION", "hbsag")].status == "positive"
    assert facts[("INFECTION", "hiv")].negated and facts[("INFECTION", "hcv")].negated


def test_a_person_who_cleared_an_infection_is_over_it():
    for text in ("my husband cleared his hep C with the tablets", "she has cleared hepatitis B"):
        infections = [f for f in extract(text) if f.label == "INFECTION"]
        assert infections and all(f.historical and not f.negated for f in infections), text


def test_a_lifelong_infection_acquired_stays_current():
    fact = _facts("he got HIV from a transfusion")[("INFECTION", "hiv")]
    assert not fact.negated


def test_an_infection_named_inside_a_history_cue_is_over():
    infections = [f for f in extract("anti-HBc positive (old infection)") if f.concept == "active_infection"]
    assert all(f.historical for f in infections)


def test_an_acute_infection_treated_by_a_past_course_is_over():
    fact = _facts("Cellulitis treated with flucloxacillin last month.")[("INFECTION", "active_infection")]
    assert fact.historical


def test_a_relapse_on_tapering_is_the_treatment_failing():
    fact = _facts("Responded to prednisolone initially, relapsed on taper.")[("DRUG", "prednisone")]
    assert fact.status == "failed"


def test_relatives_own_illnesses_stay_family():
    facts = _facts("my wife has MS. her dad had lymphoma years ago")
    assert not facts[("CONDITION", "multiple_sclerosis")].family
    assert facts[("CONDITION", "lymphoma")].family
    facts = _facts("I have psoriasis, my brother (he has crohns) lives with me")
    assert not facts[("CONDITION", "psoriasis")].family
    assert facts[("CONDITION", "crohns_disease")].family


def test_an_abbreviation_ends_no_sentence():
    fact = _facts("myeloma, 4 prior lines incl. carfilzomib")[("DRUG", "carfilzomib")]
    assert fact.historical
    facts = _facts("Tried several DMARDs e.g. methotrexate. Now on tofacitinib.")
    assert facts[("DRUG", "tofacitinib")].status == "current"


def test_resolved_after_a_bracketed_date():
    facts = _facts("Complications: oral GvHD (2023), resolved; diabetes (since 2015).")
    assert facts[("CONDITION", "gvhd")].historical
