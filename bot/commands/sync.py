"""Fetch trials from the ClinicalTrials.gov API v2 and merge them into the knowledge base,
with the same validation and merging as `import` (records of one study are merged, a
curated trial keeps its data).

The default query is the project's field: CAR-T and other cell therapies in lupus,
systemic sclerosis, myositis, ITP, Crohn's disease, ulcerative colitis, Still's disease,
rheumatoid arthritis and haematological cancers, recruiting or about to. --condition,
--intervention, --query (any field) and --status replace their part of it (an empty
value drops the part; --status any asks for every status).

The first run of a query fetches everything; later runs fetch only the studies whose
registry record was updated since the previous run started (--full fetches everything
again, --since DATE from a date). A run is resumable: the pages fetched so far are kept in
the database, and running the same sync again after an interruption continues with the
next page (--restart discards them). No trial changes until the last page is in; then all
of them are written at once. Server errors and rate limits are retried with exponential
backoff (honouring Retry-After). The summary counts the trials added, updated, unchanged
and now withdrawn, terminated or suspended. The API's address is $TRIALBOT_CTGOV_URL
(default https://clinicaltrials.gov/api/v2). See docs/sync.md.

Example:
  python bot.py sync --condition lupus --json
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from bot.commands.trials import store_faults
from bot.commands import add_workers_argument, command_name

HELP = "fetch trials from ClinicalTrials.gov (API v2) into the knowledge base; resumable, incremental"

STATUS_CHANGES_SHOWN = 20

# the client's backoff waits (tests replace it and run at full speed)
sleep = time.sleep


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--condition", metavar="TEXT", help="conditions to search (query.cond); default: the project's diseases")
    parser.add_argument("--intervention", metavar="TEXT",
                        help="interventions to search (query.intr); default: CAR-T and other cell therapies")
    parser.add_argument("--query", metavar="TEXT", help="search every field (query.term)")
    parser.add_argument("--status", metavar="LIST",
                        help="overall statuses, comma-separated (e.g. RECRUITING,NOT_YET_RECRUITING), or 'any'; "
                             "default: recruiting, not yet recruiting, enrolling by invitation")
    parser.add_argument("--since", metavar="YYYY-MM-DD", type=_date, help="only studies updated since this date")
    parser.add_argument("--full", action="store_true", help="fetch every study of the query, not only the updated ones")
    parser.add_argument("--restart", action="store_true", help="discard an interrupted run of this query and start over")
    parser.add_argument("--page-size", type=int, default=None, metavar="N",
                        help="studies per request (1-1000, default 100)")
    add_workers_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--progress", action="store_true",
                        help="show a progress bar (shown anyway when stderr is a terminal)")


def _date(value: str) -> str:
    from registry.sync import parse_date  # start-up: the registry code only for the command that syncs

    try:
        return parse_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def build_query(args: argparse.Namespace):
    """The run's ``Query`` from the options (``ValueError`` for an unknown status)."""
    from registry.sync import DEFAULT_STATUSES, KNOWN_STATUSES, Query  # start-up: the registry code only for the command that syncs

    default = Query()
    return Query(
        condition=default.condition if args.condition is None else (args.condition.strip() or None),
        intervention=default.intervention if args.intervention is None else (args.intervention.strip() or None),
        term=None if args.query is None else (args.query.strip() or None),
        statuses=DEFAULT_STATUSES if args.status is None else _statuses(args.status, KNOWN_STATUSES),
    )


def _statuses(text: str, known: tuple[str, ...]) -> tuple[str, ...]:
    words = [w.strip().upper().replace(" ", "_").replace("-", "_") for w in text.split(",") if w.strip()]
    if words in ([], ["ANY"], ["ALL"]):
        return ()
    unknown = [w for w in words if w not in known]
    if unknown:
        raise ValueError(f"--status: unknown status {unknown[0]!r}; known: {', '.join(known)}, or any")
    return tuple(dict.fromkeys(words))


@store_faults
def run(args: argparse.Namespace) -> int:
    from bot.commands.trials import error, open_db  # start-up: the store only for commands that open it
    from data.settings import setting  # start-up: the store only for commands that open it
    from data.store import StoreError  # start-up: the store only for commands that open it
    from registry.ctgov_client import CtgovClient  # start-up: the registry code only for the command that syncs
    from registry.workers import default_workers  # start-up: the registry code only for the command that syncs
    from registry.sync import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SyncError, discard_run, run_sync, sync_state  # start-up: the registry code only for the command that syncs

    try:
        query = build_query(args)
    except ValueError as exc:
        error(str(exc))
        return 2
    page_size = DEFAULT_PAGE_SIZE if args.page_size is None else args.page_size
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        error(f"--page-size must be 1 to {MAX_PAGE_SIZE}, got {page_size}")
        return 2
    if not any((query.condition, query.intervention, query.term)) and not query.statuses:
        error("the query asks for every study in the registry: give --condition, --intervention, --query or --status")
        return 2
    base_url = setting("ctgov_url") or "https://clinicaltrials.gov/api/v2"
    if not base_url.startswith(("http://", "https://")):
        error(f"TRIALBOT_CTGOV_URL must be an http(s) URL, got {base_url!r}")
        return 2
    db = open_db(args)
    if db is None:
        return 1
    try:
        if args.restart:
            discard_run(db, query)
        with CtgovClient(base_url, sleep=sleep) as client:
            summary = run_sync(db, client, query, full=args.full, since=args.since, page_size=page_size,
                               progress=args.progress or sys.stderr.isatty(), workers=args.workers or default_workers())
    except SyncError as exc:
        error(str(exc))
        return 1
    except StoreError as exc:
        error(f"{exc} (the pages fetched so far are kept)")
        return 1
    except KeyboardInterrupt:
        state = sync_state(db, query)
        done = state["pages_done"] if state else 0
        print(f"trialbot: interrupted: {done} page(s) fetched are kept, no trial changed; "
              f"run the same sync again to continue", file=sys.stderr)
        return 130
    finally:
        db.close()
    if args.json:
        json.dump(summary.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(render_summary(summary))
    return 0


def render_summary(summary) -> str:
    """The run's summary as a few lines of text."""
    scope = f"updated since {summary.since}" if summary.since else "every study of the query"
    resumed = ", resumed" if summary.resumed else ""
    lines = [f"sync: {summary.fetched} studies fetched in {summary.pages} page(s) ({scope}{resumed})"]
    if summary.skipped:
        lines.append(f"  {summary.skipped} new study(ies) left out: their status is not one the query asks for")
    lines.append(f"added {len(summary.added)}, updated {len(summary.updated)}, unchanged {len(summary.unchanged)}; "
                 f"now withdrawn, terminated or suspended: {len(summary.stopped)}")
    if summary.status_changes:
        lines.append("status changes:")
        for change in summary.status_changes[:STATUS_CHANGES_SHOWN]:
            lines.append(f"  {change['id']}: {change['from'] or 'unknown'} -> {change['to'] or 'unknown'}")
        if len(summary.status_changes) > STATUS_CHANGES_SHOWN:
            lines.append(f"  and {len(summary.status_changes) - STATUS_CHANGES_SHOWN} more (--json lists them all)")
    for item in summary.curated_differs[:STATUS_CHANGES_SHOWN]:
        lines.append(f"  {item['id']}: curated status {item['curated'] or 'unknown'} kept; the registry now says "
                     f"{item['registry']} (check data/trials)")
    lines.append(f"Details: {command_name()} trials --status ..., {command_name()} trial ID")
    return "\n".join(lines)
