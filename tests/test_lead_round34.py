"""Round 34 (lead): a husband for his wife with diffuse scleroderma, a mother for her daughter
of 19 with class IV lupus nephritis, a mother for her daughter of 14 with Crohn's disease, a
haematologist's relapsed ETP-ALL letter through ``triage``, and a haematologist's refractory
ITP in clinician mode.

- Treatment switches: "they switched her to cyclophosphamide because her protein kept going up"
  left the MMF with no outcome; "switched to rituximab due to ongoing disease activity on MMF"
  and "swapped her to eltrombopag after romiplostim stopped working" gave the failure to the
  drug switched to and kept the one left current; "switched from hydroxychloroquine to MMF due
  to side effects" made the MMF not tolerated; "swapped anakinra for canakinumab" and "went
  from mycophenolate to nintedanib" were no switch.
- "Tofacitinib commenced 02/2025 following intolerance of adalimumab" read the tofacitinib as
  not tolerated (the adalimumab's forward cue) and "commenced" was no start.
- "lung fibrosis, she went from ..." read the fibrosis as gone ("went" without "away").
- "she had azathioprine at the start but it made her liver bad": the time between the drug and
  "but it" lost the outcome, and the bot asked the same DMARD question again.
- "whats car t and could it work for crohns?" had no answer at all.
- A question about what trials require ("does she need CD19+ B cells?", "does she need a
  negative pregnancy test?", "is hepatitis B a problem?") was noted as the patient's result
  ("CD19 positive", "not pregnant", and the CD19 line then counted as met): now nothing is
  noted, and the reply quotes the criteria of the trials that may fit naming it.
"""
from __future__ import annotations

from datetime import date

import pytest

from bundled_engine import bundled_engine, said, tracker_of
from nlp import extract

TODAY = date(2026, 12, 6)


def _facts(text, label=None, concept=None):
    return [f for f in extract(text, today=TODAY)
            if (label is None or f.label == label) and (concept is None or f.concept == concept)]


def _one(text, concept):
    [fact] = _facts(text, concept=concept)
    return fact


def _chat(tmp_path, *messages, clinician=False):
    """A new conversation on the bundled trials: (engine, its id, the reply to the last message)."""
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    engine.start("c")
    if clinician:
        engine.command("c", "role", "clinician")
    for message in messages[:-1]:
        engine.message("c", message)
    return engine, "c", said(engine.message("c", messages[-1]))


# --- treatment switches and their reasons ------------------------------------------------------

@pytest.mark.parametrize("text, left, outcome, taken", [
    ("MMF for about a year then they switched her to cyclophosphamide because her protein in the urine kept going up.",
     "mycophenolate", "failed", "cyclophosphamide"),
    ("they changed him from azathioprine to infliximab after he flared again", "azathioprine", "failed", "infliximab"),
    ("she was switched from hydroxychloroquine to MMF due to side effects", "hydroxychloroquine", "intolerant", "mycophenolate"),
    ("she was switched to rituximab due to ongoing disease activity on MMF", "mycophenolate", "failed", "rituximab"),
    ("they swapped her to eltrombopag after romiplostim stopped working", "romiplostim", "failed", "eltrombopag"),
    ("switched to canakinumab (injection site reactions on anakinra)", "anakinra", "intolerant", "canakinumab"),
    ("My mum is 64 with scleroderma, she went from mycophenolate to nintedanib because her breathing got worse",
     "mycophenolate", "failed", "nintedanib"),
    ("Transitioned from cyclophosphamide to rituximab after 6 pulses owing to rising creatinine.",
     "cyclophosphamide", "failed", "rituximab"),
])
def test_the_reason_of_a_switch_is_the_one_left(text, left, outcome, taken):
    before, after = _one(text, left), _one(text, taken)
    assert before.status == outcome and before.historical
    assert after.status == "current" and not after.historical


def test_swapped_for_is_a_switch():
    text = "they swapped anakinra for canakinumab last spring"
    assert _one(text, "anakinra").historical
    assert _one(text, "canakinumab").status == "current"


def test_a_switch_with_no_reason_of_disease_leaves_no_outcome():
    # after a time, not a worsening: the one left is over, nothing more
    text = "he switched to adalimumab after 3 months of infliximab"
    infliximab = _one(text, "infliximab")
    assert infliximab.historical and infliximab.status is None
    assert _one(text, "adalimumab").status == "current"
    # a side effect said as the reason: not a failure of the disease ("when my sugars went up")
    assert _one("was switched off prednisone onto budesonide when my sugars went up", "prednisone").status != "failed"


def test_the_switched_to_drug_keeps_its_own_later_stop():
    text = "MMF 2017-2022, switched to belimumab 2022 because of GI side effects\nbelimumab 2022-2025: failed"
    first = _facts(text, concept="belimumab")[0]
    assert first.historical


def test_a_word_with_a_hyphen_is_no_range():
    text = "I was changed from adalimumab to ustekinumab because of a bad psoriasis-like rash"
    assert _one(text, "adalimumab").status == "intolerant"
    assert _one(text, "ustekinumab").status == "current"


# --- a start in a clinician's words ----------------------------------------------------------

def test_commenced_is_a_start_and_the_next_drugs_cue_is_not_its_stop():
    assert _one("Tofacitinib commenced 02/2025.", "tofacitinib").status == "current"
    text = "Tofacitinib commenced 02/2025 following intolerance of adalimumab (injection-site reactions)."
    assert _one(text, "tofacitinib").status == "current"
    assert _one(text, "adalimumab").status == "intolerant"
    # a stop after the start still ends it
    tacrolimus = _one("commenced on tacrolimus 2019, stopped 2021 for tremor", "tacrolimus")
    assert tacrolimus.historical


def test_went_needs_away_to_end_a_condition():
    assert not _one("My mum is 64 with scleroderma and lung fibrosis, she went from mycophenolate to nintedanib",
                    "interstitial_lung_disease").historical
    assert _one("my asthma went away when i was a teen", "asthma").historical


def test_an_outcome_of_it_after_when_the_drug_was_taken():
    fact = _one("she also had azathioprine at the start but it made her liver bad", "azathioprine")
    assert fact.status == "intolerant"
    fact = _one("she was on azathioprine for a few months back in 2019 but it made her sick", "azathioprine")
    assert fact.status == "intolerant"


# --- questions about requirements are not facts --------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("does she need a negative pregnancy test?", "pregnant"),
    ("is hepatitis B a problem?", "hbv"),
    ("do they need her to be off steroids?", "glucocorticoid"),
    ("what about CD19 negativity - does she need CD19+ B cells?", "cd19"),
    ("is CD7 positivity required?", "cd7"),
])
def test_a_thing_asked_about_as_a_requirement_is_no_fact(text, concept):
    facts = _facts(text, concept=concept)
    assert facts and all(f.hypothetical and not f.negated and f.status is None for f in facts)


def test_a_fact_told_before_the_question_stays():
    hbv = _one("she had hep B years ago, is that a problem?", "hbv")
    assert not hbv.hypothetical and hbv.status == "positive"
    cd7 = _one("my son has CD7+ T-ALL, does he need a transplant first?", "cd7")
    assert cd7.status == "positive" and not cd7.hypothetical
    assert not _one("my son has CD7+ T-ALL, does he need a transplant first?", "t_all").hypothetical


def test_the_bot_quotes_the_criteria_asked_about(tmp_path):
    engine, cid, reply = _chat(tmp_path, "my daughter has crohns, shes 24",
                               "infliximab and vedolizumab both failed, she's on ustekinumab now",
                               "does she need a negative pregnancy test?")
    assert "pregnancy test" in reply and "NCT05239702" in reply
    assert "not pregnant" not in reply
    profile = tracker_of(engine, cid).profile
    assert not [f for f in profile.facts if f.label == "PREGNANCY" and not f.hypothetical]
    reply = said(engine.message(cid, "is hepatitis B a problem?"))
    assert "hepatitis B" in reply and ("Rules out" in reply or "Needed" in reply)
    assert not [f for f in tracker_of(engine, cid).profile.facts if f.concept == "hbv" and not f.hypothetical]


def test_a_test_no_trial_names_is_said_so(tmp_path):
    _, _, reply = _chat(tmp_path, "my daughter has crohns, shes 24", "does she need a negative zika test?")
    assert "mentions zika test in its criteria" in reply and "in their own words" not in reply


# --- questions about CAR-T --------------------------------------------------------------------

def test_two_questions_one_known_answers_that_one():
    from bot.faq import load_faq
    faq = load_faq()
    assert [a.id for a in faq.find_all("whats car t and could it work for crohns?")] == ["term:car_t", "results"]
    assert [a.id for a in faq.find_all("could it help her?")] == ["results"]
    assert [a.id for a in faq.find_all("could car-t work for crohns?")] == ["results"]


def test_a_disease_in_a_requirement_question_stays_the_patients():
    stills = _one("is tocilizumab an option for Stills or do I need a trial?", "adult_onset_stills_disease")
    assert not stills.hypothetical


# --- a lab's quality, its value after a comma, and a hedge of another clause ------------------------

def test_a_value_after_the_quality_and_a_comma():
    fact = _one("her platelets are low, 60 last week, and they mentioned her kidneys might be involved", "platelets")
    assert fact.value == 60 and not fact.uncertain
    assert _one("her CRP is high, 85", "crp").value == 85
    # a time after the comma is no value
    assert _one("platelets low, 2 weeks ago", "platelets").value is None


def test_a_hedge_reaches_only_its_own_clause():
    assert not _one("platelets were low but i think they are fine now", "platelets").uncertain
    assert _one("i think her platelets are low", "platelets").uncertain
    assert _one("creatinine is normal I think", "creatinine").uncertain


# --- results for a suspected diagnosis ----------------------------------------------------------

def test_trials_ruled_out_for_nothing_the_patient_named_are_not_listed():
    from types import SimpleNamespace
    from bot.results import shape_results

    def result(tid, verdict, fit):
        return SimpleNamespace(verdict=verdict, condition_fit=fit, off_condition=False, trial={"id": tid, "title": tid},
                               criteria=[], id=tid)
    fitting = result("lupus-trial", "possible", 2)
    cancer = result("her2-trial", "ineligible", 0)
    lupus_ruled_out = result("lupus-ruled-out", "ineligible", 2)
    other = result("other", "possible", 0)
    view = shape_results([fitting, other, cancer, lupus_ruled_out], None, None)
    ruled = [t["id"] for t in view["ruled_out"]]
    assert "her2-trial" not in ruled
    assert view["left_out"] >= 1


# --- answers to the bot's questions -----------------------------------------------------------

def test_a_denied_bare_transplant_is_no_stem_cell_transplant():
    fact = _one("she's never had a transplant or anything like that", "hsct")
    assert fact.negated
    assert _one("he hasnt had a transplant", "hsct").negated
    # a transplant said, in a text about no blood disease, stays unread (it may be a kidney)
    assert not _facts("she had a transplant in 2020", concept="hsct")


def test_a_hedged_date_answer_is_a_month(tmp_path):
    engine, cid, reply = _chat(tmp_path, "my daughter is 22 and has lupus since 2018, MMF and belimumab didnt work",
                               "not sure, maybe a few months ago? she had a short course in the summer")
    # (h190, round 39: the two are asked together, "When did she last take each of these: ...?",
    # and the answer naming neither is each one's: belimumab's month follows MMF's)
    assert "mycophenolate mofetil, last taken 2026-09" in reply and "2026-09-" not in reply
    facts = [f for f in tracker_of(engine, cid).profile.facts if f.concept == "mycophenolate" and f.date]
    assert all(len(f.date) <= 7 for f in facts)


def test_a_requirement_question_in_the_criteria_own_words(tmp_path):
    from bot.criteria_asked import asked_phrases, asks_a_requirement
    text = "does he need bone marrow involvement or is a mediastinal mass enough?"
    assert asks_a_requirement(text) and not asks_a_requirement("what is apheresis?")
    assert "bone marrow" in asked_phrases(text) and "mediastinal mass" in asked_phrases(text)
    _, _, reply = _chat(tmp_path, "17M with relapsed T-LBL (mediastinal mass), CD7+ 90%, nelarabine-based salvage with PR only.",
                        text, clinician=True)
    assert "local-cd7-cart-heme" in reply and "bone marrow" in reply
    assert "No answer on file" not in reply


def test_an_organ_that_might_be_involved_is_possible():
    fact = _one("she has lupus and they mentioned her kidneys might be involved", "lupus_nephritis")
    assert fact.uncertain and not fact.negated
    assert not _one("her kidneys are involved in her lupus", "lupus_nephritis").uncertain


def test_a_requirement_no_trial_names_is_said_so(tmp_path):
    _, _, reply = _chat(tmp_path, "RA since 2010, failed MTX, etanercept, adalimumab and abatacept. im 57 and a woman",
                        "will my lung nodules be an issue?")
    assert "mentions lung nodules in its criteria" in reply and "the trial team decides" in reply


def test_a_later_share_that_points_back_to_the_marker():
    fact = _one("his blasts are CD7 dim on the last marrow, around 30% of blasts express it", "cd7")
    assert fact.value == 30 and fact.status == "positive"
    # a share of something else after a clause stays its own
    assert _one("CD7 bright, MRD 4.2%", "cd7").value is None


def test_is_there_anything_in_a_country_asks_for_the_sites():
    from bot.faq import load_faq
    faq = load_faq()
    assert [a.id for a in faq.find_all("is there anything in the UK?")] == ["sites"]
    assert [a.id for a in faq.find_all("is there anything in europe for him?")] == ["sites"]
    assert faq.find_all("is there anything in particular she should do?") == []


@pytest.mark.parametrize("question, entry", [
    ("will she lose her hair?", "risks"),
    ("can she still have children after?", "pregnancy"),
    ("how many people have had it?", "results"),
    ("what happens after the infusion?", "trial_steps"),
    ("will she need chemo first?", "trial_steps"),
    ("how do we get referred?", "join"),
    ("does she have to stop work?", "travel"),
    ("do i have to stop my methotrexate?", "stop_medicines"),
])
def test_everyday_questions_about_a_trial_are_answered(question, entry):
    from bot.faq import load_faq
    assert [a.id for a in load_faq().find_all(question)] == [entry]


def test_everything_stopped_dates_every_untimed_treatment(tmp_path):
    engine, cid, reply = _chat(tmp_path, "im 34 with lupus since 2015, tried MMF, azathioprine and rituximab",
                               "im not on anything at the moment, i stopped everything in the summer")
    assert "mycophenolate mofetil, last taken 2026-07" in reply and "azathioprine, last taken 2026-07" in reply
    dated = {f.concept: f.date for f in tracker_of(engine, cid).profile.facts if f.label == "DRUG" and f.date}
    assert dated.get("azathioprine") == "2026-07" and dated.get("rituximab") == "2026-07"
    # one drug's own date stays its own
    engine, cid, reply = _chat(tmp_path / "b", "im 34 with lupus since 2015, tried MMF, azathioprine and rituximab",
                               "march")
    assert "azathioprine, last taken" not in reply
