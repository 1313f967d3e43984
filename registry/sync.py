"""One sync run: fetch studies from the ClinicalTrials.gov API v2 page by page, then merge
them into the store exactly as ``import`` does (``registry.run.plan`` / ``apply``).

A run is resumable and all-or-nothing for the trials:

* the run's query and its state live in ``sync_state`` (one row per query, keyed by a hash
  of the query): the ``since`` date, the next ``pageToken`` and the pages done;
* each page is read into validated records as it arrives (``registry.ctgov``) and kept in
  ``sync_pages``, together with the state's next page token, in one transaction; an
  interruption (Ctrl-C, a lost connection, a server that keeps failing) leaves the pages
  fetched so far, and the next run of the same query continues with the next page;
* when the last page is in, every record is planned against the store and written in one
  transaction with the trials' freshness and the run's completion (``apply``); until then
  no trial changes. A malformed page (not JSON, not a list of studies, a study with a
  field of the wrong type) ends the run with a ``SyncError`` naming the page; nothing of it
  is kept and no trial changes.

Incremental runs: a completed run remembers the date it started; the next run of the same
query asks only for studies whose last update was posted since then
(``filter.advanced=AREA[LastUpdatePostDate]RANGE[date,MAX]``). Such a run does not filter
by status at the API: a stored trial that was withdrawn must be seen to be updated; a
study not stored yet is kept only when its status is one the query asks for.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import sqlite_utils

from data.errors import DataError
from data.store import record_freshness, transaction
from registry import ctgov
from registry.criteria_text import RuleParser
from registry.ctgov_client import FetchError, MalformedPage
from registry.reparse import reparse
from registry.run import apply, plan, stored_trials
from registry.workers import Readers

# The project's field: CAR-T and other cell therapies in refractory autoimmune diseases and
# in haematological cancers (ClinicalTrials.gov search expressions, "Essie" syntax).
DEFAULT_CONDITION = (
    '(lupus OR "systemic sclerosis" OR scleroderma OR myositis OR dermatomyositis OR polymyositis '
    'OR "immune thrombocytopenia" OR ITP OR "Crohn disease" OR "ulcerative colitis" '
    'OR "Still disease" OR "rheumatoid arthritis" OR "autoimmune disease" '
    'OR leukemia OR lymphoma OR "multiple myeloma" OR "myelodysplastic syndrome" '
    'OR "hematologic malignancy")'
)
DEFAULT_INTERVENTION = (
    '("CAR-T" OR "CAR T" OR "chimeric antigen receptor" OR "CAR-NK" OR "cell therapy" '
    'OR "T cell therapy" OR "NK cell")'
)
# statuses worth offering to a patient; ``--status any`` asks for every status
DEFAULT_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
# a trial in one of these no longer takes part in recruiting, for good or for now
STOPPED_STATUSES = frozenset({"WITHDRAWN", "TERMINATED", "SUSPENDED", "NO_LONGER_AVAILABLE", "WITHHELD",
                              "TEMPORARILY_NOT_AVAILABLE"})
KNOWN_STATUSES = ("ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
                  "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
                  "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class SyncError(RuntimeError):
    """The run cannot go on; the message is one line and says what is kept."""


@dataclass(frozen=True)
class Query:
    """What to ask the API for. ``statuses`` empty means every status."""
    condition: str | None = DEFAULT_CONDITION
    intervention: str | None = DEFAULT_INTERVENTION
    term: str | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES

    def canonical(self) -> str:
        return json.dumps({"condition": self.condition, "intervention": self.intervention, "term": self.term,
                           "statuses": sorted(self.statuses)}, sort_keys=True)

    @property
    def key(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()[:16]

    def params(self, since: str | None, page_size: int) -> dict[str, str]:
        """The API parameters of a run (without ``pageToken``)."""
        params = {"format": "json", "pageSize": str(page_size)}
        for name, value in (("query.cond", self.condition), ("query.intr", self.intervention),
                            ("query.term", self.term)):
            if value:
                params[name] = value
        if since:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
        elif self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        return params


@dataclass
class Summary:
    """What a run did (``to_dict`` is the ``--json`` shape)."""
    query: dict
    since: str | None
    resumed: bool = False
    pages: int = 0
    fetched: int = 0
    skipped: int = 0            # incremental runs: new studies whose status the query does not ask for
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stopped: list[dict] = field(default_factory=list)          # now withdrawn / terminated / suspended …
    status_changes: list[dict] = field(default_factory=list)   # {id, from, to}
    # a curated (bundled) trial keeps its own status; where the registry now says otherwise
    curated_differs: list[dict] = field(default_factory=list)  # {id, curated, registry}
    # imported trials whose criteria were read again: the criteria reader changed since
    reread: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = {"added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
                          "stopped": len(self.stopped), "status_changes": len(self.status_changes),
                          "reread": len(self.reread)}
        return data


def parse_date(value: str) -> str:
    """``YYYY-MM-DD`` checked (``ValueError`` otherwise)."""
    return datetime.strptime(value, "%Y-%m-%d").date().isoformat()


# --- state ----------------------------------------------------------------------------


def sync_state(db: sqlite_utils.Database, query: Query) -> dict | None:
    """The ``sync_state`` row of ``query`` as a dict, or None."""
    cursor = db.execute("SELECT * FROM sync_state WHERE query_key = ?", [query.key])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def discard_run(db: sqlite_utils.Database, query: Query) -> bool:
    """Forget an interrupted run of ``query`` (its pages too); True when there was one."""
    with transaction(db):
        row = db.execute("SELECT running FROM sync_state WHERE query_key = ?", [query.key]).fetchone()
        db.execute("DELETE FROM sync_pages WHERE query_key = ?", [query.key])
        db.execute("UPDATE sync_state SET running = 0, next_page_token = NULL, pages_done = 0, run_since = NULL, "
                   "run_started_at = NULL WHERE query_key = ?", [query.key])
    return bool(row and row[0])


def _start(db: sqlite_utils.Database, query: Query, since: str | None, started: str) -> None:
    with transaction(db):
        db.execute("DELETE FROM sync_pages WHERE query_key = ?", [query.key])
        db.execute("INSERT OR IGNORE INTO sync_state (query_key, query) VALUES (?, ?)", [query.key, query.canonical()])
        db.execute("UPDATE sync_state SET running = 1, run_since = ?, run_started_at = ?, next_page_token = NULL, "
                   "pages_done = 0 WHERE query_key = ?", [since, started, query.key])


# --- reading a page -------------------------------------------------------------------


def read_page(data: Any, page: int, parse: RuleParser | None = None,
              readers: Readers | None = None) -> tuple[list[dict], list[dict], str | None]:
    """A page's records, their freshness (``nct_id``, ``last_updated``, ``status_verified``)
    and the next page token (None on the last page); ``DataError`` when malformed.
    ``readers``: the run's worker processes reading the studies (else read here)."""
    name = f"page {page}"
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise DataError(name, "not a ClinicalTrials.gov API v2 page: expected an object with a 'studies' list")
    token = data.get("nextPageToken")
    if token is not None and (not isinstance(token, str) or not token.strip()):
        raise DataError(f"{name}: nextPageToken", "expected a non-empty text")
    records, extras = [], []
    if data["studies"]:
        studies = ctgov.studies_in(data, name)
        jobs = [(ctgov.study_to_record, (study, _label(study, name, where), "")) for where, study in studies]
        records = list((readers if readers is not None else Readers(parse, 1)).map(jobs))   # 1: read here
        for (_, study), record in zip(studies, records):
            status = study["protocolSection"].get("statusModule")
            verified = status.get("statusVerifiedDate") if isinstance(status, dict) else None
            extras.append({"nct_id": record["nct_id"], "last_updated": record["dates"]["last_updated"],
                           "status_verified": verified if isinstance(verified, str) else None})
    return records, extras, token


def _label(study: dict, name: str, where: str) -> str:
    nct = _text(study, "protocolSection", "identificationModule", "nctId")
    return f"clinicaltrials.gov/study/{nct}" if nct else f"clinicaltrials.gov {name} {where}"


def _text(data: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data.strip() if isinstance(data, str) and data.strip() else None


# --- the run --------------------------------------------------------------------------


def run_sync(db: sqlite_utils.Database, client: Any, query: Query, *, full: bool = False,
             since: str | None = None, page_size: int = DEFAULT_PAGE_SIZE, parse: RuleParser | None = None,
             progress: bool = False, now: Callable[[], datetime] | None = None, workers: int = 1) -> Summary:
    """Fetch (or continue fetching) ``query`` with ``client`` (``studies_page(params, token)``)
    and merge the studies into ``db``. ``full`` ignores the last run's date; ``since``
    (YYYY-MM-DD) sets it. Raises ``SyncError`` (one line) when the run cannot complete;
    the pages fetched so far are kept for the next run. ``workers``: processes reading each
    page's studies (``registry.workers``; 1: this one, as a thread of the bot must)."""
    from tqdm import tqdm

    clock = now or (lambda: datetime.now(timezone.utc))
    state = sync_state(db, query)
    resumed = bool(state and state["running"])
    if resumed and (full or since):          # an explicit date (or --full) starts over
        discard_run(db, query)
        state, resumed = sync_state(db, query), False
    if resumed:
        run_since, first_page, token = state["run_since"], state["pages_done"] + 1, state["next_page_token"]
    else:
        if since is None and not full and state and state["last_started_at"]:
            since = state["last_started_at"][:10]
        run_since, first_page, token = since, 1, None
        _start(db, query, run_since, clock().isoformat(timespec="seconds"))
    summary = Summary(query=json.loads(query.canonical()), since=run_since, resumed=resumed,
                      pages=first_page - 1)
    params = query.params(run_since, page_size)
    page = first_page
    if resumed and state["pages_done"] and token is None:
        _finish(db, query, summary, parse, clock, workers)      # every page was in; the write was interrupted
        return summary
    with Readers(parse, workers) as readers, \
            tqdm(total=None, unit="studies", desc="sync", disable=not progress, leave=False) as bar:
        bar.update(_staged_count(db, query))
        while True:
            if page == first_page and token is None:
                request = dict(params, countTotal="true")
            else:
                request = params
            try:
                data = client.studies_page(request, token)
                records, extras, token = read_page(data, page, parse, readers)
            except FetchError as exc:
                if exc.status == 400 and token is not None and resumed and page == first_page:
                    raise SyncError(f"page {page}: {exc} (the saved page token may have expired: "
                                    "run sync --restart to start this query over)") from None
                raise SyncError(f"page {page}: {exc}{_kept(page)}") from None
            except (MalformedPage, DataError) as exc:
                message = str(exc) if str(exc).startswith(f"page {page}") else f"page {page}: {exc}"
                raise SyncError(f"{message}{_kept(page, malformed=True)}") from None
            if isinstance(data, dict) and isinstance(data.get("totalCount"), int) and bar.total is None:
                bar.total = data["totalCount"]
                bar.refresh()
            _stage(db, query, page, records, extras, token)
            bar.update(len(records))
            summary.pages = page
            if token is None:
                break
            page += 1
    _finish(db, query, summary, parse, clock, workers)
    return summary


def _kept(page: int, malformed: bool = False) -> str:
    done = page - 1
    kept = f"; the {done} page(s) before it are kept" if done else ""
    again = ("run sync again to retry it, or --restart to start over" if malformed
             else "run sync again to continue from it")
    return f" (no trial changed{kept}: {again})"


def _staged_count(db: sqlite_utils.Database, query: Query) -> int:
    return sum(len(json.loads(r)) for (r,) in db.execute("SELECT records FROM sync_pages WHERE query_key = ?",
                                                          [query.key]))


def _stage(db: sqlite_utils.Database, query: Query, page: int, records: list[dict], extras: list[dict],
           token: str | None) -> None:
    """Keep a page's records and move the run on, in one transaction."""
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO sync_pages (query_key, page, records, extra) VALUES (?, ?, ?, ?)",
                   [query.key, page, json.dumps(records, ensure_ascii=False), json.dumps(extras)])
        db.execute("UPDATE sync_state SET next_page_token = ?, pages_done = ? WHERE query_key = ?",
                   [token, page, query.key])


def _finish(db: sqlite_utils.Database, query: Query, summary: Summary, parse: RuleParser | None,
            clock: Callable[[], datetime], workers: int = 1) -> None:
    """Plan every staged record against the store and write it all in one transaction."""
    records: list[dict] = []
    extras: list[dict] = []
    for page_records, page_extras in db.execute(
            "SELECT records, extra FROM sync_pages WHERE query_key = ? ORDER BY page", [query.key]):
        records.extend(json.loads(page_records))
        extras.extend(json.loads(page_extras))
    summary.fetched = len(records)
    existing = stored_trials(db)
    if summary.since and query.statuses:
        # incremental: a study not stored yet joins only when its status is one asked for
        stored_ncts = {r["nct_id"] for r, _ in existing if r["nct_id"]}
        keep = [r["status"] in query.statuses or r["nct_id"] in stored_ncts for r in records]
        summary.skipped = keep.count(False)
        records = [r for r, k in zip(records, keep) if k]
    before = {r["id"]: r["status"] for r, _ in existing}
    try:
        outcomes = plan(records, existing)
    except DataError as exc:
        raise SyncError(f"{exc} (no trial changed)") from None
    synced_at = clock().isoformat(timespec="seconds")
    by_nct = {e["nct_id"]: e for e in extras if e["nct_id"]}
    registry_status = {r["nct_id"]: r["status"] for r in records if r["nct_id"]}
    freshness = []
    for outcome in outcomes:
        record = outcome.record
        {"new": summary.added, "unchanged": summary.unchanged}.get(outcome.action, summary.updated).append(record["id"])
        old = before.get(record["id"])
        if outcome.action != "new" and old != record["status"]:
            summary.status_changes.append({"id": record["id"], "from": old, "to": record["status"]})
        if record["status"] in STOPPED_STATUSES and old not in STOPPED_STATUSES:
            summary.stopped.append({"id": record["id"], "status": record["status"]})
        said = registry_status.get(record["nct_id"], record["status"])
        if outcome.origin == "bundled" and said and said != record["status"]:
            summary.curated_differs.append({"id": record["id"], "curated": record["status"], "registry": said})
        extra = by_nct.get(record["nct_id"], {})
        freshness.append({"trial_id": record["id"], "nct_id": record["nct_id"],
                          "last_updated": extra.get("last_updated") or record["dates"]["last_updated"],
                          "status_verified": extra.get("status_verified"), "synced_at": synced_at})
    with transaction(db):
        apply(db, outcomes)
        summary.reread = reparse(db, parse=parse, workers=workers)
        record_freshness(db, freshness)
        db.execute("DELETE FROM sync_pages WHERE query_key = ?", [query.key])
        db.execute("UPDATE sync_state SET running = 0, next_page_token = NULL, last_since = run_since, "
                   "last_started_at = run_started_at, last_completed_at = ?, last_summary = ?, "
                   "run_since = NULL, run_started_at = NULL WHERE query_key = ?",
                   [synced_at, json.dumps(summary.to_dict()), query.key])
