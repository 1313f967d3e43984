"""Access: an optional clinician allowlist (TRIALBOT_CLINICIANS: Telegram user ids allowed
clinician mode; others get patient wording with a polite note) and a per-user rate limit
(TRIALBOT_RATE_LIMIT messages a minute) with one polite reply; refused messages are
neither read nor stored. Buttons cannot be forged into anything but a known action."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.access import RateLimiter, clinician_allowlist
from bot.engine import Channel
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from chat_fakes import fake_engine
from data.store import connect
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE, BOB = 3101, 3102
NOT_ALLOWED = Channel(clinician_ok=False)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- clinician allowlist -------------------------------------------------------------------

def test_the_allowlist_setting_is_a_set_of_user_ids_or_nobody_is_restricted(monkeypatch):
    assert clinician_allowlist("123, 456;789") == frozenset({123, 456, 789})
    assert clinician_allowlist("") is None and clinician_allowlist("  ") is None
    monkeypatch.delenv("TRIALBOT_CLINICIANS", raising=False)
    assert clinician_allowlist() is None
    monkeypatch.setenv("TRIALBOT_CLINICIANS", "42")
    assert clinician_allowlist() == frozenset({42})
    with pytest.raises(ValueError, match="TRIALBOT_CLINICIANS"):
        clinician_allowlist("doctor-who")


@pytest.mark.parametrize("choose", [
    lambda engine, cid: engine.press(cid, "r:clinician", channel=NOT_ALLOWED),
    lambda engine, cid: engine.message(cid, "I'm a doctor", channel=NOT_ALLOWED),
])
def test_a_user_not_on_the_allowlist_gets_patient_wording_and_a_polite_note(fresh_db, choose):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start("tg:1", channel=NOT_ALLOWED)
    reply = choose(engine, "tg:1")
    assert reply.role == "patient"
    keys = [b.data.get("key") for b in reply.blocks]
    assert keys[:2] == ["clinician_not_allowed", "role_set"]
    assert engine.texts.text("clinician_not_allowed", None).startswith("Clinician mode is available only")


def test_a_role_given_at_start_is_checked_too(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    assert engine.start("tg:1", role="clinician", channel=NOT_ALLOWED).role == "patient"
    assert engine.start("tg:2", role="clinician").role == "clinician"


def test_a_clinician_removed_from_the_allowlist_is_switched_to_patient_wording(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start("tg:1", role="clinician")
    engine.message("tg:1", "SLE")
    reply = engine.message("tg:1", "I'm 44", channel=NOT_ALLOWED)
    assert reply.role == "patient" and reply.blocks[0].data["key"] == "clinician_not_allowed"
    assert engine.profile("tg:1").age == 44                     # the conversation itself goes on


async def test_over_telegram_only_listed_users_get_clinician_mode(fresh_db):
    with FakeBotAPI() as api:
        app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url,
                                clinicians=frozenset({BOB}), maintenance_every=None)
        async with polling(app):
            for user in (ALICE, BOB):
                api.user_says(user, "/start")
            await api.until(lambda: api.messages(ALICE) and api.messages(BOB), what="both greeted")
            api.press(ALICE, "Clinician")
            api.press(BOB, "Clinician")
            await api.until(lambda: len(api.messages(ALICE)) >= 2 and len(api.messages(BOB)) >= 2, what="both replies")
    alice, bob = api.texts(ALICE)[1], api.texts(BOB)[1]
    assert "Clinician mode is available only" in alice and "I'll keep it simple" in alice
    assert "Clinician mode: terse wording" in bob and "available only" not in bob


# --- rate limit ---------------------------------------------------------------------------

def test_the_token_bucket_allows_a_burst_then_one_message_per_refill():
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    assert [limiter.check("a") for _ in range(5)] == ["ok", "ok", "ok", "refuse_and_tell", "refuse"]
    assert limiter.check("b") == "ok"                            # per user
    clock.now += 20                                              # 3 a minute: one back every 20 s
    assert [limiter.check("a") for _ in range(3)] == ["ok", "refuse_and_tell", "refuse"]
    clock.now += 3600                                            # a full bucket, never more
    assert [limiter.check("a") for _ in range(4)] == ["ok", "ok", "ok", "refuse_and_tell"]


def test_a_zero_limit_turns_it_off_and_a_bad_setting_is_named(monkeypatch):
    limiter = RateLimiter(0)
    assert all(limiter.check("a") == "ok" for _ in range(1000))
    monkeypatch.setenv("TRIALBOT_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="TRIALBOT_RATE_LIMIT must be a number"):
        RateLimiter.from_settings()
    monkeypatch.setenv("TRIALBOT_RATE_LIMIT", "-1")
    with pytest.raises(ValueError, match="at least 0"):
        RateLimiter.from_settings()
    monkeypatch.delenv("TRIALBOT_RATE_LIMIT")
    assert RateLimiter.from_settings().capacity == 20


async def test_a_user_flooding_the_bot_gets_one_polite_reply_and_nothing_is_read(db_path):
    clock = Clock()
    db = connect(db_path)
    with FakeBotAPI() as api:
        app = build_application(fake_engine(SessionStore(db), transport="telegram"), api.token, api.base_url,
                                limiter=RateLimiter(3, clock=clock), maintenance_every=None)
        async with polling(app):
            api.user_says(ALICE, "/start")
            api.user_says(ALICE, "patient")
            api.user_says(ALICE, "lupus")
            for n in range(6):
                api.user_says(ALICE, f"I'm {50 + n}")            # the flood
            api.user_says(BOB, "/start")                         # another user is not affected
            await api.until(lambda: len(api.messages(ALICE)) == 4 and api.messages(BOB), what="replies")
            assert sum("faster than I can take them in" in t for t in api.texts(ALICE)) == 1
            assert fake_engine(SessionStore(db)).profile(f"tg:{ALICE}").age is None    # none of it was read
            clock.now += 60
            api.user_says(ALICE, "I'm 44")
            await api.reply_to(ALICE, 4, "age 44")
    assert db.execute("SELECT COUNT(*) FROM processed_updates WHERE conversation_id = ?", [f"tg:{ALICE}"]).fetchone()[0] == 4


# --- forged buttons ----------------------------------------------------------------------

@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(
    st.text(max_size=80),
    st.builds(lambda kind, token, value: f"{kind}:{token}:{value}",
              st.sampled_from(["o", "c", "r", "cmd", "more", "x", ""]),
              st.one_of(st.integers(-5, 10**20).map(str), st.text(max_size=5)),
              st.one_of(st.integers(-5, 10**20).map(str), st.sampled_from(["yes", "no", "unsure", "skip", "forget",
                                                                             "clinician", "../", "\x00"]),
                        st.text(max_size=8))),
))
def test_any_button_data_a_client_can_send_is_a_known_action_or_a_polite_note(data):
    db = connect(":memory:")
    engine = fake_engine(SessionStore(db))
    engine.start("tg:1", role="patient", channel=NOT_ALLOWED)
    engine.message("tg:1", "lupus")                              # a question is pending
    before = engine.profile("tg:1")
    reply = engine.press("tg:1", data, channel=NOT_ALLOWED)
    assert reply is not None and reply.blocks
    assert reply.role == "patient"                               # no button grants clinician mode
    if data.startswith(("o:", "c:")) and reply.blocks[0].data.get("key") == "stale_button":
        assert engine.profile("tg:1").facts == before.facts
    db.close()
