"""Speed at 100,000 trials (issue #14 "Scale stays") and import reading (#15): what the
memos and copies added for speed give is what the code gave without them, and a caller
changing what it got does not change the next answer."""
from __future__ import annotations

import copy
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import trial_notes
from bot.trial_notes import offered
from core.facts import Fact, Profile
from data.catalogue import load_catalogue
from matching import engine as matching_engine
from matching.evaluate import Evaluator
from matching.plans import TrialPlan, _interned
from registry.run import _copied

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_the_rule_copy_equals_deepcopy_and_shares_nothing_mutable(value):
    copied = _copied(value, {})
    assert copied == copy.deepcopy(value)
    assert type(copied) is type(value)
    if isinstance(value, (dict, list)):
        assert copied is not value


def test_the_rule_copy_keeps_an_object_met_twice_one_object_as_deepcopy_does():
    shared = {"type": "lab", "analyte": "platelets"}
    rule = {"all": [shared, {"not": shared}], "extra": (1, [2])}
    copied = _copied(rule, {})
    assert copied == copy.deepcopy(rule)
    assert copied["all"][0] is copied["all"][1]["not"] and copied["all"][0] is not shared
    assert copied["extra"][1] is not rule["extra"][1]          # a tuple goes to deepcopy


@settings(max_examples=200, deadline=None)
@given(_json)
def test_an_interned_leaf_has_the_same_content_and_types(value):
    interned = _interned(value)
    assert interned == value and type(interned) is type(value)


def test_interned_strings_of_two_leaves_are_one_object():
    a = _interned({"type": "".join(["target_", "condition"]), "concepts": ["".join(["s", "le"])]})
    b = _interned({"type": "".join(["target_", "condition"]), "concepts": ["".join(["s", "le"])]})
    assert a["type"] is b["type"] and a["concepts"][0] is b["concepts"][0]


def _results(n: int, status_of) -> tuple[list, dict]:
    results = [SimpleNamespace(id=f"T{i:05d}", trial={"status": "RECRUITING"}) for i in range(n)]
    return results, {r.id: status_of(i) for i, r in enumerate(results)}


def test_offered_gives_the_same_answer_again_and_copies_of_it(monkeypatch):
    results, statuses = _results(3000, lambda i: "COMPLETED" if i % 3 == 0 else "RECRUITING")
    monkeypatch.setattr(trial_notes, "_statuses", lambda db: statuses)
    trial_notes._LAST_OFFERED.clear()
    first, left_out = offered(results, db=object())
    assert left_out == 1000 and [r.id for r in first] == [r.id for i, r in enumerate(results) if i % 3]
    first.clear()                                   # the caller's list: the next answer is whole
    again, left_again = offered(list(results), db=object())
    assert left_again == 1000 and len(again) == 2000 and again[0] is results[1]
    other = [SimpleNamespace(id=r.id, trial=r.trial) for r in results]    # equal, other objects
    kept, _ = offered(other, db=object())
    assert kept[0] is other[1]                      # worked out for these objects, not remembered
    reordered = results[::-1]
    kept, left = offered(reordered, db=object())
    assert left == 1000 and kept[0] is results[2999]           # 2999 % 3 != 0: offered


def test_offered_reads_the_statuses_again_when_the_trials_change(monkeypatch):
    results, statuses = _results(2000, lambda i: "RECRUITING")
    current = {"statuses": statuses}
    monkeypatch.setattr(trial_notes, "_statuses", lambda db: current["statuses"])
    trial_notes._LAST_OFFERED.clear()
    assert offered(results, db=object())[1] == 0
    current["statuses"] = {trial_id: "COMPLETED" for trial_id in statuses}     # a new version's list
    assert offered(results, db=object()) == ([], 2000)
    assert load_catalogue().offered_in_chat("RECRUITING")


def test_condition_fits_remembered_for_the_same_plans_and_conditions_are_copies():
    plans = [TrialPlan((), ("sle",)), TrialPlan((), ("rheumatoid_arthritis",)), TrialPlan((), ())]
    ev = Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 0, 5)]))
    first = matching_engine.condition_fits(plans, ev)
    first[0] = -1                                    # the caller's list
    again = matching_engine.condition_fits(plans, ev)
    assert again[0] > 0 and again[2] == 0 and again == matching_engine.condition_fits(list(plans), ev)
    other = Evaluator(Profile([Fact("CONDITION", "rheumatoid_arthritis", "RA", 0, 2)]))
    swapped = matching_engine.condition_fits(plans, other)
    assert swapped[1] > 0 and swapped[0] < again[0]


def test_keyword_memos_kept_within_their_row_limits_give_the_same_scores(tmp_path, monkeypatch):
    # the words' and the queries' BM25 memos drop their oldest entries past a number of rows:
    # what a turn reads after that is read again, the same numbers
    from data.store import open_store, upsert_trials
    from data.trials import load_trials
    from matching import keywords

    db = open_store(str(tmp_path / "k.db"))
    upsert_trials(db, list(load_trials()), "import")
    ids = sorted(r["id"] for r in load_trials())
    lupus = Fact("CONDITION", "sle", "lupus", status="stated")
    profiles = [Profile([lupus]), Profile([lupus, Fact("DRUG", "rituximab", "rituximab")]),
                Profile([Fact("CONDITION", "t_all", "T-ALL", status="stated"), Fact("DRUG", "cyclophosphamide", "cytoxan")])]
    asks = [(p, among) for p in profiles for among in (None, ids[:4], ids[2:], ids)]

    kept: list[int] = []

    def scores():
        for memo in (keywords._WORDS, keywords._SUMS, keywords._MEMO, keywords._AMONG):
            memo.clear()
        found = []
        for profile, among in asks:
            found.append(keywords.keyword_scores(db, profile, among=among))
            keywords._MEMO.clear()          # every ask reaches the word and query memos
            for memo, limit in ((keywords._WORDS, keywords.WORD_ROWS), (keywords._SUMS, keywords.SUM_ROWS)):
                rows = [keywords._rows_kept(entry) for entry in memo.values()]
                assert sum(rows) <= limit or len(rows) == 1     # the one just read may hold more alone
                kept.append(len(rows))
        return found

    own = keywords._own_scores
    # the memos of FTS5's scores (a word FTS5 reads as a phrase, an older store; the term
    # counts of data/bm25.py are not asked here)
    monkeypatch.setattr(keywords, "_own_scores", lambda *args: None)
    unlimited = scores()
    assert any(unlimited)
    entries = max(kept)
    monkeypatch.setattr(keywords, "WORD_ROWS", 3)
    monkeypatch.setattr(keywords, "SUM_ROWS", 3)
    kept.clear()
    assert scores() == unlimited
    assert max(kept) < entries              # entries were dropped, and read again
    # the memo of the words' shares from the term counts, kept within its rows the same way
    monkeypatch.setattr(keywords, "_own_scores", own)
    keywords._OWN.clear()
    assert scores() == unlimited
    held = sum(len(share[0]) for share in keywords._OWN.values() if share is not None)
    monkeypatch.setattr(keywords, "OWN_ROWS", 3)
    monkeypatch.setattr(keywords, "AMONG_ROWS", 3)
    keywords._OWN.clear()
    keywords._OWN_AMONG.clear()
    assert scores() == unlimited
    assert sum(len(share[0]) for share in keywords._OWN.values() if share is not None) < held
    for memo in (keywords._WORDS, keywords._SUMS, keywords._MEMO, keywords._AMONG, keywords._OWN, keywords._OWN_AMONG):
        memo.clear()


def test_replanning_in_batches_writes_what_planning_each_trial_wrote(tmp_path, monkeypatch):
    # re-planning writes each statement once per batch, and a node shared by many trials once
    import data.store as store
    from data.trials import load_trials

    monkeypatch.setattr(store, "_REPLAN_BATCH", 3)
    db = store.open_store(str(tmp_path / "p.db"))
    records = list(load_trials())
    store.upsert_trials(db, [dict(r, id=f"local-{r['id'].lower()}-copy{i}", nct_id=None) for r in records for i in range(3)], "import")
    tables = {"rule_nodes": "SELECT hash, node FROM rule_nodes ORDER BY hash",
              "trial_limits": "SELECT trial_id, plan, condition_list FROM trial_limits ORDER BY trial_id",
              "trial_conditions": "SELECT trial_id, concept FROM trial_conditions ORDER BY trial_id, concept"}
    planned = {name: db.execute(query).fetchall() for name, query in tables.items()}
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'plan_version'")
    db.execute("UPDATE trial_limits SET plan = '[]', condition_list = '[]'")
    db.execute("DELETE FROM trial_conditions")
    db.execute("DELETE FROM rule_nodes")
    db.conn.commit()
    assert store.replan(db) is True
    assert {name: db.execute(query).fetchall() for name, query in tables.items()} == planned
    assert len(planned["trial_limits"]) == 4 * len(records) and planned["trial_conditions"]
