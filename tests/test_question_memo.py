"""Question choice remembers each trial's question values across turns and conversations
(matching/questions.py ``_trial_values``: by the trial's plan and the values of every node
below its criteria, checked against its open leaves' keys and facts). Remembering must
never change a question: the conversations below are played with and without it and
must read the same, word for word."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest

from benchmarks import conversation as personas_bench
from benchmarks.synthetic import generate
from benchmarks.turns import answer_for, load_script, reply_text
from bot.engine import Engine
from bot.session_store import SessionStore
from bot.startup import build_engine
from core.facts import Fact, Profile
from data.store import open_store, upsert_trials
from data.trials import load_trials
from matching import pruned, questions
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 1, 15)
LUPUS = Fact("CONDITION", "sle", "lupus")


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("memo") / "many.db"
    db = open_store(path)
    upsert_trials(db, list(generate(load_trials(), 200, seed=5)), "synthetic", validate=False)
    db.close()
    return path


def _bench_transcripts(db_file: Path, folder: Path, remember: bool, monkeypatch) -> list[str]:
    """Every reply of the benchmark conversations (data/bench_conversations.yaml)."""
    monkeypatch.setattr(questions, "REMEMBER", remember)
    pruned.forget()
    copy = folder / f"many-{remember}.db"
    copy.write_bytes(db_file.read_bytes())
    engine = Engine(SessionStore(open_store(copy)), gazetteer=None, today=TODAY)
    script = load_script()
    said = []
    for number, conversation in enumerate(script["conversations"]):
        cid = f"cli:memo-{number}"
        engine.start(cid, role=conversation["role"])
        reply = None
        for text in conversation["messages"]:
            reply = engine.message(cid, text)
            said.append(reply_text(reply))
        for n in range(script["max_answers"]):
            answer = answer_for(reply, script["answers"], n)
            if answer is None:
                break
            reply = engine.message(cid, answer)
            said.append(reply_text(reply))
        said.append(reply_text(engine.message(cid, "results")))
    engine.store.db.close()
    return said


def test_the_bench_conversations_read_the_same_with_and_without_remembering(db_file, tmp_path, monkeypatch):
    fresh = _bench_transcripts(db_file, tmp_path, False, monkeypatch)
    remembered = _bench_transcripts(db_file, tmp_path, True, monkeypatch)
    assert len(remembered) == len(fresh) > 40
    assert sum("?" in r for r in fresh) > 20                   # questions were asked
    assert remembered == fresh
    assert questions._TRIAL_VALUES.hits > 0                     # values were reused from turn to turn


def _persona_rows(remember: bool, monkeypatch) -> list[dict]:
    monkeypatch.setattr(questions, "REMEMBER", remember)
    pruned.forget()
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(str(Path(folder) / "personas.db"), transport="cli")
        engine.today = personas_bench.TODAY
        engine._gazetteer = None
        chosen: dict[tuple, dict] = {}
        for persona in personas_bench.load_personas():     # one of each role and style (all 30: ~30 s)
            chosen.setdefault((persona["role"], persona["style"]), persona)
        rows = personas_bench.run(engine, list(chosen.values()), extract)
        engine.store.db.close()
    return [{k: r[k] for k in ("id", "questions", "verdicts", "reference", "reference_questions")} for r in rows]


def test_the_personas_get_the_same_questions_with_and_without_remembering(monkeypatch):
    assert _persona_rows(True, monkeypatch) == _persona_rows(False, monkeypatch)


def _trial(trial_id, *rules):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "conditions": ["sle"],
            "criteria": [{"id": f"exc-{i}", "kind": "exclusion", "text": f"exc-{i}", "rule": rule}
                         for i, rule in enumerate(rules)]}


def test_only_the_trials_whose_values_changed_are_worked_out_again(monkeypatch):
    monkeypatch.setattr(questions, "REMEMBER", True)
    questions.forget()
    hiv = {"type": "infection", "agent": "hiv", "state": "positive"}
    hbv = {"type": "infection", "agent": "hbv", "state": "positive"}
    pregnant = {"type": "pregnancy", "states": ["pregnant"]}
    trials = [_trial("T-memo-1", hiv, pregnant), _trial("T-memo-2", hbv, pregnant)]
    memo = questions._TRIAL_VALUES
    hits, misses = memo.hits, memo.misses
    first = questions.next_question(match(Profile([LUPUS]), trials, today=TODAY))
    assert (memo.hits - hits, memo.misses - misses) == (0, 2)
    no_hiv = Fact("INFECTION", "hiv", "HIV negative", negated=True, status="negative")
    later = match(Profile([LUPUS, no_hiv]), trials, today=TODAY)
    again = questions.next_question(later)
    assert (memo.hits - hits, memo.misses - misses) == (1, 3)     # T-memo-2 reused
    monkeypatch.setattr(questions, "REMEMBER", False)
    fresh = questions.next_question(later)
    assert (again.key, again.gain, again.worth) == (fresh.key, fresh.gain, fresh.worth)
    assert first is not None


def test_node_values_read_the_same_inside_and_outside_the_snapshot():
    """The key of a trial's remembered values is its nodes' values as codes: nodes newer
    than the book's snapshot (judged one by one) read as the snapshot's would."""
    from matching.plans import Judgement, PlanBook
    from matching.evaluate import Evaluator
    from matching.vector import CODE

    book = PlanBook()
    record = load_trials()[0]
    book.plan(record)
    book.snapshot()
    extended = dict(record, id="extended", criteria=[*record["criteria"], {
        "id": "exc-new", "kind": "exclusion", "text": "Weight over 150 kg", "rule": {"type": "weight", "min": 150}}])
    later = book.plan(extended)                    # a small addition: no new snapshot
    assert book.snapshot().n < len(book)
    judgement = Judgement(book, Evaluator(Profile([LUPUS]), today=TODAY))
    nodes = book.subtree(later.tops)
    assert nodes[-1] >= book.snapshot().n          # some nodes outside the snapshot
    assert judgement.codes_of(nodes) == bytes(CODE[judgement.value(int(n))] for n in nodes)
    assert list(nodes) == sorted(set(nodes))
