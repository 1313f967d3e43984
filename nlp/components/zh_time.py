"""Times in Chinese text: durations ("8年", "三年了", "半年"), times ago ("8年前"), years
("2019年", "2019年3月", "去年"), a time just past ("上个月", "上周", "昨天"), and Chinese numbers ("二十六"). Units, Chinese numbers and relative years are data
(data/nlp/zh.yaml); a unit's length in days is core/durations.py. Each expression is a
``TimeExpression`` of nlp/components/time.py, attached to a fact by its ``attach``.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from core.durations import DAYS
from nlp.components.time import TimeExpression

_YEAR_DAYS = DAYS["year"]
# "after" right before an amount of time: the time from an event, not how long something lasted
_AFTER_EVENT = ("后", "以后", "之后")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class ChineseNumbers:
    """Numbers in digits or Chinese ("26", "二十六", "十五", "半"; ``number_words``)."""

    def __init__(self, words: dict[str, Any]):
        self.values = {w: float(v) for w, v in words["number_words"].items()}
        self.pattern = r"\d+(?:\.\d+)?|[%s]+" % "".join(re.escape(w) for w in self.values)

    def __call__(self, written: str) -> float | None:
        try:
            return float(written)
        except ValueError:
            pass
        if len(written) == 1:
            return self.values.get(written)
        total, digit = 0.0, None
        for ch in written:
            value = self.values.get(ch)
            if value is None or value != int(value):
                return None                       # "半" only stands alone
            if value == 0:                        # 零 holds a place ("一百零二")
                continue
            if value >= 10:                       # 十, 百: a multiplier
                total += (1 if digit is None else digit) * value
                digit = None
            elif digit is not None:
                return None                       # two digits in a row ("二三十": twenty or thirty)
            else:
                digit = value
        return total + (digit or 0)


class ChineseTimes:
    def __init__(self, words: dict[str, Any]):
        self.units = {w: DAYS[u] for w, u in words["time_units"].items()}
        self.number = ChineseNumbers(words)
        self.relative = {w: int(v) for w, v in words["relative_years"].items()}
        number = self.number.pattern
        self.amount = re.compile(r"(?<![\d年])(?P<value>%s)\s*(?P<unit>%s)(?P<more>多)?(?P<ago>前)?" % (number, _alternation(self.units)))
        self.year = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:\s*(?P<month>1[0-2]|0?[1-9])\s*月)?")
        # "去年3月"; not "今年68", "今年十岁" (an age)
        self.relative_re = re.compile(r"(?P<rel>%s)(?:\s*(?P<month>1[0-2]|0?[1-9])\s*月)?" % _alternation(self.relative))
        # "上个月", "上周", "昨天": one unit before today (``relative_times``; round 28)
        self.just_past = {w: self.units[u] for w, u in (words.get("relative_times") or {}).items()}
        self.just_past_re = re.compile(_alternation(self.just_past)) if self.just_past else None

    def __call__(self, text: str, today: date, taken: list[tuple[int, int]]) -> list[TimeExpression]:
        """The time expressions of ``text`` outside the ``taken`` spans (ages, values)."""
        found: list[TimeExpression] = []
        used: list[tuple[int, int]] = list(taken)

        def free(start: int, end: int) -> bool:
            return not any(s < end and start < e for s, e in used)

        for match in self.year.finditer(text):
            year = int(match.group("year"))
            if year > today.year or not free(match.start(), match.end()):
                continue
            written = f"{year:04d}" + (f"-{int(match.group('month')):02d}" if match.group("month") else "")
            found.append(TimeExpression(match.start(), match.end(), date=written))
            used.append(match.span())
        for match in self.relative_re.finditer(text):
            month = match.group("month")
            if not free(match.start(), match.end()) or (month is None and re.match(self.number.pattern, text[match.end():match.end() + 1])):
                continue
            written = f"{today.year + self.relative[match.group('rel')]:04d}" + (f"-{int(month):02d}" if month else "")
            found.append(TimeExpression(match.start(), match.end(), date=written))
            used.append(match.span())
        for match in (self.just_past_re.finditer(text) if self.just_past_re else ()):
            if not free(match.start(), match.end()):
                continue
            days = self.just_past[match.group(0)]
            found.append(TimeExpression(match.start(), match.end(), date=(today - timedelta(days=round(days))).isoformat()))
            used.append(match.span())
        for match in self.amount.finditer(text):
            if not free(match.start(), match.end()):
                continue
            count = self.number(match.group("value"))
            if count is None:
                continue
            days = count * self.units[match.group("unit")]
            if not match.group("ago") and text[max(0, match.start() - 2):match.start()].endswith(_AFTER_EVENT):
                continue        # "移植后半年复发": half a year after the transplant, no duration (lead, round 40)
            if match.group("ago"):
                when = today - timedelta(days=round(days))
                found.append(TimeExpression(match.start(), match.end(),
                                            date=when.strftime("%Y-%m") if days >= _YEAR_DAYS else when.isoformat()))
            else:
                found.append(TimeExpression(match.start(), match.end(), duration_days=round(days, 2)))
        return sorted(found, key=lambda t: t.start)
