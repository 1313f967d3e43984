"""Whatever a user types, the conversation answers with a message or a question, never a
traceback: arbitrary Unicode, control characters and NUL, emoji, right-to-left scripts,
Chinese, absurd numbers, malformed units, 1 MB messages. What it sends over Telegram is
always valid Telegram HTML within 4096 characters. Messages above the engine's limit
(``MAX_MESSAGE_CHARS``, 20,000 characters) are refused politely and nothing of them is
read or stored. (Property-based: hypothesis, with bounded examples.)"""
from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.cli_chat import run_chat
from bot.engine import MAX_MESSAGE_CHARS, Engine
from bot.render import HTML, PLAIN, Renderer, split_message
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from chat_fakes import fake_engine
from data.store import connect, open_store
from benchmarks.fake_bot_api import FakeBotAPI, parse_html, polling

MB = 1_000_000
WORDS = [
    "lupus", "SLE", "Crohn's", "creatinine", "platelets", "ALT", "ECOG", "HIV", "HBsAg", "age", "years old",
    "mg/dL", "umol/L", "x10^9/L", "×10⁹/L", "10^^9/LL", "mg/dLL/dl/", "µL", "%", "/", "g/", "IU",
    "no", "not", "never", "since", "2015", "-5", "99999999", "1e308", "-0", "0.000001", "NaN", "inf",
    "rituximab", "mycophenolate", "pregnant", "Hangzhou", "杭州", "患者", "系统性红斑狼疮", "肌酐",
    "مريض", "الذئبة", "שלום", "\u202e", "\u200f", "\u200b", "\ufeff", "😀", "👩‍⚕️", "🩸", "\x00", "\x07", "\x1b[31m",
    "\r", "\n", "\t", "<b>", "</i>", "&amp;", "<script>", "`", "*", "_", "yes", "skip", "not sure",
    "/start", "/profile", "/trial", "/summary", "/forget", "/restart", "/results", "/help", "actually", "no,",
    "I'm", "creatinine 99999999", "-5 years old", "platelets 15000", "age 250", "weight -70 kg",
]
NASTY = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), max_size=120),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=20).map("".join),
    st.builds(lambda name, n, unit: f"{name} {n} {unit}", st.sampled_from(WORDS[:12]),
              st.one_of(st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(str)),
              st.text(max_size=8)),
)


def sent_over_telegram(engine: Engine, reply) -> list[str]:
    """The reply as the Telegram transport sends it; each piece as Telegram would take it."""
    renderer = Renderer(HTML, engine.texts)
    pieces = [piece for message in renderer.render(reply) for piece in split_message(message)]
    for piece in pieces:
        text, _ = parse_html(piece)                 # raises where Telegram answers 400
        assert text.strip() and len(text.encode("utf-16-le")) // 2 <= 4096
    for row in renderer.keyboard(reply):
        for label, data in row:
            assert label and len(data.encode()) <= 64   # Telegram's callback_data limit
    return pieces


def answered(engine: Engine, reply) -> None:
    """A reply says something: a message or a question, in both renderings."""
    assert reply is not None and reply.blocks
    assert "\n".join(Renderer(PLAIN, engine.texts).render(reply)).strip()
    sent_over_telegram(engine, reply)


@pytest.fixture(scope="module")
def real():
    """The real pipeline (extraction, matching, bundled trials), loaded once."""
    engine = Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 1, 15))
    engine.warm_up()
    return engine


_count = iter(range(10**9))


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(role=st.sampled_from([None, "patient", "clinician"]), messages=st.lists(NASTY, min_size=1, max_size=5),
       press=st.booleans())
def test_any_text_gets_a_message_or_a_question_from_the_conversation_logic(role, messages, press):
    engine = fake_engine(SessionStore(connect(":memory:")))
    cid = f"cli:{next(_count)}"
    answered(engine, engine.start(cid, role=role))
    for text in messages:
        reply = engine.message(cid, text)
        answered(engine, reply)
        if press and reply.choices:
            answered(engine, engine.press(cid, reply.choices[-1].data))
    engine.store.db.close()


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(role=st.sampled_from(["patient", "clinician"]), messages=st.lists(NASTY, min_size=1, max_size=3))
def test_any_text_gets_a_message_or_a_question_through_the_real_pipeline(real, role, messages):
    cid = f"cli:real-{next(_count)}"
    answered(real, real.start(cid, role=role))
    for text in messages:
        reply = real.message(cid, text)
        answered(real, reply)
        if reply.choices:
            answered(real, real.press(cid, reply.choices[0].data))
    for fact in real.profile(cid).facts:          # a value kept for matching is a plausible one
        if fact.implausible:
            assert fact.value_normalized is None or fact.label in ("AGE", "SCORE", "WEIGHT")


@pytest.mark.parametrize("text", [
    "creatinine 99999999", "-5 years old", "platelets 15000", "age 250", "weight -70 kg", "ECOG 9",
    "creatinine 1.2 mg/dLL/dl/", "platelets 15 x10^^9/LL", "ALT 1e308 U/L", "hemoglobin NaN g/dL", "creatinine inf",
    "患者，女，34岁，系统性红斑狼疮，肌酐 99999999", "مريض بالذئبة الحمراء منذ 2015", "\u202elupus since 2015\u202c",
    "lupus\x00since\x002015", "\x1b[31mlupus\x1b[0m", "😀" * 5000, "lupus " * 3000, "0" * 19_000,
])
def test_named_nasty_inputs_are_answered(real, text):
    cid = f"cli:named-{next(_count)}"
    real.start(cid, role="patient")
    answered(real, real.message(cid, text))


@pytest.mark.parametrize("size", [MAX_MESSAGE_CHARS + 1, MB])
def test_a_message_over_the_limit_is_refused_politely_and_nothing_is_stored(real, size):
    cid = f"cli:huge-{size}"
    real.start(cid, role="patient")
    before = len(real.store.events(cid))
    reply = real.message(cid, ("I have lupus since 2015 and my name is Bartholomew. " * (size // 50 + 1))[:size])
    assert [b.data.get("key") for b in reply.blocks] == ["too_long"]
    assert reply.blocks[0].data["values"]["limit"] == MAX_MESSAGE_CHARS
    text = "\n".join(Renderer(PLAIN, real.texts).render(reply))
    assert "too long" in text and f"{MAX_MESSAGE_CHARS:,}".replace(",", "") in text.replace(",", "")
    assert len(real.store.events(cid)) == before
    sent_over_telegram(real, reply)


def test_a_message_at_the_limit_is_read(real):
    cid = "cli:at-limit"
    real.start(cid, role="patient")
    story = ("I have lupus since 2015, mycophenolate didn't help. " * 400)[:MAX_MESSAGE_CHARS]
    reply = real.message(cid, story)
    assert "noted" in reply.kinds()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(["trial", "profile", "summary", "results", "trials", "help", "restart", "start",
                             "unknown", "TRIAL", "trial@trialbot_test_bot"]),
       arg=NASTY)
def test_any_command_argument_is_answered(name, arg):
    engine = fake_engine(SessionStore(connect(":memory:")))
    engine.start("tg:1", role="clinician")
    engine.message("tg:1", "lupus, I'm 44")
    answered(engine, engine.message("tg:1", f"/{name} {arg}"))
    answered(engine, engine.command("tg:1", name.split("@")[0].lower(), arg))
    engine.store.db.close()


def test_the_cli_chat_takes_any_line_without_a_traceback(tmp_path):
    engine = fake_engine(SessionStore(connect(str(tmp_path / "bot.db"))))
    lines = [w for w in WORDS if "\n" not in w and "\r" not in w] + ["x" * MB, "lupus, I'm 44", "/forget"]
    out, err = io.StringIO(), io.StringIO()
    assert run_chat(engine, "nasty", role="patient", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out,
                    stderr=err, interactive=False) == 0
    assert err.getvalue() == ""
    assert "too long" in out.getvalue() and "I deleted everything" in out.getvalue()


async def test_nasty_messages_over_telegram_each_get_a_reply(fresh_db):
    nasty = ["\x00\x01\x02", "\u202e\u200f שלום مريض", "患者：系统性红斑狼疮 肌酐 99999999", "👩‍⚕️🩸😀" * 300,
             "creatinine 99999999", "-5 years old", "<b>lupus</b> & <script>", "x" * MB]
    with FakeBotAPI() as api:
        app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url,
                                maintenance_every=None)
        async with polling(app):
            api.user_says(1, "/start")
            api.user_says(1, "patient")
            await api.reply_to(1, 1, "in your own words")
            for n, text in enumerate(nasty):
                sent = len(api.messages(1))
                api.user_says(1, text)
                await api.reply_to(1, sent)
    texts = api.texts(1)
    assert not any("went wrong" in t or "出了点问题" in t for t in texts)
    assert "too long" in texts[-1] or "太长" in texts[-1]     # the Chinese message made the conversation Chinese


def test_a_message_with_huge_runs_of_emoji_and_punctuation_is_read_quickly(fresh_db):
    """spaCy's tokenizer is quadratic in runs of symbols without spaces; the extractor
    blanks such runs (nlp.pipeline.MAX_SYMBOL_RUN), so the real pipeline still finds the words."""
    engine = Engine(SessionStore(fresh_db), gazetteer=None)
    engine.start("cli:1", role="patient")
    engine.message("cli:1", "😀" * 8000 + " lupus " + "!" * 10_000)   # under the 20,000-character limit
    assert "sle" in [f.concept for f in engine.profile("cli:1").facts]      # the words still count
