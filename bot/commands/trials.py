"""List the trials the bot knows: id, NCT number ("unknown" when no source gives one),
status, number of inclusion and exclusion criteria (sub-criteria included), conditions
and title.

The bundled trials (data/trials/*.yaml) are loaded into the database on first use and
reloaded whenever those files or the terminology change; imported and synced trials are
listed too, with the date their registry record was last updated. The database is --db,
else $TRIALBOT_DB, else ./trialbot.db.

--condition (a disease as the terminology names it, e.g. lupus, myositis, or words of the
registry's condition text), --status (comma-separated, e.g. RECRUITING,NOT_YET_RECRUITING;
"unknown" for none given) and --country (a site's country) narrow the list; it is shown
--limit trials at a time (default 50), from --offset, with a line saying how many more.

Example:
  python bot.py trials --condition lupus --status recruiting --country China --json
"""
from __future__ import annotations

import argparse
import functools
import json
import sys

from bot.formats import terminal_safe
from bot.commands import command_name

HELP = "list the trials in the knowledge base"

UNKNOWN = "unknown"


DEFAULT_LIMIT = 50


def store_faults(run):
    """A command's ``run`` with a damaged database file reported as the store's one-line
    corrupt-database error (``data.store.corrupt_as_store_error``), not an internal error."""

    @functools.wraps(run)
    def guarded(args: argparse.Namespace) -> int:
        from data.settings import db_path  # start-up: the store only for commands that open it
        from data.store import corrupt_as_store_error  # start-up: the store only for commands that open it

        with corrupt_as_store_error(db_path(getattr(args, "db", None))):
            return run(args)

    return guarded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.add_argument("--condition", metavar="TEXT", help="only trials for this condition (e.g. lupus, myositis)")
    parser.add_argument("--status", metavar="LIST", help="only trials with one of these statuses (comma-separated)")
    parser.add_argument("--country", metavar="NAME", help="only trials with a site in this country")
    parser.add_argument("--limit", type=_count, default=DEFAULT_LIMIT, metavar="N",
                        help=f"show at most N trials (default {DEFAULT_LIMIT}; 0 shows all)")
    parser.add_argument("--offset", type=_count, default=0, metavar="N", help="skip the first N trials")


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 0")
    return number


@store_faults
def run(args: argparse.Namespace) -> int:
    from data.store import list_trials, trial_freshness  # start-up: the store only for commands that open it
    from data.terminology import load_terminology  # start-up: the terminology only for commands that show trials

    db = open_db(args)
    if db is None:
        return 1
    terminology = load_terminology()
    rows = filter_rows(db, list_trials(db), terminology, condition=getattr(args, "condition", None),
                       status=getattr(args, "status", None), country=getattr(args, "country", None))
    fresh = trial_freshness(db)
    for row in rows:
        known = fresh.get(row["id"], {})
        row["last_updated"] = known.get("last_updated")
        row["status_verified"] = known.get("status_verified")
        row["synced_at"] = known.get("synced_at")
    offset, limit = getattr(args, "offset", 0), getattr(args, "limit", DEFAULT_LIMIT)
    total = len(rows)
    shown = rows[offset: offset + limit] if limit else rows[offset:]
    more = total - offset - len(shown)
    more_line = f"{more} more: {_next_command(args, offset + len(shown), limit)}" if more > 0 else ""
    if args.json:
        json.dump(shown, sys.stdout, indent=2, ensure_ascii=False)
        print()
        if more_line:
            print(more_line, file=sys.stderr)
        return 0
    if not shown:
        print("No trials in the database." if not total and not _filtered(args) else
              "No trials match." if not total else f"No trials after the first {total}.")
        return 0
    table = [("ID", "NCT", "STATUS", "INC", "EXC", "UPDATED", "CONDITIONS", "TITLE")]
    for row in shown:
        table.append((
            row["id"], row["nct_id"] or UNKNOWN, row["status"] or UNKNOWN, str(row["inclusion"]),
            str(row["exclusion"]), row["last_updated"] or UNKNOWN,
            _first([terminology.label(c) for c in row["conditions"]]) or UNKNOWN, row["title"],
        ))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        cells = [cell.rjust(w) if i in (3, 4) else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        print(terminal_safe("  ".join(cells + [line[-1]])))
    counted = f"{total} trial(s)" if len(shown) == total else f"trials {offset + 1}-{offset + len(shown)} of {total}"
    print(f"\n{counted}. Criteria counts include sub-criteria; UPDATED is the registry record's last update. "
          f"Details: {command_name()} trial ID")
    if more_line:
        print(more_line)
    return 0


# a trial listing many conditions (a basket trial: 20 and more) would push every title off the
# screen: the table names the first ones and how many more; `trial ID` and --json show them all
CONDITIONS_SHOWN = 4


def _first(labels: list[str]) -> str:
    labels = list(dict.fromkeys(labels))
    more = len(labels) - CONDITIONS_SHOWN
    return ", ".join(labels[:CONDITIONS_SHOWN]) + (f" (+{more} more)" if more > 0 else "")


def _next_command(args: argparse.Namespace, offset: int, limit: int) -> str:
    """The command that shows the next trials (the same filters, the next offset)."""
    import shlex

    words = [*command_name().split(), "trials"]      # "python bot.py trials" or, installed, "trialbot trials"
    if args.json:
        words.append("--json")
    for name in ("condition", "status", "country"):
        if getattr(args, name, None):
            words += [f"--{name}", getattr(args, name)]
    words += ["--offset", str(offset)]
    if limit != DEFAULT_LIMIT:
        words += ["--limit", str(limit)]
    return shlex.join(words)


def _filtered(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) for name in ("condition", "status", "country"))


def filter_rows(db, rows: list[dict], terminology, condition: str | None = None, status: str | None = None,
                country: str | None = None) -> list[dict]:
    """The ``list_trials`` rows that pass the filters (each None or empty: no filter)."""
    if status and status.strip():
        wanted = {w.strip().upper().replace(" ", "_").replace("-", "_") for w in status.split(",") if w.strip()}
        rows = [r for r in rows if (r["status"] or "UNKNOWN").upper() in wanted]
    if country and country.strip():
        place = " ".join(country.split()).casefold()
        ids = {trial_id for trial_id, name in db.execute("SELECT DISTINCT trial_id, country FROM sites")
               if name and place in " ".join(name.split()).casefold()}
        rows = [r for r in rows if r["id"] in ids]
    if condition and condition.strip():
        ids = _condition_trials(db, terminology, condition)
        rows = [r for r in rows if r["id"] in ids]
    return rows


def _condition_trials(db, terminology, text: str) -> set[str]:
    """Trials for a condition: by concept (its own, narrower and broader ones, as the
    store's condition index has them) when the words name one, else by the registry's
    condition text."""
    words = " ".join(text.split()).casefold()
    concepts = []
    for concept in terminology.by_category("condition"):
        names = [concept.id.replace("_", " "), concept.label, *concept.terms, *concept.abbreviations]
        if any(words == " ".join(n.split()).casefold() for n in names):
            concepts.append(concept.id)
    if not concepts:
        concepts = [c.id for c in terminology.by_category("condition")
                    if any(words in " ".join(n.split()).casefold() for n in (c.label, *c.terms))]
    ids = set()
    if concepts:
        marks = ", ".join("?" * len(concepts))
        ids = {row[0] for row in db.execute(f"SELECT DISTINCT trial_id FROM trial_conditions WHERE concept IN ({marks})",
                                            concepts)}
    for trial_id, record in db.execute("SELECT id, record FROM trials"):
        if any(words in " ".join(t.split()).casefold() for t in json.loads(record)["conditions_text"]):
            ids.add(trial_id)
    return ids


def open_db(args: argparse.Namespace):
    """The store with the bundled trials up to date, or None after printing a one-line error."""
    from data.errors import DataError  # start-up: the store only for commands that open it
    from data.settings import db_path  # start-up: the store only for commands that open it
    from data.store import StoreError, open_store  # start-up: the store only for commands that open it

    try:
        return open_store(db_path(args.db))
    except (DataError, StoreError) as exc:
        error(str(exc))
        return None


def error(message: str) -> None:
    """Print a user-actionable error as one line on stderr."""
    print(f"trialbot: error: {message}", file=sys.stderr)
