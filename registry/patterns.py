"""The importers' patterns (``data/import_patterns.yaml``), read once and validated.

Every regular expression is compiled at load time; a missing or unknown key, a bad
expression or a malformed vocabulary fails with a ``DataError`` naming the key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError, check_fields
from data.files import DATA_DIR, read_yaml

PATTERNS_FILE = DATA_DIR / "import_patterns.yaml"

_CRITERIA_KEYS = {
    "inclusion_heading", "exclusion_heading", "exclusion_lead", "bullet", "numbered",
    "inline_enumerator", "any_of", "any_of_above", "label_item", "empty_item", "negated_heading",
    "cohort_heading", "substudy_heading", "optional_item", "part_label", "heading_window",
    "heading_qualifier", "heading_some_parts", "subgroup_heading", "heading_announcement",
}
_PAGE_KEYS = {
    "headings", "value_forms", "forms", "vocab", "glued_status_suffix", "glued_status_prefix",
    "place", "facility", "drop_chars", "footer", "chrome", "table_header", "section_blurb", "inline",
}
_CASE_SENSITIVE = {"label_item", "glued_status_suffix", "glued_status_prefix", "antigens"}
HEADING_KINDS = ("value", "block", "ignore")


@dataclass(frozen=True)
class Heading:
    section: str
    kind: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Patterns:
    criteria: dict[str, Any]          # name -> compiled regex (or list of them)
    headings: tuple[Heading, ...]
    value_forms: dict[str, Any]       # section -> compiled regex or ("vocab", name) / ("form", name)
    forms: dict[str, re.Pattern]
    vocab: dict[str, dict[str, str]]  # vocabulary -> {spelling (lower case): canonical value}
    page: dict[str, Any]              # the remaining page patterns, compiled
    antigens: re.Pattern

    def lookup(self, vocabulary: str, text: str) -> str | None:
        """The canonical value ``text`` spells in ``vocabulary`` (case-insensitive), or None."""
        words = self.vocab[vocabulary]
        key = " ".join(text.strip().lower().split())
        return words.get(key)


def _compile(value: Any, where: str, name: str) -> re.Pattern:
    if not isinstance(value, str) or not value:
        raise DataError(where, "must be a regular expression (text)")
    flags = 0 if name in _CASE_SENSITIVE else re.IGNORECASE
    try:
        return re.compile(value, flags)
    except re.error as exc:
        raise DataError(where, f"not a valid regular expression ({exc})") from None


def _compile_any(value: Any, where: str, name: str):
    if isinstance(value, list):
        if not value:
            raise DataError(where, "must not be empty")
        return tuple(_compile(v, f"{where}[{i}]", name) for i, v in enumerate(value))
    return _compile(value, where, name)


def _check_keys(doc: Any, expected: set[str], where: str) -> None:
    if not isinstance(doc, dict):
        raise DataError(where, "must be a mapping")
    check_fields(doc, expected, where, required=expected)


def _vocab(doc: Any, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(doc, dict):
        raise DataError(where, "must be a mapping of vocabularies")
    result: dict[str, dict[str, str]] = {}
    for name, values in doc.items():
        if not isinstance(values, dict):
            raise DataError(f"{where}.{name}", "must map each value to a list of spellings")
        spellings: dict[str, str] = {}
        for canonical, words in values.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise DataError(f"{where}.{name}.{canonical}", "must be a list of spellings")
            for word in [str(canonical), *words]:
                spellings[" ".join(word.lower().split())] = str(canonical)
        result[name] = spellings
    return result


def read_patterns(path: Path = PATTERNS_FILE) -> Patterns:
    """Read and validate the importers' pattern file."""
    where = path.name
    doc = read_yaml(path)
    _check_keys(doc, {"criteria", "page", "antigens"}, where)
    _check_keys(doc["criteria"], _CRITERIA_KEYS, f"{where}: criteria")
    _check_keys(doc["page"], _PAGE_KEYS, f"{where}: page")
    criteria = {k: _compile_any(v, f"{where}: criteria.{k}", k) for k, v in doc["criteria"].items()}
    page_doc = doc["page"]
    vocab = _vocab(page_doc["vocab"], f"{where}: page.vocab")
    forms_doc = page_doc["forms"]
    if not isinstance(forms_doc, dict):
        raise DataError(f"{where}: page.forms", "must be a mapping")
    forms = {k: _compile(v, f"{where}: page.forms.{k}", k) for k, v in forms_doc.items()}
    headings = []
    if not isinstance(page_doc["headings"], dict):
        raise DataError(f"{where}: page.headings", "must be a mapping of sections")
    for section, spec in page_doc["headings"].items():
        at = f"{where}: page.headings.{section}"
        _check_keys(spec, {"kind", "patterns"}, at)
        if spec["kind"] not in HEADING_KINDS:
            raise DataError(f"{at}.kind", f"must be one of {', '.join(HEADING_KINDS)}")
        if not isinstance(spec["patterns"], list) or not spec["patterns"]:
            raise DataError(f"{at}.patterns", "must be a non-empty list")
        compiled = tuple(
            _compile(rf"^(?:{p})$", f"{at}.patterns[{i}]", section) for i, p in enumerate(spec["patterns"])
        )
        headings.append(Heading(section, spec["kind"], compiled))
    value_forms: dict[str, Any] = {}
    for section, form in (page_doc["value_forms"] or {}).items():
        at = f"{where}: page.value_forms.{section}"
        if isinstance(form, str) and form.startswith("@"):
            name = form[1:]
            if name in vocab:
                value_forms[section] = ("vocab", name)
            elif name in forms:
                value_forms[section] = ("form", name)
            else:
                raise DataError(at, f"refers to unknown vocabulary or form {name!r}")
        else:
            value_forms[section] = _compile(form, at, section)
    page = {}
    for key in _PAGE_KEYS - {"headings", "value_forms", "forms", "vocab", "inline"}:
        page[key] = _compile_any(page_doc[key], f"{where}: page.{key}", key)
    inline = page_doc["inline"]
    if not isinstance(inline, dict):
        raise DataError(f"{where}: page.inline", "must be a mapping")
    page["inline"] = {k: _compile(v, f"{where}: page.inline.{k}", k) for k, v in inline.items()}
    return Patterns(
        criteria=criteria,
        headings=tuple(headings),
        value_forms=value_forms,
        forms=forms,
        vocab=vocab,
        page=page,
        antigens=_compile(doc["antigens"], f"{where}: antigens", "antigens"),
    )


@lru_cache(maxsize=1)
def load_patterns() -> Patterns:
    """The bundled patterns, read once per process."""
    return read_patterns()
