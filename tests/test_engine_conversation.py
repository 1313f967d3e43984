"""The conversation engine, scenario by scenario, with small stand-ins for extraction and
matching (tests/chat_fakes.py) so each step of the dialogue is pinned down exactly.
The same scenarios run on the real pipeline in test_engine_real.py."""
from __future__ import annotations

import pytest

from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, INTAKE, LOCATION, RESULTS, ROLE
from chat_fakes import fake_engine

CID = "cli:test"


@pytest.fixture
def engine(fresh_db):
    return fake_engine(SessionStore(fresh_db))


def said(reply) -> str:
    """Everything a reply says, as plain text."""
    return "\n".join(Renderer(PLAIN).render(reply))


def buttons(reply) -> list[str]:
    renderer = Renderer(PLAIN)
    return [renderer.choice_label(c) for c in reply.choices]


def press(engine, reply, label):
    """Press the quick reply labelled ``label`` in ``reply``."""
    renderer = Renderer(PLAIN)
    choice = next(c for c in reply.choices if renderer.choice_label(c) == label)
    return engine.press(CID, choice.data)


def test_start_asks_who_is_chatting_and_shows_the_privacy_notice(engine):
    reply = engine.start(CID)
    assert reply.state == ROLE
    assert "who am I talking to" in said(reply)
    assert "Privacy" in said(reply) and "/forget" in said(reply) and "30 days" in said(reply)
    assert buttons(reply) == ["Patient or family", "Clinician"]


def test_a_patient_conversation_runs_through_questions_to_results(engine):
    reply = engine.start(CID)
    reply = press(engine, reply, "Patient or family")
    assert reply.state == INTAKE and "in your own words" in said(reply)
    reply = engine.message(CID, "I have lupus since 2015, tried mycophenolate, no HIV")
    assert "I noted: systemic lupus erythematosus since 2015; tried mycophenolate mofetil; no HIV." in said(reply)
    assert reply.state == ASKING and "How old are you?" in said(reply)
    reply = engine.message(CID, "I'm 44")
    assert "age 44" in said(reply) and "pregnant" in said(reply)
    assert buttons(reply)[:3] == ["Yes", "No", "Not sure"]
    reply = press(engine, reply, "No")
    assert "not pregnant" in said(reply)
    assert reply.state == LOCATION and "Which city" in said(reply)
    reply = engine.message(CID, "I live in Hangzhou")
    assert reply.state == RESULTS
    text = said(reply)
    assert "may qualify" in text and "CD19 CAR-T for refractory lupus" in text
    assert "Site near Hangzhou: First Hospital, Hangzhou" in text
    assert "Contacts: Dr A. Example (central), phone unknown, email unknown" in text
    assert "Only the trial team can decide" in text
    # best first: the lupus trial (everything known fits) before the one still open
    assert text.index("refractory lupus") < text.index("CD7 CAR-T")


def test_clinician_wording_is_terse(engine):
    engine.start(CID, role="clinician")
    reply = engine.message(CID, "SLE since 2015, failed mycophenolate, no HIV")
    assert said(reply).startswith("Noted: SLE since 2015")
    assert "Age?" in said(reply)
    reply = engine.command(CID, "results")
    assert "Candidate trials, ranked:" in said(reply)
    assert "Screening aid only: the trial team determines eligibility" in said(reply)


def test_a_correction_replaces_the_drug_just_noted(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus, tried mycophenolate")
    reply = engine.message(CID, "no, it was azathioprine")
    assert "tried mycophenolate mofetil → tried azathioprine" in said(reply)
    drugs = [f.concept for f in engine.profile(CID).facts if f.label == "DRUG"]
    assert drugs == ["azathioprine"]


def test_a_number_correction_replaces_the_latest_number(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus")
    engine.message(CID, "I'm 44")
    reply = engine.message(CID, "actually 45")
    assert "age 44 → age 45" in said(reply)
    assert engine.profile(CID).age == 45


def test_a_negation_corrects_a_fact(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus, I'm pregnant")
    reply = engine.message(CID, "sorry, I'm not pregnant")
    assert "pregnant → not pregnant" in said(reply)
    pregnancy = [f for f in engine.profile(CID).facts if f.label == "PREGNANCY"]
    assert len(pregnancy) == 1 and pregnancy[0].negated


def test_not_sure_and_skip_leave_the_question_open_and_move_on(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "lupus")
    assert "How old are you?" in said(reply)
    reply = engine.message(CID, "not sure")
    assert "leave that open" in said(reply) and "HIV" in said(reply)
    reply = engine.message(CID, "skip")
    # two questions left open in a row: the results come next, after the city (round 19,
    # h89: a person who could not answer two is unlikely to know the third); "ask me more"
    # asks the rest
    assert "leave that open" in said(reply) and reply.state == LOCATION
    reply = engine.message(CID, "skip")
    assert reply.state == RESULTS
    assert "Still open: Age 18 to 65 years; HIV positive; Pregnant or breastfeeding women" in said(reply)
    assert engine.profile(CID).age is None            # unknown stays unknown
    profile = said(engine.command(CID, "profile"))
    assert "Left open: How old are you?; Have you ever tested positive for HIV?" in profile


def test_asking_for_results_stops_the_questions(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus")
    reply = engine.message(CID, "show me")
    assert reply.state == RESULTS and "may qualify" in said(reply)
    assert buttons(reply) == ["Ask me more questions", "Referral summary"]
    reply = engine.message(CID, "no HIV")             # new facts: updated results, no question
    assert reply.state == RESULTS and ("updated list" in said(reply) or "doesn't change" in said(reply))
    assert buttons(reply) == ["Ask me more questions", "Referral summary"]
    reply = press(engine, reply, "Ask me more questions")
    assert reply.state == ASKING and "How old are you?" in said(reply)


def test_a_message_that_says_nothing_usable_gets_a_hint(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "the weather is nice today")
    assert "couldn't find anything" in said(reply)
    assert reply.state == INTAKE
    reply = engine.message(CID, "hello there")      # a greeting is greeted back (round 30)
    assert said(reply).startswith("Hello!") and reply.state == INTAKE


def test_an_answer_that_is_not_understood_asks_again(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus")
    reply = engine.message(CID, "hmm")
    assert "didn't catch that" in said(reply) and "How old are you?" in said(reply)


def test_free_text_before_choosing_a_role_is_taken_in(engine):
    engine.start(CID)
    # a new sentence without a subject: whose rituximab is unclear ("my mother has lupus,
    # tried rituximab" is the mother's own sentence and treatment since round 15)
    reply = engine.message(CID, "my mother has lupus. tried rituximab")
    assert "I noted" in said(reply) and "who am I talking to" in said(reply)
    reply = engine.message(CID, "family")
    assert reply.role == "patient" and reply.state == ASKING
    assert any(f.concept == "sle" for f in engine.profile(CID).facts)


def test_a_stale_button_does_not_answer_the_current_question(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus, I'm 50")
    first = engine.message(CID, "no HIV")            # asks about pregnancy now
    stale = "o:1:1"                                   # "No" on an earlier question
    reply = engine.press(CID, stale)
    assert "already answered" in said(reply)
    assert not any(f.label == "PREGNANCY" for f in engine.profile(CID).facts)
    assert "pregnant" in said(first)


def test_the_role_buttons_label_typed_later_is_never_an_answer(engine):
    """In the terminal chat a button is pressed by typing its label: "Patient or family"
    typed at the city question (the first message's role button, pressed late) is no
    city; "Clinician" typed later switches the wording, as /role clinician does."""
    engine.start(CID)
    engine.message(CID, "my husband (52) has lupus, mycophenolate failed")
    reply = engine.message(CID, "no HIV")
    reply = engine.message(CID, "no")
    while reply.state != LOCATION:
        reply = engine.message(CID, "not sure")
    reply = engine.message(CID, "Patient or family")
    assert "already answered" in said(reply) and reply.state == LOCATION
    assert engine.profile(CID).first("LOCATION") is None
    reply = engine.message(CID, "Clinician")
    assert reply.role == "clinician" and engine.profile(CID).first("LOCATION") is None


def test_commands_work_as_words_and_slashes(engine):
    engine.start(CID, role="patient")
    assert "/summary" in said(engine.message(CID, "help"))
    assert "Trials I know (2)" in said(engine.message(CID, "/trials"))
    reply = engine.message(CID, "/trial local-cd7-tumours")
    assert "NCT number unknown" in said(reply) and "Contacts: unknown" in said(reply)
    assert "I don't know a trial" in said(engine.message(CID, "/trial NCT99999999"))
    assert "I don't know the command /frobnicate" in said(engine.message(CID, "/frobnicate"))


def test_summary_lists_met_unmet_and_unknown_criteria_per_candidate(engine):
    engine.start(CID, role="clinician")
    engine.message(CID, "SLE, age 70, no HIV")
    reply = engine.command(CID, "summary")
    summary = Renderer(PLAIN).render(reply)[-1]      # a message of its own, to forward
    assert summary.startswith("Referral summary for the trial coordinator")
    assert "Patient: SLE; no HIV; age 70" in summary
    assert "CD7 CAR-T" in summary                     # still possible
    assert "Unknown (to confirm):\n - [inc-1] CD7-positive T-cell leukaemia or lymphoma" in summary
    assert "Also screened, likely excluded:\n - NCT00000001: [inc-2] Age 18 to 65 years (age 70)" in summary


def test_ruled_out_trials_say_why_with_the_users_words(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus, I'm 70")
    text = said(engine.command(CID, "results"))
    assert "Trials that probably don't fit:" in text
    assert "Because: the trial needs Age 18 to 65 years (you told me: age 70)" in text


def test_restart_clears_the_profile_and_asks_again(engine, fresh_db):
    engine.start(CID, role="patient")
    engine.message(CID, "lupus, I'm 44")
    reply = engine.command(CID, "restart")
    assert "Started over" in said(reply) and reply.state == ROLE
    assert engine.profile(CID).facts == []
    assert fresh_db.execute("SELECT COUNT(*) FROM events WHERE conversation_id = ?", [CID]).fetchone()[0] == 0
    reply = engine.message(CID, "clinician")
    assert reply.role == "clinician" and reply.state == INTAKE


def test_an_overlong_message_is_refused_politely(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "lupus " * 5000)
    assert "too long" in said(reply)
    assert engine.profile(CID).facts == []


def test_control_characters_are_harmless(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "lupus\x00\x07 since 2015")
    assert "systemic lupus erythematosus" in said(reply)


def test_a_parent_writing_for_a_child_is_asked_the_age_first(engine):
    """"my daughter has lupus": she may be 8 or 28 and most trials take adults only, so
    the age comes before anything else (data/phrasings.yaml age_first)."""
    engine.start(CID)
    reply = engine.message(CID, "my daughter has lupus, mycophenolate failed")
    assert "How old is she?" in said(reply)
    reply = engine.message(CID, "she is 16")
    assert engine.profile(CID).age == 16


def test_a_city_given_after_its_question_was_answered_otherwise_is_kept(engine):
    """"Which city?" answered with more history, then "Leeds, UK" on its own: the place
    (was "Sorry, I couldn't find anything I can use"); "Thanks" is no place."""
    reply = engine.start(CID)
    reply = press(engine, reply, "Patient or family")
    engine.message(CID, "I have lupus since 2015, tried mycophenolate, no HIV")
    engine.message(CID, "I'm 44")
    reply = engine.message(CID, "no")             # not pregnant
    assert reply.state == LOCATION
    engine.message(CID, "tried mycophenolate")
    reply = engine.message(CID, "Thanks")
    assert "lives in" not in said(reply)
    reply = engine.message(CID, "Leeds, UK")
    assert "I noted: lives in Leeds, UK." in said(reply)


def test_a_question_to_the_bot_inside_a_description_keeps_the_description(engine):
    """"... failed mesalamine ... am i eligible for car t?": the eligibility answer, and the
    history noted (the whole message was answered as a question and dropped)."""
    reply = engine.start(CID)
    reply = press(engine, reply, "Patient or family")
    reply = engine.message(CID, "I have lupus since 2015, tried mycophenolate. am i eligible?")
    text = said(reply)
    assert "only the trial team decides" in text
    assert "I noted: systemic lupus erythematosus since 2015; tried mycophenolate mofetil" in text
