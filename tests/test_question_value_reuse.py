"""A question search after another on the same results (a lab question passed over, a "not
sure") takes the values of the nodes the newly asked keys do not reach from the previous
search's completion (matching/question_value.py ``Completion.parent``): the gains are the
same as a completion worked out from nothing gives."""
from __future__ import annotations

from datetime import date

from benchmarks.synthetic import generate
from core.facts import Fact, Profile
from data.trials import load_trials
from matching.engine import POSSIBLE, match
from matching.question_priors import load_priors
from matching.question_value import Completion

TODAY = date(2026, 1, 15)


def _possible(*facts):
    trials = list(generate(load_trials(), 60, seed=11))
    results = match(Profile(list(facts)), trials, today=TODAY)
    return [r for r in results if r.verdict == POSSIBLE]


def _keys(results, completion):
    keys = []
    for result in results:
        for key in completion.gains(result):
            if key not in keys:
                keys.append(key)
    return keys


def test_gains_taken_from_the_last_completion_equal_gains_worked_out_anew():
    results = _possible(Fact("CONDITION", "sle", "lupus"), Fact("AGE", None, "34", value=34.0))
    assert results
    judgement, priors = results[0].judgement, load_priors()
    asked: set[str] = set()
    first = Completion(judgement, asked, priors)
    keys = _keys(results, first)
    assert len(keys) >= 4
    derived = 0
    for key in keys[:12]:                   # each search asks one key more, as the passes do
        asked.add(key)
        reused = Completion(judgement, asked, priors)
        fresh = Completion(judgement, asked, priors, reuse=False)
        derived += reused.parent is not None
        for result in results:
            assert reused.gains(result) == fresh.gains(result), (key, result.id)
            assert all(k not in asked for k in reused.gains(result))
    assert derived >= 4


def test_a_search_with_fewer_keys_asked_starts_anew():
    results = _possible(Fact("CONDITION", "sle", "lupus"))
    judgement, priors = results[0].judgement, load_priors()
    wide = Completion(judgement, {"pregnancy", "infection:hiv:positive"}, priors)
    for result in results:
        wide.gains(result)
    narrow = Completion(judgement, {"pregnancy"}, priors)
    assert narrow.parent is None
    fresh = Completion(judgement, {"pregnancy"}, priors, reuse=False)
    assert all(narrow.gains(r) == fresh.gains(r) for r in results)


def test_the_next_turns_search_takes_the_completion_before_the_keys_passed_over():
    # a turn passed over two lab questions; the next turn asks one other key more than the
    # turn began with: its completion comes from the turn's first one, gains unchanged
    results = _possible(Fact("CONDITION", "sle", "lupus"), Fact("AGE", None, "34", value=34.0))
    judgement, priors = results[0].judgement, load_priors()
    first = Completion(judgement, set(), priors)
    keys = _keys(results, first)
    passed = Completion(judgement, {keys[0]}, priors)
    passed_more = Completion(judgement, {keys[0], keys[1]}, priors)
    for result in results:
        passed.gains(result), passed_more.gains(result)
    nxt = Completion(judgement, {keys[2]}, priors)
    assert nxt.parent is first and nxt.dropped == {keys[2]}
    fresh = Completion(judgement, {keys[2]}, priors, reuse=False)
    assert all(nxt.gains(r) == fresh.gains(r) for r in results)


def test_only_the_latest_judgements_keep_a_completion():
    from matching import question_value

    priors = load_priors()
    judgements = [_possible(Fact("CONDITION", "sle", "lupus"), Fact("AGE", None, str(age), value=float(age)))[0].judgement
                  for age in range(30, 30 + question_value.RECENT + 2)]
    for judgement in judgements:
        Completion(judgement, set(), priors)
    kept = [question_value._LAST in j.memo for j in judgements]
    assert kept == [False] * 2 + [True] * question_value.RECENT
    question_value.forget()
    assert not any(question_value._LAST in j.memo for j in judgements)
