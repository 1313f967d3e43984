"""Eligibility lines that are section headings or notes, never criteria of their own
(``data/criteria_headings.yaml``): ``is_heading(text)``.

The rules still judge every criterion; this only says how one is *shown*: a heading
without sub-criteria not at all, a heading over sub-criteria as its sub-criteria
(``bot.results``, triage). A bad pattern fails at load time naming the file and entry.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

HEADINGS_PATH = DATA_DIR / "criteria_headings.yaml"


def read_headings(path: Path = HEADINGS_PATH) -> tuple[re.Pattern, ...]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"headings"} or not isinstance(raw["headings"], list):
        raise DataError(path.name, "must have exactly one key, 'headings': a list of regular expressions")
    compiled = []
    for i, pattern in enumerate(raw["headings"]):
        where = f"{path.name}: headings[{i}]"
        if not isinstance(pattern, str) or not pattern:
            raise DataError(where, "must be a regular expression (text)")
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise DataError(where, f"bad regular expression: {exc}") from None
    return tuple(compiled)


@lru_cache(maxsize=1)
def load_headings() -> tuple[re.Pattern, ...]:
    return read_headings()


@lru_cache(maxsize=8192)
def is_heading(text: str | None) -> bool:
    """True when a criterion's text is a heading or a note ("... meets the following
    requirements:", "Note: It is sufficient if one of Articles 4 and 5 is fulfilled.").
    A heading carrying an inline list is judged on its first line."""
    first = (text or "").strip().split("\n", 1)[0].strip()
    return bool(first) and any(p.search(first) for p in load_headings())
