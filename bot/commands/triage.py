"""Referral triage: read a referral letter or a patient's own description and judge it
against every trial in the database (bundled and imported).

For each trial, best first (may qualify > more information needed > does not appear to
qualify): the verdict in words, the criteria not met with the evidence from the text, the
open criteria as questions for the referrer, what only the trial team can judge, sites and
contacts ("unknown" where the record has none). The trial team always decides eligibility.

Reads each FILE, or standard input when none is given (or "-"). With --json, prints one JSON
object per input on one line (JSON Lines when several FILEs are given, in order), each with
"source", "profile" and "trials" (id, nct_id, title, verdict, score, criteria with status
and evidence, questions, sites, contacts). --today fixes the date relative times ("3 months
ago", washout windows) are counted from. --prune judges only the trials the patient could
match (a diagnosis stated leaves out trials for other conditions; age and sex outside a
trial's limits leave it out) and counts the others: for large databases (matching/candidates.py).
Trials not recruiting (completed, terminated, withdrawn, suspended, status unknown:
data/catalogue.yaml) are left out and counted, as in the chat; --all lists them too, marked.
Each trial carries its freshness warnings (a registry record not updated for over 12
months, a copy last synced longer ago than TRIALBOT_STALE_SYNC_DAYS): "notices" in JSON.
--lang chooses the language of the text report: "auto" (the default) writes it in Chinese
for a letter written in Chinese, else in English; "en" or "zh" fixes it. Trial titles,
criteria and sites are quoted as the registry gives them; --json keys stay English.

A text in which nothing is recognised (no diagnosis, treatment, age, sex or test result) is
named in one line on standard error, like an empty or binary file, and the exit status is 2;
the other files are still reported.

Example:
  python bot.py triage referral.txt
  echo "34F, SLE since 2015, failed MMF and belimumab, HIV negative" | python bot.py triage --json
  python bot.py triage --lang zh 转诊信.txt
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import textwrap

from bot.commands.extract import MAX_CHARS, _decode, _read
from bot.commands.trials import open_db, store_faults
from bot.geo import load_gazetteer
from bot.language import detect, load_languages
from bot.normalise import normalise_input
from bot.render import PLAIN, Renderer, allergy_spans
from bot.results import gate_facts, heading_ids, linked_only, linked_view, names_a_condition, shown_criteria
from bot.sites import where_lines, where_to_ask
from bot.texts import load_texts
from bot.trial_notes import notice_lines, offered, trial_notices
from core.facts import ANY_DRUG, Profile
from data.catalogue import load_catalogue
from data.condition_names import is_disease_status
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.keywords import keyword_scores, requested_trials
from matching.status_trials import mismatched_trials
from matching.targets import elsewhere_trials, targeted_trials, untargeted_trials
from matching.untreating import untreating_trials
from matching.volunteer_trials import volunteer_trials
from matching.pruned import match as match_candidates
from nlp.pipeline import extract

HELP = "judge a referral letter or patient text against every trial (text or --json)"

EXIT_INPUT = 2
WIDTH = 92
PREGNANCY_WORDS = {"lactating": "breastfeeding", "planning": "planning a pregnancy"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="text files to read (default: standard input)")
    parser.add_argument("--json", action="store_true", help="print JSON (one object per input, one per line)")
    parser.add_argument("--prune", action="store_true",
                        help="judge only the trials this patient could match (other conditions, or age/sex outside "
                             "the limits, are left out and counted); for large databases")
    parser.add_argument("--lang", choices=("auto", *load_languages().reads), default="auto",
                        help="language of the text report: auto (the letter's: Chinese for a Chinese letter, "
                             "else English), en or zh")
    parser.add_argument("--all", action="store_true",
                        help="also the trials not recruiting (completed, terminated, withdrawn, suspended, "
                             "status unknown), marked; by default they are left out and counted")
    parser.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the date to count relative times and washouts from (default: today)")


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _error(message: str) -> None:
    print(f"trialbot: error: {message}", file=sys.stderr)


def read_input(path: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, a one-line reason the input cannot be used)."""
    shown = "standard input" if path == "-" else path
    try:
        raw = _read(path)
    except OSError as exc:
        return None, f"cannot read {shown}: {exc.strerror or exc}"
    text = _decode(raw)
    if text is None:
        return None, f"{shown} is not UTF-8 text (binary data?)"
    if len(text) > MAX_CHARS:
        return None, f"{shown} is too long (more than {MAX_CHARS} characters); split it into smaller parts"
    if not text.strip():
        return None, f"{shown} is empty: nothing to triage"
    return text, None


@store_faults
def run(args: argparse.Namespace) -> int:
    from data.store import all_trial_records  # start-up: the store only for commands that open it

    paths = args.files or ["-"]
    inputs = []
    failed = False
    for path in paths:
        text, problem = read_input(path)
        if problem:
            _error(problem)
            failed = True
        else:
            inputs.append((path, text))
    if not inputs:
        return EXIT_INPUT
    db = open_db(args)
    if db is None:
        return 1
    catalog = None
    if args.prune:
        catalog = TrialCatalog(db)
    trials = catalog if catalog is not None else all_trial_records(db)
    if not trials:
        _error("no trials in the database")
        return 1

    from matching.engine import match  # start-up: the matcher only once a turn matches

    today = args.today or datetime.date.today()
    for number, (path, text) in enumerate(inputs):
        source = "<stdin>" if path == "-" else path
        # every fact of the text is kept (no merging within one text: a drug named twice,
        # once with its outcome, keeps both mentions), a mention repeating one exactly once
        profile = Profile.of_text(extract(normalise_input(text), source=source, today=today))
        if not profile.facts:
            # nothing to judge with: every trial would be "more information needed"
            _error(f"{'standard input' if path == '-' else path}: nothing recognised (no diagnosis, treatment, "
                   "age, sex or test result); nothing to triage")
            failed = True
            continue
        found = None
        if catalog is not None:                 # --prune: judge the candidates only (stored plans)
            results = match_candidates(profile, catalog, today=today)
            found = catalog.last
        else:
            results = match(profile, trials, today=today, keywords=keyword_scores(db, profile),
                            requested=requested_trials(db, profile), targeted=targeted_trials(db, profile),
                            mismatched=mismatched_trials(db, profile), volunteers=volunteer_trials(db),
                            untargeted=untargeted_trials(db, profile), untreating=untreating_trials(db),
                            elsewhere=elsewhere_trials(db, profile))
        kept, closed = offered(results, db)          # trials not recruiting: counted, or listed with --all
        results = _related_after(results if args.all else kept)
        notices = trial_notices(db, [r.trial for r in results], today)
        if args.json:
            # the facts read, as the human report lists them: no matching marker
            head = {"source": source, "profile": Profile(load_terminology().shown(profile.facts)).to_dict()}
            tail = {"not_recruiting": closed, "notices": {k: v for k, v in notices.items() if v}}
            if found is not None:
                tail["left_out"] = {"trials": found.left_out, "diagnosis_known": found.diagnosis_known,
                                    "reason": found.reason or None}
            _print_json_line(head, results, tail)
        else:
            if number:
                print()
            lang = report_language(text, getattr(args, "lang", "auto"))
            print(report(source, profile, results, show_source=len(inputs) > 1, lang=lang, notices=notices))
            if found is not None and found.left_out:
                print("\n" + _t("triage_left_out", lang, count=found.left_out))
            if closed and not args.all:
                print("\n" + _t("triage_not_recruiting", lang, count=closed))
    return EXIT_INPUT if failed else 0


def _related_after(results: list) -> list:
    """Within each verdict, the trials whose conditions meet the patient's only as a condition
    that may come with the diagnosis (``bot.results.linked_only``: a chronic kidney disease
    trial for lupus nephritis) after those for the diagnosis itself, as the chat names them
    apart; the order is otherwise the matcher's."""
    first: dict[str, int] = {}
    for i, result in enumerate(results):
        first.setdefault(result.verdict, i)
    return sorted(results, key=lambda r: (first[r.verdict], linked_only(r)))


# --- the human report -------------------------------------------------------------------

def _print_json_line(head: dict, results: list, tail: dict) -> None:
    """One JSON object per input on one line: ``head``'s fields, ``"trials"`` (every result),
    then ``tail``'s, written one trial at a time so a report on thousands of trials never
    holds all their explanations at once."""
    out = sys.stdout
    dumps = lambda value: json.dumps(value, ensure_ascii=False, default=str)  # noqa: E731
    out.write(dumps(head)[:-1] + (', "trials": [' if head else '{"trials": ['))
    for i, result in enumerate(results):
        data = result.to_dict()
        headings = heading_ids(result.criteria)
        for criterion in data.get("criteria") or []:
            if criterion.get("id") in headings:
                criterion["heading"] = True          # a heading or note: no criterion (#16)
        out.write((", " if i else "") + dumps(data))
        drop = getattr(result, "drop_details", None)
        if drop is not None:
            drop()
    out.write("]" + "".join(f", {dumps(key)}: {dumps(value)}" for key, value in tail.items()) + "}\n")


def report_language(text: str, wanted: str = "auto") -> str:
    """The report's language: ``wanted``, or with "auto" the letter's own when the bot
    reads it (a Chinese letter gets a Chinese report), else English."""
    if wanted != "auto":
        return wanted
    found = detect(text)
    return found if found in load_languages().reads else "en"


def _t(key: str, lang: str, **values) -> str:
    """A report line of data/bot_texts.yaml (clinician wording) in ``lang``."""
    return load_texts().text(key, "clinician", lang).format(**values)


def report(source: str, profile, results, show_source: bool = False, lang: str = "en",
           notices: dict | None = None) -> str:
    """The human report; ``notices``: per trial id, its status note and freshness warnings
    (``bot.trial_notes.trial_notices``)."""
    lines: list[str] = []
    if show_source:
        lines += [f"=== {source} ===", ""]
    renderer = Renderer(PLAIN, load_texts())
    renderer.lang = lang
    facts = _profile_line(profile) if lang == "en" else renderer.join(renderer.facts(list(profile.facts), "clinician"), "separator")
    lines += _wrap(_t("triage_understood", lang, facts=facts or _t("triage_nothing", lang)), "")
    if facts and results and not names_a_condition(results[0]):
        # "32 yo woman ... intraventricular hemorrhage ... AVM": no diagnosis the gate reads, so
        # no trial is ruled out for another condition; a "possible" says little (lead, round 32)
        lines += [""] + _wrap(_t("triage_no_diagnosis", lang), "")
    if facts and results:
        # how the trials came out, before the list (a referrer with a patient no trial is for
        # sees that first, not a trial for another disease ranked "1."; lead, round 35)
        counts = {word: sum(r.verdict == verdict for r in results)
                  for word, verdict in (("may", "likely"), ("open", "possible"), ("unlikely", "ineligible"))}
        lines += [""] + _wrap(_t("triage_counts", lang, **counts), "")
    location = profile.first("LOCATION")
    place = location.concept if location else None
    gazetteer = load_gazetteer() if place else None       # the chat's nearest-site rule
    for rank, result in enumerate(results, start=1):
        trial = result.trial
        lines += ["", f"{rank}. {trial.get('title') or trial['id']}",
                  "   " + _t("triage_trial", lang, id=trial["id"], nct=trial.get("nct_id") or _t("unknown", lang)),
                  "   " + _t("triage_verdict", lang, verdict=_t(f"triage_verdict_{result.verdict}", lang)) + _tally(result, lang)]
        if linked_only(result):
            view = linked_view(result)
            said = renderer.join([renderer.fact(f, "clinician") for f in gate_facts(result)], "separator")
            lines += _wrap(_t("triage_linked", lang, conditions=view["conditions"], diagnoses=said), "   ")
        failing = _most_specific(result, "fail")
        if failing:
            lines.append("   " + _t("triage_not_met", lang))
            for criterion in failing:
                lines += _wrap(f"- [{criterion.id}, {criterion.kind}] {_quote(criterion.text)}", "     ")
                for evidence in criterion.evidence:
                    if evidence.value in ("true", "false"):
                        lines += _wrap(_t("triage_evidence", lang, evidence=f"{_spans(evidence)}{evidence.reason}"), "       ")
        if result.questions:
            lines.append("   " + _t("triage_open", lang))
            for question in result.questions:
                lines += _wrap(f"? {_asked(question, lang)}", "     ")
        review = [c for c in _shown_top(result) if c["status"] == "review"]
        if review:
            lines += _wrap(_t("triage_review", lang, ids=", ".join(c["id"] for c in review)), "   ")
        if not load_catalogue().offered_in_chat(trial.get("status")):     # listed with --all
            lines.append("   " + _t("triage_status_closed", lang, status=trial.get("status") or _t("unknown", lang)))
        for line in notice_lines(renderer, "clinician", {"notices": (notices or {}).get(trial["id"])}):
            lines += _wrap(line, "   ")
        for line in where_lines(renderer, "clinician", where_to_ask(trial, place, gazetteer)):
            lines += _wrap(line, "   ")
    lines += [""] + _wrap(load_texts().text("disclaimer", "clinician", lang), "")
    return "\n".join(lines)


def _asked(question, lang: str) -> str:
    """A question's clinician wording in ``lang`` when it has one (``zh_clinician``), else English."""
    return getattr(question, f"{lang}_clinician", None) or question.clinician


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  ") or [indent.rstrip()]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text[:237]}…"' if len(text) > 240 else f'"{text}"'


def _spans(evidence) -> str:
    quotes = []
    for fact in evidence.facts:
        if fact.text and f'"{fact.text}"' not in quotes:
            quotes.append(f'"{fact.text}"')
    return (", ".join(quotes) + " → ") if quotes else ""


def _shown_top(result) -> list[dict]:
    """The top-level criteria as people see them: headings and notes give way to their
    sub-criteria (``bot.results.shown_criteria``)."""
    return [row for row in shown_criteria(result.criteria) if row["parent"] is None]


def _tally(result, lang: str = "en") -> str:
    statuses = [c["status"] for c in _shown_top(result)]
    evaluable = [s for s in statuses if s not in ("review", "other_cohort")]
    return _t("triage_tally", lang, met=statuses.count("pass"), total=len(evaluable)) if evaluable else ""


def _most_specific(result, status: str) -> list:
    """Criteria with the status whose sub-criteria do not (the most specific ones), none of a
    cohort for another disease than the patient's (``CriterionResult.other_cohort``: "Not met:
    diagnosed as Crohn's disease" is no news to a dermatomyositis referral; lead, round 43)."""
    parents = {c.id: c.parent for c in result.criteria}
    others = {c.id for c in result.criteria if c.other_cohort}

    def other(criterion) -> bool:
        node = criterion.id
        while node is not None:
            if node in others:
                return True
            node = parents.get(node)
        return False
    return [c for c in result.criteria if c.status == status and not any(ch.status == status for ch in c.children)
            and not other(c)]


def _allergy_words(fact, term) -> str:
    """An allergy fact as a clinician reads it: "no known drug allergies", "no allergy to
    penicillin", "allergy to penicillin (rash)", "allergy to rituximab (uncertain)"."""
    if fact.concept == ANY_DRUG:
        return "no known drug allergies" if fact.negated else "drug allergies (unnamed)"
    name = term.label(fact.concept)
    if fact.negated:
        return f"no allergy to {name}"
    detail = [d for d in (fact.status, "uncertain" if fact.uncertain else None) if d]
    return f"allergy to {name}" + (f" ({', '.join(detail)})" if detail else "")


def _profile_line(profile) -> str:
    term = load_terminology()
    parts = []
    certain_age = any(f.label == "AGE" and not f.uncertain and not f.family for f in profile.facts)
    # stated as a fact somewhere in the letter: a hedged mention elsewhere ("29F with SLE ...
    # Rule out CNS lupus") says less, it does not make the diagnosis uncertain
    stated = {(f.label, f.concept) for f in profile.facts
              if not (f.uncertain or f.negated or f.family or f.hypothetical)}
    # a drug the patient is (or is not) allergic to is said as the allergy, not as a
    # treatment not tolerated (or never had)
    allergic = allergy_spans(profile.facts)
    for fact in term.shown(profile.facts):
        if fact.family or fact.hypothetical:
            continue
        if fact.label == "DRUG" and (fact.start, fact.end, fact.source) in allergic:
            continue
        if fact.label == "ALLERGY":
            parts.append(_allergy_words(fact, term))
            continue
        if fact.uncertain and not fact.negated and (fact.label, fact.concept) in stated:
            continue
        if fact.label == "AGE" and fact.uncertain and certain_age:
            continue        # "34 y/o, DOB 1992": the stated age, not the year's guess (matching uses it too)
        name = term.label(fact.concept) if fact.label not in ("AGE", "WEIGHT", "LOCATION") else fact.label.lower()
        if fact.label == "DRUG":
            name = term.as_written(fact.concept, fact.text) or name     # "prednisolone", as the letter says
        if fact.label in ("SEX", "PREGNANCY"):
            name = PREGNANCY_WORDS.get(fact.concept, fact.concept)
        if fact.label == "STAGE":
            name = f"stage {fact.concept}"      # the cancer's stage ("stage IIIB")
        if fact.label == "BIOMARKER" and term.flagged(fact.concept, "panel"):
            name = f"{fact.text} ({name})"      # a panel's test as named: "anti-Scl-70 (systemic-sclerosis antibodies)"
        detail = []
        if fact.value is not None:
            detail.append(f"{fact.comparator or ''}{fact.value:g}{(' ' + fact.unit) if fact.unit else ''}")
            if (fact.label == "LAB" and not fact.unit and fact.value_normalized is not None and fact.unit_normalized
                    and abs(fact.value_normalized - fact.value) > 1e-9 * max(1.0, abs(fact.value))):
                # "plt 45000" with no unit: the reading the verdicts use, so a wrong guess shows
                detail.append(f"read as {fact.value_normalized:.3g} {fact.unit_normalized}")
        if fact.uln_multiple is not None:
            detail.append(f"{fact.uln_multiple:g}× ULN")
        if fact.label == "LOCATION":
            detail.append(fact.concept)         # "location (Houston)": where the site search starts
        if fact.historical and not fact.negated and (
                fact.label in ("INFECTION", "STAGE") or (fact.label == "CONDITION" and is_disease_status(fact.concept, term))
                or (fact.label == "DRUG" and not fact.status)):
            # "stopped due to recurrent infections", "induction 2023 - CR1" in a relapsed
            # patient's letter, "off ciclosporin since 04/2025": not now (the chat says
            # "earlier" too); a date alone would read as the start of a drug taken now
            detail.append("past")
        elif fact.historical and not fact.negated and fact.label == "CONDITION":
            # "He had grade 2 peripheral neuropathy with vincristine, resolved", "history of
            # hypertension": stated as history, as the chat says "history of" (lead, round 37)
            detail.append("history")
        for flag in ("status", "date"):
            if getattr(fact, flag) and not (flag == "status" and fact.negated):
                detail.append(str(getattr(fact, flag)))
        if fact.uncertain:
            detail.append("uncertain")
        if fact.implausible:        # "Cr 88", "Bili 3": no unit, and more than one reading makes sense
            detail.append("unit unclear" if fact.label == "LAB" and not fact.unit else "implausible value")
        text = (("not " if fact.label == "PREGNANCY" else "no ") if fact.negated else "") + name + (f" ({', '.join(detail)})" if detail else "")
        if text not in parts:
            parts.append(text)
    # a mention that says less than another of the same thing ("ETP-ALL" beside "ETP-ALL
    # (2024-04)") is not repeated
    return "; ".join(p for p in parts if not any(q != p and q.startswith(p + " (") for q in parts))
