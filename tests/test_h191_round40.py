"""Round 40 (h191, issue #13): patients and relatives writing about treatment lists, in phrasings
other than the round's gold rows (conv-7681 … conv-7760): a stop or outcome told of one treatment
after a list closed by "and" ("ivig and hcq, pred stopped in june"), a disease worse "on both" / "on
all of them", a course's route, dose or length before the "then" of the next one ("cytoxan IV then
MMF now"), "not doing much" with no "its", "flaring again" after treatments taken now, "weaned" with
a time and no "off", treatments the doctors "talk about"."""
from __future__ import annotations

from datetime import date

from assertion_helpers import facts_at, of
from benchmarks.assertion import predicted_assertion

TODAY = date(2026, 12, 7)

CURRENT = ("present", "patient", "current")
PAST = ("present", "patient", "past")


def _read(text: str, concept: str):
    return predicted_assertion(of(text, concept, TODAY))


def _status(text: str, concept: str):
    return of(text, concept, TODAY).status


# --- a stop or outcome told of one treatment after a list closed by "and" -----------------------

def test_a_stop_after_a_closed_list_is_its_own_treatments():
    for text, going_on, stopped in (
            ("ivig and hcq, pred stopped in june", ("ivig", "hydroxychloroquine"), "prednisone"),
            ("she takes mesalazine and aza, the pred was stopped at christmas", ("mesalazine", "azathioprine"), "prednisone"),
            ("my husband is on mtx & hcq, humira stopped in 2022", ("methotrexate", "hydroxychloroquine"), "adalimumab"),
            ("anakinra then canakinumab, mtx stopped in 2024", ("canakinumab",), "methotrexate")):
        for concept in going_on:
            assert _read(text, concept) == CURRENT, (text, concept)
        assert _read(text, stopped) == PAST, (text, stopped)


def test_an_outcome_after_a_closed_list_is_its_own_treatments():
    text = "tacrolimus and mmf, rituximab 2024 no response"
    assert _read(text, "tacrolimus") == CURRENT
    assert _read(text, "mycophenolate") == CURRENT
    assert _status(text, "rituximab") == "failed"
    text = "on hcq and belimumab, the voclosporin didnt work"
    assert _status(text, "voclosporin") == "failed"
    assert _status(text, "hydroxychloroquine") != "failed"
    assert _status(text, "belimumab") != "failed"


def test_a_list_of_commas_or_a_word_of_them_all_keeps_the_reach():
    text = "IFX + AZA, ADA, UST failed."
    for concept in ("infliximab", "azathioprine", "adalimumab", "ustekinumab"):
        assert _status(text, concept) == "failed", concept
    text = "mtx and hcq, then both stopped"
    assert _read(text, "methotrexate") == PAST
    assert _read(text, "hydroxychloroquine") == PAST
    text = "mtx, hcq, pred stopped in june"
    assert _read(text, "prednisone") == PAST
    assert _read(text, "hydroxychloroquine") == PAST


def test_an_item_named_again_after_its_list_keeps_the_list_told():
    text = "my dad is 79, itp since summer 2021. pred, ivig and rituximab, the rituximab didnt work. eltrombopag now"
    assert _read(text, "prednisone")[2] == "past"
    assert _read(text, "ivig")[2] == "past"
    assert [f.status for f in facts_at(text, "rituximab", TODAY)] == ["failed", "failed"]


def test_a_dated_list_in_a_letter_keeps_its_date():
    text = "MRD-negative after UKALL 2011 and nelarabine, allo-HSCT 12/2024."
    assert _read(text, "nelarabine") == PAST
    text = "Breast cancer (2018, FEC-T chemotherapy and radiotherapy, letrozole to 2023)."
    assert _read(text, "radiotherapy") == PAST


# --- worse "on both" / "on all of them" ----------------------------------------------------------

def test_worse_on_both_fails_every_treatment_of_the_list():
    for text, concepts in (
            ("mtx and then mmf, the skin kept getting worse on both. now rituximab", ("methotrexate", "mycophenolate")),
            ("tried mtx then cellcept, my skin got worse on both of them.", ("methotrexate", "mycophenolate")),
            ("aza and humira, she flared on all of them. rinvoq since 3 months", ("azathioprine", "adalimumab")),
            ("pred, mtx and anakinra, he kept getting fevers on all of them. tocilizumab now",
             ("prednisone", "methotrexate", "anakinra"))):
        for concept in concepts:
            assert _status(text, concept) == "failed", (text, concept)
            assert _read(text, concept) == PAST, (text, concept)
    text = "pred, mtx and anakinra, he kept getting fevers on all of them. tocilizumab now"
    assert _status(text, "tocilizumab") == "current"


def test_on_both_alone_is_no_failure():
    text = "shes been on both for a year, mtx and hcq"
    assert _status(text, "methotrexate") != "failed"
    assert _status(text, "hydroxychloroquine") != "failed"


# --- a course's route, dose or length before "then" -----------------------------------------------

def test_a_route_or_dose_before_then_keeps_the_sequence():
    for text, before, after in (
            ("she had cytoxan IV then MMF now", "cyclophosphamide", "mycophenolate"),
            ("cyclophosphamide 500mg x6 then mmf now", "cyclophosphamide", "mycophenolate"),
            ("he had cytoxan IV for six months then mycophenolate now", "cyclophosphamide", "mycophenolate"),
            ("cytoxan infusions then mmf now", "cyclophosphamide", "mycophenolate"),
            ("rituximab weekly x4 then belimumab now", "rituximab", "belimumab")):
        assert _read(text, before) == PAST, (text, before)
        assert _status(text, before) != "current", (text, before)
        assert _read(text, after) == CURRENT, (text, after)
        assert _status(text, after) == "current", (text, after)


# --- "not doing much" with no "its"; "flaring again" -----------------------------------------------

def test_not_doing_much_right_after_a_treatment_is_failing_now():
    for text, concept in (
            ("hcq not doing much", "hydroxychloroquine"),
            ("uc flaring again. tofacitinib since jan 2025 not doing much.", "tofacitinib"),
            ("the nplate not helping, plts 9", "romiplostim")):
        assert _status(text, concept) == "failed", text
        assert _read(text, concept) == CURRENT, text


def test_not_doing_much_said_in_the_past_is_over():
    text = "humira was not doing much so they stopped it"
    assert _status(text, "adalimumab") == "failed"
    assert _read(text, "adalimumab") == PAST


def test_flaring_again_after_treatments_taken():
    for text, concepts in (
            ("my son 12 has lupus. hcq and mmf but hes flaring again.", ("hydroxychloroquine", "mycophenolate")),
            ("on humira and mtx but shes flaring again anyway", ("adalimumab", "methotrexate"))):
        for concept in concepts:
            assert _status(text, concept) == "failed", (text, concept)
            assert _read(text, concept) == CURRENT, (text, concept)


def test_a_comma_list_before_still_flaring_keeps_the_last_one_only_taken():
    text = "MTX (liver), HCQ, etanercept, tocilizumab, upadacitinib - still flaring on it"
    assert _read(text, "etanercept") == PAST
    assert _read(text, "upadacitinib") == CURRENT


# --- "weaned" with a time; treatments talked about ---------------------------------------------

def test_weaned_with_a_time_is_over():
    for text in ("mtx and ivig, pred weaned summer 2024. ck 300", "prednisolone weaned 2023, on mmf",
                 "the steroids were tapered last spring"):
        concept = "prednisone" if "pred" in text else "glucocorticoid"
        assert _read(text, concept) == PAST, text
    assert _read("pred weaned to 5mg", "prednisone") == CURRENT


def test_a_treatment_the_doctors_talk_about_is_considered():
    for text in ("nplate is not doing much now the doctor talks about rituximab",
                 "the consultant talked about rituximab"):
        assert _read(text, "rituximab")[0] == "hypothetical", text


# --- a treatment taken back at once for another -------------------------------------------------

def test_a_treatment_taken_back_for_another():
    text = "lupus since 2012. i had rituximab in 2020, no wait it was belimumab in 2020. hcq now"
    assert _read(text, "rituximab")[0] == "absent"
    assert _read(text, "belimumab") == PAST
    assert _read(text, "hydroxychloroquine") == CURRENT
    text = "she was on humira - sorry, it was enbrel, and it stopped working"
    assert _read(text, "adalimumab")[0] == "absent"
    assert _status(text, "etanercept") == "failed"


def test_a_correction_without_another_treatment_takes_nothing_back():
    assert _read("i had rituximab, it was great", "rituximab") == PAST
    text = "she had mtx, sorry it was mtx and hcq"
    assert all(f.negated is False or f.negated is None for f in facts_at(text, "methotrexate", TODAY))
