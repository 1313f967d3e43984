"""Round 41 (h196, issue #13): patients and relatives writing about treatment lists and their
diseases, in phrasings other than the round's gold rows (conv-7781 … conv-7860): "and its fine"
after a disease with no test before it, "but (she is) still on it" after a dated course, a stop
or harm given as the reason of one treatment of a comma list, and a treatment's own going-on
word before the comma of the next one's harm."""
from __future__ import annotations

from datetime import date

from assertion_helpers import of
from benchmarks.assertion import predicted_assertion
from nlp import extract

TODAY = date(2026, 12, 7)

CURRENT = ("present", "patient", "current")
PAST = ("present", "patient", "past")


def _read(text: str, concept: str):
    return predicted_assertion(of(text, concept, TODAY))


def _status(text: str, concept: str):
    return of(text, concept, TODAY).status


# --- "and its fine" says a disease is well, not absent, unless a test looked for it -------------

def test_a_disease_said_to_be_fine_is_had():
    for text, concept in (
            ("she has lupus and its fine", "sle"),
            ("my dad has RA and it's ok at the moment", "rheumatoid_arthritis"),
            ("i have crohns and its fine right now on stelara", "crohns_disease"),
            ("my wife has dermatomyositis and its fine but her lungs are getting worse", "dermatomyositis")):
        assert _read(text, concept)[0] == "present", (text, concept)


def test_a_test_that_was_fine_still_denies():
    assert _read("tested for TB and it's fine", "tuberculosis")[0] == "absent"
    assert _read("they checked for cancer and its clear", "malignancy")[0] == "absent"
    assert _read("her hep b test was fine", "hbv")[0] == "absent"
    assert _read("screened for hep c before the rituximab and it was fine", "hcv")[0] == "absent"


# --- "but ... still on it" after a course with its date ------------------------------------------

def test_still_on_it_after_a_dated_course_is_taken_now():
    for text, concept in (
            ("she had cyclophosphamide in the spring but she is still on it every month", "cyclophosphamide"),
            ("he had rituximab last year but hes still on it", "rituximab"),
            ("i had tocilizumab first in 2023 but i am still on it", "tocilizumab"),
            ("she had ivig in 2022, still on it every 4 weeks", "ivig")):
        assert _read(text, concept) == CURRENT, (text, concept)


def test_a_stop_after_the_course_still_ends_it():
    assert _read("she had rituximab in 2023 but it was stopped in 2024", "rituximab")[2] == "past"
    assert _read("he had cyclophosphamide in the spring", "cyclophosphamide") == PAST


# --- a stop or harm given as one treatment's reason in a comma list ------------------------------

def test_a_stop_for_a_harm_is_the_last_items_of_a_comma_list():
    for text, kept, stopped in (
            ("hcq, mmf stopped because of the diarrhoea", "hydroxychloroquine", "mycophenolate"),
            ("she takes asacol, aza stopped because of her liver", "mesalazine", "azathioprine"),
            ("my mum has sle. hcq, aza, mmf stopped because it upset her stomach", "azathioprine", "mycophenolate"),
            ("benlysta, tacrolimus stopped because of tremor", "belimumab", "tacrolimus")):
        assert _read(text, kept) == CURRENT, (text, kept)
        assert _read(text, stopped) == PAST, (text, stopped)
        assert _status(text, stopped) == "intolerant", (text, stopped)


def test_a_stop_without_a_harm_keeps_the_list():
    text = "mtx, hcq, pred stopped in june"
    assert _read(text, "hydroxychloroquine") == PAST
    assert _read(text, "prednisone") == PAST
    text = "mtx and hcq stopped because of nausea"
    assert _read(text, "methotrexate")[2] == "past"


def test_a_harm_after_a_reason_word_and_it_is_the_stopped_treatments():
    for text, concept in (
            ("mmf stopped because it upset her stomach", "mycophenolate"),
            ("they stopped the aza as it made her sick", "azathioprine"),
            ("methotrexate was stopped because it made him vomit", "methotrexate")):
        assert _status(text, concept) == "intolerant", (text, concept)
    assert _status("she is on hcq as it helps her joints", "hydroxychloroquine") != "intolerant"


def test_a_going_on_word_before_the_comma_keeps_the_treatment_taken():
    for text, kept, harmed in (
            ("uc since 2010. mesalazine forever, aza gave me pancreatitis", "mesalazine", "azathioprine"),
            ("my daughter has uc, mesalazine always, azathioprine made her hair fall out", "mesalazine", "azathioprine"),
            ("ivig monthly, mtx made her sick", "ivig", "methotrexate")):
        assert _read(text, kept) == CURRENT, (text, kept)
        assert _status(text, kept) != "intolerant", (text, kept)
        assert _status(text, harmed) == "intolerant", (text, harmed)


def test_a_dose_in_a_comma_list_keeps_its_items_taken():
    text = "benlysta, mmf 2g, hcq made his eyes bad so stopped"
    assert _status(text, "belimumab") != "intolerant"
    assert _status(text, "mycophenolate") != "intolerant"
    assert _status(text, "hydroxychloroquine") == "intolerant"
    # a bare list keeps the outcome's reach
    text = "IFX, ADA, UST failed."
    assert all(_status(text, c) == "failed" for c in ("infliximab", "adalimumab", "ustekinumab"))


# --- relatives: the one the whole message is about is the patient ------------------------------

def test_a_relative_the_message_is_about_is_the_patient():
    for text, concept in (
            ("my sister has dermatomyositis, she is 40, mtx failed", "dermatomyositis"),
            ("my brother has crohns, hes 31, humira gave him a rash so they stopped it", "crohns_disease")):
        assert _read(text, concept) == CURRENT, (text, concept)
    text = "my brother has crohns, hes 31, humira gave him a rash so they stopped it"
    assert _read(text, "adalimumab") == PAST and _status(text, "adalimumab") == "intolerant"
    facts = [f for f in extract("this is for my mum, she has lupus. her sister has myasthenia", today=TODAY)
             if f.concept == "myasthenia_gravis"]
    assert facts and all(f.family for f in facts)


# --- one treatment of a list named again with its outcome ---------------------------------------

def test_a_treatment_named_again_takes_the_outcome_alone():
    for text, given, named in (
            ("pred, ivig and rituximab, the rituximab didnt work", ("prednisone", "ivig"), "rituximab"),
            ("my mum has myositis. pred, aza and ivig, the ivig didnt help at all", ("prednisone", "azathioprine"), "ivig"),
            ("mtx, hcq and humira, the humira gave her a rash", ("methotrexate", "hydroxychloroquine"), "adalimumab")):
        for concept in given:
            assert _read(text, concept) == PAST, (text, concept)
            assert _status(text, concept) not in ("failed", "intolerant"), (text, concept)
        assert _status(text, named) in ("failed", "intolerant"), (text, named)


def test_an_outcome_of_the_whole_list_still_reaches_it():
    text = "she had mmf, aza and rituximab. mmf and aza didnt work"
    assert _status(text, "mycophenolate") == "failed"
    assert _status(text, "azathioprine") == "failed"
    text = "tried mtx, leflunomide and sulfasalazine, none of them worked"
    assert all(_status(text, c) == "failed" for c in ("methotrexate", "leflunomide", "sulfasalazine"))


# --- "may" the month is no fear of a status ------------------------------------------------------

def test_may_the_month_before_a_status_is_no_hedge():
    for text, concept in (
            ("finished hyper-cvad in may, mrd negative now", "mrd_negative"),
            ("chemo ended last may, in remission since", "in_remission")):
        assert _read(text, concept)[0] == "present", (text, concept)
    assert _read("they say she may relapse", "relapsed_disease")[0] == "hypothetical"


# --- a worsening in its own clause as the reason for the next treatment --------------------------

def test_a_worsening_before_a_switch_fails_the_treatment_before_it():
    for text, failed, next_one in (
            ("cyclophosphamide 2022, mmf, skin kept getting worse so rituximab since may", "mycophenolate", "rituximab"),
            ("she was on aza, her rash kept getting worse so they started ivig", "azathioprine", "ivig"),
            ("mtx, his ck kept going up... no sorry, hcq, his joints kept getting worse so humira now", "hydroxychloroquine", "adalimumab")):
        assert _status(text, failed) == "failed", (text, failed)
        assert _read(text, next_one) == CURRENT, (text, next_one)
    assert _status("stopped pred, she got worse so back on it", "prednisone") != "failed"


# --- a treatment with its own going-on word before a comma is its own clause --------------------

def test_an_order_or_outcome_after_the_comma_is_not_the_going_on_treatments():
    for text, kept, failed in (
            ("my brother has dermatomyositis. ivig monthly, mtx then mmf, neither helped his muscles",
             "ivig", ("methotrexate", "mycophenolate")),
            ("hcq daily, mtx then leflunomide, both stopped working", "hydroxychloroquine", ("methotrexate", "leflunomide"))):
        assert _read(text, kept) == CURRENT, (text, kept)
        assert _status(text, kept) != "failed", (text, kept)
        for concept in failed:
            assert _status(text, concept) == "failed", (text, concept)
    # a word of the whole list keeps it
    assert _status("ivig monthly, mtx, nothing helped", "ivig") == "failed"


# --- a treatment named again with "the" keeps the outcome told of it ----------------------------

def test_a_treatment_named_again_with_the_keeps_its_told_outcome():
    from assertion_helpers import facts_at
    for text, concept in (
            ("humira, remicade, stelara all stopped working, the stelara lasted longest. skyrizi now", "ustekinumab"),
            ("mtx and leflunomide both failed, the leflunomide was for 2 years", "leflunomide")):
        assert [f.status for f in facts_at(text, concept, TODAY)] == ["failed", "failed"], (text, concept)
    # a cue of its own decides
    text = "mtx made me sick. now back on the mtx at a lower dose"
    assert [f.status for f in facts_at(text, "methotrexate", TODAY)][-1] != "intolerant"


# --- a disease's small-letter short name opening a message before a comma and the age -----------

def test_a_short_name_opening_before_the_age_is_the_disease():
    for text, concept in (
            ("uc, 41 m, since 2015. remicade stopped working", "ulcerative_colitis"),
            ("ra, 58f, on mtx", "rheumatoid_arthritis"),
            ("hi. ra, 62, mtx weekly", "rheumatoid_arthritis")):
        assert _read(text, concept) == CURRENT, (text, concept)
    assert not [f for f in extract("ms, 25 people came to the meeting", today=TODAY) if f.label == "CONDITION"]


# --- a bare age after a pregnancy said or denied -------------------------------------------------

def test_a_bare_age_after_a_pregnancy_is_the_age():
    for text, age in (("uc on mesalazine. not pregnant, 33", 33), ("crohns on humira. im pregnant, 29", 29)):
        ages = [f.value for f in extract(text, today=TODAY) if f.label == "AGE"]
        assert ages == [age], (text, ages)
    assert not [f for f in extract("itp, pregnant, 20 weeks", today=TODAY) if f.label == "AGE"]
    assert not [f for f in extract("not pregnant, 2 kids already", today=TODAY) if f.label == "AGE"]
