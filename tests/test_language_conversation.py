"""A conversation in Chinese through the engine (with the stand-ins of chat_fakes.py and a
small Chinese word list, so the engine's language handling is pinned down apart from the
Chinese extractor): replies follow the user's language, short answers keep it, /language
and "中文"/"English" switch, the language is stored with the conversation (it survives a
restart of the process, /restart keeps it, /forget deletes it), Chinese answers work for
buttons and the role question, and a message in a language the bot does not read is
answered with the languages it reads."""
from __future__ import annotations

import re

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, INTAKE, ROLE
from chat_fakes import TRIALS, fake_extract, fake_match, fake_next_question
from core.facts import Fact
from data.store import connect

CID = "cli:zh"
ZH_WORDS = {"狼疮": ("CONDITION", "sle"), "吗替麦考酚酯": ("DRUG", "mycophenolate"), "杭州": ("LOCATION", "杭州")}


def extract(text: str, source: str | None = None, today=None) -> list[Fact]:
    facts = fake_extract(text, source=source, today=today)
    for word, (label, concept) in ZH_WORDS.items():
        at = text.find(word)
        if at >= 0:
            facts.append(Fact(label, concept, word, at, at + len(word), source=source))
    for m in re.finditer(r"(\d{1,3})岁", text):
        value = float(m.group(1))
        facts.append(Fact("AGE", "age", m.group(), m.start(), m.end(), value=value, value_normalized=value, source=source))
    return facts


def make_engine(db) -> Engine:
    return Engine(SessionStore(db), extract=extract, match=fake_match, next_question=fake_next_question,
                  trials=TRIALS, gazetteer=None)


@pytest.fixture
def engine(fresh_db):
    return make_engine(fresh_db)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def buttons(reply) -> list[str]:
    renderer = Renderer(PLAIN)
    renderer.keyboard(reply)
    return [renderer.choice_label(c) for c in reply.choices]


def test_a_chinese_first_message_gets_chinese_replies_and_the_role_question_in_chinese(engine):
    engine.start(CID)
    reply = engine.message(CID, "26岁，有狼疮，吗替麦考酚酯没效果")    # no one named: who writes?
    assert reply.lang == "zh" and reply.state == ROLE
    assert "我记下了" in said(reply) and "请问您是哪一位" in said(reply)
    assert "couldn't find anything" not in said(reply)
    assert buttons(reply) == ["患者或家属", "医生"]
    reply = engine.message(CID, "家属")             # the role question accepts Chinese
    assert reply.state != ROLE and reply.role == "patient" and reply.lang == "zh"
    assert "谢谢" in said(reply)


def test_a_chinese_first_message_telling_ones_own_illness_is_not_asked_the_role(engine):
    # "I am 26, I have lupus …": the writer's own (round 31, as "im 34 f with crohns …" in English)
    engine.start(CID)
    reply = engine.message(CID, "我26岁，有狼疮，吗替麦考酚酯没效果")
    assert reply.lang == "zh" and reply.state != ROLE and reply.role == "patient"
    assert "请问您是哪一位" not in said(reply) and "/role clinician" in said(reply)


def test_a_relatives_chinese_first_message_is_not_asked_the_role(engine):
    engine.start(CID)
    reply = engine.message(CID, "我女儿26岁，狼疮，吗替麦考酚酯没效果")   # a relative writes, as "my daughter is 26…"
    assert reply.lang == "zh" and reply.state != ROLE and reply.role == "patient"
    assert "请问您是哪一位" not in said(reply) and "/role clinician" in said(reply)


@pytest.mark.parametrize("answer", ["帮我妈妈问", "我女儿", "为我儿子", "我是她爸爸", "患者是我老公"])
def test_chinese_answers_naming_a_relative_choose_patient_wording(engine, answer):
    engine.start(CID)
    reply = engine.message(CID, answer)
    assert reply.role == "patient" and reply.state != ROLE


def test_short_answers_keep_the_conversation_language(engine):
    engine.start(CID)
    engine.message(CID, "患者")
    reply = engine.message(CID, "我有狼疮，2015年确诊")
    assert reply.state == ASKING and reply.lang == "zh"
    for answer in ("26", "yes", "MMF"):
        reply = engine.message(CID, answer)
        assert reply.lang == "zh", answer


def test_chinese_yes_and_no_answer_a_yes_no_question(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "我有狼疮，今年30岁")
    reply = engine.message(CID, "没有")            # "Have you ever tested positive for HIV?"
    profile = engine.profile(CID)
    assert any(f.label == "INFECTION" and f.negated for f in profile.facts), said(reply)
    assert reply.lang == "zh" and "跳过" not in said(reply)


def test_an_english_message_switches_back_and_the_language_command_switches(engine):
    engine.start(CID, role="patient")
    assert engine.message(CID, "我有狼疮").lang == "zh"
    assert engine.message(CID, "I am not sure what you mean by that").lang == "en"
    reply = engine.message(CID, "/language zh")
    assert reply.lang == "zh" and "我会用中文回复" in said(reply)
    reply = engine.message(CID, "English")
    assert reply.lang == "en" and "answer in English" in said(reply)
    reply = engine.message(CID, "中文")
    assert reply.lang == "zh"
    reply = engine.message(CID, "/language")
    assert "当前语言：中文" in said(reply)
    reply = engine.message(CID, "/help")
    assert "/language – 切换语言" in said(reply)


def test_the_language_is_stored_with_the_conversation(tmp_path):
    path = tmp_path / "chat.db"
    db = connect(path)
    engine = make_engine(db)
    engine.start(CID, role="patient")
    engine.message(CID, "我有狼疮")
    db.close()
    again = make_engine(connect(path))              # a new process on the same database
    reply = again.message(CID, "26")
    assert reply.lang == "zh"
    reply = again.message(CID, "/restart")          # a fresh start keeps the language
    assert reply.lang == "zh" and "已重新开始" in said(reply)
    assert again.message(CID, "yes").lang == "zh"
    reply = again.message(CID, "/forget")           # the last reply still in Chinese …
    assert reply.lang == "zh" and "删除" in said(reply)
    assert again.store.events(CID) == []            # … and nothing of it is kept
    assert again.start(CID).lang == "en"


@pytest.mark.parametrize("text, sentence", [
    ("Hola, ¿qué ensayos clínicos hay para mi madre?", "Lo siento, solo entiendo inglés y chino."),
    ("Bonjour, je cherche un essai pour ma femme", "Désolé, je ne comprends que l'anglais et le chinois."),
    ("Здравствуйте, какие есть исследования для моей мамы?", "Извините, я понимаю только английский и китайский."),
])
def test_a_message_in_a_language_not_read_is_told_which_languages_are(engine, text, sentence):
    engine.start(CID)
    reply = engine.message(CID, text)
    words = said(reply)
    assert sentence in words and "I read English and Chinese" in words
    assert "couldn't find anything" not in words and "Please choose one of the buttons" not in words
    assert reply.state == ROLE and reply.lang == "en"


def test_a_message_not_read_is_never_taken_as_the_answer_to_a_question(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus since 2015")
    reply = engine.message(CID, "Меня зовут Иван, мне сорок лет")     # to "How old are you?"
    assert "Извините" in said(reply) and reply.state == ASKING
    assert engine.profile(CID).age is None


def test_clinical_shorthand_that_looks_foreign_is_still_read(fresh_db):
    """The real extractor: shorthand the detector calls Indonesian is mostly facts."""
    from nlp.pipeline import extract as real_extract

    engine = Engine(SessionStore(fresh_db), extract=real_extract, match=fake_match,
                    next_question=fake_next_question, trials=TRIALS, gazetteer=None)
    engine.start(CID, role="clinician")
    reply = engine.message(CID, "Lupus 26F, SLEDAI-2K 16, BILAG A 1 (renal), BILAG B 2.")
    assert "Noted" in said(reply) and "I read English and Chinese" not in said(reply)
    assert reply.state in (ASKING, INTAKE)


def test_a_message_in_another_language_that_names_a_disease_says_what_was_not_read(fresh_db):
    """"Hola, mi hija de 17 años tiene lupus": lupus is read and noted, and the mother is
    told in Spanish and English that the rest (her daughter, the age) was not."""
    from nlp.pipeline import extract as real_extract

    engine = Engine(SessionStore(fresh_db), extract=real_extract, match=fake_match,
                    next_question=fake_next_question, trials=TRIALS, gazetteer=None)
    engine.start(CID, role="patient")
    reply = engine.message(CID, "Hola, mi hija de 17 años tiene lupus y el micofenolato no funcionó")
    text = said(reply)
    assert "solo entiendo" in text and "picked out just a few words" in text
    assert "lupus" in text.lower() and any(f.concept == "sle" for f in engine.profile(CID).facts)


def test_the_transports_language_is_taken_at_start(engine):
    reply = engine.start(CID, lang="zh-hans")       # Telegram's language_code
    assert reply.lang == "zh" and "请问您是哪一位" in said(reply)
    assert engine.start("cli:other", lang="en-GB").lang == "en"
    assert engine.start("cli:third", lang="fr").lang == "en"       # a language not read: English
