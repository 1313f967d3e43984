"""What the chat says about a trial beside its verdict, by the catalogue's policy
(``data/catalogue.py``): which results the chat offers at all (trials recruiting or about
to; the others are counted in one line), the status note of a trial not yet open or
enrolling by invitation, and the freshness warnings of a record the registry has not
updated for over a year or that was not checked against the registry for a while.

Notices are plain dicts (``{"key": <bot_texts key>, ...values}``) the renderer words with
``notice_lines``; nothing here reads what the user wrote.
"""
from __future__ import annotations

import operator
import sys
import threading
from datetime import date
from itertools import compress
from typing import TYPE_CHECKING, Any, Iterable

from data.catalogue import freshness_warnings, load_catalogue
from data.store import trial_freshness, trial_origin, trials_version
from matching.volunteer_trials import not_for_this_patient

if TYPE_CHECKING:  # pragma: no cover
    from bot.render import Renderer

DAYS_PER_MONTH = 30.4375           # a twelfth of a Julian year, as core.durations counts a month


def offered(results: Iterable[Any], db: Any = None) -> tuple[list[Any], int]:
    """The results whose trial the chat offers (its status is listed under ``chat_offered``),
    in order, and how many were left out for not recruiting. A stored trial's status is
    read from the store (one query per change of the trials, never a record per result);
    a result the store does not hold is judged by its record's status."""
    catalogue = load_catalogue()
    statuses = _statuses(db) if db is not None else {}
    results = list(results)
    # the same results again (a "not sure", a results view after a question: the matcher's
    # remembered list, copied): the same answer, without a look-up per result (100,000 at
    # 100,000 trials before a diagnosis is known), when they are the same objects in the
    # same order
    key = (id(statuses), id(catalogue), len(results), id(results[0]) if results else None)
    last = _LAST_OFFERED.get(key)
    if last is not None and last[0] is statuses and last[1] is catalogue and all(map(operator.is_, last[2], results)):
        return list(last[3]), last[4]
    chosen = _offered_ids(statuses, catalogue) if statuses else frozenset()
    kept, left_out = _stored_offered(results, statuses, chosen)
    if kept is None:                    # a result the store does not hold: judged by its record
        kept, left_out = [], 0
        for result in results:
            trial_id = getattr(result, "id", None)
            if trial_id in chosen:          # chosen: the stored trials offered (a part of statuses)
                kept.append(result)
            elif trial_id in statuses or not catalogue.offered_in_chat((result.trial or {}).get("status")):
                left_out += 1
            else:
                kept.append(result)
    if len(results) >= _REMEMBER_FROM:
        with _LAST_LOCK:                # engine workers may share this module
            while len(_LAST_OFFERED) >= 4:
                _LAST_OFFERED.pop(next(iter(_LAST_OFFERED)))
            _LAST_OFFERED[key] = (statuses, catalogue, results, list(kept), left_out)
    return kept, left_out


_REMEMBER_FROM = 1_000               # results: a shorter list is quicker to go through again


def _stored_offered(results: list[Any], statuses: dict[str, str | None],
                    chosen: frozenset[str]) -> tuple[list[Any] | None, int]:
    """``offered``'s answer when every result is a stored trial's (its status known), found
    with C-level ``map`` rather than a Python step per result (100,000 results: ~120 -> ~19
    ms); (None, 0) when one is not, or has no id."""
    try:
        ids = list(map(_ID, results))
    except AttributeError:
        return None, 0
    if not all(map(statuses.__contains__, ids)):
        return None, 0
    kept = list(compress(results, map(chosen.__contains__, ids)))
    return kept, len(results) - len(kept)


_ID = operator.attrgetter("id")
_LAST_OFFERED: dict[tuple, tuple] = {}
_LAST_LOCK = threading.Lock()


_STATUSES: dict[str, dict[str, str | None]] = {}     # trials_version -> {id: status}
_OFFERED: dict[int, tuple[Any, Any, frozenset[str]]] = {}


def _offered_ids(statuses: dict[str, str | None], catalogue: Any) -> frozenset[str]:
    """The stored trials the chat offers, worked out once per list of statuses (``_statuses``
    keeps one while the trials stay the same) and catalogue."""
    kept = _OFFERED.get(id(statuses))
    if kept is None or kept[0] is not statuses or kept[1] is not catalogue:
        _OFFERED.clear()
        kept = _OFFERED[id(statuses)] = (statuses, catalogue, frozenset(
            trial_id for trial_id, status in statuses.items() if catalogue.offered_in_chat(status)))
    return kept[2]


def _statuses(db: Any) -> dict[str, str | None]:
    """Every stored trial's status, remembered while the trials stay the same."""
    version = trials_version(db)
    if version is None or version not in _STATUSES:
        intern = sys.intern     # ids shared with the plans' caches, statuses repeat: one string each
        found = {intern(trial_id): status if status is None else intern(status)
                 for trial_id, status in db.execute("SELECT id, status FROM trials")}
        if version is None:
            return found
        _STATUSES.clear()
        _STATUSES[version] = found
    return _STATUSES[version]


def trial_notices(db: Any, trials: Iterable[dict], today: date | None = None) -> dict[str, list[dict]]:
    """Per trial id, what to say beside it: its status note, then its freshness warnings
    (the registry's last update from the record, or from the last sync; our copy's last
    check: when a sync fetched it, or when it was imported from a file; a curated record
    never synced has no check date). ``db`` None: only what the records say."""
    catalogue = load_catalogue()
    today = today or date.today()
    trials = [t for t in trials if t.get("id")]
    fresh = trial_freshness(db, [t["id"] for t in trials]) if db is not None and trials else {}
    months = round(catalogue.registry_stale_days / DAYS_PER_MONTH)
    notices: dict[str, list[dict]] = {}
    for trial in trials:
        notes: list[dict] = []
        note = catalogue.status_note(trial.get("status"))
        if note:
            notes.append({"key": note})
        known = fresh.get(trial["id"], {})
        last_updated = (trial.get("dates") or {}).get("last_updated") or known.get("last_updated")
        checked = known.get("synced_at")
        if checked is None and known.get("written_at") and trial_origin(db, trial["id"]) == "import":
            checked = known["written_at"]
        for warning in freshness_warnings(last_updated, checked, today, catalogue=catalogue):
            notes.append({"key": f"fresh_{warning['key']}", "date": warning["date"], "months": months})
        notices[trial["id"]] = notes
    return notices


def annotate(view: dict, results: Iterable[Any], not_recruiting: int, db: Any, today: date | None = None) -> None:
    """Complete a results view (``bot.results.shape_results``): each candidate's notices
    (``view["candidates"][i]["notices"]``) and how many trials were left out for not
    recruiting (``view["not_recruiting"]``)."""
    shown = {trial["id"] for trial in view["candidates"]}
    records = []
    evaluator = None
    for r in results:                   # the shown ones are among the first: stop once all are found
        if len(records) == len(shown):
            break
        if r.id in shown:
            records.append(r.trial)     # r.trial loads (and compiles) a record
            evaluator = evaluator or getattr(r, "evaluator", None)
    notices = trial_notices(db, records, today)
    for record in records:      # a study in healthy volunteers shown to a patient with a diagnosis
        if not_for_this_patient(record["id"], db, evaluator):
            notices.setdefault(record["id"], []).insert(0, {"key": "healthy_volunteers_only"})
    for trial in view["candidates"]:
        trial["notices"] = notices.get(trial["id"], [])
    view["not_recruiting"] = not_recruiting


def pruned_out(db: Any, found: Any) -> tuple[list[dict[str, Any]], int]:
    """What pruning left out (``found``: the catalog's last ``matching.candidates``), as the
    chat and the summary say it: the trials for the patient's own condition outside their
    age or sex limits (``outside_limits_offered``), and how many others were left out."""
    limited = outside_limits_offered(db, found)
    return limited, (getattr(found, "left_out", 0) or 0) - len(limited)


def outside_limits_offered(db: Any, found: Any) -> list[dict[str, Any]]:
    """The trials for the patient's own condition that pruning left out for age or sex
    (``matching.outside_limits``), those the chat offers (recruiting or about to), each
    with its title and NCT number from the store: the chat names them with their limits
    instead of counting them with the trials for other conditions."""
    if db is None or found is None:
        return []
    from matching.outside_limits import outside_limits  # start-up: the matcher only once results are shown

    rows = outside_limits(db, found)
    if not rows:
        return []
    catalogue = load_catalogue()
    statuses = _statuses(db)
    rows = [row for row in rows if catalogue.offered_in_chat(statuses.get(row["id"]))]
    if not rows:
        return []
    marks = ",".join("?" * len(rows))
    stored = {row[0]: (row[1], row[2]) for row in db.execute(
        f"SELECT id, nct_id, title FROM trials WHERE id IN ({marks})", [row["id"] for row in rows])}
    for row in rows:
        row["status"] = statuses.get(row["id"])
        row["nct_id"], row["title"] = stored.get(row["id"], (None, None))
        row["title"] = row["title"] or row["id"]
    return rows


def notice_lines(r: "Renderer", role: str | None, view: dict) -> list[str]:
    """A trial's notices, one line each, in the role's wording."""
    return [r.t(n["key"], role, **{k: v for k, v in n.items() if k != "key"}) for n in view.get("notices") or []]

