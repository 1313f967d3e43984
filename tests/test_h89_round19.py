"""Round 19, h89 (issues #14, #13): whole conversations in three voices. Hedges that are
about a date, a disease's kind or the chat itself doubt no diagnosis; a disease named with
a doubt is asked about by name; a disease the stated one excludes is never asked; a month
range dates a treatment by its end; a class heading over a dated list dates the class; the
relative's voice keeps what the writer said theirs; the conversation bench prints a
persona's transcript."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from benchmarks import conversation
from bot.voices import read_voices
from core.facts import Profile
from data.trials import load_trials
from matching.engine import match
from matching.evaluate import Evaluator
from matching.questions import next_question
from nlp import extract

TODAY = date(2026, 1, 15)


def facts(text):
    return extract(text, today=TODAY)


def one(text, concept):
    found = [f for f in facts(text) if f.concept == concept]
    assert found, f"{concept} not read in {text!r}"
    return found[0]


# --- hedges that doubt no diagnosis ------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("i'm 58, dermatomyositis since 2021 maybe 2020, methotrexate and IVIG didnt help much", "dermatomyositis"),
    ("i'm 58, dermatomyositis since 2021 maybe 2020, methotrexate and IVIG didnt help much", "methotrexate"),
    ("lupus since 2015 or maybe 2016, cellcept failed", "mycophenolate"),
    ("ITP for 6 years, maybe 7 years, steroids failed", "itp"),
    ("i have scleroderma, maybe the diffuse kind, im 49", "systemic_sclerosis"),
    ("not sure if this is the right place, i have scleroderma", "systemic_sclerosis"),
    ("not sure if im in the right place but my daughter has lupus", "sle"),
])
def test_a_hedge_about_a_date_a_kind_or_the_chat_doubts_no_diagnosis(text, concept):
    assert not one(text, concept).uncertain


@pytest.mark.parametrize("text, concept", [
    ("maybe lupus, not sure", "sle"),
    ("not sure if this is lupus", "sle"),
    ("i have lupus maybe", "sle"),
    ("dermatomyositis maybe, since 2021", "dermatomyositis"),
])
def test_a_hedge_on_the_disease_still_doubts_it(text, concept):
    assert one(text, concept).uncertain


# --- dates of a list ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["MMF 03/2019-06/2023", "MMF from 03/2019 to 06/2023", "MMF 3/2019 - 6/2023"])
def test_a_month_range_dates_the_treatment_by_its_end(text):
    fact = one(text, "mycophenolate")
    assert fact.date == "2023-06" and fact.historical


def test_a_month_range_ending_in_the_future_is_no_end():
    assert one("MMF 03/2019-06/2027", "mycophenolate").date != "2027-06"


LISTED = ("46F SLE with class IV LN. Prior immunosuppression: MMF 2g/day 03/2019-06/2023, IV cyclophosphamide "
          "6 pulses 01/2020-06/2020, tacrolimus 08/2023-02/2025, rituximab 2 doses 04/2025. Creatinine 1.2 mg/dL.")


def test_a_class_heading_over_a_dated_past_list_is_last_taken_at_the_latest():
    heading = one(LISTED, "immunosuppressant")
    assert heading.historical and heading.date == "2025-04"


def test_a_class_heading_over_a_list_with_an_undated_item_stays_undated():
    assert one("SLE. Prior immunosuppression: MMF 2019-2023, tacrolimus. Creatinine 1.2 mg/dL.",
               "immunosuppressant").date is None


def _washout(text):
    leaf = {"type": "therapy", "concept": "immunosuppressant", "within_half_lives": 5, "except": ["hydroxychloroquine"]}
    return Evaluator(Profile(facts(text)), today=TODAY).leaf(leaf)


def test_the_class_washout_is_its_dated_members():
    result = _washout(LISTED)
    assert result.value == "false" and not result.ask


def test_an_undated_member_still_asks_the_class_last_dose():
    result = _washout("SLE. Prior immunosuppression: MMF 2019-2023, tacrolimus. Creatinine 1.2 mg/dL.")
    assert result.value == "unknown" and result.ask and result.ask.startswith("last_dose:")


def test_a_dated_clinician_list_is_not_asked_the_last_immunosuppressant():
    results = match(Profile(facts("Referral: " + LISTED)), load_trials(), today=TODAY)
    asked = set()
    for _ in range(4):
        question = next_question(results, asked=asked, audience="clinician")
        if question is None:
            break
        assert question.key != "last_dose:immunosuppressant"
        asked.add(question.key)


# --- questions --------------------------------------------------------------------------------

def _first(text, audience="patient", asked=()):
    results = match(Profile(facts(text)), load_trials(), today=TODAY)
    return next_question(results, asked=set(asked), audience=audience)


def test_a_doubted_disease_is_asked_by_name():
    question = _first("i think i might have lupus, im 30, hcq didnt help")
    assert question is not None and question.key == "diagnosis:sle"


def test_a_doubted_disease_is_asked_itself_not_also_its_class():
    question = _first("maybe dermatomyositis? im 50, methotrexate failed")
    assert question is not None and question.key == "diagnosis:dermatomyositis"


def test_no_open_diagnosis_question_after_the_doubted_one_was_left_open():
    question = _first("i think i might have lupus, im 30, hcq didnt help", asked={"diagnosis:sle"})
    assert question is None or not question.key.startswith("diagnosis")


def test_systemic_jia_is_not_asked_adult_onset_stills_disease():
    text = "My daughter is 15. She has systemic JIA since 2022, she was on tocilizumab but it stopped working."
    results = match(Profile(facts(text)), load_trials(), today=TODAY)
    asked = set()
    for _ in range(6):
        question = next_question(results, asked=asked)
        if question is None:
            break
        assert "adult_onset_stills_disease" not in question.key
        assert "adult_onset_stills_disease" not in (getattr(question, "concepts", None) or ())
        asked.add(question.key)


def test_the_terminology_says_the_two_kinds_of_stills_disease_exclude_each_other():
    from data.terminology import load_terminology
    term = load_terminology()
    assert "systemic_jia" in term["adult_onset_stills_disease"].attrs["contradicts"]


# --- the relative's voice ---------------------------------------------------------------------

def test_what_the_writer_told_stays_theirs():
    voices = read_voices()
    said = voices.question("How many different biologic medicines have you tried? Count the ones you told me about "
                           "(adalimumab) too.", voices.words("son", "male"))
    assert "has he tried" in said and "Count the ones you told me about" in said and "him told" not in said


# --- the conversation bench --------------------------------------------------------------------

def test_personas_in_three_voices_every_third_held_aside():
    personas = conversation.load_personas()
    assert len(personas) >= 60
    # round 38's 31 personas (r38-*) were written all for tuning, none held aside (the lead's
    # brief asked so): the rule holds for the others, and those stay dev (forty-first session)
    tuning = [p for p in personas if p["id"].startswith("r38-")]
    assert all(p["split"] == "dev" for p in tuning)
    personas = [p for p in personas if not p["id"].startswith("r38-")]
    # every third persona written is held aside; since the forty-fourth session they live in a
    # file of their own (dev first, then the held-aside file), so the third is counted, not placed
    assert sum(p["split"] == "test" for p in personas) == len(personas) // 3
    assert all(p["split"] == "dev" for p in conversation.load_personas(conversation.PERSONAS_FILE))
    assert all(p["split"] == "test" for p in conversation.load_personas(conversation.HELD_ASIDE_FILE))
    new = personas[30:] + tuning
    assert {p["role"] for p in new} == {"patient", "relative", "clinician"}
    assert {p["style"] for p in new} == set(conversation.STYLES)


def test_show_prints_a_persona_turn_by_turn():
    persona = next(p for p in conversation.load_personas() if p["id"] == "pat-lupus-coop")

    class Reply(SimpleNamespace):
        pass

    class Engine:
        store = SimpleNamespace(events=lambda cid: [])
        trials: list = []

        def start(self, cid, role):
            self.role = role

        def message(self, cid, text):
            return Reply(state="RESULTS", blocks=[], choices=[])

        def profile(self, cid):
            return Profile()

        def match(self, profile, trials, today=None):
            return []

    lines = conversation.show(Engine(), persona, lambda text, today=None: [], lambda reply: "the bot's reply")
    assert lines[0].startswith("# pat-lupus-coop")
    assert f"> {persona['opening']}" in lines and "    the bot's reply" in lines


def test_a_stated_disease_is_not_asked_the_other_groups_of_a_trial_for_its_kind():
    text = "i have scleroderma, im 49 and methotrexate didnt work"
    first = _first(text)
    assert first is not None and first.key == "diagnosis:diffuse_systemic_sclerosis"
    then = _first(text, asked={first.key})
    concepts = set(getattr(then, "concepts", None) or ()) if then is not None else set()
    assert then is None or (then.key not in {"diagnosis:sle", "diagnosis:itp", "diagnosis:inflammatory_myopathy"}
                            and not concepts & {"sle", "itp", "inflammatory_myopathy"})


def test_an_opening_is_no_correction(tmp_path):
    from bot.startup import build_engine
    engine = build_engine(str(tmp_path / "t.db"), transport="cli")
    engine.today, engine._gazetteer = TODAY, None
    engine.start("cli:opening", role="patient")
    reply = engine.message("cli:opening", "not sure if this is the right place, i have scleroderma, im 49")
    said = conversation.reply_text(reply)
    assert "I noted: systemic sclerosis" in said and "updated" not in said
