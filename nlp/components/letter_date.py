"""A letter's own date: the day a pasted referral letter or clinic note was written, read
from its header ("Date: 9 January 2025", "Department of Haematology, 14 March 2025",
"Date typed: 28/05/2025"). What the letter calls current ("Current labs (11/12/2024)",
"started 3 months ago", "now cycle 4") is current as of that day, so the pipeline reads a
letter dated in the past as of its date, not the day it is pasted (extraction.yaml
``letter_date``: the label words, how far into the text, which lines never date it)."""
from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from nlp.resources import alternation, vocabulary

_NUMERIC = r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>(?:19|20)\d\d)"
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d{1,2})-(?P<id>\d{1,2})"


class LetterDate:
    def __init__(self, words: dict):
        section = words.get("letter_date") or {}
        months = {k.lower(): int(v) for k, v in words["month_names"].items()}
        self.months = months
        month = alternation(months)
        named = (rf"(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<nm>{month})\.?,?\s+(?P<ny>(?:19|20)\d\d)"
                 rf"|(?P<am>{month})\.?\s+(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ay>(?:19|20)\d\d)")
        self.full = f"(?:{_NUMERIC}|{_ISO}|{named})"
        labels = alternation(section.get("labels") or ["date"])
        self.labelled = re.compile(rf"\b(?:{labels})\b\s*[:\-]?\s*{self.full}(?![\d/.-]*\d)", re.IGNORECASE)
        self.line_end = re.compile(rf"(?:^|[,\u2013\u2014-]\s*|\s{{2,}}){self.full}\s*\.?\s*$", re.IGNORECASE)
        opening = alternation(section.get("not_opening") or [])
        self.not_opening = re.compile(rf"^\W*(?:{opening})(?:\b|\s|:)", re.IGNORECASE) if opening else None
        self.labelled_lines = int(section.get("labelled_lines", 6))
        self.header_lines = int(section.get("header_lines", 3))
        self.max_years_back = int(section.get("max_years_back", 30))

    def _date(self, match: re.Match) -> date | None:
        g = match.groupdict()
        try:
            if g.get("y"):
                day, month = int(g["d"]), int(g["m"])
                if month > 12 >= day:
                    day, month = month, day     # a US date ("Date of service: 03/14/2025"): no 14th month
                return date(int(g["y"]), month, day)
            if g.get("iy"):
                return date(int(g["iy"]), int(g["im"]), int(g["id"]))
            if g.get("ny"):
                return date(int(g["ny"]), self.months[g["nm"].lower()], int(g["nd"]))
            if g.get("ay"):
                return date(int(g["ay"]), self.months[g["am"].lower()], int(g["ad"]))
        except (ValueError, KeyError):
            return None
        return None

    def __call__(self, text: str, today: date) -> date:
        """The day ``text`` is read as of: its header's date when it has one before ``today``
        (and not absurdly old), else ``today``."""
        if "\n" not in text:
            return today
        lines = [line for line in text.split("\n") if line.strip()][:self.labelled_lines]
        for n, line in enumerate(lines):
            if self.not_opening is not None and self.not_opening.match(line):
                continue
            match = self.labelled.search(line) or (self.line_end.search(line) if n < self.header_lines else None)
            if match is None:
                continue
            written = self._date(match)
            if written is not None and written < today and today.year - written.year <= self.max_years_back:
                return written
        return today


@lru_cache(maxsize=1)
def _reader() -> LetterDate:
    return LetterDate(vocabulary())


def letter_date(text: str, today: date) -> date:
    """The day a letter ``text`` was written, or ``today`` (see ``LetterDate``)."""
    return _reader()(text, today)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
