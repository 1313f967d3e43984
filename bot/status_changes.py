"""Telling a user, the next time they write, that a trial they were shown has changed
status since (a sync brought the registry's new status): never unsolicited, only at the
start of their next turn, in Telegram and in the CLI chat (``--session`` resumed).

What was shown is in the conversation's event log: the ``shown`` event of results lists
each trial's id, verdict and status (ids and statuses only, never text). A
``status_told`` event (``{"trials": {id: status}}``) records what the user was told, so each
change is said once. /forget and /restart delete both with the rest of the conversation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from bot.formats import _cut

if TYPE_CHECKING:  # pragma: no cover
    from bot.turn import Turn

TOLD = "status_told"
TITLE_CHARS = 120


def last_seen(events: Iterable[Any]) -> dict[str, str | None]:
    """Per trial id, the status the user last saw (shown in results, or told since)."""
    seen: dict[str, str | None] = {}
    for event in events:
        if event.type == "shown" and event.payload.get("what") == "results":
            for trial in event.payload.get("trials") or []:
                if isinstance(trial, dict) and trial.get("id") and "status" in trial:
                    seen[trial["id"]] = trial["status"]
        elif event.type == TOLD:
            seen.update(event.payload.get("trials") or {})
    return seen


def current(db: Any, trial_ids: list[str]) -> dict[str, tuple[str | None, str]]:
    """Per stored trial id: (status, title) as the store says now."""
    out = {}
    for trial_id in trial_ids:
        row = db.execute("SELECT status, title FROM trials WHERE id = ?", [trial_id]).fetchone()
        if row is not None:
            out[trial_id] = (row[0], row[1] or trial_id)
    return out


def changes(seen: dict[str, str | None], now: dict[str, tuple[str | None, str]]) -> list[dict]:
    """The trials whose status differs from what the user saw, in the order they were seen
    (a trial no longer stored is left out: nothing true can be said of it)."""
    return [{"id": trial_id, "title": now[trial_id][1], "old": old, "new": now[trial_id][0]}
            for trial_id, old in seen.items() if trial_id in now and now[trial_id][0] != old]


def tell(engine: Any, turn: "Turn", events: list[Any]) -> None:
    """At the start of a turn: say which trials shown before changed status, and note it."""
    seen = last_seen(events)
    if not seen:
        return
    changed = changes(seen, current(engine.store.db, list(seen)))
    if not changed:
        return
    turn.record(TOLD, {"trials": {c["id"]: c["new"] for c in changed}})
    turn.text("status_changed_header")
    role, lang = turn.tracker.role, turn.tracker.lang
    for change in changed:
        turn.text("status_changed", id=change["id"], title=_cut(change["title"], TITLE_CHARS),
                  old=_words(engine, role, change["old"], lang), new=_words(engine, role, change["new"], lang))


def _words(engine: Any, role: str | None, status: str | None, lang: str = "en") -> str:
    """An API status in words ("NOT_YET_RECRUITING" -> "not yet recruiting"; the registry's
    own words in any language)."""
    return status.replace("_", " ").lower() if status else engine.texts.text("status_unknown", role, lang)
