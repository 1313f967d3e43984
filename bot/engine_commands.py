"""The engine's commands (the same in Telegram and the CLI): each is
``handler(engine, turn, arg)`` and fills the turn's reply. ``HANDLERS`` maps the command
names of data/bot_texts.yaml to them."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.language import load_languages
from bot.results import apart, audit, criteria_by_status, linked_view, reads_a_condition, split_ruled_out, trial_view
from bot.sites import where_to_ask
from bot.tracker import Tracker
from bot.trial_notes import pruned_out, trial_notices
from data.rule_nodes import walk_criteria
from bot.turn import Turn

if TYPE_CHECKING:  # pragma: no cover
    from bot.engine import Engine


def start(engine: "Engine", turn: Turn, arg: str) -> None:
    """Welcome, privacy notice, and where we are."""
    engine._start(turn, None)


def help_(engine: "Engine", turn: Turn, arg: str) -> None:
    """What the bot does and the commands."""
    turn.say("help", commands=dict(engine.texts.commands))
    engine._prompt(turn)


def profile(engine: "Engine", turn: Turn, arg: str) -> None:
    """What the bot knows, what was left open, and how to correct it."""
    tracker = turn.tracker
    left_open = []
    for event in engine.store.events(turn.cid):
        if event.type == "asked" and event.payload.get("key") in tracker.skipped:
            left_open.append(event.payload.get("text") or {})
    turn.say("profile", facts=list(tracker.profile.facts), left_open=left_open)


def results(engine: "Engine", turn: Turn, arg: str) -> None:
    """The trials that may fit, best first (stops the questions)."""
    engine.show_results(turn)


SUMMARY_TRIALS = 10      # trials a referral summary details (candidates, and ruled out)


def summary(engine: "Engine", turn: Turn, arg: str) -> None:
    """A referral summary for the trial coordinator, as text to forward: the best
    candidates in detail, the best-ranked trials ruled out with their reasons, and how many
    more of each there are."""
    tracker = turn.tracker
    if not tracker.profile.facts:
        turn.text("results_need_facts")
        return
    found = engine.results(turn)
    if found and not reads_a_condition(found[0]):
        turn.text("results_need_diagnosis")     # no diagnosis: every trial "possible" (lead, round 33)
        return
    # trials only for what may come with the stated diagnosis are named apart (bot.results)
    everyone, linked, general = apart([r for r in found if r.verdict in ("likely", "possible")])
    ruled_out, off_condition = split_ruled_out(found)
    candidates = everyone[:SUMMARY_TRIALS]          # best first; the count of the rest is said
    location = tracker.profile.first("LOCATION")
    place = location.concept if location else None
    trials = []
    for result in candidates:
        trial = result.trial
        trials.append({
            "id": trial.get("id"), "nct_id": trial.get("nct_id"), "verdict": result.verdict,
            "title": trial.get("title") or trial.get("id"),
            "criteria": criteria_by_status(result.criteria),
            **where_to_ask(trial, place, engine.gazetteer if place else None),
        })
    limited, left_out = pruned_out(engine.store.db, getattr(engine.trials, "last", None))   # matching.candidates
    turn.record("shown", {"what": "summary", "trials": audit(candidates)})
    turn.say("summary", facts=list(tracker.profile.facts), trials=trials,
             date=(engine.today or date.today()).isoformat(),
             excluded=[{"id": r.trial.get("id"), "failed": criteria_by_status(r.criteria)["failed"]}
                       for r in ruled_out[:SUMMARY_TRIALS]],
             more_trials=len(everyone) - len(candidates), more_excluded=max(0, len(ruled_out) - SUMMARY_TRIALS),
             outside_limits=limited, left_out=left_out + off_condition,
             linked=[linked_view(r) for r in linked[:SUMMARY_TRIALS]],
             general=[linked_view(r) for r in general[:SUMMARY_TRIALS]])


def trials(engine: "Engine", turn: Turn, arg: str) -> None:
    """Every trial the bot knows."""
    turn.say("trials", trials=[_brief(t) for t in engine.trials])


def trial(engine: "Engine", turn: Turn, arg: str) -> None:
    """One trial in full; with this conversation's verdict when there are facts."""
    wanted = arg.strip().casefold()
    if not wanted:
        example = engine.trials[0].get("id") if engine.trials else "NCT00000000"
        turn.text("trial_usage", example=example)
        return
    record = next((t for t in engine.trials if wanted in {str(t.get("id", "")).casefold(), str(t.get("nct_id") or "").casefold()}), None)
    if record is None:
        turn.text("trial_not_found", id=arg.strip()[:40])
        return
    # this patient's verdict on every criterion (the trial judged alone when the results
    # left it out: pruned, or not offered); with nothing known yet, the criteria themselves
    profile = turn.tracker.profile
    mine = next((r for r in engine.results(turn) if r.trial.get("id") == record.get("id")), None) if profile.facts else None
    if mine is None:
        judged = engine.match(profile, [record], today=engine.today)
        mine = judged[0] if judged else None
    view = None
    if mine is not None:
        location = profile.first("LOCATION")
        place = location.concept if location else None
        view = trial_view(mine, place, engine.gazetteer if place else None)
    order = [c.get("id") for c in walk_criteria(record.get("criteria") or [])]
    turn.say("trial", trial=_brief(record), record=record, view=view, known=bool(profile.facts), order=order,
             notices=trial_notices(engine.store.db, [record], engine.today).get(record.get("id")))   # freshness


def role(engine: "Engine", turn: Turn, arg: str) -> None:
    """Who is chatting: "/role clinician" or "/role patient" changes the wording (clinician
    mode only for those allowed); "/role" alone says which is in use and how to change it."""
    wanted = engine.texts.match_choice(arg, ("role_patient", "role_clinician")) if arg else None
    said = engine.phrasings.role(arg) if arg and wanted is None else None
    kind = wanted.removeprefix("role_") if wanted else (said[0] if said and said[0] != "unsure" else None)
    if kind is None:
        turn.text("role_usage", role=engine.texts.label("role_" + (turn.tracker.role or "patient"), turn.tracker.lang))
        engine._prompt(turn)
        return
    if kind == "clinician" and not turn.clinician_ok:
        kind = "patient"
        turn.text("clinician_not_allowed")
    turn.record("role", {"role": kind})
    turn.text("role_set")
    if turn.tracker.pending is None and turn.tracker.profile.facts and not turn.tracker.results_shown:
        engine._advance(turn)
    else:
        engine._prompt(turn)


def restart(engine: "Engine", turn: Turn, arg: str) -> None:
    """Start over: the conversation's events are cleared (in the turn's transaction)."""
    language = turn.tracker.language
    turn.clear = True
    turn.events.clear()
    turn.tracker = Tracker(turn.cid)
    turn.forget_results()
    if language is not None:            # a fresh start keeps the language it is held in
        turn.record("language", {"lang": language})
    turn.text("restart_done")
    engine._prompt(turn)


def forget(engine: "Engine", turn: Turn, arg: str) -> None:
    """Delete every row about this conversation now, and say so."""
    count = engine.store.forget(turn.cid)
    turn.forgotten = True
    turn.events.clear()
    language = turn.tracker.language
    turn.tracker = Tracker(turn.cid)
    turn.forget_results()               # nothing matched or chosen for the forgotten facts is reused
    turn.tracker.language = language    # this last reply in the language used; nothing is stored
    turn.text("forget_done", count=count)


def language(engine: "Engine", turn: Turn, arg: str) -> None:
    """The language replies are worded in: "/language zh" or "/language en" (also "中文",
    "English" as a whole message); "/language" alone says which is in use."""
    languages = load_languages()
    wanted = arg.strip().casefold()
    chosen = wanted if wanted in languages.reads else languages.chosen(arg) if wanted else None
    if chosen is None:
        turn.text("language_usage")
        return
    if chosen != turn.tracker.lang or turn.tracker.language is None:
        turn.record("language", {"lang": chosen})
    turn.text("language_set")
    engine._prompt(turn)


def _brief(trial: dict[str, Any]) -> dict[str, Any]:
    criteria = trial.get("criteria") or []
    return {"id": trial.get("id"), "nct_id": trial.get("nct_id"), "title": trial.get("title"),
            "status": trial.get("status"), "conditions": trial.get("conditions_text") or trial.get("conditions") or [],
            "inclusion": sum(1 for c in criteria if c.get("kind") == "inclusion"),
            "exclusion": sum(1 for c in criteria if c.get("kind") == "exclusion")}


HANDLERS = {
    "start": start, "help": help_, "profile": profile, "results": results, "summary": summary,
    "trials": trials, "trial": trial, "role": role, "language": language, "restart": restart, "forget": forget,
}
