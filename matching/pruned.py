"""Matching as a conversation calls it, turn after turn: candidate pruning first, then the
matching engine on the compiled records of the trials left, with the results of the last
few calls remembered.

``match(profile, trials, today=None)`` takes what ``matching.engine.match`` takes, or a
``TrialCatalog`` (the store's trials, pruned in SQLite by ``matching.candidates``); the
results are ``matching.engine``'s, unchanged. They are reused when the same facts meet the
same candidate trials (same ids and source hashes) of the same catalog on the same day: a turn that adds no
fact ("not sure", "results", a command) and the check of the pending question at the
start of an answer turn cost no matching.

``next_question(results, asked)`` is ``matching.questions.next_question``, remembered for
the same result objects and asked keys (the engine asks it again when it shows results,
and a "not sure" meets the same results).
"""
from __future__ import annotations

import hashlib
import weakref
from datetime import date
from typing import Any, Iterable

from core.facts import facts_key
from matching import question_value, questions
from matching.cache import Memo
from matching.candidates import Candidates, find_candidates, patient_of
from matching.catalog import TrialCatalog
from matching.home_trials import home_trials
from matching.keywords import keyword_scores, requested_trials
from matching.status_trials import mismatched_trials
from matching.targets import elsewhere_trials, targeted_trials, untargeted_trials
from matching.untreating import untreating_trials
from matching.volunteer_trials import volunteer_trials
from matching.plans import Judgement

MEMO_TRIALS = 25_000        # trial results the memos may hold together
# calls remembered: a Telegram engine worker interleaves the turns of hundreds of
# conversations, so a user's "not sure" comes after many other users' turns (with 4, it
# was matched again at 200 users); the weight (MEMO_TRIALS) still bounds the memory
RESULTS_KEPT = 512
_RESULTS = Memo(RESULTS_KEPT, MEMO_TRIALS)
# question choices remembered: within a turn (results shown after a question was chosen)
# and across turns (a "not sure" reuses the remembered results, and the choices made while
# lab questions were passed over come again); a choice depends only on the results, the
# keys asked and the audience. 2 kept: 12 of the bench conversations' 187 choices reused;
# 64: 73 (10,000 trials). The weight (MEMO_TRIALS) bounds the results they hold.
QUESTIONS_KEPT = 64
_QUESTIONS = Memo(QUESTIONS_KEPT, MEMO_TRIALS)
# candidate rows the catalog's remembered candidates hold together (each ~100 bytes of plan
# lists and top-level node arrays): 16 patients of 10,000 trials fit, at 100,000 trials the
# oldest go first instead of holding ~40 MB
FOUND_ROWS = 200_000


def match(profile: Any, trials: Any, today: date | None = None) -> list:
    """``matching.engine.match`` on the candidates of ``trials`` (see the module docstring)."""
    from matching import engine  # start-up: the matcher only once a turn matches

    if not isinstance(trials, TrialCatalog):
        return engine.match(profile, trials, today=today)
    found = _candidates(trials, profile, today)
    trials.last = found
    trials_key = found.memo.get("key")
    if trials_key is None:
        trials_key = found.memo["key"] = _trials_key(found.trials)
    # the results load records through this catalog (its store): another catalog over the
    # same trials (another engine, a closed and reopened store) judges anew
    key = (_facts_key(profile), today or date.today(), trials_key, id(trials))

    def judge() -> list:
        from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches

        judgement = Judgement(trials.plans.book, Evaluator(profile, today=today))
        kept = found.memo.get("plans")          # the same candidates: plans and arrays reused
        if kept is None:
            from matching.vector import tops_of  # start-up: numpy (~0.17 s) only once plans are judged

            pairs = trials.plans.plans(trials.db, found.trials)
            ids, plans = [trial_id for trial_id, _ in pairs], [plan for _, plan in pairs]
            kept = found.memo["plans"] = (ids, plans, (*tops_of(plans), engine.id_order(ids)))
        return engine.judge_plans(kept[0], kept[1], judgement, load=trials.record, tops=kept[2],
                                  keywords=keyword_scores(trials.db, profile, among=kept[0], among_key=trials_key),
                                  requested=requested_trials(trials.db, profile),
                                  targeted=targeted_trials(trials.db, profile),
                                  mismatched=mismatched_trials(trials.db, profile),
                                  volunteers=volunteer_trials(trials.db),
                                  untargeted=untargeted_trials(trials.db, profile),
                                  untreating=untreating_trials(trials.db),
                                  elsewhere=elsewhere_trials(trials.db, profile),
                                  home=home_trials(trials.db, profile),
                                  conditions=found.memo.get("conditions"))

    return list(_RESULTS.get(key, judge, keep=trials, weigh=len))


def _candidates(trials: TrialCatalog, profile: Any, today: date | None) -> Any:
    """The candidates, from the catalog's in-memory index when it is current (plans and
    their arrays come with them), else from SQL (``matching.candidates``)."""
    index = trials.index()
    if index is None:
        return find_candidates(trials.db, profile, today)
    import numpy as np

    patient = patient_of(profile, today)
    key = (index.version, patient)
    found = trials.found.get(key)
    if found is not None:
        trials.found.move_to_end(key)
        return found
    rows, diagnoses, reason = index.find(patient)
    found = Candidates(index.pairs(rows), len(index), patient, bool(diagnoses), diagnoses, reason)
    picked = rows.tolist()
    # (rows picked by C-level ``map``: 100,000 before a diagnosis is known)
    found.memo["plans"] = (list(map(index.ids.__getitem__, picked)), list(map(index.plans.__getitem__, picked)),
                           (*index.tops(rows), np.arange(len(picked))))        # rows are in id order
    if index.conditions is not None:            # each candidate's list of conditions, by row
        found.memo["conditions"] = (index.conditions[0], index.conditions[1][rows])
    found.memo["key"] = hashlib.blake2b(index.version.encode() + rows.tobytes(), digest_size=16).hexdigest()
    found.memo["index"] = weakref.ref(index)    # matching.outside_limits reads the limits from it (not
                                                # kept alive by remembered candidates once rebuilt)
    trials.found[key] = found
    while len(trials.found) > 16 or (len(trials.found) > 1 and
                                     sum(len(f.trials) for f in tuple(trials.found.values())) > FOUND_ROWS):
        trials.found.popitem(last=False)
    return found


def next_question(results: list, asked: Iterable[str] = (), audience: str = "patient") -> Any:
    """``matching.questions.next_question``, remembered (see the module docstring)."""
    asked = frozenset(asked)
    kept = list(results)
    # one match call's results share one judgement: it and the ids at both ends name the list
    judgements = {id(r.judgement): r.judgement for r in kept[:1] + kept[-1:]}
    key = (tuple(judgements), len(kept), tuple(r.id for r in kept[:1] + kept[-1:]), asked, audience)
    if len(judgements) > 1 or not kept:
        return questions.next_question(kept, asked=asked, audience=audience)
    return _QUESTIONS.get(key, lambda: questions.next_question(kept, asked=asked, audience=audience),
                          keep=(kept, list(judgements.values())), weigh=lambda _: len(kept))


def forget() -> None:
    """Drop remembered results (tests, benchmarks measuring cold turns)."""
    _RESULTS.clear()
    _QUESTIONS.clear()
    questions.forget()
    question_value.forget()


def _facts_key(profile: Any) -> tuple:
    return facts_key(profile.facts)


def _trials_key(trials: list[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for trial_id, source_hash in trials:
        digest.update(f"{trial_id}\0{source_hash}\0".encode())
    return digest.hexdigest()
