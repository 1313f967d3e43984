"""What both importers share: an empty record, stable local ids, source names, the input
limits, reading an import file, and the final validation with ``data.trials.validate_record``."""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Callable

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


_TAG = re.compile(r"<\s*(/?)\s*(b|i|u|em|strong|p|br|li|ul|ol|span|div|sup|sub|a|font|h[1-6]|table|tr|td|th)"
                  r"""((?:\s+[a-zA-Z-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>]+))*)\s*/?>""", re.IGNORECASE)
_BREAKS = {"br", "p", "div", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
# a lead byte of a UTF-8 sequence read as Windows-1252 / Latin-1, then its continuation bytes
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                       "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+")


def _tag(match: re.Match) -> str:
    name = match.group(2).lower()
    if name == "li" and not match.group(1):
        return "\n* "
    return "\n" if name in _BREAKS or name == "li" else ""


def _redecode(match: re.Match) -> str:
    """One run of UTF-8 bytes shown as Windows-1252 characters, decoded again; the run as
    it was when it is no UTF-8 ("Ãœber" stays unless its bytes are a character)."""
    raw = bytearray()
    for char in match.group(0):
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xff:
                return match.group(0)
            raw.append(ord(char))       # the five bytes Windows-1252 leaves undefined
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group(0)


def repair_text(text: str) -> str:
    """Registry text as a person wrote it: HTML tags a submitter pasted ("<b>Inclusion</b>
    Criteria", "<br>", "<li>") become line breaks and bullets or go, character entities
    ("&gt;=", "&nbsp;") their characters, and UTF-8 read as Windows-1252 ("cafÃ©",
    "â‰¥ 18") is decoded again. A "<" that opens no known tag ("age < 18") stays."""
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(_tag, text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text).replace("\u00a0", " ")
    if text.isascii():                 # mojibake is made of non-ASCII characters
        return text
    for _ in range(2):                 # twice: text mis-decoded twice over ("Ã¢â€°Â¥")
        if not _MOJIBAKE.search(text):
            break
        text = _MOJIBAKE.sub(_redecode, text)
    return text


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


def finish(record: dict, file_name: str, where: str, text: str | Callable[[], str] = "") -> dict:
    """Fill the id (the NCT number, else a local id from the title or ``text``) and the
    title placeholder, then validate (``DataError`` naming ``where``). Every text field is
    cleaned of escape sequences and control characters first (``clean_text``). ``text``
    may be a function giving it: called only for a study with neither NCT number nor title
    (a study's whole JSON, written out, is 3 % of an import otherwise)."""
    record.update(clean_strings(record))
    if not record.get("id"):
        if record["nct_id"]:
            record["id"] = record["nct_id"]
        else:
            title = record.get("title")
            record["id"] = local_id(title, "" if title else text() if callable(text) else text)
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
