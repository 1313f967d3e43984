"""Round 14 (h60, issue #13): how patients and relatives write. Bare ages ("RA, 63.", "my
daughter 22 lupus", "a boy of 10"), a "current" cue before a whole list ("shes on HCQ, AZA,
MTX and IVIG"), failures in hedged or misspelt words ("made no diffrence", "barely helped",
"never went into remission on X"), a treatment's own "now" before its failure, failures in the
present progressive (still taken), the CD4 count as a lab, a relative named in a bracket, and
a study asked about for one's own disease."""
from datetime import date

from nlp import extract
from nlp.criteria.parser import parse_criterion

TODAY = date(2026, 12, 4)


def _facts(text, concept):
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


def _one(text, concept):
    found = _facts(text, concept)
    assert len(found) == 1, (text, found)
    return found[0]


def _past(fact):
    return fact.historical or (fact.status in ("failed", "intolerant") and not fact.ongoing)


# 1. bare ages ------------------------------------------------------------------------------

def test_an_age_after_a_diagnosis_and_a_comma_ending_the_clause():
    assert _one("Lupus, 41. on mycophenolate", "age").value == 41
    assert _one("my daughter has crohns, 16.", "age").value == 16
    assert _one("hello, myositis, 58, looking for a trial", "age").value == 58
    assert _one("Crohn's, 23", "age").value == 23


def test_an_age_between_a_relation_and_a_diagnosis():
    assert _one("my husband 61 myeloma, relapsed", "age").value == 61
    assert not _one("my husband 61 myeloma, relapsed", "age").family


def test_an_age_after_a_person_word_and_of():
    fact = _one("we are looking for a trial for a girl of 9 with ITP", "age")
    assert fact.value == 9 and not fact.family
    assert _one("a man of 72 with AML", "age").value == 72


def test_numbers_that_are_no_bare_age():
    assert _facts("hb 9, 8", "age") == []                      # lab values, no diagnosis before
    assert _facts("ITP, 12, 15, 20 last three counts", "age") == []   # a list of numbers
    assert _facts("lupus, 2019.", "age") == []                 # a year
    assert _facts("RA, 63.5", "age") == []                     # a decimal
    assert _facts("UC, 20 yrs", "age") == []                   # a duration
    assert _facts("ITP, 250.", "age") == []                    # no plausible age
    # a message with an age already keeps that one
    ages = _facts("im 34. lupus, 12.", "age")
    assert [a.value for a in ages] == [34]


def test_a_family_history_list_keeps_its_relatives():
    # a bare relative's word in brackets still labels a family history list
    assert _one("FHx: MS (aunt), RA (mother).", "rheumatoid_arthritis").family
    assert _one("FHx: MS (aunt), RA (mother).", "multiple_sclerosis").family


def test_a_relative_named_in_a_bracket_with_my_is_who_the_patient_is():
    fact = _one("asking for a girl of 14 with lupus (my niece), shes on benlysta", "belimumab")
    assert not fact.family and fact.status == "current"


# 2. a current cue before a list ------------------------------------------------------------

def test_a_current_cue_before_a_list_is_every_items():
    for concept in ("hydroxychloroquine", "prednisone", "mycophenolate", "belimumab"):
        assert _one("she is on plaquenil, pred, cellcept and benlysta for her lupus", concept).status == "current"
    for concept in ("adalimumab", "methotrexate", "budesonide"):
        assert _one("im on humira, mtx, budesonide", concept).status == "current"


def test_a_bare_on_before_a_list_says_no_more_than_before():
    fact = _one("has been on humira, stelara and entyvio", "vedolizumab")
    assert fact.status is None


# 3. failures in more words -----------------------------------------------------------------

def test_failures_said_with_typos_and_hedges():
    for text, concept in [
        ("leflunomide made no diffrence", "leflunomide"),
        ("sulfasalazine made little differnce", "sulfasalazine"),
        ("plaquenil barely helped", "hydroxychloroquine"),
        ("the IVIG hardly did anything", "ivig"),
        ("mycophenolate didnt realy work", "mycophenolate"),
    ]:
        fact = _one(text, concept)
        assert fact.status == "failed", text
        assert _past(fact), text


def test_never_went_into_remission_on_a_treatment_is_its_failure():
    fact = _one("my UC never went into remission on vedolizumab", "vedolizumab")
    assert fact.status == "failed" and not fact.negated
    disease = _one("my UC never went into remission on vedolizumab", "ulcerative_colitis")
    assert not disease.historical and not disease.negated
    assert _one("she didnt go into remission with rituximab", "rituximab").status == "failed"


def test_the_treatments_own_now_does_not_stop_its_failure():
    fact = _one("romiplostim now, not much better", "romiplostim")
    assert fact.status == "failed" and fact.ongoing and not _past(fact)
    text = "tried pred and IVIG, fostamatinib now, not much better"
    assert _one(text, "fostamatinib").status == "failed"
    assert _one(text, "ivig").status is None and _one(text, "prednisone").status is None


def test_a_failure_after_the_treatments_now_and_a_pause():
    fact = _one("hes been on stelara for a year now and its not helping", "ustekinumab")
    assert fact.status == "failed" and fact.ongoing
    # another mention between: the cue is not the treatment's
    fact = _one("on rituximab now and the lupus is not helping my mood", "rituximab")
    assert fact.status == "current"


def test_a_failure_in_the_present_progressive_is_still_taken():
    for text, concept in [
        ("then entyvio which is not helping much", "vedolizumab"),
        ("benlysta isnt doing anything", "belimumab"),
        ("still on tacrolimus but its not really working", "tacrolimus"),
    ]:
        fact = _one(text, concept)
        assert fact.status == "failed" and fact.ongoing and not _past(fact), text


def test_a_failure_of_the_past_or_of_a_stop_stays_past():
    for text, concept in [
        ("humira stoped working, now on stelara", "adalimumab"),
        ("the infliximab not working anymore after two years", "infliximab"),
        ("methotrexate was not helping", "methotrexate"),
        ("enbrel stopped working after a year", "etanercept"),
    ]:
        fact = _one(text, concept)
        assert fact.status == "failed" and _past(fact), text


def test_after_an_amount_of_time_the_next_treatment_is_no_event():
    text = "abatacept stopped working after 2 yrs, tofacitinib since march"
    assert not _one(text, "tofacitinib").historical
    assert _one("CMV after her transplant", "cmv").historical is False
    assert _one("relapsed after rituximab", "rituximab").historical


# 5. the CD4 count ----------------------------------------------------------------------------

def test_the_cd4_count_is_a_lab_with_its_value():
    fact = _one("HIV well controlled, CD4 count 520", "cd4_count")
    assert fact.label == "LAB" and fact.value == 520
    assert _one("my cd4 is 410", "cd4_count").value == 410


def test_cd4_without_a_value_is_still_the_marker():
    assert _one("PTCL, CD4+, CD8 negative", "cd4").label == "BIOMARKER"
    assert _facts("PTCL, CD4+, CD8 negative", "cd4_count") == []


def test_a_cd4_criterion_is_a_lab_leaf():
    rule = parse_criterion("HIV with CD4 count >= 350 cells/uL", "inclusion")
    leaves = rule["all"] if "all" in rule else [rule]
    assert {"type": "lab", "analyte": "cd4_count", "op": ">=", "value": 350, "unit": "/uL"} in leaves
    assert parse_criterion("CD4 count < 200 cells/microliter", "exclusion") == {
        "type": "lab", "analyte": "cd4_count", "op": "<", "value": 200, "unit": "/uL"}


# a question about a study for one's own disease ----------------------------------------------

def test_a_study_asked_about_for_ones_own_disease_is_the_patients():
    assert not _one("is there a study for my myositis?", "inflammatory_myopathy").uncertain
    assert not _one("could she join a trial for her ITP?", "itp").uncertain
    # without a possessive, too: asking a trial-finding bot for a disease's trials tells it (h180,
    # round 37, as most dev rows have it: conv-1603, conv-5271, conv-6180, conv-6825); a disjunction
    # or a hedge still doubts it
    assert not _one("is there a trial for lupus?", "sle").uncertain
    assert _one("is there a trial for possible lupus?", "sle").uncertain
