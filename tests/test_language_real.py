"""The issue's Chinese conversation on the real pipeline (Chinese extraction, matching and
its questions, the bundled trials): "我女儿26岁，系统性红斑狼疮，吗替麦考酚酯和贝利尤单抗都没效果"
is understood, answered in Chinese, needs no role question (a relative writes: patient
wording, as for "my daughter…"), the questions and their buttons are Chinese, and the
results end with the reminder that the trial team decides."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, RESULTS
from data.store import get_trial, open_store, upsert_trials

pytest.importorskip("nlp.chinese")          # the Chinese extractor (issue #19, nlp half)

CID = "cli:zh-real"
TODAY = date(2026, 1, 15)


@pytest.fixture
def engine(db_path):
    db = open_store(db_path)
    # NCT05030779 recruiting, as a sync from the registry would leave it (tests/test_engine_real.py)
    upsert_trials(db, [dict(get_trial(db, "NCT05030779"), status="RECRUITING")], "bundled")
    return Engine(SessionStore(db), gazetteer=None, today=TODAY)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def buttons(reply) -> list[str]:
    renderer = Renderer(PLAIN)
    renderer.keyboard(reply)
    return [renderer.choice_label(c) for c in reply.choices]


def test_the_issues_chinese_conversation_runs_in_chinese(engine):
    engine.start(CID)
    reply = engine.message(CID, "我女儿26岁，系统性红斑狼疮，吗替麦考酚酯和贝利尤单抗都没效果")
    words = said(reply)
    # "我女儿…": a relative writes, so patient wording without the role question (as "my daughter…")
    assert reply.lang == "zh" and reply.role == "patient" and reply.state == ASKING
    assert "我记下了" in words and "吗替麦考酚酯（无效）" in words and "26岁" in words
    assert "couldn't find anything" not in words and "请问您是哪一位" not in words
    assert "/role clinician" in words and "您女儿" in words      # how to change it; her relative's voice
    profile = engine.profile(CID)
    assert any(f.label == "CONDITION" and f.concept == "sle" for f in profile.facts)
    assert any(f.label == "DRUG" and f.concept == "mycophenolate" and f.status == "failed" for f in profile.facts)

    for _ in range(12):                                   # answer every question "不确定"
        question = said(reply)
        assert not any(w in question for w in ("Have you", "Do you", "Are you")), question
        if reply.state != ASKING:
            break
        assert "不确定" in buttons(reply)
        reply = engine.message(CID, "不确定")
    if reply.state != RESULTS:
        reply = engine.message(CID, "结果")
    words = said(reply)
    assert reply.state == RESULTS and reply.lang == "zh"
    assert "NCT05030779" in words or "NCT07193667" in words
    assert "可能符合" in words and "只有试验团队才能决定" in words


def test_a_chinese_no_answers_a_choice_question(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "我女儿26岁，系统性红斑狼疮，吗替麦考酚酯没效果")
    for _ in range(30):                 # a rare exclusion: asked late ("ask me more"), never first
        if "怀孕" in said(reply) or reply.state not in (ASKING, RESULTS, "LOCATION"):
            break
        reply = engine.press(CID, "more:") if reply.state == RESULTS else engine.message(CID, "不确定")
    assert "您女儿目前是否怀孕" in said(reply) and "都不是" in buttons(reply)   # the relative's voice
    reply = engine.message(CID, "没有")                    # none of these
    assert "未怀孕" in said(reply)
    assert any(f.label == "PREGNANCY" and f.negated for f in engine.profile(CID).facts)
