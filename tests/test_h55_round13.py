"""Round 13 (h55, issue #13): hedges said after the finding, a start then a stop, a
controlled infection said with "I've got", and a treatment still taken although it failed
(extraction, and through matching)."""
from datetime import date

from core.facts import Profile
from core.truth import REVIEW, TRUE
from matching.evaluate import Evaluator
from nlp import extract

TODAY = date(2026, 12, 4)


def _one(text, concept):
    found = [f for f in extract(text, today=TODAY) if f.concept == concept]
    assert len(found) == 1, found
    return found[0]


# 1. a hedge after the finding, at the end of the message or its clause
def test_hedge_after_the_finding_at_the_end_is_uncertain():
    assert _one("polymyositis the doctors think", "polymyositis").uncertain
    assert _one("its crohns i think", "crohns_disease").uncertain
    assert _one("my husband has psoriasis apparently", "psoriasis").uncertain
    assert _one("vasculitis probably, they are still doing tests", "vasculitis").uncertain


def test_hedge_after_a_treatment_is_about_what_is_said_of_it_not_the_treatment():
    fact = _one("my platelets are low because of the methotrexate i think", "methotrexate")
    assert not fact.uncertain


def test_hedge_that_starts_a_new_thought_leaves_the_finding_alone():
    assert not _one("She has RA, i think you need to know that", "rheumatoid_arthritis").uncertain
    fact = _one("on leflunomide, I think it helps", "leflunomide")
    assert not fact.uncertain and fact.status == "current"


def test_a_hedge_before_still_reads_as_before():
    assert _one("I think she's on hydroxychloroquine", "hydroxychloroquine").uncertain


def test_a_trailing_probably_does_not_hedge_what_follows_the_comma():
    facts = extract("Sjogrens probably, she's on hydroxychloroquine", today=TODAY)
    drug = next(f for f in facts if f.concept == "hydroxychloroquine")
    assert not drug.uncertain and drug.status == "current"


# 3. a start and a later stop
def test_started_then_stopped_is_past_not_current():
    fact = _one("she started azathioprine in 2017 and stopped it in 2019", "azathioprine")
    assert fact.historical and fact.status != "current"


def test_started_and_still_on_stays_current():
    fact = _one("tocilizumab started 2024, still on it", "tocilizumab")
    assert fact.status == "current" and not fact.historical


# 4. "I've got HIV": has it now
def test_ive_got_a_chronic_infection_is_current_not_past():
    fact = _one("I've got HIV, undetectable on meds", "hiv")
    assert not fact.historical and not fact.negated
    fact = _one("he's got hep B", "hbv")
    assert not fact.historical and not fact.negated


def test_got_an_infection_as_an_event_is_still_past():
    assert _one("she got CMV after the transplant", "cmv").historical


# 8. failed but still taken: the outcome and "now" both kept
def test_failed_but_still_taken_keeps_both():
    fact = _one("on prednisone 10mg, still taking it even though it doesnt work", "prednisone")
    assert fact.status == "failed" and fact.ongoing and not fact.historical
    fact = _one("she remains on belimumab but it isnt working", "belimumab")
    assert fact.status == "failed" and fact.ongoing


def test_failed_in_the_past_is_not_ongoing():
    assert not _one("tried methotrexate, didnt work", "methotrexate").ongoing
    assert not _one("he has been on eltrombopag but his platelets are still low", "eltrombopag").ongoing
    assert not _one("methotrexate failed", "methotrexate").ongoing


def _judge(leaf, text):
    return Evaluator(Profile(extract(text, today=TODAY)), today=TODAY).leaf(leaf)


def test_matching_reads_a_failed_but_still_taken_drug_as_current_use():
    said = "still on prednisone 10mg even though it doesnt work"
    current = {"type": "therapy", "concept": "glucocorticoid", "response": "current"}
    assert _judge(current, said).value == TRUE
    failed = {"type": "therapy", "concept": "glucocorticoid", "response": "failed"}
    assert _judge(failed, said).value == TRUE
    washout = {"type": "therapy", "concept": "glucocorticoid", "within_days": 28}
    result = _judge(washout, said)
    assert result.value == REVIEW and "taken now" in result.reason


# 2. a wish is no fact
def test_a_past_wish_for_a_pregnancy_is_planning_not_pregnant():
    facts = [f for f in extract("i wanted to get pregnant but the rheumatologist said wait", today=TODAY)
             if f.label == "PREGNANCY"]
    assert [(f.concept, f.hypothetical) for f in facts] == [("planning", True)]
    facts = [f for f in extract("we'd love to have a baby next year", today=TODAY) if f.label == "PREGNANCY"]
    assert [(f.concept, f.hypothetical) for f in facts] == [("planning", True)]


# 2b. a wish to stop a treatment says it is taken now
def test_a_wish_to_come_off_a_treatment_means_it_is_taken_now():
    fact = _one("he wants to come off prednisone, it makes him hungry", "prednisone")
    assert fact.status == "current" and not fact.historical
    assert _one("trying to get off methotrexate", "methotrexate").status == "current"


# 5. a kidney biopsy's class after lupus
def test_kidney_biopsy_class_after_lupus_is_lupus_nephritis():
    assert any(f.concept == "lupus_nephritis" and f.text == "class IV"
               for f in extract("she has SLE. Renal biopsy showed class IV last year", today=TODAY))
    assert any(f.concept == "lupus_nephritis"
               for f in extract("lupus since 2015, class 3 on kidney biopsy", today=TODAY))


def test_biopsy_class_without_lupus_or_without_kidney_biopsy_names_nothing():
    assert not any(f.concept == "lupus_nephritis" for f in extract("kidney biopsy showed class IV", today=TODAY))
    assert not any(f.concept == "lupus_nephritis"
                   for f in extract("she has lupus, skin biopsy class 3", today=TODAY))


# 6. a harm named before the drug that caused it
def test_harm_from_a_drug_makes_the_drug_not_tolerated_and_an_acute_harm_past():
    facts = {f.concept: f for f in extract("had pancreatitis from azathioprine back in 2018", today=TODAY)}
    assert facts["azathioprine"].status == "intolerant"
    assert facts["pancreatitis"].historical


def test_a_harm_from_a_drug_still_taken_keeps_the_drug_current():
    assert _one("shingles from tofacitinib but she is still on it", "tofacitinib").status == "current"


def test_a_lasting_harm_from_a_drug_does_not_stop_the_drug():
    fact = _one("She has osteoporosis from prednisone", "prednisone")
    assert fact.status != "intolerant" and not fact.historical


def test_a_denied_harm_from_a_drug_does_not_deny_the_drug():
    fact = _one("no pancreatitis from the azathioprine so far", "azathioprine")
    assert not fact.negated


# 7. a short course with a past time
def test_a_short_course_with_a_past_time_is_over():
    fact = _one("they gave her dexamethasone for 4 days in march", "dexamethasone")
    assert fact.historical and fact.status is None and fact.date == "2026-03"


def test_a_long_span_says_how_long_not_that_it_ended():
    fact = _one("on prednisone for 2 years", "prednisone")
    assert fact.status == "current" and not fact.historical


def test_started_then_stopped_for_a_reason_is_past_and_not_tolerated():
    fact = _one("leflunomide started 2020, stopped 2022 for diarrhoea", "leflunomide")
    assert fact.historical and fact.status == "intolerant"
    fact = _one("humira started 2019, stopped working in 2021", "adalimumab")
    assert fact.status == "failed"


def test_a_start_of_another_treatment_still_ends_a_stop():
    facts = {f.concept: f for f in extract("stopped methotrexate, started leflunomide", today=TODAY)}
    assert facts["methotrexate"].historical
    assert facts["leflunomide"].status == "current" and not facts["leflunomide"].historical


# 4b. a treated chronic infection through matching; a cured one is past
def test_hiv_said_with_ive_got_and_controlled_is_hiv_positive_for_matching():
    leaf = {"type": "infection", "agent": "hiv"}
    for said in ("I've got HIV, undetectable on meds", "my hiv is undetectable on meds"):
        fact = _one(said, "hiv")
        assert fact.status == "positive" and not fact.negated
        assert _judge(leaf, said).value == TRUE


def test_latent_tb_with_a_completed_course_is_past():
    fact = _one("Latent TB (2020), completed isoniazid.", "tuberculosis")
    assert fact.historical
    fact = _one("latent TB, finished rifampicin", "tuberculosis")
    assert fact.historical


def test_hepatitis_b_under_treatment_stays_current():
    assert not _one("hep B, treated with tenofovir", "hbv").historical


def test_present_tense_before_a_bare_on_is_still_taken():
    fact = _one("she's on tocilizumab, it hasnt done much", "tocilizumab")
    assert fact.status == "failed" and fact.ongoing


def test_ive_got_keeps_the_writer_and_reads_an_infection_positive():
    assert _one("ive got hep C, not treated yet", "hcv").status == "positive"
    facts = {f.concept: f for f in extract("my son has crohns. I've got psoriasis myself", today=TODAY)}
    assert facts["psoriasis"].family and not facts["crohns_disease"].family


def test_a_now_right_after_a_failing_treatment_means_still_taken():
    fact = _one("eltrombopag didnt work, avatrombopag now but platelets still under 20", "avatrombopag")
    assert fact.status == "failed" and fact.ongoing
    assert not _one("then it flared and now the rituximab didnt work either", "rituximab").ongoing


def test_a_stop_under_way_is_still_taken():
    assert _one("she is coming off tacrolimus this month", "tacrolimus").status == "current"
    assert _one("weaning off prednisone slowly", "prednisone").status == "current"
    assert _one("she was weaned off prednisone in 2022", "prednisone").historical


def test_a_still_said_of_something_else_is_not_the_treatments():
    assert not _one("been on rituximab and still my platelets are 15", "rituximab").ongoing


def test_a_hedge_after_a_filler_word_still_hedges():
    assert _one("she has psoriasis too i think", "psoriasis").uncertain


def test_a_treatment_wished_for_is_not_had():
    assert _one("she wanted belimumab but the hospital would not fund it", "belimumab").hypothetical
    facts = [f for f in extract("Patient keen to conceive next year.", today=TODAY) if f.label == "PREGNANCY"]
    assert [(f.concept, f.hypothetical) for f in facts] == [("planning", True)]


def test_it_hasnt_stopped_the_relapses_is_a_failure_of_the_treatment_taken_now():
    fact = _one("im on ocrelizumab now but it hasnt stopped the relapses", "ocrelizumab")
    assert fact.status == "failed" and fact.ongoing
