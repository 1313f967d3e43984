"""Round 39 (h186, issue #13): what patients and their relatives write about treatment lists
and their outcomes, in phrasings other than the round's gold rows (conv-7581 … conv-7660): a part
of a list named by its place ("the first two did nothing but the rest didnt either"), drugs named
again after a list with their outcomes, "A failed and now B too", flares or relapses counted on a
treatment, a year corrected in the same message, "sorry i meant X not Y", responses that did not
last ("only lasted 6 months", "worked till last summer")."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, facts_at, of
from benchmarks.assertion import predicted_assertion
from nlp import extract

TODAY = date(2026, 12, 7)


def _read(text: str, concept: str):
    return predicted_assertion(of(text, concept, TODAY))


def _statuses(text: str, concept: str) -> list:
    return [f.status for f in facts_at(text, concept, TODAY)]


# --- a part of a list named by its place ------------------------------------------------------

def test_the_rest_after_a_list_failed_too():
    text = "she tried mtx, hcq and aza, the first two did nothing but the rest didnt either. on mmf now"
    for concept in ("methotrexate", "hydroxychloroquine", "azathioprine"):
        assert _statuses(text, concept) == ["failed"], concept
    assert of(text, "mycophenolate", TODAY).status == "current"
    text = "hes had infliximab, adalimumab and vedolizumab and the first one helped but the rest didnt help"
    assert _statuses(text, "adalimumab") == ["failed"]
    assert _statuses(text, "vedolizumab") == ["failed"]
    assert _statuses(text, "infliximab") == [None]


def test_the_rest_leaves_the_one_named_between():
    text = "my wife has polymyositis. pred, mtx, aza. the pred helped but the rest didnt. now ivig"
    assert _statuses(text, "methotrexate") == ["failed"]
    assert _statuses(text, "azathioprine") == ["failed"]
    assert "failed" not in _statuses(text, "prednisone")
    text = "tried sulfasalazine, leflunomide and hcq. hcq is ok but the others didnt work"
    assert _statuses(text, "sulfasalazine") == ["failed"]
    assert _statuses(text, "leflunomide") == ["failed"]
    assert "failed" not in _statuses(text, "hydroxychloroquine")


def test_the_first_two_of_a_list_in_the_sentence_before():
    text = "remicade, humira, entyvio. the first 2 worked for a bit then stopped. stelara now"
    assert _statuses(text, "infliximab") == ["failed"]
    assert _statuses(text, "adalimumab") == ["failed"]
    assert _statuses(text, "vedolizumab") == [None]
    text = "she had eltrombopag, romiplostim and fostamatinib, the last one did nothing"
    assert _statuses(text, "fostamatinib") == ["failed"]
    assert _statuses(text, "eltrombopag") == [None]


# --- drugs named again after a list ----------------------------------------------------------

def test_an_outcome_told_of_drugs_named_again_is_the_first_mentions_too():
    text = "she had mmf, aza and rituximab. mmf and aza didnt work"
    assert _statuses(text, "mycophenolate") == ["failed", "failed"]
    assert _statuses(text, "azathioprine") == ["failed", "failed"]
    assert "failed" not in _statuses(text, "rituximab")
    text = "he was on mesalazine, budesonide and infliximab. the infliximab made him ill and the mesalazine did nothing"
    assert _statuses(text, "infliximab") == ["intolerant", "intolerant"]
    assert _statuses(text, "mesalazine") == ["failed", "failed"]


def test_a_second_list_named_again_takes_its_outcome_on_every_item():
    text = "shes had humira and stelara, humira and stelara didnt help her. skyrizi since september"
    assert _statuses(text, "adalimumab") == ["failed", "failed"]
    assert _statuses(text, "ustekinumab") == ["failed", "failed"]
    text = "uc. mesalazine, pred and infliximab, the mesalazine and infliximab didnt help"
    assert [predicted_assertion(f) for f in facts_at(text, "mesalazine", TODAY)] == [PAST, PAST]
    assert _statuses(text, "mesalazine") == ["failed", "failed"]


def test_still_after_a_list_keeps_the_item_taken_now():
    text = "was on mtx, enbrel and rituximab. mtx made her sick, enbrel stopped working. rituximab still"
    assert [predicted_assertion(f) for f in facts_at(text, "rituximab", TODAY)] == [NOW, NOW]
    text = "had mmf, aza and hcq. aza made me sick. still on hcq"
    assert [predicted_assertion(f) for f in facts_at(text, "hydroxychloroquine", TODAY)] == [NOW, NOW]
    assert _read(text, "mycophenolate") == PAST


def test_the_same_failure_said_with_either():
    text = "the ritux didnt work and the belimumab didnt either"
    assert of(text, "belimumab", TODAY).status == "failed"
    text = "the cyclophosphamide didnt help and the mmf also didnt. now voclosporin"
    assert facts_at(text, "mycophenolate", TODAY)[-1].status == "failed"


# --- "A failed and now B too" ----------------------------------------------------------------

def test_failed_and_now_the_next_one_too():
    for text in ("infliximab failed and now adalimumab too, gi wants stelara next month",
                 "romiplostim failed and now eltrombopag too. platelets 7",
                 "humira stopped working and now cimzia as well"):
        later = [f for f in extract(text, today=TODAY) if f.label == "DRUG"][1]
        assert later.status == "failed", text
    # "now on B too" is a second drug taken now
    fact = of("mtx failed, now on humira too", "adalimumab", TODAY)
    assert fact.status == "current" and _read("mtx failed, now on humira too", "adalimumab") == NOW


# --- flares counted on a treatment -----------------------------------------------------------

def test_flares_counted_on_a_treatment_then_a_switch_failed_it():
    for text, concept in (("i had 2 relapses last year on azathioprine so now its rituximab", "azathioprine"),
                          ("had 2 flares last year on mesalazine so they moved me to vedolizumab", "mesalazine"),
                          ("3 flares on benlysta this year, switched to saphnelo", "belimumab"),
                          ("she flared twice on tofacitinib, now on ozanimod", "tofacitinib")):
        fact = of(text, concept, TODAY)
        assert fact.status == "failed" and _read(text, concept) == PAST, text


def test_flares_on_a_treatment_still_taken_fail_it_now():
    for text, concept in (("he has had several flares on infliximab, still on it though", "infliximab"),
                          ("my daughter had 3 flares on her hcq and she is still on it", "hydroxychloroquine")):
        fact = of(text, concept, TODAY)
        assert fact.status == "failed" and _read(text, concept) == NOW, text


# --- corrections -----------------------------------------------------------------------------

def test_a_year_taken_back_in_the_same_message_dates_the_illness():
    assert of("ITP since 2019 sorry i meant 2009. plts 22", "itp", TODAY).date == "2009"
    assert of("my mum, 66, has ITP since 2019, sorry i meant 2009", "itp", TODAY).date == "2009"
    assert of("lupus since 2015, no wait 2016", "sle", TODAY).date == "2016"
    assert of("diagnosed with crohns in 2018 - sorry, 2017", "crohns_disease", TODAY).date == "2017"
    # a year range is no correction
    assert of("on mmf 2019-2021, lupus since 2015", "sle", TODAY).date == "2015"


def test_sorry_i_meant_names_what_the_writer_means():
    assert _read("sorry i meant polymyositis not dermatomyositis, ck 4200", "polymyositis") == NOW
    assert _read("sorry i meant polymyositis not dermatomyositis, ck 4200", "dermatomyositis")[0] == "absent"
    assert _read("oops i meant ustekinumab not adalimumab. now vedolizumab", "ustekinumab")[0] == "present"
    # what was written and taken back stays unsure
    assert of("oops i said methotrexate, i meant the date was wrong", "methotrexate", TODAY).uncertain


# --- responses that did not last -------------------------------------------------------------

def test_a_response_that_ended_failed():
    for text, concept in (("the rituximab only lasted 6 months", "rituximab"),
                          ("ivig only worked 3 weeks, now romiplostim", "ivig"),
                          ("infliximab worked till last summer", "infliximab"),
                          ("the splenectomy lasted until 2024", "splenectomy")):
        assert of(text, concept, TODAY).status == "failed", text
    assert of("mtx worked until now", "methotrexate", TODAY).status != "failed"
    assert of("entyvio never did anything", "vedolizumab", TODAY).status == "failed"
    assert of("the ivig never really did much, now on romiplostim", "ivig", TODAY).status == "failed"


def test_a_treatment_meant_instead_of_one_told_takes_its_outcome():
    text = "infliximab then adalimumab, both stopped working. sorry i meant ustekinumab not adalimumab. now vedolizumab"
    assert of(text, "ustekinumab", TODAY).status == "failed"
    assert all(f.negated for f in facts_at(text, "adalimumab", TODAY))
    text = "she had mmf and it made her sick, oops i meant azathioprine not mmf"
    assert of(text, "azathioprine", TODAY).status == "intolerant"
    assert all(f.negated for f in facts_at(text, "mycophenolate", TODAY))
    # with nothing told before, only the denial of the other
    assert _read("i meant hcq not mtx", "hydroxychloroquine") == NOW


def test_a_treatment_next_at_the_end_is_planned():
    assert of("nifedipine didnt help, sildenafil a bit. bosentan next", "bosentan", TODAY).hypothetical
    assert of("the rheum says rituximab next", "rituximab", TODAY).hypothetical
    assert not of("rituximab next week was cancelled, she is on mmf", "mycophenolate", TODAY).hypothetical


# --- ages said with "now", a relative's illness before it, "ra" opening a clause --------------

def test_an_age_with_now_after_the_illness_is_the_relatives_and_the_patients():
    for text, concept, age in (("my mum has lupus 30 years, 64 now. hcq and pred", "sle", 64),
                               ("my dad has ITP 5 years, 70 now", "itp", 70),
                               ("my son has crohns, 14 now", "crohns_disease", 14)):
        assert _read(text, concept) == NOW, text
        assert of(text, "age", TODAY).value == age, text
    assert of("uc since i was 16, 24 now. mesalazine", "age", TODAY).value == 24
    assert of("hi, RA since my late 20s, now 51. on mtx", "age", TODAY).value == 51
    # a value's "now" is no age
    assert not [f for f in extract("platelets 30, 45 now", today=TODAY) if f.label == "AGE"]


def test_small_letter_ra_opening_a_clause_before_since_or_with():
    assert _read("my mum is 80, ra since her 40s. hcq only", "rheumatoid_arthritis") == NOW
    assert _read("writing for my dad (74). ra with lung fibrosis. mtx was stopped", "rheumatoid_arthritis") == NOW
    assert _read("she is 40, uc for 6 years", "ulcerative_colitis") == NOW


def test_a_remission_a_treatment_did_not_bring_back():
    for text, concept in (("my aml is cd7+. flag-ida didnt get me back into remission. 58", "flag_ida"),
                          ("venetoclax failed to induce remission, now on gilteritinib", "venetoclax")):
        assert of(text, concept, TODAY).status == "failed", text
        assert of(text, "in_remission", TODAY).negated, text
    assert of("the chemo did get her into remission", "chemotherapy", TODAY).status != "failed"


def test_two_courses_of_one_drug_in_other_years_keep_their_own_outcomes():
    text = "she had mmf and rituximab in 2019. rituximab in 2023 didnt work"
    assert _statuses(text, "rituximab") == [None, "failed"]
