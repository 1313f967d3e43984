"""Pattern matches -> entity candidates for age, sex, weight, pregnancy, place and the
BILAG counts, each with the values the pattern read.

Age outside 0-120 and weight outside the analyte's plausible range are kept but marked
``implausible`` (a question can be asked); a place that is a weekday, month or common word
(data/nlp/extraction.yaml ``not_places``) is not a place.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from core.durations import DAYS
from data.places import countries, place_key, regions
from data.terminology import Terminology
from nlp.components.doc_cache import doc_text
from nlp.components.measurements import Reading
from nlp.components.patterns import PatternMatch, token_span
from nlp.components.speaker import relations
from nlp.resources import vocabulary_words
from nlp.components.terms import Candidate
from nlp.units import normalize_unit, parse_number

AGE_RANGE = (0, 120)

Meta = dict[str, Any]



@lru_cache(maxsize=1)
def _half_pattern() -> re.Pattern | None:
    """``age_halves`` as one pattern, compiled once (read right after an age's number)."""
    words = vocabulary_words("age_halves")
    if not words:
        return None
    return re.compile(r"\s*(?:%s)(?![\w])" % "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                      re.IGNORECASE)

# a town after its country's comma, one or two words of letters, then the clause's end
_TOWN_AFTER = re.compile(r"[^\S\n]*,[^\S\n]*(?P<town>[^\W\d_][\w'-]{2,20}(?:[^\S\n][^\W\d_][\w'-]{2,20})?)"
                         r"[^\S\n]*(?=$|[.!;?\n]|,|[^\S\n]+and\b)")


# a capitalised town alone in its clause, right before a comma and its country ("Dublin, Ireland")
_TOWN_BEFORE = re.compile(r"(?:^|(?<=[.!?;\n]))[^\S\n]*(?P<town>[A-Z][\w'-]{1,20}(?:[^\S\n][A-Z][\w'-]{1,20})?)"
                          r"[^\S\n]*$")


class PatternFacts:
    def __init__(self, vocabulary: dict[str, Any], terminology: Terminology):
        self.sex_words = {w.lower(): sex for sex, words in vocabulary["sex_words"].items() for w in words}
        self.number_words = {k.lower(): v for k, v in vocabulary["number_words"].items()}
        self.not_places = {w.lower() for w in vocabulary["not_places"]}
        self.place_articles = {w.lower() for w in vocabulary["place_articles"]}
        self.not_towns = {w.lower() for w in vocabulary.get("not_towns") or ()}
        self.time_units = {k.lower(): DAYS[v] for k, v in vocabulary["time_units"].items()}
        self.terminology = terminology
        # the one-word names of conditions and procedures ("appendicectomy", "asthma", "MI"):
        # "aged 12" right after one is the age at that event (_age_at_event)
        self.event_words = frozenset(
            name.lower() for concept in terminology.concepts.values()
            if concept.category == "condition" or concept.kind == "procedure"
            for name in (*concept.terms, *concept.abbreviations) if " " not in name and "-" not in name)
        # every one-word name of the terminology ("lupus", "mtx", "crp"; ``event_words`` among
        # them): no town (_town)
        self.term_words = frozenset(name.lower() for concept in terminology.concepts.values()
                                    for name in (*concept.terms, *concept.abbreviations) if " " not in name)
        self.comparators = {k.lower(): v for k, v in (vocabulary.get("comparators") or {}).items()}
        self.age_decades = {k.lower(): int(v) for k, v in (vocabulary.get("age_decades") or {}).items()}
        self.age_decade_parts = {k.lower(): tuple(v) for k, v in (vocabulary.get("age_decade_parts") or {}).items()}
        gestation = vocabulary.get("gestation_not_age") or {}
        words = gestation.get("words") or ()
        self.gestation_words = re.compile(r"\b(?:%s)" % "|".join(re.escape(str(w)) for w in words), re.IGNORECASE) if words else None
        self.gestation_max_days = float(gestation.get("max_days") or 0)

    def __call__(self, doc: Doc, matches: list[PatternMatch]) -> list[tuple[Candidate, Meta]]:
        found: list[tuple[Candidate, Meta]] = []
        origin: set[int] = set()       # "from Poland": a place only when none is said to be lived in
        # a date of birth followed by the age the writer states ("(DOB 1988), 37 years"): the
        # stated age is the one kept (the date alone can be a year off)
        # stated age is kept; the date's own age only when it disagrees (assemble: "DOB 14/03/1961
        # (63 yo)" in 2026 is 65: the two are shown, not one chosen)
        stated = {m.group_spans["birth"][0]: parse_number(m.groups["value"]) for m in matches
                  if m.row.get("kind") == "stated_after_birth" and "birth" in m.group_spans}
        for match in matches:
            handler = getattr(self, f"_{match.label.lower()}", None)
            if handler is not None:
                got = handler(doc, match)
                if match.row.get("kind") == "birth" and stated.get(match.start_char) is not None:
                    for _, meta in got:
                        meta["born"]["stated"] = stated[match.start_char]
                if match.row.get("kind") in ("origin", "asked_country", "asked_town"):
                    origin.update(range(len(found), len(found) + len(got)))
                found.extend(got)
        if origin and any(c.label == "LOCATION" for i, (c, _) in enumerate(found) if i not in origin):
            found = [item for i, item in enumerate(found) if i not in origin]
        return found

    def _candidate(self, doc: Doc, start: int, end: int, label: str, concept: str, meta: Meta) -> list[tuple[Candidate, Meta]]:
        span = token_span(doc, start, end)
        if span is None:
            return []
        return [(Candidate(span[0], span[1], label, concept), meta)]

    def _age(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        if match.row.get("kind") == "birth":      # a date of birth: the age is worked out against today
            return self._birth(doc, match)
        if match.row.get("kind") == "decade":     # "in her early thirties": a range of years
            return self._decade(doc, match)
        value = parse_number(match.groups["value"])
        if value is None:
            return []
        if match.row.get("kind") == "relative":   # "my daughter is 24": a relation word of relations.yaml
            relation = relations().relation_of(match.groups.get("relation") or "")
            if relation is None:
                return []
            letter = self.sex_words.get((match.groups.get("sex") or "").lower())
            if letter is not None and relations().sexes.get(relation) not in (None, letter):
                return []   # "my daughter 18 m": months, not a male (h165, round 35)
        if match.row.get("kind") == "noun_phrase" and self._names_someone(doc, match):
            return []
        if match.row.get("kind") == "aged" and self._age_at_event(doc, match):
            return []
        if match.row.get("kind") == "turning":    # "she turns 18 next month": 17 today
            value -= 1
        unit = (match.groups.get("unit") or "").lower()
        if self._gestation(doc, match, value, unit):
            return []
        if unit and unit in self.time_units and self.time_units[unit] < DAYS["year"]:
            value = round(value * self.time_units[unit] / DAYS["year"], 3)   # "6-month-old" -> 0.5
        half = self._half_after(doc_text(doc), match)
        if half is not None and value < 18:
            value += 0.5        # "he is 2 and a half": a young child's age said to the half year
        before = doc_text(doc)[max(0, match.start_char - 2):match.start_char + 1]
        if re.match(r"^(?:\s|^)?[-\u2212]\d?$", before) or doc_text(doc)[match.start_char:].startswith(("-", "\u2212")):
            value = -value        # "-5 years old": a minus sign, kept so the age is questioned
        implausible = not (AGE_RANGE[0] <= value <= AGE_RANGE[1])
        meta = {"value": value, "unit": "years", "value_normalized": value, "unit_normalized": "years", "implausible": implausible}
        found = self._candidate(doc, match.start_char, match.end_char, "AGE", "age", meta)
        if match.groups.get("sex"):
            found += self._sex_from(doc, match, "sex")
        return found

    def _gestation(self, doc: Doc, match: PatternMatch, value: float, unit: str) -> bool:
        """Weeks or months without "old" in a sentence naming a pregnancy ("This is her first
        pregnancy, she is 20 weeks", "my wife is pregnant, she's 14 weeks"): how far the
        pregnancy has gone, not an age (``gestation_not_age`` in data/nlp/extraction.yaml)."""
        if self.gestation_words is None or match.row.get("kind") == "noun_phrase":
            return False
        days = self.time_units.get(unit)
        if days is None or days >= DAYS["year"] or value * days > self.gestation_max_days:
            return False
        text = doc_text(doc)
        start = max(text.rfind(c, 0, match.start_char) for c in ".!?\n") + 1
        stops = [i for i in (text.find(c, match.end_char) for c in ".!?\n") if i >= 0]
        return bool(self.gestation_words.search(text, start, min(stops, default=len(text))))

    def _decade(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        """An age said as a decade ("in my 40s", "in her early thirties"): the bottom of its
        years as the value ("at least", comparator >=) and the top as ``value_high``
        (``age_decades`` and ``age_decade_parts`` in data/nlp/extraction.yaml)."""
        word = re.sub(r"[\s']", "", match.groups.get("decade") or "").lower()
        base = int(word[:-1]) if word[:-1].isdigit() else self.age_decades.get(word)
        part = self.age_decade_parts.get((match.groups.get("part") or "whole").lower())
        if base is None or part is None:
            return []
        low, high = base + part[0], base + part[1]
        meta = {"value": float(low), "unit": "years", "value_normalized": float(low), "unit_normalized": "years",
                "implausible": False, "comparator": ">=", "value_high": float(high)}
        return self._candidate(doc, match.start_char, match.end_char, "AGE", "age", meta)

    @staticmethod
    def _half_after(text: str, match: PatternMatch) -> re.Match | None:
        """The words of a half year right after the age's number ("2 and a half", "4 and a half
        years old"; ``age_halves`` in data/nlp/extraction.yaml)."""
        pattern = _half_pattern()
        _, end = match.group_spans.get("value") or (None, None)
        return None if pattern is None or end is None else pattern.match(text, end)

    def _birth(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        """A date of birth: year, and the (month, day) readings it allows ("12/03/1979" is
        3 December or 12 March); ``assemble`` turns it into an age on the message's day."""
        groups = match.groups
        year = int(groups["year"])
        if groups.get("iso_month"):
            readings = [(int(groups["iso_month"]), int(groups.get("iso_day") or 1))]
        elif groups.get("first") and groups.get("second"):
            first, second = int(groups["first"]), int(groups["second"])
            readings = [(m, d) for m, d in ((second, first), (first, second)) if 1 <= m <= 12 and 1 <= d <= 31]
        elif groups.get("second"):
            readings = [(int(groups["second"]), 1)] if 1 <= int(groups["second"]) <= 12 else []
        else:
            readings = [(None, None)]
        if not readings:
            return []
        meta = {"born": {"year": year, "readings": list(dict.fromkeys(readings))}, "unit": "years",
                "unit_normalized": "years"}
        start, end = match.span if hasattr(match, "span") else (match.start_char, match.end_char)
        return self._candidate(doc, start, end, "AGE", "age", meta)

    def _age_at_event(self, doc: Doc, match: PatternMatch) -> bool:
        """"Appendicectomy age 12", "MI age 50": a bare "age N" right after a word (no comma,
        colon or line break between) dates that event; after a sex word ("woman age 45"),
        "aged 66", "age: 40" and "Age 64" opening a line or clause it is the patient's age.
        "aged N" dates an event only right after the one-word name of an illness or a
        procedure ("appendicectomy aged 12"; "woman aged 66", "Mrs P.W. (aged 72)" are ages)."""
        text = doc_text(doc)
        before = re.search(r"([A-Za-z][\w'-]*)[ \t]+$", text[max(0, match.start_char - 40):match.start_char])
        if re.match(r"aged\s+\d", text[match.start_char:match.end_char], re.IGNORECASE):
            # "appendicectomy aged 12", "asthma aged 3": right after an illness or a procedure
            return before is not None and before.group(1).lower() in self.event_words
        if not re.match(r"age\s+\d", text[match.start_char:match.end_char], re.IGNORECASE):
            return False
        return before is not None and before.group(1).lower() not in self.sex_words

    @staticmethod
    def _names_someone(doc: Doc, match: PatternMatch) -> bool:
        """"breastfeeding my 4 month old.": the age phrase is a noun for the writer's child,
        not the patient's age (a possessive before it and nothing after it in its clause, or
        right after a word of feeding or carrying a baby: ``feeding_words``)."""
        text = doc_text(doc)
        before = re.search(r"(\w+)\s+$", text[max(0, match.start_char - 12):match.start_char])
        after = text[match.end_char:]
        words = relations()
        if before is None or before.group(1).lower() not in words.possessives | words.other_person_words:
            return False
        if re.match(r"\s*(?:[,.!?;:)]|$)", after) is not None:
            return True
        # "Im breastfeeding my 5 month old at the moment": the writer's baby, fed or carried
        lead = text[max(0, match.start_char - len(before.group(0)) - 40):match.start_char - len(before.group(0))]
        return words.feeding_words is not None and words.feeding_words.search(lead) is not None

    def _sex(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        return self._sex_from(doc, match, "sex")

    def _sex_from(self, doc: Doc, match: PatternMatch, group: str) -> list[tuple[Candidate, Meta]]:
        concept = self.sex_words.get((match.groups[group] or "").lower())
        if concept is None:
            return []
        start, end = match.group_spans[group]
        return self._candidate(doc, start, end, "SEX", concept, {})

    def _weight(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        # a pattern of alternatives names its groups value2, unit2, pounds2, ... (one name per alternative)
        groups = {key: next((match.groups.get(f"{key}{n}") for n in ("", "2", "3", "4") if match.groups.get(f"{key}{n}")), None)
                  for key in ("value", "unit", "pounds")}
        value = parse_number(groups["value"]) if groups["value"] else None
        comparator = self.comparators.get(re.sub(r"\s+", " ", (match.groups.get("cmp") or "").lower()))
        low = parse_number(match.groups["low"]) if match.groups.get("low") else None
        if low is not None and value is not None and low < value:
            value, comparator = low, comparator or ">="     # "70-75 kg": at least the low end, as a lab's range
        analyte = self.terminology.get("weight")
        if value is None or analyte is None:
            return []
        units = analyte.attrs.get("units", {})
        unit = normalize_unit(groups["unit"], units)
        kg = self.terminology.to_canonical("weight", value, unit) if unit else None
        pounds = parse_number(groups["pounds"]) if groups["pounds"] else None
        if match.groups.get("half"):   # "8 and a half stone": half a stone is 7 lb
            pounds = (pounds or 0) + 7
        if kg is not None and pounds is not None:   # "11st 4lb": the pounds after the stones
            kg += self.terminology.to_canonical("weight", pounds, "lb") or 0
        lowest, highest = analyte.attrs.get("plausible", [0, float("inf")])
        meta = {
            "value": value,
            "unit": groups["unit"],
            "value_normalized": None if kg is None else round(kg, 1),
            "unit_normalized": analyte.attrs.get("canonical_unit") if kg is not None else None,
            "implausible": kg is not None and not (lowest <= kg <= highest),
            "comparator": comparator,
        }
        return self._candidate(doc, match.start_char, match.end_char, "WEIGHT", "weight", meta)

    def _pregnancy(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        meta = {key: True for key in ("negated", "hypothetical", "historical") if match.row.get(key)}
        start, end = match.group_spans.get("mention") or (match.start_char, match.end_char)   # "2 [pregnancies]"
        return self._candidate(doc, start, end, "PREGNANCY", match.row["concept"], meta)

    def _condition(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        """A habit said with its negation or amount in the words (data/patterns/lifestyle.jsonl:
        "never smoked", "non-smoker", "no alcohol", "drinks a beer per day"), or an ambiguous
        abbreviation where its words say which it is (data/patterns/abbreviations.jsonl:
        "DVT/PE", "had a PE in 2019")."""
        if self.terminology.get(match.row["concept"]) is None:
            return []
        meta = {key: True for key in ("negated", "hypothetical", "historical") if match.row.get(key)}
        if match.groups.get("value"):
            # a disease status measured ("MRD 0.5%", data/patterns/disease_status.jsonl): its
            # number and unit kept with it (h146, round 31)
            value = parse_number(match.groups["value"])
            if value is not None:
                meta.update({"value": float(value), "value_normalized": float(value)})
                if match.row.get("unit_as"):
                    meta.update({"unit": str(match.row["unit_as"]), "unit_normalized": str(match.row["unit_as"])})
        spans = [match.group_spans[name] for name in ("mention", "mention2", "mention3", "mention4")
                 if match.group_spans.get(name)]
        start, end = spans[0] if spans else (match.start_char, match.end_char)
        return self._candidate(doc, start, end, match.label, match.row["concept"], meta)

    # a method of contraception said in everyday words (data/patterns/contraception.jsonl: "on
    # the pill", "the coil", "Depo injection"), or an organ said to be still there
    # (data/patterns/organs_kept.jsonl: "his spleen is still in": its removal, negated by the
    # row): read as the habits above, with the row's label
    _drug = _condition
    _procedure = _condition
    _biomarker = _condition     # "ER/PR negative": the ER of the pair (h96, round 21)

    def _location(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        place = match.groups.get("place") or ""
        words = place.split()
        start = match.group_spans["place"][0]
        if match.row.get("kind") in ("country", "asked_country"):
            found = self._country(doc, place, start)
            if not found and match.row.get("kind") == "country" and len(place.split()) > 1:
                return self._town_country(doc, place, start)    # "..., sao paulo brazil" (h200, round 41)
            return self._town_before(doc, match, found) or found
        if match.row.get("kind") in ("town", "asked_town"):
            return self._town(doc, place, start)
        if match.row.get("kind") == "town_country":
            return self._town_country(doc, place, start)
        if len(words) > 1 and words[0].lower() in self.place_articles and words[1][:1].isupper():
            start += place.index(words[1], len(words[0]))     # "the Netherlands", "the UK"
            words = words[1:]
        while words and words[-1].lower() in self.not_places:
            words.pop()
        if not words or words[0].lower() in self.not_places:
            return []
        end = start + len(" ".join(words))
        return self._candidate(doc, start, end, "LOCATION", doc_text(doc)[start:end], {})

    def _town_before(self, doc: Doc, match: PatternMatch, found: list[tuple[Candidate, Meta]]) -> list[tuple[Candidate, Meta]]:
        """A country read after a comma whose clause before it is a capitalised town alone
        ("Dublin, Ireland", "crohns since 2010. Dublin, Ireland"): the town and its country
        together, as the person wrote them (was: "Ireland" alone, the town lost; lead, round 43).
        Nothing when the words before are no town (``not_places``, ``not_towns``, a term)."""
        text = doc_text(doc)
        if len(found) != 1:
            return []
        country, meta = found[0]
        comma = re.search(r",[^\S\n]*$", text[:doc[country.start].idx])
        if comma is None or comma.start() < match.start_char:
            return []
        before = _TOWN_BEFORE.search(text, 0, comma.start())
        if before is None:
            return []
        town = before.group("town")
        words = [w.lower() for w in town.split()]
        if place_key(town) in countries() or place_key(town) in regions() or self._no_town(words):
            return []
        end = doc[country.end - 1].idx + len(doc[country.end - 1].text)
        return self._candidate(doc, before.start("town"), end, "LOCATION", f"{town}, {country.concept}", meta)

    def _no_town(self, words: list[str]) -> bool:
        """A word of ``not_places`` or ``not_towns``, or a one-word name of the terminology, among
        a town's words (small letters): no town (``_town``, ``_town_before``)."""
        return any(w in self.not_places or w in self.not_towns or w in self.term_words for w in words)

    def _town_after(self, doc: Doc, end: int) -> list[tuple[Candidate, Meta]]:
        """The town named after a comma behind its country, ending its clause ("im in canada,
        toronto", "in australia, perth."; h155, round 33): no word of ``not_places`` or
        ``not_towns``, no disease's or procedure's one-word name, no country."""
        match = _TOWN_AFTER.match(doc_text(doc), end)
        if match is None:
            return []
        return self._town(doc, match.group("town"), match.start("town"))

    def _town(self, doc: Doc, town: str, start: int) -> list[tuple[Candidate, Meta]]:
        """A town in any case where only a place can stand (after its country's comma, or
        after an age and sex: "67 f, in london", "29 m from dublin", "39 m, leeds"; h160,
        round 34): no word of ``not_places`` or ``not_towns``, no one-word name of the
        terminology (a disease, drug or test: "34 f, lupus", "52 m, mtx"); a country is read
        as one ("34 f, uk")."""
        words = [w.lower() for w in town.split()]
        if place_key(town) in countries() or place_key(town) in regions():
            return self._country(doc, town, start)
        if self._no_town(words):
            return []
        # a town written in small letters is named as a place is ("hangzhou": Hangzhou)
        name = town if any(c.isupper() for c in town) else " ".join(w[:1].upper() + w[1:] for w in town.split())
        return self._candidate(doc, start, start + len(town), "LOCATION", name, {})

    def _town_country(self, doc: Doc, place: str, start: int) -> list[tuple[Candidate, Meta]]:
        """Age, sex, place ("lupus 35 f uk.", "ssc 39 f shenyang", "21 m, manchester uk"; h200,
        round 41): one word is a town as ``_town`` reads one, or a country (a word of two
        letters only as a country: "35 f so" names no place); more words only as a town of one
        or two words then its country, each its own place ("manchester uk": Manchester and uk,
        as "im in canada, toronto" is read; a country said last: "..., sao paulo brazil")."""
        words = place.split()
        if len(words) == 1:
            if len(place) < 3 and place_key(place) not in countries():
                return []
            return self._town(doc, place, start)
        for size in (2, 1):         # "sao paulo brazil", "manchester uk", "austin united states"
            town_words, country_words = words[:-size], words[-size:]
            country = " ".join(country_words)
            if not 1 <= len(town_words) <= 2 or place_key(country) not in countries():
                continue
            town = " ".join(town_words)
            if place_key(town) in countries() or place_key(town) in regions() or self._no_town([w.lower() for w in town_words]):
                return []
            found = self._town(doc, town, start)
            if not found:
                return []
            # the town and its country, each its own place ("im in canada, toronto" likewise)
            at = start + place.rindex(country_words[0], len(town))
            return found + self._candidate(doc, at, at + len(country), "LOCATION", country, {})
        return []

    def _country(self, doc: Doc, place: str, start: int) -> list[tuple[Candidate, Meta]]:
        """The longest run of the place's first words that is a country of data/places.yaml
        ("the UK", "netherlands", "US, texas"), matched whole, without the article before it
        when the name is one without it; else no place."""
        known = {**countries(), **regions()}     # a part of the world too: "in europe" (h185, round 38)
        words = place.split()
        offsets = [0]
        if len(words) > 1 and words[0].lower() in self.place_articles:
            offsets.insert(0, place.index(words[1], len(words[0])))      # "the UK": "UK"
        for offset in offsets:
            rest = place[offset:]
            parts = rest.split()
            for size in range(min(len(parts), 4), 0, -1):
                end = 0
                for part in parts[:size]:
                    end = rest.index(part, end) + len(part)
                name = rest[:end].rstrip(",.;:!?()")
                key = place_key(name)
                if key in known and key not in self.not_places:
                    found = self._candidate(doc, start + offset, start + offset + len(name), "LOCATION", name, {})
                    return found + self._town_after(doc, start + offset + len(name))
        comma = place.find(",")
        if comma > 0 and place[:comma].strip() and not any(ch.isdigit() for ch in place[:comma]):
            # "we are in cork, ireland", "im in lyon, france": a town not known here, then its
            # country; the country is the place (a capitalised town is the other patterns')
            rest = place[comma + 1:]
            skipped = len(rest) - len(rest.lstrip())
            return self._country(doc, rest.lstrip(), start + comma + 1 + skipped)
        return []

    def _lab(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        """A lab said in everyday words whose unit names it ("protein about 3g a day",
        data/patterns/lay_labs.jsonl): its value read as if written with the unit it stands for."""
        value = parse_number(match.groups.get("value") or "")
        if value is None or not match.row.get("unit_as"):
            return []
        # a pair with no unit word of its own ("Hypertension (168/98 mmHg)") ends at its first
        # number, where the pair's second value is read (``value_pairs``; h171, round 36)
        start, end = match.group_spans["value"][0], match.group_spans["value"][1] if "unit" not in match.group_spans else match.group_spans["unit"][1]
        reading = Reading(start, end, float(value), unit=str(match.row["unit_as"]))
        span_start, span_end = match.group_spans.get("span", (match.start_char, match.end_char))
        return self._candidate(doc, span_start, span_end, "LAB", match.row["concept"], {"reading": reading})

    def _score(self, doc: Doc, match: PatternMatch) -> list[tuple[Candidate, Meta]]:
        if match.row.get("kind") == "functional":
            # how a person is on most days in everyday words: the score the words certainly
            # imply, a bound where they say no more ("still works full time": ECOG <= 1)
            value = float(match.row["value"])
            meta = {"value": value, "value_normalized": value, "comparator": match.row.get("comparator")}
            return self._candidate(doc, match.start_char, match.end_char, "SCORE", match.row["concept"], meta)
        if match.row.get("kind") != "bilag":
            return []
        # the first count's span starts at "BILAG"; the second is its own ("2 B")
        found = []
        whole_start = match.start_char
        for group, concept in (("a", "bilag_a"), ("b", "bilag_b"), ("b2", "bilag_b")):
            written = match.groups.get(group)
            if not written:
                continue
            value = parse_number(written)
            if value is None:
                value = self.number_words.get(written.lower())
            if value is None:
                continue
            start, end = match.group_spans[f"{group}span"]
            if not found:
                start = whole_start
            meta = {"value": float(value), "value_normalized": float(value)}
            found += self._candidate(doc, start, end, "SCORE", concept, meta)
        return found
