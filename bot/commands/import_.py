"""Import trials from ClinicalTrials.gov API v2 JSON (one study or {"studies": [...]})
and from registry web pages saved as plain text (.txt), then store them.

Records of one study are merged, not duplicated: across the files of the run, and with
the trial already in the database (same NCT number, or a close title plus a shared site).
A curated (bundled) trial keeps its data; an import only fills its gaps. One line per
resulting trial: id, NCT number (or "unknown"), title, and what happened (new, merged,
updated, unchanged). Any bad file stops the run with a one-line error and nothing is
imported. See docs/importing.md.

The language pipeline that reads the criteria keeps its build cache beside the database
(the chat's file, nlp/build_cache.py), so a later import builds it faster.

The studies are read by one worker process per CPU (``--workers N``; 1 reads them in this
process); what is stored does not depend on the number.

``--reparse`` reads the criteria of every imported trial again with the current criteria
reader (``sync`` does this by itself for trials an older reader wrote).

Example:
  python bot.py import study.json page.txt --dry-run --json
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys

from bot.commands.trials import UNKNOWN, error, open_db, store_faults
from bot.formats import terminal_safe
from data.errors import DataError
from data.settings import db_path
from data.trials import load_trials
from bot.commands import add_workers_argument, command_name

HELP = "import ClinicalTrials.gov JSON or saved registry pages into the knowledge base"

TITLE_WIDTH = 70


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="CT.gov API v2 JSON (.json) or a registry page saved as text")
    parser.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    parser.add_argument("--json", action="store_true", help="print the resulting records as JSON")
    parser.add_argument("--progress", action="store_true",
                        help="show a progress bar while reading (shown anyway when stderr is a terminal)")
    add_workers_argument(parser)
    parser.add_argument("--reparse", action="store_true",
                        help="read the criteria of every imported trial again with the current criteria reader "
                             "(after the FILEs, if any)")


@store_faults
def run(args: argparse.Namespace) -> int:
    from data.store import StoreError  # start-up: the store only for commands that open it
    from registry.run import apply, plan, read_files, stored_trials  # start-up: the store only for commands that open it
    from registry.workers import default_workers  # start-up: the importer only for this command

    if not args.files and not args.reparse:
        error("give the FILEs to import, or --reparse")
        return 2
    if not args.files:
        return _reparse(args)
    if args.reparse and args.json:
        error("--reparse and --json with FILEs: import first, then run --reparse --json on its own")
        return 2
    from nlp.build_cache import beside  # start-up: the pipeline's cache only for commands that build it
    from nlp.pipeline import use_build_cache  # start-up: the pipeline only for commands that read criteria

    use_build_cache(None if args.dry_run else beside(db_path(args.db)))   # the chat's cache file: the same pipeline
    try:
        records = read_files(args.files, progress=args.progress or sys.stderr.isatty(),
                             workers=args.workers or default_workers())
    except DataError as exc:
        error(f"{exc} (nothing imported)")
        return 1
    finally:
        use_build_cache(None)        # (built by now, when any criterion was read)
    try:
        existing = _existing(args)
        if existing is None:
            db = open_db(args)
            if db is None:
                return 1
            existing = stored_trials(db)
        outcomes = plan(records, existing)
        if not args.dry_run:
            apply(db, outcomes)
    except (DataError, StoreError) as exc:
        error(f"{exc} (nothing imported)")
        return 1
    except sqlite3.DatabaseError as exc:  # the write failed and was rolled back
        error(f"database {db_path(args.db)} cannot be written: {exc} (nothing imported)")
        return 1
    if args.json:
        payload = [{"id": o.record["id"], "nct_id": o.record["nct_id"], "title": o.record["title"],
                    "action": o.label, "origin": o.origin, "record": o.record} for o in outcomes]
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for o in outcomes:
        title = o.record["title"]
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        print(terminal_safe(f"{o.record['id']}  {o.record['nct_id'] or UNKNOWN}  {title}  {o.label}"))
    if args.dry_run:
        print(f"\n{len(outcomes)} trial(s); dry run, nothing written.")
    else:
        print(f"\n{len(outcomes)} trial(s) imported. Details: {command_name()} trial ID")
    return _reparse(args) if args.reparse else 0


def _reparse(args: argparse.Namespace) -> int:
    """``--reparse``: every imported trial's criteria read again, the changed ones written
    in one transaction (none with ``--dry-run``)."""
    from data.store import StoreError  # start-up: the store only for commands that open it
    from registry.reparse import imported, reparse  # start-up: the store only for commands that open it
    from registry.workers import default_workers  # start-up: the importer only for this command

    db = open_db(args)
    if db is None:
        return 1
    try:
        if args.dry_run:
            changed = [r["id"] for r in imported(db)]
            print(f"{len(changed)} imported trial(s) would be read again; dry run, nothing written.")
            return 0
        changed = reparse(db, everything=True, workers=args.workers or default_workers())
    except (DataError, StoreError) as exc:
        error(f"{exc} (no criteria read again)")
        return 1
    except sqlite3.DatabaseError as exc:
        error(f"database {db_path(args.db)} cannot be written: {exc} (no criteria read again)")
        return 1
    if args.json:
        json.dump({"reread": changed}, sys.stdout, indent=2)
        print()
        return 0
    for trial_id in changed:
        print(terminal_safe(f"{trial_id}  criteria read again"))
    print(f"\n{len(changed)} imported trial(s) changed by reading their criteria again.")
    return 0


def _existing(args: argparse.Namespace) -> list[tuple[dict, str]] | None:
    """For a dry run against a database that does not exist yet: the bundled trials (what a
    fresh database would hold), so that nothing is created. Otherwise None (use the store)."""
    if not args.dry_run or os.path.exists(db_path(args.db)):
        return None

    return [(record, "bundled") for record in load_trials()]
