"""The catalogue's policy, from ``data/catalogue.yaml``: which recruitment statuses the chat
offers (and the note shown beside each), after how long a registry record counts as old,
which fields of a curated trial the registry keeps current (``registry.merge``), and the
treatments the product is for (``focus_treatments``: the ranking puts trials of these first,
after the condition fit, when the person asks for no treatment of their own), and which
registry studies offer no treatment (``untreating_types``, ``treatment_purposes``,
``treating_interventions``: they rank after the trials fitting the patient equally).

``freshness_warnings`` words none of it: it says which warnings apply to a record (the
registry's last update over ``registry_stale_days`` ago; our copy checked against the
registry longer ago than ``TRIALBOT_STALE_SYNC_DAYS``), and the renderers word them from
data/bot_texts.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from data.errors import DataError, check_fields
from data.files import DATA_DIR, read_yaml
from data.settings import integer_setting

CATALOGUE_PATH = DATA_DIR / "catalogue.yaml"
NO_STATUS = "none"                    # the key of chat_offered for a record with no status
_FIELDS = ("chat_offered", "registry_stale_days", "registry_owned", "focus_treatments", "untreating_types",
           "treatment_purposes", "treating_interventions")
_STUDY_LISTS = ("untreating_types", "treatment_purposes", "treating_interventions")
_REQUIRED = ("chat_offered", "registry_stale_days", "registry_owned")
_OWNABLE = ("status", "dates", "enrollment", "phase")


@dataclass(frozen=True)
class Catalogue:
    chat_offered: dict[str, str | None]      # status (or NO_STATUS) -> note key, or None
    registry_stale_days: int
    registry_owned: tuple[str, ...]
    focus_treatments: tuple[str, ...] = ()     # terminology concepts the product is for
    # which studies offer no treatment (the ranking's ``matching.untreating``): API v2 values
    untreating_types: tuple[str, ...] = ()
    treatment_purposes: tuple[str, ...] = ()
    treating_interventions: tuple[str, ...] = ()

    def offered_in_chat(self, status: str | None) -> bool:
        """Whether the chat offers a trial with this overall status."""
        return (status or NO_STATUS) in self.chat_offered

    def status_note(self, status: str | None) -> str | None:
        """The bot_texts key of the note the chat shows beside a trial with this status."""
        return self.chat_offered.get(status or NO_STATUS)


@lru_cache(maxsize=4)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """``data/catalogue.yaml`` validated; ``DataError`` naming the file and field otherwise."""
    path = Path(path or CATALOGUE_PATH)
    data = read_yaml(path)
    where = path.name
    if not isinstance(data, dict):
        raise DataError(where, "expected a mapping")
    check_fields(data, _FIELDS, where, required=_REQUIRED)
    offered = data["chat_offered"]
    if not isinstance(offered, dict) or not offered:
        raise DataError(f"{where}.chat_offered", "expected a mapping of status to note key (or null)")
    for status, note in offered.items():
        if not isinstance(status, str) or not (status == NO_STATUS or status.isupper()):
            raise DataError(f"{where}.chat_offered", f"{status!r} is not an API status (UPPER_CASE) or '{NO_STATUS}'")
        if note is not None and not (isinstance(note, str) and note.strip()):
            raise DataError(f"{where}.chat_offered.{status}", "expected a bot_texts key or null")
    days = data["registry_stale_days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise DataError(f"{where}.registry_stale_days", f"expected a whole number of days of at least 1, got {days!r}")
    owned = data["registry_owned"]
    if not isinstance(owned, list) or any(field not in _OWNABLE for field in owned):
        raise DataError(f"{where}.registry_owned", f"expected a list of fields among {', '.join(_OWNABLE)}")
    focus = data.get("focus_treatments", [])
    if not isinstance(focus, list) or not all(isinstance(c, str) and c.strip() for c in focus):
        raise DataError(f"{where}.focus_treatments", "expected a list of terminology concept ids")
    studies = {}
    for name in _STUDY_LISTS:
        values = data.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.isupper() for v in values):
            raise DataError(f"{where}.{name}", "expected a list of registry values (UPPER_CASE)")
        studies[name] = tuple(values)
    return Catalogue(dict(offered), days, tuple(owned), tuple(focus), **studies)


def stale_sync_days() -> int:
    """``TRIALBOT_STALE_SYNC_DAYS`` (0: never warn); a value that is not a whole number is a
    ``ValueError`` naming the variable (checked at start-up by ``check_settings``)."""
    return integer_setting("stale_sync_days", 0)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)[:10]).date()
    except ValueError:
        return None


def freshness_warnings(last_updated: str | None, checked_at: str | None, today: date,
                       sync_days: int | None = None, catalogue: Catalogue | None = None) -> list[dict]:
    """The warnings a record deserves, each ``{"key", "date"}``: ``registry_old`` when the
    registry last updated it over ``registry_stale_days`` ago; ``sync_old`` when our copy
    was last checked against the registry (synced, or imported) over ``sync_days`` ago
    (``TRIALBOT_STALE_SYNC_DAYS`` when None; 0: never). Unknown dates give no warning."""
    catalogue = catalogue or load_catalogue()
    sync_days = stale_sync_days() if sync_days is None else sync_days
    warnings = []
    updated = _day(last_updated)
    if updated is not None and (today - updated).days > catalogue.registry_stale_days:
        warnings.append({"key": "registry_old", "date": updated.isoformat()})
    checked = _day(checked_at)
    if sync_days and checked is not None and (today - checked).days > sync_days:
        warnings.append({"key": "sync_old", "date": checked.isoformat()})
    return warnings
