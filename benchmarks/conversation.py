"""Scripted personas against the real conversation engine (issue #16): how many questions
come before the results, and whether the verdicts a person ends with are the verdicts
they would get with every fact known.

The personas are data (``data/bench_personas.yaml``): a role (patient, relative,
clinician), a style (cooperative, unsure, impatient, correcting, vague), an opening message,
a hidden truth and, maybe, asides (the person's own questions in the middle, one before
each answer: "what is car-t?", "where is it?"). The truth is read by the extractor once; ``answer`` answers the bot's
questions from it by rule (what the truth does not name, the person does not have; a
value only a laboratory knows is "not sure" unless the truth gives it).

* **questions before results**: ``asked`` events in the conversation's log before the
  first results were shown (the engine's own record, not a count of prompts);
* **verdicts equal**: the verdict of every trial judged for the persona's final profile
  equals the verdict for the profile of the *reference* conversation: the same persona
  answering every question cooperatively (a correcting persona sending its correction
  too: every fact known is the corrected one), with "ask me more" after each round, until
  the bot has nothing left to ask.

* **on the real registry records** (the bundled trials beside the 241 ClinicalTrials.gov
  records of ``shared/ctgov``, imported as ``import`` does): each persona played as scripted
  once more; the questions before the first results, and the questions before results whose
  first trial is one of the persona's own (a bundled trial its reference conversation keeps
  open, or a trial for its very condition still open with every fact known): with more
  trials, whether the right trial comes first and how many questions it takes. Skipped when
  the records are not there.

Run: ``python bot.py bench conversation [--json]``; in a temporary database, with a fixed
"today".
"""
from __future__ import annotations

import re
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.stats import percentiles
from benchmarks.turns import reply_text
from core.facts import Fact, Profile
from data.condition_names import EXACT_FIT
from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.terminology import load_terminology
from matching.question_value import question_kind
from registry.run import apply, plan, read_files, stored_trials

CTGOV_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"

PERSONAS_FILE = DATA_DIR / "bench_personas.yaml"
HELD_ASIDE_FILE = DATA_DIR / "bench_personas_test.yaml"   # split: test only, in a file of its own
TODAY = date(2026, 1, 15)
ROLES = ("patient", "relative", "clinician")
STYLES = ("cooperative", "unsure", "impatient", "correcting", "vague")
SPLITS = ("dev", "test")
NOT_SURE = "not sure"
JUST_SHOW_ME = "can you just show me the trials pls"
MORE = "ask me more"
IMPATIENT_ANSWERS = 2            # questions an impatient persona answers before asking for results
MAX_TURNS = 80                   # a conversation longer than this is cut (and counted as such)
TARGET_MAX, TARGET_P50 = 8, 5    # issue #16: at most 8 questions before results, median at most 5
_YES_NO_LABELS = {"diagnosis": ("CONDITION",), "diagnosis_any": ("CONDITION",), "history": ("CONDITION",),
                  "infection_positive": ("INFECTION",), "infection_active": ("INFECTION",),
                  "procedure": ("PROCEDURE",), "therapy_any": ("DRUG", "PROCEDURE"),
                  "therapy_failed": ("DRUG", "PROCEDURE"), "therapy_intolerant": ("DRUG", "PROCEDURE"),
                  "therapy_failed_or_intolerant": ("DRUG", "PROCEDURE"), "therapy_current": ("DRUG", "PROCEDURE")}


def load_personas(path: Path | None = None) -> list[dict[str, Any]]:
    """The personas, checked (file and entry named on errors): by default the dev personas of
    ``bench_personas.yaml`` and the held-aside ones of ``bench_personas_test.yaml`` (each file
    holds only its own split, so writing dev personas never shows held-aside text)."""
    if path is not None:
        return _load_file(path)
    personas = []
    for file, split in ((PERSONAS_FILE, "dev"), (HELD_ASIDE_FILE, "test")):
        for i, persona in enumerate(_load_file(file)):
            if persona["split"] != split:
                raise DataError(f"{file.name}: personas[{i}]", f"this file holds split: {split} only")
            personas.append(persona)
    ids = [p["id"] for p in personas]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise DataError(HELD_ASIDE_FILE.name, f"ids used in both files: {', '.join(twice)}")
    return personas


def _load_file(path: Path) -> list[dict[str, Any]]:
    doc = read_yaml(path)
    if not isinstance(doc, dict) or set(doc) != {"personas"} or not isinstance(doc["personas"], list):
        raise DataError(path.name, "needs exactly: personas (a list)")
    seen: set[str] = set()
    for i, persona in enumerate(doc["personas"]):
        where = f"{path.name}: personas[{i}]"
        if not isinstance(persona, dict):
            raise DataError(where, "must be a mapping")
        keys = {"id", "role", "style", "split", "opening", "truth"} | ({"correction"} if persona.get("style") == "correcting" else set())
        if set(persona) - {"asides"} != keys:
            raise DataError(where, f"needs exactly: {', '.join(sorted(keys))} (and may have: asides)")
        asides = persona.get("asides", [])
        if not isinstance(asides, list) or not all(isinstance(a, str) and a.strip() for a in asides):
            raise DataError(where, "asides is a list of messages")
        if persona["role"] not in ROLES or persona["style"] not in STYLES or persona["split"] not in SPLITS:
            raise DataError(where, f"role is one of {', '.join(ROLES)}; style one of {', '.join(STYLES)}; "
                                   f"split one of {', '.join(SPLITS)}")
        if persona["id"] in seen:
            raise DataError(where, f"id {persona['id']!r} used twice")
        seen.add(persona["id"])
    return doc["personas"]


# --- the answerer -----------------------------------------------------------------------


def _related(a: str, b: str) -> bool:
    terminology = load_terminology()
    return a == b or terminology.is_a(a, b) or terminology.is_a(b, a)


def _facts(truth: Profile, labels: tuple[str, ...], concept: str | None) -> list[Fact]:
    return [f for f in truth.facts if f.label in labels and (concept is None or _related(f.concept, concept))]


def _option(options: list[str], *words: str) -> str | None:
    for word in words:
        found = next((o for o in options if word in o.casefold()), None)
        if found:
            return found
    return None


def answer(key: str, form: str | None, options: list[str], truth: Profile) -> str:
    """What the persona with the hidden ``truth`` answers to the question ``key``."""
    parts = key.split(":")              # "infection:hiv:positive" is an infection_positive question about hiv
    kind = question_kind(key)
    concept = parts[2] if parts[0] == "confirm" and len(parts) > 2 else parts[1] if len(parts) > 1 else None
    if key == "location":
        place = truth.first("LOCATION")
        return place.concept if place else NOT_SURE
    if key == "labs":
        return "yes" if _facts(truth, ("LAB", "SCORE"), None) else "no"
    if kind in ("age", "confirm_age"):
        age = truth.first("AGE")
        return f"{age.value:g}" if age and age.value is not None else NOT_SURE
    if kind == "sex":
        sex = truth.first("SEX")
        return (_option(options, sex.concept) or sex.concept) if sex else NOT_SURE
    if kind == "pregnancy":
        said = [f for f in truth.facts if f.label == "PREGNANCY" and not f.negated]
        if said:
            return _option(options, said[0].concept[:6]) or "yes"
        return _option(options, "none") or "no"
    if kind in ("lab", "confirm_lab", "score", "confirm_score"):
        found = _facts(truth, ("LAB", "SCORE"), concept)
        if found and found[0].value is not None:
            return f"{found[0].value:g} {found[0].unit or ''}".strip()
        return NOT_SURE
    if kind == "biomarker":
        found = _facts(truth, ("BIOMARKER",), concept)
        if not found:
            return NOT_SURE                      # only a laboratory knows
        state = "negative" if found[0].negated or found[0].status == "negative" else "positive"
        return _option(options, state) or state
    if kind == "last_dose":
        found = [f for f in _facts(truth, ("DRUG", "PROCEDURE"), concept) if not f.negated]
        if not found:
            return "never"
        if found[0].status == "current":
            return "still on it"
        return "no"                              # took it, not now
    if kind == "therapy_count":
        return str(sum(1 for f in truth.facts if f.label == "DRUG" and f.status == "failed"))
    if kind in ("diagnosis", "diagnosis_any") and concept is None:
        # "Any of these diagnoses?" / "Diagnosis?" (the open question, key "diagnosis"; was
        # answered "yes" as a yes/no question; h200, round 41): the person names theirs
        said = [f for f in truth.facts if f.label == "CONDITION" and not f.negated and f.text]
        return said[0].text if said else (_option(options, "none") or "none")
    if kind in _YES_NO_LABELS:
        found = _facts(truth, _YES_NO_LABELS[kind], concept)
        if not found:
            return "no"                          # what the truth does not name, the person does not have
        fact = found[0]
        if fact.negated:
            return "no"
        wanted = {"therapy_failed": ("failed",), "therapy_intolerant": ("intolerant",),
                  "therapy_failed_or_intolerant": ("failed", "intolerant"), "therapy_current": ("current",)}.get(kind)
        return "yes" if wanted is None or fact.status in wanted else "no"
    if form == "date" or kind.endswith("_date"):
        found = _facts(truth, ("CONDITION", "DRUG", "PROCEDURE"), concept)
        return str(found[0].date) if found and found[0].date else NOT_SURE
    return NOT_SURE


def hedge(said: str, form: str | None) -> str:
    """The answer ``said`` as a vague person words it: "i think so" for yes, "i don't think
    so" for no ("a while ago i think" to a date question: taken, not now), "about 34" for a number, "a few months ago" or "around 2019" for a date;
    a choice, a place or "not sure" as it is."""
    if said == "yes":
        return "i think so"
    if said == "no":        # to "When did you last take X?": taken, not now, no date remembered
        return "a while ago i think" if form == "date" else "i don't think so"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", said):
        when = date.fromisoformat(said)
        return "a few months ago" if 0 <= (TODAY - when).days <= 300 else f"around {when.year}"
    if re.fullmatch(r"\d+(\.\d+)?", said):
        return f"about {said}"
    if form == "number" and re.match(r"\d", said):
        return f"i think it was {said}"
    return said


# --- playing a persona -------------------------------------------------------------------


def _question(reply: Any) -> tuple[str, str | None, list[str]] | None:
    block = next((b for b in reversed(getattr(reply, "blocks", [])) if b.kind == "question"), None)
    if block is None:
        return None
    return block.data.get("key") or "", block.data.get("form"), [c.text for c in reply.choices if c.text]


def _can_ask_more(reply: Any) -> bool:
    return any(str(c.data).startswith("more:") for c in getattr(reply, "choices", []))


def _first_right(events: list, own: set[str]) -> tuple[int | None, int]:
    """(questions asked before results whose first trial is one of ``own``, or None when
    none such was shown; questions before the first results)."""
    asked, first_results = 0, None
    for event in events:
        if event.type == "asked":
            asked += 1
        elif event.type == "shown" and event.payload.get("what") == "results":
            if first_results is None:
                first_results = asked
            trials = event.payload.get("trials") or []
            if trials and trials[0].get("id") in own and trials[0].get("verdict") != "ineligible":
                return asked, first_results
    return None, asked if first_results is None else first_results


def _first_trial(events: list) -> str | None:
    """The trial the first results showed first."""
    shown = next((e for e in events if e.type == "shown" and e.payload.get("what") == "results"), None)
    trials = (shown.payload.get("trials") or []) if shown else []
    return trials[0].get("id") if trials else None


def converse(engine: Any, cid: str, persona: dict[str, Any], truth: Profile, reference: bool = False,
             transcript: list[tuple[str, Any]] | None = None) -> dict[str, Any]:
    """Play one persona (as scripted, or, ``reference``, cooperatively until nothing is left
    to ask); the questions before the first results and the final verdicts. ``transcript``,
    when given, receives every (person's message, bot's reply) in turn."""
    style = "cooperative" if reference else persona["style"]
    engine.start(cid, role="clinician" if persona["role"] == "clinician" else "patient")
    say = engine.message
    if transcript is not None:
        def say(conversation: str, text: str) -> Any:
            reply = engine.message(conversation, text)
            transcript.append((text, reply))
            return reply
    reply = say(cid, persona["opening"])
    asides = [] if reference else list(persona.get("asides", []))
    answered, turns, corrected = 0, 0, False
    while turns < MAX_TURNS:
        turns += 1
        asked = _question(reply)
        if reply.state not in ("ASKING", "LOCATION") or asked is None:
            if reference and _can_ask_more(reply):
                reply = say(cid, MORE)
                continue
            break
        if persona["style"] == "correcting" and not corrected:      # the reference corrects too: every fact known
            corrected = True
            reply = say(cid, persona["correction"])
            continue
        if style == "impatient" and answered >= IMPATIENT_ANSWERS:
            reply = say(cid, JUST_SHOW_ME)
            continue
        if asides and len(persona.get("asides", [])) - len(asides) <= answered:
            reply = say(cid, asides.pop(0))      # a question of their own before the answer
            continue
        key, form, options = asked
        said = NOT_SURE if style == "unsure" else answer(key, form, options, truth)
        reply = say(cid, hedge(said, form) if style == "vague" else said)
        answered += 1
    if reply.state != "RESULTS":
        reply = say(cid, "results")
    events = list(engine.store.events(cid))
    before = 0
    for event in events:
        if event.type == "shown" and event.payload.get("what") == "results":
            break
        before += event.type == "asked"
    profile = engine.profile(cid)
    verdicts = {r.trial["id"]: r.verdict for r in engine.match(profile, engine.trials, today=TODAY)}
    return {"questions": before, "verdicts": verdicts, "cut": turns >= MAX_TURNS, "events": events}


def run(engine: Any, personas: list[dict[str, Any]], extract: Any) -> list[dict[str, Any]]:
    rows = []
    stamp = time.time_ns()
    for n, persona in enumerate(personas):
        truth = Profile().add(extract(persona["truth"], today=TODAY))
        played = converse(engine, f"cli:persona-{n}-{stamp}", persona, truth)
        full = converse(engine, f"cli:reference-{n}-{stamp}", persona, truth, reference=True)
        rows.append({"id": persona["id"], "role": persona["role"], "style": persona["style"], "split": persona["split"],
                     "questions": played["questions"], "equal": played["verdicts"] == full["verdicts"],
                     "verdicts": played["verdicts"], "reference": full["verdicts"],
                     "reference_questions": full["questions"], "cut": played["cut"] or full["cut"]})
    return rows


def run_real(engine: Any, personas: list[dict[str, Any]], extract: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each persona as scripted on a store holding the real registry records too: questions
    before results, and before results led by one of the persona's own trials."""
    from bot.trial_notes import offered  # start-up: the chat's own choice of the trials it offers

    stamp = time.time_ns()
    before, right, never, none_fits, each = [], [], [], [], []
    for n, (persona, row) in enumerate(zip(personas, rows)):
        truth = Profile().add(extract(persona["truth"], today=TODAY))
        # the persona's own trials: the bundled ones its reference conversation keeps open, and
        # the registry trials for its very condition still open with every fact known (a
        # bundled trial the reference rules out stays out: the truth alone leaves open what the
        # persona answers "no" to, "never had steroids"; lead, round 44); of them only those the
        # chat offers (recruiting on the registry record: a bundled trial whose record says
        # "unknown" is never listed, so it cannot come first; h200, round 41)
        matched = engine.match(truth, engine.trials, today=TODAY)
        shown = {r.trial["id"] for r in offered(matched, engine.store.db)[0]}
        own = ({t for t, verdict in row["reference"].items() if verdict != "ineligible"} | {
            r.trial["id"] for r in matched
            if r.verdict != "ineligible" and r.condition_fit >= EXACT_FIT and r.trial["id"] not in row["reference"]}) & shown
        played = converse(engine, f"cli:real-{n}-{stamp}", persona, truth)
        reached, first = _first_right(played["events"], own)
        before.append(first)
        each.append({"id": persona["id"], "split": persona["split"], "questions_before_results": first,
                     "questions_before_right_trial": reached, "first_trial": _first_trial(played["events"]),
                     "open_trials": len(own)})
        if not own:
            # no trial of theirs is open with every fact known ("infliximab failed", never a
            # steroid: the Crohn's cohort asks for one; a trial not recruiting): "none fits" is
            # the right reply, and there is no right trial to put first
            none_fits.append(persona["id"])
        elif reached is None:
            never.append(persona["id"])
        else:
            right.append(reached)
    return {"personas": len(before),
            "questions_before_results": percentiles(before, (50,), digits=0) if before else {},
            "personas_with_a_trial": len(before) - len(none_fits), "no_trial_fits": none_fits,
            "right_trial_first": len(right),
            "questions_before_right_trial": percentiles(right, (50,), digits=0) if right else {},
            "right_trial_never_first": never, "conversations": each}


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    questions = [r["questions"] for r in rows]
    overall = percentiles(questions, (50,), digits=0)
    result: dict[str, Any] = {
        "personas": len(rows),
        "questions_before_results": overall,
        "verdicts_equal_share": round(sum(r["equal"] for r in rows) / len(rows), 3) if rows else 0.0,
        "targets_met": bool(rows) and overall["max"] <= TARGET_MAX and overall["p50"] <= TARGET_P50,
        "by_split": {}, "by_style": {}, "by_role": {}, "conversations": rows,
    }
    for field, groups in (("by_split", SPLITS), ("by_style", STYLES), ("by_role", ROLES)):
        for group in groups:
            part = [r for r in rows if r[field.removeprefix("by_")] == group]
            if part:
                result[field][group] = {"n": len(part), **percentiles([r["questions"] for r in part], (50,), digits=0,
                                                                       count_and_max=False),
                                        "max": max(r["questions"] for r in part),
                                        "verdicts_equal_share": round(sum(r["equal"] for r in part) / len(part), 3)}
    q = result["questions_before_results"]
    table = [("personas", len(rows)),
             ("questions before results p50 / max", f"{q['p50']:g} / {q['max']:g} (targets: <= {TARGET_P50} / <= {TARGET_MAX})"),
             ("verdicts equal to every-fact-known", f"{result['verdicts_equal_share']:.0%}")]
    for field in ("by_split", "by_style", "by_role"):
        for group, numbers in result[field].items():
            table.append((f"  {group} (n={numbers['n']})", f"questions p50 {numbers['p50']:g}, max {numbers['max']:g}; "
                                                            f"verdicts equal {numbers['verdicts_equal_share']:.0%}"))
    if any(r["cut"] for r in rows):
        table.append(("conversations cut at the turn limit", sum(r["cut"] for r in rows)))
    result["table"] = table
    return result


def show(engine: Any, persona: dict[str, Any], extract: Any, render: Any) -> list[str]:
    """One persona played as scripted, turn by turn as the person reads it: their message,
    the bot's reply, and the first trial each results showed."""
    truth = Profile().add(extract(persona["truth"], today=TODAY))
    transcript: list[tuple[str, Any]] = []
    converse(engine, f"cli:show-{time.time_ns()}", persona, truth, transcript=transcript)
    lines = [f"# {persona['id']} ({persona['role']}, {persona['style']}, {persona['split']})", f"# truth: {persona['truth']}"]
    for text, reply in transcript:
        lines.append(f"> {text}")
        lines += [f"    {line}" for line in render(reply).splitlines()]
    return lines


def bench_conversation(args: Any) -> dict[str, Any]:
    from bot.startup import build_engine  # start-up: the store only for commands that open it
    from nlp.pipeline import extract  # start-up: the language pipeline only when a suite reads text

    if getattr(args, "show", None):
        return _show(args.show, build_engine, extract)
    with tempfile.TemporaryDirectory(prefix="trialbot-personas-") as folder:
        engine = build_engine(str(Path(folder) / "personas.db"), transport="cli")
        engine.today = TODAY
        engine._gazetteer = None                 # the place as written; no gazetteer download
        personas = load_personas()
        rows = run(engine, personas, extract)
        result = report(rows)
        engine.store.db.close()
        if CTGOV_DIR.exists():
            engine = build_engine(str(Path(folder) / "real.db"), transport="cli")
            engine.today = TODAY
            engine._gazetteer = None
            records = read_files(sorted(CTGOV_DIR.glob("NCT*.json")))
            apply(engine.store.db, plan(records, stored_trials(engine.store.db)))
            real = result["real_records"] = run_real(engine, personas, extract, rows)
            engine.store.db.close()
            q, r = real["questions_before_results"], real["questions_before_right_trial"]
            result["table"] += [
                ("real records: questions before results p50 / max", f"{q['p50']:g} / {q['max']:g}"),
                ("real records: right trial first (questions before it p50 / max)",
                 f"{real['right_trial_first']}/{real['personas_with_a_trial']}" + (f" ({r['p50']:g} / {r['max']:g})" if r else "")),
                ("real records: no trial of theirs open with every fact known", len(real["no_trial_fits"]))]
    return result


def _show(wanted: str, build_engine: Any, extract: Any) -> dict[str, Any]:
    """``bench conversation --show ID``: the persona's conversation on the real records (the
    bundled trials alone when they are not there), printed turn by turn."""
    personas = [p for p in load_personas() if p["id"] == wanted]
    if not personas:
        return {"error": f"no persona {wanted!r} in {PERSONAS_FILE.name}", "table": []}
    with tempfile.TemporaryDirectory(prefix="trialbot-personas-") as folder:
        engine = build_engine(str(Path(folder) / "show.db"), transport="cli")
        engine.today = TODAY
        engine._gazetteer = None
        if CTGOV_DIR.exists():
            records = read_files(sorted(CTGOV_DIR.glob("NCT*.json")))
            apply(engine.store.db, plan(records, stored_trials(engine.store.db)))
        lines = show(engine, personas[0], extract, reply_text)
        engine.store.db.close()
    return {"transcript": lines, "table": [("", line) for line in lines]}
