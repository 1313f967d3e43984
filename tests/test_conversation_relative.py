"""The relative's conversation (issue #16): when the first messages show a relative is
writing ("my daughter is 24, she has lupus nephritis, mycophenolate failed"), every
question and result speaks of the patient in the third person (data/voices.yaml)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.voices import load_voices
from chat_fakes import TRIALS, FakeQuestion, fake_extract, fake_match
from core.facts import Fact
from data.store import open_store

CID = "cli:relative"
FIRST = "my daughter is 24, she has lupus nephritis, mycophenolate failed"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def questions(results, profile, exclude):
    texts = [("age", "How old are you?"), ("pregnancy", "Are you currently pregnant, breastfeeding, or planning a pregnancy?"),
             ("weight", "What is your weight (in kg, or say lb)?"), ("lab:creatinine", "Do you know your latest creatinine result?")]
    for key, text in texts:
        if key not in exclude:
            form = "number" if key in ("age", "weight") or key.startswith("lab:") else "yes_no"
            return FakeQuestion(key, text, "Clinical: " + key, form=form,
                                on_number=lambda v, key=key: [Fact("WEIGHT" if key == "weight" else "AGE", key, "x", 0, 1, value=v)],
                                on_no=lambda: [Fact("PREGNANCY", "pregnant", "x", 0, 1, negated=True)])
    return None


@pytest.fixture
def engine(fresh_db):
    return Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
                  trials=TRIALS, gazetteer=None)


@pytest.mark.parametrize("opening", ["my daughter has lupus since 2015", "my husband (50) has lupus since 2015"])
def test_a_relatives_first_message_needs_no_role_question(engine, opening):      # Chinese: test_language_*
    engine.start(CID)                                    # no role yet
    reply = engine.message(CID, opening)
    assert reply.role == "patient" and reply.state != "ROLE"
    assert "/role clinician" in said(reply)              # the reply says how to change it


def test_a_patients_first_message_telling_their_own_illness_sets_the_role(engine):
    """Round 30: "I have lupus since 2015" is the patient's own telling (a clinician writes
    of a patient): everyday wording at once, said with how to change it."""
    engine.start(CID)
    reply = engine.message(CID, "I have lupus since 2015")
    assert reply.state != "ROLE" and reply.role == "patient"
    assert "/role clinician" in said(reply)


def test_a_daughter_is_asked_about_in_the_third_person(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "my daughter has lupus since 2015")
    assert "How old is she?" in said(reply)
    reply = engine.message(CID, "24")
    assert "Is your daughter currently pregnant, breastfeeding, or planning a pregnancy?" in said(reply)
    reply = engine.message(CID, "no")
    assert "What is her weight" in said(reply)
    reply = engine.message(CID, "60")
    assert "Do you have your daughter's recent blood test results?" in said(reply)
    reply = engine.message(CID, "yes")
    assert "Do you know her latest creatinine result?" in said(reply)
    reply = engine.message(CID, "skip")
    assert "Which city does your daughter live in?" in said(reply)
    reply = engine.message(CID, "skip")
    text = said(reply)
    assert "Trials your daughter may qualify for" in text
    assert "whether your daughter may take part" in text and "with your daughter's doctor" in text


def test_a_son_and_a_child(fresh_db):
    for first, age_question, labs in [
        ("asking for my son, he has lupus since 2015", "How old is he?", "your son's recent blood test results"),
        ("my child has lupus since 2015", "How old is your child?", "your child's recent blood test results"),
    ]:
        engine = Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
                        trials=TRIALS, gazetteer=None)
        cid = CID + first[:8]
        engine.start(cid, role="patient")
        assert age_question in said(engine.message(cid, first))
        engine.message(cid, "12")
        engine.message(cid, "no")
        assert labs in said(engine.message(cid, "40"))


def test_the_patient_writing_keeps_the_second_person(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus since 2015")
    assert "How old are you?" in said(reply)
    reply = engine.message(CID, "my mother is 70")          # a relative named later changes nothing
    assert "your mother" not in said(reply)
    assert not [e for e in engine.store.events(CID) if e.type == "speaker"]


def test_a_clinician_keeps_clinical_wording(engine):
    engine.start(CID, role="clinician")
    reply = engine.message(CID, "my daughter has lupus since 2015")
    assert "Clinical: age" in said(reply)


def test_the_speaker_event_holds_no_text(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "my daughter has lupus since 2015, call me Anna")
    events = [e for e in engine.store.events(CID) if e.type == "speaker"]
    assert [e.payload for e in events] == [{"relation": "daughter", "sex": "female"}]
    assert "Anna" not in json.dumps([e.payload for e in engine.store.events(CID)])


def test_the_voice_survives_a_restarted_process(fresh_db):
    Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
           trials=TRIALS, gazetteer=None).start(CID, role="patient")
    first = Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
                   trials=TRIALS, gazetteer=None)
    first.message(CID, "my daughter has lupus since 2015")
    again = Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
                   trials=TRIALS, gazetteer=None)
    assert "Is your daughter currently pregnant" in said(again.message(CID, "24"))
    assert "What I know about your daughter so far" in said(again.command(CID, "profile"))


@pytest.mark.parametrize("patient,relative", [
    ("Have you ever been treated with rituximab?", "Has your daughter ever been treated with rituximab?"),
    ("Did you have to stop it because of side effects?", "Did your daughter have to stop it because of side effects?"),
    ("When did you last take prednisone?", "When did she last take prednisone?"),
    ("Do you know your most recent SLEDAI? Your doctor may have it.", "Do you know her most recent SLEDAI? Her doctor may have it."),
    ("Could you check it and give it again with its unit?", "Could you check it and give it again with its unit?"),
    ("Have you been told you were born with a weak immune system?", "Has your daughter been told she was born with a weak immune system?"),
    ("How many medicines have you tried that you are taking now?", "How many medicines has she tried that she is taking now?"),
])
def test_question_texts_in_the_third_person(patient, relative):
    voices = load_voices()
    assert voices.question(patient, voices.words("daughter", "female")) == relative


def test_every_question_of_questions_yaml_loses_the_second_person():
    from data.files import read_yaml
    from data.files import DATA_DIR
    voices = load_voices()
    words = voices.words("son", "male")
    raw = read_yaml(DATA_DIR / "questions.yaml")
    entries = list(raw["kinds"].values()) + list(raw["concepts"].values())
    for entry in entries:
        if "patient" in entry:
            third = voices.question(entry["patient"], words)
            leftover = [w for w in third.replace("your son", "").replace("?", " ").replace(",", " ").split() if w.lower() in ("your", "yourself")]
            assert not leftover, third



def test_the_real_pipeline_hears_the_relative(db_path):
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=date(2026, 12, 2))
    engine.start(CID, role="patient")
    reply = engine.message(CID, FIRST)
    text = said(reply)
    assert "female" in text and "age 24" in text
    assert "When did she last take mycophenolate mofetil?" in text     # the drug she takes first, not a rare exclusion
    for _ in range(10):
        if reply.state not in ("ASKING", "LOCATION"):
            break
        assert " you " not in said(reply).split("\n")[-1].replace("Do you have", "").replace("Do you know", "")
        reply = engine.message(CID, "not sure")
    assert "fit her" in said(reply) or "your daughter may qualify" in said(reply)
