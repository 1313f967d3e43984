"""List the trials the bot knows: id, NCT number ("unknown" when no source gives one),
status, number of inclusion and exclusion criteria (sub-criteria included), conditions
and title.

The bundled trials (data/trials/*.yaml) are loaded into the database on first use and
reloaded whenever those files or the terminology change; imported trials are listed too.
The database is --db, else $TRIALBOT_DB, else ./trialbot.db.

Example:
  python bot.py trials --json
"""
from __future__ import annotations

import argparse
import json
import sys

HELP = "list the trials in the knowledge base"

UNKNOWN = "unknown"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")


def run(args: argparse.Namespace) -> int:
    from data.store import list_trials
    from data.terminology import load_terminology

    db = open_db(args)
    if db is None:
        return 1
    rows = list_trials(db)
    if args.json:
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("No trials in the database.")
        return 0
    terminology = load_terminology()
    table = [("ID", "NCT", "STATUS", "INC", "EXC", "CONDITIONS", "TITLE")]
    for row in rows:
        table.append((
            row["id"], row["nct_id"] or UNKNOWN, row["status"] or UNKNOWN, str(row["inclusion"]),
            str(row["exclusion"]), ", ".join(terminology.label(c) for c in row["conditions"]) or UNKNOWN,
            row["title"],
        ))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        cells = [cell.rjust(w) if i in (3, 4) else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        print("  ".join(cells + [line[-1]]))
    print(f"\n{len(rows)} trial(s). Criteria counts include sub-criteria. Details: python bot.py trial ID")
    return 0


def open_db(args: argparse.Namespace):
    """The store with the bundled trials up to date, or None after printing a one-line error."""
    from data.errors import DataError
    from data.settings import db_path
    from data.store import StoreError, open_store

    try:
        return open_store(db_path(args.db))
    except (DataError, StoreError) as exc:
        error(str(exc))
        return None


def error(message: str) -> None:
    """Print a user-actionable error as one line on stderr."""
    print(f"trialbot: error: {message}", file=sys.stderr)
