"""The SQLite store (sqlite-utils): trials, criteria, sites, contacts, and the
conversation event log. One file, WAL mode, created readable by its owner only,
schema managed by registered migrations (data/migrations.py).

``connect(path)`` opens the database; ``open_store(path)`` also brings the bundled trials
(data/trials/*.yaml) up to date, so a fresh machine needs no manual step. The trial
knowledge base: ``sync_bundled``, ``upsert_trials``, ``list_trials``, ``get_trial``,
``all_trial_records``; how current each record is: ``record_freshness``, ``trial_freshness``.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils

from data import search
from data.catalogue import load_catalogue
from data.limits import limits_row
from data.migrations import apply_migrations
from data.condition_names import condition_reach
from data.rule_nodes import PLAN_VERSION, condition_target, plan_row
from data.settings import db_path, number_setting
from data.terminology import TERMINOLOGY_DIR
from data.trials import TRIALS_DIR, iter_criteria, load_trials, validate_record


class StoreError(RuntimeError):
    """The database cannot be used (locked, read-only, corrupt, disk full); says which and why.

    ``kind`` is one of ``STORE_FAULTS`` (``"locked"``, ``"read_only"``, ``"full"``,
    ``"corrupt"``, ``"unavailable"``, ``"other"``): callers decide from it whether trying
    again later can help (``locked``, ``full``) or a person has to act."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.kind = kind if kind in STORE_FAULTS else "other"

    @property
    def transient(self) -> bool:
        return self.kind in ("locked", "full")


STORE_FAULTS = ("locked", "read_only", "full", "corrupt", "unavailable", "other")
# (words in SQLite's message, kind, what to tell the user); first match wins
_FAULTS = (
    (("locked", "busy"), "locked",
     "is locked by another program (is a second trialbot running?); nothing was written, try again in a moment"),
    (("readonly", "read-only", "read only"), "read_only",
     "is read-only: the file and its folder must be writable by this user (WAL mode writes files next to it)"),
    (("disk is full", "database or disk is full", "no space"), "full",
     "cannot grow: the disk is full (or the database reached its size limit); nothing was written, free some space"),
    (("not a database", "malformed", "encrypted", "corrupt"), "corrupt",
     "is damaged or is not a trialbot database; it was left untouched: restore it from a backup, or move it "
     "away to start an empty one"),
    (("unable to open", "cannot open"), "unavailable",
     "cannot be opened: check that the path exists and is a file this user may read and write"),
)


def store_error(exc: BaseException, path: str | os.PathLike | None = None) -> StoreError:
    """A clear ``StoreError`` for an sqlite3 or OS error (the original message is kept at the
    end for whoever debugs it)."""
    where = f"database {path}" if path is not None else "the database"
    detail = str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    lowered = detail.casefold()
    for words, kind, advice in _FAULTS:
        if any(word in lowered for word in words):
            return StoreError(f"{where} {advice} ({detail})", kind)
    if isinstance(exc, OSError):
        return StoreError(f"{where} cannot be opened: {detail}", "unavailable")
    return StoreError(f"{where} cannot be used: {detail}", "other")


def _damaged(path: str | os.PathLike | None) -> bool:
    """Whether the database file at ``path`` fails SQLite's quick check, read only (the file
    is never modified); False when it cannot be told (in memory, locked, missing)."""
    if path is None or str(path) in ("", ":memory:") or not os.path.isfile(path):
        return False
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return store_error(exc).kind == "corrupt"
    except sqlite3.Error:
        return False
    return rows != [("ok",)]


@contextmanager
def corrupt_as_store_error(path: str | os.PathLike | None) -> Iterator[None]:
    """Inside: an ``sqlite3.DatabaseError`` from a damaged file ("database disk image is
    malformed", "file is not a database", or any error while the file fails SQLite's quick
    check, e.g. damaged pages read half-way through a command) becomes the store's
    ``corrupt`` StoreError; other errors pass unchanged."""
    try:
        yield
    except StoreError:
        raise
    except sqlite3.DatabaseError as exc:
        error = store_error(exc, path)
        if error.kind == "corrupt":
            raise error from None
        if error.kind == "other" and _damaged(path):
            advice = next(fault[2] for fault in _FAULTS if fault[1] == "corrupt")
            raise StoreError(f"database {path} {advice} ({exc})", "corrupt") from None
        raise


def is_fault(exc: BaseException) -> bool:
    """An error of the database file or its surroundings (locked, read-only, full, corrupt)
    rather than of the data written (a constraint, a bug), which stays as it is."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def db_file(db: sqlite_utils.Database) -> str | None:
    """The file behind a connection (None for an in-memory database)."""
    try:
        row = db.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return (row[2] or None) if row else None


def _busy_timeout() -> float:
    try:
        return number_setting("db_timeout")
    except ValueError as exc:
        raise StoreError(str(exc)) from None


# statements that delete what users said (/forget, the retention purge, /restart): after
# the transaction that ran one commits, the WAL is checkpointed and truncated, so the old
# pages are gone from the -wal file too (with secure_delete, from the database file as well)
_ERASING = ("DELETE FROM conversations", "DELETE FROM events")


class _Database(sqlite_utils.Database):
    """sqlite-utils' Database noting when a statement erased conversation data."""

    erased = False

    def execute(self, sql, parameters=None):
        if sql.lstrip().startswith(_ERASING):
            self.erased = True
        return super().execute(sql, parameters)


def checkpoint(db: sqlite_utils.Database) -> None:
    """Copy the WAL into the database file and truncate it to nothing (best effort: a
    reader holding old pages makes SQLite leave the rest for the next checkpoint)."""
    try:
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass


def close(db: sqlite_utils.Database) -> None:
    """Close cleanly: checkpoint (the WAL truncated) and close the connection."""
    checkpoint(db)
    try:
        db.conn.close()
    except sqlite3.Error:
        pass


def connect(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating if needed, mode 0600) the database at ``path`` (default: $TRIALBOT_DB),
    switch on WAL and apply pending migrations.

    Any problem is a ``StoreError`` saying what is wrong (locked, read-only, corrupt, disk
    full, cannot be opened). A file that is not a usable database is never modified,
    truncated or deleted."""
    target = Path(db_path(str(path) if path is not None else None))
    conn = None
    try:
        if str(target) != ":memory:" and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        if target.is_dir():
            raise StoreError(f"database {target} is a directory, not a database file", "unavailable")
        conn = sqlite3.connect(str(target), timeout=_busy_timeout(), check_same_thread=False)
        db = _Database(conn)
        db.execute("PRAGMA secure_delete = ON")   # deleted rows are overwritten, not left in free pages
        if str(target) != ":memory:":
            db.execute("PRAGMA schema_version").fetchone()   # "not a database" before anything is written
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        apply_migrations(db)
        return db
    except StoreError:
        if conn is not None:
            conn.close()
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        if conn is not None:
            conn.close()
        raise store_error(exc, target) from None


# --- the trial knowledge base ---------------------------------------------------------
# Tables (migration 0001_trials): trials (one row per study, the full validated record as
# JSON in ``record``, ``origin`` = bundled | import | synthetic), criteria (every criterion,
# flattened, parents before children), sites, contacts (trial-level ones have site_id
# NULL), trial_conditions and meta.
#
# trial_conditions is the pruning index: every concept the trial's condition gate admits
# (``condition_index``): for each condition concept a trial lists, the concept itself, every
# descendant and every ancestor in the terminology, and the rest of the gate's reach. A patient's
# condition concept then finds a trial by a single lookup whether the patient's concept is
# more specific (dermatomyositis for a trial listing inflammatory myopathy), the same, or
# more general (myositis for a trial listing dermatomyositis). Pruning narrows the
# candidates: a trial is left out only when none of its conditions relates to the patient's.

ORIGINS = ("bundled", "import", "synthetic")
_BUNDLED_HASH_KEY = "bundled_hash"
# Bump when the mapping from records to rows changes, so existing databases rebuild.
_ROWS_VERSION = "1"


def open_store(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open the database (see ``connect``) and bring the bundled trials up to date.
    This is the one call a command needs: a fresh machine needs no manual step."""
    db = connect(path)
    try:
        replan(db)               # first: a new store has nothing to make again
        sync_bundled(db)
    except BaseException:
        db.close()
        raise
    return db


_PLAN_VERSION_KEY = "plan_version"


def replan(db: sqlite_utils.Database) -> bool:
    """Make every stored trial's plan again when the planner changed since they were made
    (``data.rule_nodes.PLAN_VERSION``, kept in ``meta``); True when it did. Records are
    not touched, only their compiled plans."""
    if _meta(db, _PLAN_VERSION_KEY) == PLAN_VERSION:
        return False
    with _write_transaction(db):
        if _meta(db, _PLAN_VERSION_KEY) == PLAN_VERSION:      # another process did it meanwhile
            return False
        # one batch of records at a time: 100,000 records read at once held ~2 GB besides
        # the plans (only the other tables are written meanwhile)
        written: set[str] = set()     # node hashes inserted by this pass: trials share most of their nodes
        cursor = db.conn.execute("SELECT record FROM trials")
        while rows := cursor.fetchmany(_REPLAN_BATCH):
            # each statement once per batch (the trial ids of a batch are distinct): what one
            # trial at a time wrote
            nodes, limits, reaches = [], [], []
            for (record,) in rows:
                record = json.loads(record)
                plan, conditions, made = plan_row(record)
                for node in made:
                    if node[0] not in written:
                        written.add(node[0])
                        nodes.append(node)
                limits.append((plan, conditions, record["id"]))
                reaches += [(record["id"], concept) for concept in condition_index(record)]   # the gate's reach
            db.conn.executemany("INSERT OR IGNORE INTO rule_nodes (hash, node) VALUES (?, ?)", nodes)
            db.conn.executemany("UPDATE trial_limits SET plan = ?, condition_list = ? WHERE trial_id = ?", limits)
            db.conn.executemany("DELETE FROM trial_conditions WHERE trial_id = ?", [(limit[2],) for limit in limits])
            db.conn.executemany("INSERT INTO trial_conditions (trial_id, concept) VALUES (?, ?)", reaches)
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [_PLAN_VERSION_KEY, PLAN_VERSION])
        _bump_trials_version(db)
    return True


_REPLAN_BATCH = 1000


def bundled_hash(directory: Path | None = None, terminology_dir: Path | None = None) -> str:
    """A hash of every bundled trial file and terminology file (names and bytes)."""
    digest = hashlib.sha256(f"rows-v{_ROWS_VERSION}".encode())
    for folder in (Path(directory or TRIALS_DIR), Path(terminology_dir or TERMINOLOGY_DIR)):
        for file in sorted(folder.glob("*.yaml")):
            digest.update(f"\0{folder.name}/{file.name}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def sync_bundled(db: sqlite_utils.Database, directory: Path | None = None, terminology_dir: Path | None = None) -> bool:
    """Rebuild the bundled trials when the trial or terminology files changed since the last
    build (their hash is kept in ``meta``); return True when it rebuilt.

    Idempotent: an unchanged hash writes nothing. A rebuild replaces every bundled trial,
    drops bundled trials whose file is gone, and never touches imported or synthetic trials
    (a trial imported under the same id as a bundled one keeps the imported version).
    Raises DataError when a bundled file is invalid, leaving the database as it was."""
    current = bundled_hash(directory, terminology_dir)
    if _meta(db, _BUNDLED_HASH_KEY) == current:
        return False
    records = load_trials(directory)
    with _write_transaction(db):
        if _meta(db, _BUNDLED_HASH_KEY) == current:  # another process rebuilt meanwhile
            return False
        others = {row[0] for row in db.execute("SELECT id FROM trials WHERE origin != 'bundled'")}
        keep = [_registry_current(db, r) for r in records if r["id"] not in others]
        stale = [row[0] for row in db.execute("SELECT id FROM trials WHERE origin = 'bundled'")
                 if row[0] not in {r["id"] for r in keep}]
        _delete(db, stale)
        _write(db, keep, "bundled")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [_BUNDLED_HASH_KEY, current])
    return True


def _registry_current(db: sqlite_utils.Database, record: dict) -> dict:
    """A bundled record from its file, keeping what a sync or import brought to its stored
    copy of the fields the registry keeps current (``registry_owned`` in
    data/catalogue.yaml: status, dates) when that copy is more recent than the file's, so a
    rebuild never turns a suspended trial back into a recruiting one (registry/merge.py)."""
    row = db.execute("SELECT record FROM trials WHERE id = ? AND origin = 'bundled'", [record["id"]]).fetchone()
    if row is None:
        return record
    stored = json.loads(row[0])
    theirs = (stored.get("dates") or {}).get("last_updated")
    mine = (record.get("dates") or {}).get("last_updated")
    if not theirs or (mine and str(theirs)[:10] <= str(mine)[:10]):
        return record
    return {**record, **{field: stored[field] for field in load_catalogue().registry_owned if field in stored}}


def upsert_trials(db: sqlite_utils.Database, records: list[dict], origin: str, validate: bool = True) -> int:
    """Insert or replace ``records`` (and their criteria, sites, contacts, condition index)
    in one transaction: all are written or none. Records are validated first unless
    ``validate`` is False (they already were). Returns the number written."""
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, got {origin!r}")
    if validate:
        records = [validate_record(r, f"{origin} record {i + 1} ({r.get('id') if isinstance(r, dict) else '?'})")
                   for i, r in enumerate(records)]
    with _write_transaction(db):
        _write(db, records, origin)
    return len(records)


def list_trials(db: sqlite_utils.Database) -> list[dict]:
    """A summary row per trial, ordered by id: id, nct_id, title, status, phase, origin,
    conditions (concept ids), inclusion and exclusion (number of criteria, sub-criteria
    included)."""
    counts: dict[tuple[str, str], int] = {
        (trial_id, kind): n
        for trial_id, kind, n in db.execute("SELECT trial_id, kind, count(*) FROM criteria GROUP BY trial_id, kind")
    }
    rows = []
    for trial_id, nct_id, title, status, phase, origin, record in db.execute(
        "SELECT id, nct_id, title, status, phase, origin, record FROM trials ORDER BY id"
    ):
        rows.append({
            "id": trial_id, "nct_id": nct_id, "title": title, "status": status, "phase": phase,
            "origin": origin, "conditions": json.loads(record)["conditions"],
            "inclusion": counts.get((trial_id, "inclusion"), 0),
            "exclusion": counts.get((trial_id, "exclusion"), 0),
        })
    return rows


def get_trial(db: sqlite_utils.Database, id_or_nct: str) -> dict | None:
    """The record of the trial whose id or NCT number is ``id_or_nct`` (any case), or None."""
    ref = id_or_nct.strip().lower()
    row = db.execute(
        "SELECT record FROM trials WHERE lower(id) = ? OR lower(nct_id) = ? "
        "ORDER BY lower(id) = ? DESC, id LIMIT 1", [ref, ref, ref]
    ).fetchone()
    return json.loads(row[0]) if row else None


def trial_origin(db: sqlite_utils.Database, trial_id: str) -> str | None:
    """Where a stored trial came from (bundled, import, synthetic), or None."""
    row = db.execute("SELECT origin FROM trials WHERE id = ?", [trial_id]).fetchone()
    return row[0] if row else None


def all_trial_records(db: sqlite_utils.Database) -> list[dict]:
    """Every stored trial record, ordered by id (what the matcher evaluates)."""
    return [json.loads(row[0]) for row in db.execute("SELECT record FROM trials ORDER BY id")]


# --- freshness (migration 0007_sync) ---------------------------------------------------
# How current a stored record is: the registry's last update posted (the record's
# ``dates.last_updated``), the date the registry last verified its status (``statusModule.
# statusVerifiedDate``, kept by ``sync``), when a sync last fetched it, and when the record
# was last written (``trials.updated_at``: imported, synced with changes, or rebuilt).


def record_freshness(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Keep ``rows`` ({trial_id, nct_id, last_updated, status_verified, synced_at}) in
    ``trial_freshness`` (inside the caller's transaction when there is one)."""
    with _write_transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO trial_freshness (trial_id, nct_id, last_updated, status_verified, synced_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(r["trial_id"], r.get("nct_id"), r.get("last_updated"), r.get("status_verified"), r.get("synced_at"))
             for r in rows],
        )


def trial_freshness(db: sqlite_utils.Database, trial_ids: list[str] | None = None) -> dict[str, dict]:
    """Per trial id: ``last_updated`` (registry last update posted), ``status_verified``,
    ``synced_at`` (None when never synced) and ``written_at`` (when the record was last
    written). ``trial_ids`` None means every trial."""
    sql = ("SELECT t.id, json_extract(t.record, '$.dates.last_updated'), f.last_updated, f.status_verified, "
           "f.synced_at, t.updated_at FROM trials t LEFT JOIN trial_freshness f ON f.trial_id = t.id")
    if trial_ids is None:
        rows = db.execute(sql).fetchall()
    else:
        rows = [row for trial_id in dict.fromkeys(trial_ids)
                for row in db.execute(sql + " WHERE t.id = ?", [trial_id]).fetchall()]
    return {
        trial_id: {"last_updated": record_date or fetched_date, "status_verified": verified,
                   "synced_at": synced_at, "written_at": written_at}
        for trial_id, record_date, fetched_date, verified, synced_at, written_at in rows
    }


def condition_index(record: dict) -> list[str]:
    """The trial_conditions entries for a trial: every concept its condition gate
    (``data.rule_nodes.condition_target``) admits, as ``data.condition_names.condition_reach``
    works them out (each concept, its descendants and ancestors, ...: see the comment
    above), sorted. Pruning and the gate read the same reach, so pruning never leaves out
    a trial the gate would keep."""
    target = condition_target(record)
    if target is None or target["rule"].get("type") != "target_condition":
        return []       # none, or a gate that rules no one out (people at risk: rule_nodes.at_risk_of)
    rule = target["rule"]
    return sorted(condition_reach(tuple(rule.get("concepts") or ()), tuple(rule.get("within") or ()),
                                  tuple(rule.get("texts") or ()), tuple(rule.get("filed") or ())))


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction: everything in the block is written, or nothing is.

    Use this (not ``with db.conn:``): sqlite-utils 4 commits each write ``db.execute``
    makes outside an explicit transaction, so ``with db.conn:`` alone groups nothing.
    A database fault (locked, read-only, full, corrupt) rolls back and raises StoreError."""
    with _write_transaction(db):
        yield


@contextmanager
def _write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction, taken up front (BEGIN IMMEDIATE) so a concurrent writer waits
    instead of failing half-way; nested inside an open transaction it is a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, db_file(db)) from None
    try:
        yield
    except BaseException as exc:
        _rollback(db)
        if is_fault(exc):                  # e.g. the disk filled up half-way: nothing is kept
            raise store_error(exc, db_file(db)) from None
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        _rollback(db)
        raise store_error(exc, db_file(db)) from None
    if getattr(db, "erased", False):
        db.erased = False
        checkpoint(db)


def _rollback(db: sqlite_utils.Database) -> None:
    if db.conn.in_transaction:
        try:
            db.conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass   # SQLite rolled back itself (e.g. after SQLITE_FULL)


def _write(db: sqlite_utils.Database, records: list[dict], origin: str) -> None:
    _delete(db, [r["id"] for r in records])
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for record in records:
        body = json.dumps(record, ensure_ascii=False)
        eligibility = record["eligibility"]
        db.execute(
            "INSERT INTO trials (id, nct_id, title, status, phase, origin, source_hash, min_age, max_age, sex, record, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record["id"], record["nct_id"], record["title"], record["status"], record["phase"], origin,
             hashlib.sha256(body.encode()).hexdigest(), eligibility["min_age_years"], eligibility["max_age_years"],
             eligibility["sex"], body, now],
        )
        db.conn.executemany(
            "INSERT INTO criteria (trial_id, id, parent, kind, position, text, combine, rule, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(record["id"], c["id"], parent, c["kind"], position, c["text"], c.get("combine"),
              json.dumps(c["rule"], ensure_ascii=False) if "rule" in c else None, c.get("note"))
             for position, (c, parent, _depth) in enumerate(iter_criteria(record["criteria"]))],
        )
        for position, site in enumerate(record["sites"]):
            cursor = db.execute(
                "INSERT INTO sites (trial_id, position, facility, city, region, country, status, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record["id"], position, site["facility"], site["city"], site["region"], site["country"],
                 site["status"], site["lat"], site["lon"]],
            )
            _insert_contacts(db, record["id"], cursor.lastrowid, site["contacts"])
        _insert_contacts(db, record["id"], None, record["contacts"])
        db.conn.executemany(
            "INSERT INTO trial_conditions (trial_id, concept) VALUES (?, ?)",
            [(record["id"], concept) for concept in condition_index(record)],
        )
        plan, conditions, nodes = plan_row(record)           # compiled criteria (data/rule_nodes.py)
        db.conn.executemany("INSERT OR IGNORE INTO rule_nodes (hash, node) VALUES (?, ?)", nodes)
        db.execute("INSERT INTO trial_limits (trial_id, source_hash, min_age, max_age, sex, conditions, plan, condition_list) "
                   "SELECT id, source_hash, ?, ?, ?, ?, ?, ? FROM trials WHERE id = ?",
                   [*limits_row(record), plan, conditions, record["id"]])    # candidate pruning (data/limits.py)
    search.index(db, records)                                 # full-text ranking (data/search.py)


def _insert_contacts(db: sqlite_utils.Database, trial_id: str, site_id: int | None, contacts: list[dict]) -> None:
    db.conn.executemany(
        "INSERT INTO contacts (trial_id, site_id, name, role, phone, email) VALUES (?, ?, ?, ?, ?, ?)",
        [(trial_id, site_id, c["name"], c["role"], c["phone"], c["email"]) for c in contacts],
    )


def _delete(db: sqlite_utils.Database, trial_ids: list[str]) -> None:
    for table in ("contacts", "sites", "criteria", "trial_conditions", "trial_limits"):
        db.conn.executemany(f"DELETE FROM {table} WHERE trial_id = ?", [(t,) for t in trial_ids])
    search.forget(db, trial_ids)        # the text and its terms (data/search.py)
    db.conn.executemany("DELETE FROM trials WHERE id = ?", [(t,) for t in trial_ids])
    _bump_trials_version(db)


TRIALS_VERSION_KEY = "trials_version"


def trials_version(db: sqlite_utils.Database) -> str | None:
    """A token that changes whenever any process writes or deletes trials (caches of
    what the trials table says are valid while it stays the same)."""
    return _meta(db, TRIALS_VERSION_KEY)


def _bump_trials_version(db: sqlite_utils.Database) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [TRIALS_VERSION_KEY, uuid.uuid4().hex])


def _meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None
