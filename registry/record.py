"""What both importers share: an empty record, stable local ids, source names, the input
limits, reading an import file, and the final validation with ``data.trials.validate_record``."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from data.errors import DataError
from data.trials import validate_record

# Input limits: anything larger is refused with a clear message, never half-read.
MAX_FILE_BYTES = 64 * 1024 * 1024   # a CT.gov bundle of a few thousand studies
MAX_PAGE_BYTES = 2 * 1024 * 1024     # a registry page pasted as text
MAX_TEXT_CHARS = 100_000             # one text field (CT.gov eligibility texts are < 20,000)
MAX_DEPTH = 64                       # JSON nesting (a CT.gov study is about 8 deep)

SOURCE_KINDS = ("ctgov", "page")     # "ctgov study.json", "page 000_x.txt"

UNTITLED_NOTE = "The source shows no title; this placeholder names the source document."


def new_record(source: str) -> dict:
    """A record with every field present and empty (null, [] or {} of nulls)."""
    return {
        "id": None, "nct_id": None, "sources": [source], "title": None, "official_title": None,
        "acronym": None, "summary": None, "description": None, "conditions": [],
        "conditions_text": [], "keywords": [], "interventions": [], "phase": None, "status": None,
        "study_type": None,
        "design": {"allocation": None, "purpose": None, "masking": None, "model": None},
        "enrollment": {"count": None, "type": None},
        "dates": {"start": None, "primary_completion": None, "completion": None, "last_updated": None},
        "eligibility": {"min_age_years": None, "max_age_years": None, "sex": None, "healthy_volunteers": None},
        "sponsors": [], "sites": [], "contacts": [], "arms": [],
        "outcomes": {"primary": [], "secondary": [], "unclassified": []},
        "other_ids": [], "criteria": [],
    }


def source_name(kind: str, file_name: str) -> str:
    assert kind in SOURCE_KINDS
    return f"{kind} {file_name}"


def source_kind(source: str) -> str:
    """"ctgov", "page", or "curated" for any other source (e.g. "seed 000_x.txt")."""
    head = source.split(" ", 1)[0]
    return head if head in SOURCE_KINDS else "curated"


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def local_id(title: str | None, text: str) -> str:
    """A stable id for a study without an NCT number: ``local-<slug of the title>-<hash>``,
    the hash taken over the title (or, without a title, over the whole text)."""
    basis = _normalise(title) if title else _normalise(text)
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:10]
    words = re.findall(r"[a-z0-9]+", (title or "").lower())[:6]
    slug = "-".join(words)
    return f"local-{slug}-{digest}" if slug else f"local-{digest}"


def untitled(record: dict, file_name: str) -> None:
    """Give a record without a title a placeholder naming its source (the validator needs
    a title; the note says it is not the study's)."""
    if not record.get("title"):
        record["title"] = f"Untitled study ({file_name})"
        record["title_note"] = UNTITLED_NOTE


# terminal escape sequences (CSI with parameters, OSC/DCS/APC/PM/SOS strings, two-character
# escapes), then any C0/C1 control character but newline and tab (issue #17 item 5)
_ESCAPES = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
                      r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Imported text without escape sequences or control characters (newlines and tabs
    kept; CR LF and CR become a newline), so no record can drive a terminal."""
    if text.isprintable() or ("\r" not in text and _CONTROLS.search(text) is None):
        return text   # every escape sequence starts with a control character
    return _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def clean_strings(value):
    """``value`` (a record, or any part of one) with every string passed through ``clean_text``."""
    if isinstance(value, str):
        return clean_text(value)
    # the values of a record are mostly text, numbers and None: one call for a text, none
    # for the others, a call deeper only for a dict or list
    if isinstance(value, dict):
        return {key: clean_text(item) if isinstance(item, str) else clean_strings(item)
                if isinstance(item, (dict, list)) else item for key, item in value.items()}
    if isinstance(value, list):
        return [clean_text(item) if isinstance(item, str) else clean_strings(item)
                if isinstance(item, (dict, list)) else item for item in value]
    return value


def finish(record: dict, file_name: str, where: str, text: str = "") -> dict:
    """Fill the id (the NCT number, else a local id from the title or ``text``) and the
    title placeholder, then validate (``DataError`` naming ``where``). Every text field is
    cleaned of escape sequences and control characters first (``clean_text``)."""
    record.update(clean_strings(record))
    if not record.get("id"):
        record["id"] = record["nct_id"] or local_id(record.get("title"), text)
    untitled(record, file_name)
    return validate_record(record, where)


def check_text(value: str, where: str) -> str:
    if len(value) > MAX_TEXT_CHARS:
        raise DataError(where, f"text of {len(value):,} characters is longer than the {MAX_TEXT_CHARS:,} allowed")
    if "\x00" in value:
        raise DataError(where, "text contains NUL bytes (binary data?)")
    return clean_text(value)


def read_text_file(path: Path, max_bytes: int, kind: str) -> str:
    """The UTF-8 text of an import file, refusing missing, oversized, binary and non-UTF-8
    files with a DataError naming the file (``kind`` says what it should have been)."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataError(name, f"file of {size:,} bytes is larger than the {max_bytes:,} allowed for {kind}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(name, "no such file") from None
    except IsADirectoryError:
        raise DataError(name, "is a directory, not a file") from None
    except OSError as exc:
        raise DataError(name, f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise DataError(name, f"is a binary file, not {kind}")
    try:
        return clean_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(name, "is not UTF-8 text (a binary file?)") from None
