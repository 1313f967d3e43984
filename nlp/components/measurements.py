"""Values next to a lab, score or marker mention: number, range, comparator, unit, N x ULN.

``ValueReader.after`` reads what follows a mention ("creatinine of 265 µmol/L",
"platelets were 25", "ALT > 3x ULN", "ECOG 0-1", "NYHA class III"); ``before`` reads a
value with its unit written before the name ("1.2 mg/dL creatinine"). The words that may
stand between name and value, the comparators and the ULN phrases are data
(data/nlp/extraction.yaml); units are checked against the known unit spellings
(nlp/units.py), so "platelets 25 today" has no unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from nlp.units import parse_number, unit_candidates

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?"
UNIT = (
    r"(?:[x×*]\s?10\s?(?:\^|e|E|\*\*?)?\s?[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}\s?/\s?(?:[uµμ]?[lL]|mm3|mm³|mcL)"
    r"|10\s?(?:\^|e|E|\*\*?)\s?[0-9]{1,2}\s?/\s?(?:[uµμ]?[lL]|mm3|mm³)"
    r"|10[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}\s?/\s?(?:[uµμ]?[lL]|mm3|mm³)"
    r"|%"
    r"|/\s?(?:[uµμ][lL]|mm3|mm³|mcL)"
    r"|[A-Za-zµμ]+(?:\s?/\s?[A-Za-zµμ0-9.²³^]+){0,2})"
)
# a number directly followed by one of these is a time or a count, not a lab value; a "+"
# glued to it is a dipstick grade ("proteinuria 2+", "protein 3+"), no quantity
_NOT_A_VALUE_AFTER = re.compile(
    r"\+(?![\d.])|\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|y/?o|ago|times(?!\s+(?:the\s+)?(?:uln|upper|normal))"
    r"|mg\b(?!/)|tablets?|pills?|doses?|cycles?|infusions?)\b",     # whole words: "30 most days" is a value
    re.IGNORECASE,
)
# "150+": a "+" glued to a number, nothing numeric after it
_AT_LEAST_PLUS = re.compile(r"\+(?![\d.])")
# between a value and a newer one of the same mention (``ValueReader.later``)
# a time just past: a value said with it is the newest a message tells
RECENT = (r"(?:yesterday|last\s+(?:week|night)|the\s+other\s+day|(?:a\s+)?(?:few|couple(?:\s+of)?)\s+days\s+ago"
           r"|\d{1,2}\s+days\s+ago)\b")
_LATER = re.compile(
    r"(?:[^.;:\n\d]|\b(?:\d{1,2}/)?(?:19|20)\d\d\b){0,40}?(?:\b(?:now|currently|presently|today|recovered to|improved to|rose to|risen to|increased to"
    r"|went up to|fell to|fallen to|dropped to|decreased to|went down to|and now|but now)\b|->|-->|\u2192)"
    r"\s*(?:is|of|at|=|around|about|its|it's|it\s+is|it\u2019s)?\s*(?=\d)"   # "now its 900" (h181, round 38)
    # the newer value with its "now" after it, behind a comma or "and"/"but" ("CK 8000 at
    # diagnosis, 450 today", "creatinine was 2.1 last year, 1.2 now"; h110, round 24)
    # or with a recent time after it, the older one's clause saying none ("platelets were 8 in
    # october, 15 last week", "creatinine 2.1 in may and 1.4 yesterday"; lead, round 32); a month
    # and year between as a year ("CK 6,200 at presentation 06/2024, 1,100 now"; h177, round 37)
    r"|(?:(?!" + RECENT + r")[^.;:\n\d]|\b(?:\d{1,2}/)?(?:19|20)\d\d\b){0,40}?(?:,|\band\b|\bbut\b)\s*(?:its|it's|it is|is)?\s*"
    r"(?=[\d.,]*\d\s*(?:k\b|%|[A-Za-z\u00b5\u03bc]{1,5}/[A-Za-z0-9]{1,3}\b)?\s*(?:now|today|currently|presently|at present|these days|this (?:week|morning)"
    r"|" + RECENT +
    # or at the end of the stay the note tells ("CRP 212 on admission, 18 at discharge";
    # h131, round 28)
    r"|(?:at|on|by) discharge|at follow-up)\b)",
    re.IGNORECASE)
_ROMAN = r"(?P<roman>IV|I{1,3})\b"
# "2.3 x 10^3 IU/mL": a power of ten that multiplies the number (not "x10^9/L", a unit)
_EXPONENT = r"(?P<exp>\s*[x×*]\s*10\s*(?:\^|e|E|\*\*?)?\s*(?P<expn>[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})(?![0-9⁰¹²³⁴⁵⁶⁷⁸⁹]|\s*/))?"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# a minus sign glued to the number ("creatinine -5 mg/dL", "Hb: -3") after a space or
# ":", "=", "(": the value is negative (and implausible, so it is questioned). A dash with
# a space after it ("creatinine - 1.2") or between two numbers ("1-2") is not a sign.
_MINUS = "-\u2212"
_SIGN_AFTER = " \t\n:=("


@dataclass(frozen=True)
class Reading:
    """A value as written: char offsets of the value expression, number(s), unit, sign."""

    start: int
    end: int
    value: float | None
    value_high: float | None = None
    unit: str | None = None          # as written (None when absent or not a unit)
    comparator: str | None = None    # "<", "<=", ">", ">=", "=="
    uln_multiple: float | None = None
    older_end: int | None = None     # a newer value: where the older one it replaces ends


def _alternation(words: list[str]) -> str:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        parts.append(escaped + (r"\b" if word[-1].isalnum() else ""))
    return "|".join(parts)


class ValueReader:
    """Reads values around a mention, with vocabularies from data/nlp/extraction.yaml."""

    def __init__(self, vocabulary: dict[str, Any]):
        self.comparators = {k.lower(): v for k, v in vocabulary["comparators"].items()}
        # "7 point 5": a decimal said in words (``decimal_words``); "2 grams of protein": the
        # words between an amount and the name after it (``amount_links``)
        decimal = _alternation(vocabulary.get("decimal_words") or [])
        self._decimal = re.compile(rf"\s+(?:{decimal})\s+", re.IGNORECASE) if decimal else None
        spoken = rf"(?:\s+(?:{decimal})\s+\d+)?" if decimal else ""
        links = _alternation(vocabulary.get("amount_links") or [])
        link = rf"(?:\s+(?P<link>{links}))?" if links else ""
        # "3 g of protein": a spelling that is an amount only before its name, with a link word
        self._amount_units = {k.lower(): v for k, v in (vocabulary.get("amount_units") or {}).items()}
        self.roman = vocabulary["roman_numerals"]
        fillers = _alternation(vocabulary["value_fillers"])
        # any one adverb in -ly, misspelt too ("platlets are ususally 10-20", "usualy around
        # 25", "roughly 40"; ``value_filler_adverb``; h155, round 33)
        adverb = vocabulary.get("value_filler_adverb")
        if adverb:
            fillers = rf"{fillers}|(?:{adverb})\b"
        comparators = _alternation(list(vocabulary["comparators"]))
        uln = vocabulary["uln_phrases"]
        multipliers = _alternation(uln["multipliers"])
        names = _alternation(uln["names"])
        value = (
            rf"(?:(?P<cmp>{comparators})\s*)?"
            rf"(?:{_ROMAN}|(?P<between>between\s+)?(?P<num>{NUMBER}{spoken}){_EXPONENT}"
            rf"(?:\s*(?P<sep>-|–|to|and)\s*(?P<num2>{NUMBER}))?)"
            # "1.5 ULN" too, and a multiplier glued to the name ("2xULN")
            rf"(?:\s*(?P<uln>(?:{multipliers}|x(?=[a-z]))\s*(?:the\s+)?(?:{names})|ULN\b)"
            rf"|\s?(?P<unit>{UNIT}))?"
        )
        self._after = re.compile(rf"(?:\s*(?:{fillers}))*\s*{value}", re.IGNORECASE)
        self._before = re.compile(
            rf"(?:(?P<cmp>{comparators})\s*)?(?P<num>{NUMBER})\s?(?P<unit>{UNIT}){link}\s*$",
            re.IGNORECASE,
        )
        self._percent = re.compile(rf"(?P<num>{NUMBER})\s*%")
        # "platelets are in the teens", "plt in the 20s": a count said by its decade (``value_decades``)
        decades = vocabulary.get("value_decades") or {}
        self._decade_range = {re.sub(r"\s+", " ", str(k).lower()): (float(v[0]), float(v[1]))
                              for k, v in (decades.get("words") or {}).items()}
        if self._decade_range:
            lead = _alternation(decades.get("before") or []) or "(?!)"
            self._decade = re.compile(
                rf"(?:\s*(?:{fillers}))*(?:\s+(?:{lead}))*\s+(?:in|into)\s+(?:the\s+)?"
                rf"(?:(?P<word>{_alternation(list(self._decade_range))})|(?P<tens>[1-9]0)'?s\b)", re.IGNORECASE)
        else:
            self._decade = None
        # "went from 8 to 60", "rose from 1.2 to 2.5 mg/dL": a change, the newer value is
        # the one (``change_words``; a verb is needed: a criterion's "from 50 to 100" is a range)
        change = _alternation(vocabulary.get("change_words") or [])
        # (the older value's date may follow it: "fell from 78% (2022) to 61% (10/2026)",
        # "declined from 78% in 2022 to 61%"; lead, round 38)
        from_to = (rf"from\s+(?:{comparators})?\s*{NUMBER}(?:\s?{UNIT})?"
                   r"(?:\s*\(\s*(?:in\s+)?(?:\d{1,2}/)?(?:\d{1,2}/)?\d{2,4}\s*\)|\s+in\s+(?:\d{1,2}/)?\d{4})?"
                   rf"\s*(?:to|->|-->|\u2192)\s*"
                   rf"(?=(?:{comparators})?\s*\d)")
        self._from_to = re.compile(
            rf"(?:\s*(?:{fillers}))*\s*(?:(?:has|have|had)\s+)?(?:{change})\s+{from_to}", re.IGNORECASE) if change else None
        # "a decline in FVC (from 82% to 64% predicted)", "fall in eGFR from 60 to 41": a noun
        # of change before the name makes its "from A to B" a change too (``change_nouns``)
        nouns = _alternation(vocabulary.get("change_nouns") or [])
        self._change_noun = re.compile(
            rf"\b(?:{nouns})\s+(?:in|of)\s+(?:(?:the|her|his|my|their|your)\s+)?[\w%/-]+(?:\s+[\w%/-]+){{0,2}}\s*$",
            re.IGNORECASE) if nouns else None
        self._from_to_bare = re.compile(rf"(?:\s*(?:{fillers}))*\s*{from_to}", re.IGNORECASE) if nouns else None
        # a reference range written after a value ("85 (ref <10)", "45 IU/mL, normal range
        # under 30", "(NR 0-25)", "(<10)"): its upper limit (``reference_words``)
        references = _alternation(vocabulary.get("reference_words") or ["ref"])
        self._reference = re.compile(
            rf"\s*[,;]?\s*(?:\(|\[)?\s*(?:(?:{references})\s*(?:is|of|:|=)?\s*)?"
            rf"(?:(?P<cmp>{comparators})\s*(?P<upper>{NUMBER})|(?P<low>{NUMBER})\s*(?:-|–|to)\s*(?P<high>{NUMBER}))",
            re.IGNORECASE)
        self._reference_word = re.compile(rf"\s*[,;]?\s*(?:\(|\[)?\s*(?:{references})\b", re.IGNORECASE)

    def after(self, text: str, pos: int, limit: int, roman: bool = False, graded: bool = True) -> Reading | None:
        """The value that follows ``pos`` (before ``limit``), or None. A "+" glued to the
        number is a dipstick grade, no value, when ``graded`` (a urine dipstick analyte:
        "proteinuria 2+"); otherwise it says "at least" ("plt 150+", "platelets 150k+")."""
        change = self._from_to.match(text, pos, limit) if self._from_to is not None else None
        if change is None and self._change_noun is not None and self._change_noun.search(text, max(0, pos - 50), pos):
            change = self._from_to_bare.match(text, pos, limit)
        if change is not None:
            newer = self.after(text, change.end(), limit, roman, graded)
            return None if newer is None else replace(newer, older_end=change.end())
        match = self._after.match(text, pos, limit)
        if match is None:
            return self._decade_after(text, pos, limit)
        if match.group("roman"):
            if not roman:
                return None
            value: float | None = float(self.roman[match.group("roman").lower()])
            return Reading(match.start("roman"), match.end("roman"), value, comparator=self._comparator(match))
        num = match.group("num")
        if num is None:
            return None
        tail_at = match.end("num2") if match.group("num2") else match.end("exp") if match.group("exp") else match.end("num")
        plus = not graded and not match.group("uln") and _AT_LEAST_PLUS.match(text, tail_at, limit)
        if not plus and not match.group("uln") and _NOT_A_VALUE_AFTER.match(text, tail_at, limit):
            return None
        reading = self._reading(match, text)
        if reading is not None and not graded and reading.comparator is None and _AT_LEAST_PLUS.match(text, reading.end, limit):
            reading = replace(reading, comparator=">=", end=reading.end + 1)
        return reading

    def _decade_after(self, text: str, pos: int, limit: int) -> Reading | None:
        """A count said by its decade right after ``pos`` ("are in the teens", "in the 20s"):
        the decade's range, at least its low end (``value_decades``)."""
        match = self._decade.match(text, pos, limit) if self._decade is not None else None
        if match is None:
            return None
        if match.group("word"):
            low, high = self._decade_range[re.sub(r"\s+", " ", match.group("word").lower())]
            start = match.start("word")
        else:
            low = float(match.group("tens"))
            high, start = low + 9, match.start("tens")
        return Reading(start, match.end(), low, high)     # a range: at least the low end (assemble)

    def later(self, text: str, pos: int, limit: int) -> Reading | None:
        """A newer value after a reading that ends at ``pos``, said to be the one now
        ("platelets were 8 in january, now 45", "creatinine 3.1 during the flare, now 1.2",
        "eGFR dropped to 25 last year but recovered to 60", "plt 12 -> 85"), or None.
        ``limit`` should stop before the next mention ("plt 8, creatinine now 1.2")."""
        match = _LATER.match(text, pos, limit)
        newer = self.after(text, match.end(), limit) if match else None
        return None if newer is None else replace(newer, older_end=pos)

    def before(self, text: str, floor: int, pos: int) -> Reading | None:
        """A value with its unit written just before ``pos`` (not before ``floor``), or None."""
        window_start = max(floor, pos - 40)
        match = self._before.search(text, window_start, pos)
        if match is None:
            return None
        amount = (self._amount_units.get(match.group("unit").strip().lower())
                  if "link" in match.re.groupindex and match.group("link") else None)
        if amount is not None and not unit_candidates(match.group("unit")):
            reading = self._reading(match, text)
            return None if reading is None else replace(reading, unit=amount, end=match.end("unit"))
        if not unit_candidates(match.group("unit")):
            return None
        if match.group("unit").strip() == "%" and not text[match.end("unit"):pos].isspace() and match.end("unit") < pos:
            return None     # "CD7 on 60% of blasts": a share of them, not their count
        return self._reading(match, text)

    def percent_after(self, text: str, pos: int, limit: int) -> tuple[float, int, int] | None:
        """The first 'N%' between ``pos`` and ``limit``: (value, start, end)."""
        match = self._percent.search(text, pos, limit)
        if match is None:
            return None
        value = parse_number(match.group("num"))
        return None if value is None else (value, match.start(), match.end())

    def reference_upper(self, text: str, pos: int, limit: int) -> float | None:
        """The upper limit of a reference range written right after a value that ends at
        ``pos``: "(ref <10)", ", normal range under 30", "(NR 0-25)", "(<10)". A range
        needs its reference word ("(0-25)" alone may be another value); a limit must be an
        upper one ("ref >60" is not a normal antibody level)."""
        match = self._reference.match(text, pos, limit)
        if match is None:
            return None
        if match.group("upper") is not None:
            if self.comparators.get(re.sub(r"\s+", " ", match.group("cmp").lower())) not in ("<", "<="):
                return None
            bracketed = "(" in text[pos:match.start("cmp")] or "[" in text[pos:match.start("cmp")]
            if not bracketed and not self._reference_word.match(text, pos, limit):
                return None     # "dsDNA 200, under 30 last year": no reference said
            return parse_number(match.group("upper"))
        if not self._reference_word.match(text, pos, limit):
            return None
        return parse_number(match.group("high"))

    @staticmethod
    def _negative(text: str, at: int) -> bool:
        """A minus sign written right before the number at ``at``, itself after a space,
        the start of the text or ":", "=", "("."""
        if at == 0 or text[at - 1] not in _MINUS:
            return False
        return at == 1 or text[at - 2] in _SIGN_AFTER

    def _comparator(self, match: re.Match) -> str | None:
        written = match.group("cmp")
        return self.comparators.get(re.sub(r"\s+", " ", written.lower())) if written else None

    def _reading(self, match: re.Match, text: str) -> Reading | None:
        written = match.group("num")
        value = parse_number(self._decimal.sub(".", written) if self._decimal else written)
        if value is None:
            return None
        groups = match.re.groupindex
        if "exp" in groups and match.group("exp"):
            value *= 10 ** int(match.group("expn").translate(_SUPERSCRIPTS))
        high = parse_number(match.group("num2")) if "num2" in groups and match.group("num2") else None
        if high is not None and match.group("sep") == "and" and not match.group("between"):
            high = None  # "ALT 35 and 40": two values, not a range
        comparator = self._comparator(match)
        start = match.start("cmp") if match.group("cmp") else match.start("between") if "between" in groups and match.group("between") else match.start("num")
        if self._negative(text, match.start("num")):
            value, start = -value, min(start, match.start("num") - 1)
            if high is not None:
                high = -high if match.group("sep") != "-" else None
        end = match.end("num2") if high is not None else match.end("exp") if "exp" in groups and match.group("exp") else match.end("num")
        unit = None
        uln_multiple = None
        if "uln" in groups and match.group("uln"):
            uln_multiple, value = value, None
            end = match.end()
        elif match.group("unit"):
            written = match.group("unit").strip()
            trimmed = written.rstrip(".,;:")      # "ALT 22 U/L." ends a sentence, not the unit
            if trimmed != written and trimmed and unit_candidates(trimmed):
                raw = match.group("unit")
                unit, end = trimmed, match.start("unit") + (len(raw) - len(raw.lstrip())) + len(trimmed)
            elif unit_candidates(written):
                unit = written
                end = match.end("unit")
        if high is not None and high < (value or 0):
            high = None
        return Reading(start, end, value, high, unit, comparator, uln_multiple)
