"""The criteria parser's cue phrases (``data/nlp/criteria_cues.yaml``), validated and compiled.

``load_cues()`` reads the file once per process and returns ``Cues``: every section compiled
to case-insensitive whole-word regular expressions (``{n}`` and ``{unit}`` expanded), plus
the small maps (disease antibodies, graded scores, count scores) and the filler words. A bad
file raises ``DataError`` naming the file and the key. Number words come from
``data/nlp/extraction.yaml`` (``number_words``) through ``nlp.resources``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from core.durations import DAYS
from core.rules import TOXICITY_EXCEPTIONS
from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from nlp.regex_heads import _ASCII_TWINS, DIGIT as _DIGIT, fold_text, heads, needs_digit  # noqa: F401  (_ASCII_TWINS: the tests read it here)
from nlp.resources import vocabulary

CUES_FILE = DATA_DIR / "nlp" / "criteria_cues.yaml"

# sections holding a list of patterns
PATTERN_SECTIONS = (
    "qualifiers", "infection_active", "positive", "history", "current", "window", "half_lives",
    "duration", "count", "courses", "exception", "examples", "negation", "any_of", "all_of", "k_of_n",
    "pregnancy_planning", "antibody", "age", "ignore", "not_facts", "connectors_or", "connectors_and",
    "conditional", "permission", "note", "fragment", "age_not_patient", "other_person", "infection_kinds",
    "both_sexes", "women_only", "name_modifiers", "whichever", "therapy_heads", "obligation",
    "score_at_most", "score_at_least", "result_negative", "condition_heads",
    "infection_chronic", "infection_chronic_gap", "lactation_words", "connectors_with", "restates_exclusion",
    "excluded_statement", "setting", "allergy", "time_amount", "future", "condition_inside",
    "pregnancy_prevented", "pregnancy_test", "subgroup", "required_in_exclusion", "subgroup_threshold",
    "support_words", "support_allowed", "support_refused", "specimen",
    "conditional_threshold", "subgroup_who", "age_second", "cohort_label", "defined_as",
    "body_weight", "any_time", "prior_lines", "future_tail", "modal_value", "inability", "subgroup_allowed", "treatment_since", "preference",
    "marker_minus", "marker_pair", "relative_on_list", "suspected_alone", "population_item", "formula_bracket", "therapy_required", "own_lead", "purpose_bracket",
    "narrowing_status", "sex_thresholds", "measured_by", "measured_on", "systemic_route", "local_route",
    "episode_words", "episode_of_condition", "procedure_note", "formula_arithmetic", "agreement_lead", "one_test_two_forms",
    "allergy_form", "study_drug", "placebo_intervention", "intervention_filler", "stage_list", "stage_form",
    "toxicity_form", "toxicity_grade_at_least", "toxicity_grade_above", "line_definition", "lines_permitted",
    "window_anchor_other", "extent_list", "extent_form", "concurrent_use", "half_lives_if_known",
    "window_before_noun", "one_systemic_route", "window_bracket", "time_inside_route", "any_time_pair",
    "setting_lead", "setting_examples", "setting_form", "therapy_purpose",
    "status_before_lines", "status_before_disease", "status_relapsed", "status_refractory", "scale_pair_unknown",
    "score_in_the_past", "within_normal", "function_label", "gene_elision", "method_bracket", "cause_words",
    "result_negative_after", "pregnancy_during_study", "non_pregnant_lead",
    "marker_elision", "protein_change", "other_than_inclusion", "pregnancy_plan_time", "childbearing_if_lead",
    "same_measure_twice", "consent_day_cut", "list_exemption",
)
# the named groups the parser reads from every match of a section: a pattern without one
# would fail on each line it matches (and the line be left to the team), so the file fails
# at load instead
NAMED_GROUPS = {"time_amount": ("n", "unit"), "whichever": ("w",), "subgroup_who": ("who",), "defined_as": ("term", "definition"),
                "subgroup_threshold": ("op", "n", "cond"), "prior_lines": ("n",), "lines_permitted": ("n",),
                "subgroup_allowed": ("a", "thr", "cond", "thr2"), "marker_minus": ("m",),
                "marker_pair": ("a", "sa", "b", "sb"), "sex_thresholds": ("thr", "sex"),
                "allergy_form": ("no", "severe", "words"), "stage_list": ("list",), "stage_form": ("named",),
                "extent_list": ("list",), "extent_form": ("named",), "setting_form": ("no",),
                "toxicity_form": ("no",), "toxicity_grade_at_least": ("n",), "toxicity_grade_above": ("n",),
                "window_before_noun": ("n", "unit", "rest"), "function_label": ("label",), "gene_elision": ("g1", "join", "g2", "suffix"), "window_bracket": ("n", "unit"), "time_inside_route": ("route", "time"),
                "status_before_lines": ("words",), "status_before_disease": ("words",),
                "non_pregnant_lead": ("states", "rest"),
                "marker_elision": ("a", "join", "b", "state"), "protein_change": ("v",),
                "other_than_inclusion": ("indication",), "same_measure_twice": ("name",), "consent_day_cut": ("cut",)}
MAP_SECTIONS = ("disease_antibodies", "graded_by", "chronic_markers")
REVIEW_REASONS = ("consent", "investigator", "prognosis", "assay", "compliance", "clinical")
RESPONSES = ("failed", "intolerant")
NOTE_KEYS = (*REVIEW_REASONS, "other", "exemption", "unreadable")
_ALL_SECTIONS = {*PATTERN_SECTIONS, *MAP_SECTIONS, "spelled_units", "sign_words", "status_concepts", "review", "response", "time_units", "count_scores", "filler_words",
                 "review_notes", "sex", "subject_sex", "age_subject_words", "support_counts", "scaled_numbers", "lifelong_infections",
                 "local_form_drugs", "age_group_words",
                 "exception_qualifiers", "exception_limits", "toxicity_parts", "toxicity_exceptions", "extent_words"}
SEXES = ("female", "male")
_SIGNS = ("<", "<=", ">", ">=")
_OPTIONAL = {"list_exemption", "line_definition", "lines_permitted", "relative_on_list", "suspected_alone", "population_item", "formula_bracket", "therapy_required", "not_facts", "conditional", "permission", "note", "fragment", "age_not_patient", "other_person",
             "infection_kinds", "both_sexes", "women_only", "subject_sex", "age_subject_words", "name_modifiers", "whichever", "therapy_heads", "obligation",
             "score_at_most", "score_at_least", "result_negative", "condition_heads", "infection_chronic", "infection_chronic_gap", "chronic_markers", "lactation_words", "connectors_with", "restates_exclusion", "excluded_statement", "setting", "allergy", "time_amount", "future", "condition_inside",
             "pregnancy_prevented", "pregnancy_test", "subgroup", "required_in_exclusion", "subgroup_threshold",
             "support_words", "support_allowed", "support_refused", "support_counts", "lifelong_infections", "local_form_drugs", "age_group_words",
             "exception_qualifiers", "exception_limits", "specimen", "conditional_threshold",
             "subgroup_who", "age_second", "cohort_label", "defined_as", "body_weight", "any_time", "prior_lines",
             "spelled_units", "scaled_numbers", "sign_words", "status_concepts", "future_tail", "modal_value", "inability", "subgroup_allowed", "treatment_since", "preference",
             "marker_minus", "marker_pair", "own_lead", "purpose_bracket", "narrowing_status", "sex_thresholds", "measured_by", "measured_on",
             "systemic_route", "local_route", "episode_words", "episode_of_condition", "procedure_note", "formula_arithmetic", "agreement_lead",
             "one_test_two_forms", "allergy_form", "study_drug", "placebo_intervention", "intervention_filler",
             "stage_list", "stage_form", "toxicity_form", "toxicity_grade_at_least", "toxicity_grade_above",
             "toxicity_parts", "toxicity_exceptions", "window_anchor_other", "extent_list", "extent_form", "half_lives_if_known",
             "extent_words", "window_before_noun", "one_systemic_route", "window_bracket", "time_inside_route", "any_time_pair",
             "setting_lead", "setting_examples", "setting_form", "therapy_purpose",
             "status_before_lines", "status_before_disease", "status_relapsed", "status_refractory", "scale_pair_unknown",
             "score_in_the_past", "within_normal", "function_label", "gene_elision", "method_bracket", "cause_words",
             "result_negative_after", "pregnancy_during_study", "non_pregnant_lead", "other_than_inclusion",
             "pregnancy_plan_time", "childbearing_if_lead"}


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns by section, with the maps the parser needs."""

    patterns: dict[str, tuple[re.Pattern, ...]]
    review: tuple[tuple[str, tuple[re.Pattern, ...]], ...]   # (reason, patterns), first wins
    response: dict[str, tuple[re.Pattern, ...]]
    unit_days: tuple[tuple[re.Pattern, float], ...]
    numbers: dict[str, float]
    disease_antibodies: dict[str, str]
    graded_by: dict[str, str]
    count_scores: frozenset[str]
    filler_words: frozenset[str]
    review_notes: dict[str, str]
    sex: dict[str, tuple[re.Pattern, ...]]
    subject_sex: dict[str, tuple[re.Pattern, ...]] = None      # words naming the patient's sex
    age_subject_words: frozenset[str] = frozenset()            # words that may stand before an age limit
    chronic_markers: dict[str, str] = None                     # infection -> the test a chronic one is read as
    support_counts: frozenset[str] = frozenset()               # analytes a transfusion or growth factor raises
    lifelong_infections: frozenset[str] = frozenset()          # "infection with HIV" is HIV positive
    local_form_drugs: frozenset[str] = frozenset()             # drugs also given locally, no route concepts (round 39)
    age_group_words: frozenset[str] = frozenset()              # "adolescents", "youth": said by an age limit beside them
    exception_qualifiers: frozenset[str] = frozenset()         # "adequately treated" before an excepted kind
    exception_limits: frozenset[str] = frozenset()             # "Stage I" before an excepted kind
    spelled_units: tuple[tuple[re.Pattern, str], ...] = ()      # "milligrams per deciliter" -> "mg/dL"
    scaled_numbers: tuple[tuple[re.Pattern, float], ...] = ()   # "1.5 lakh" -> 150000
    sign_words: dict[str, str] = None                            # "a minimum of" -> ">=" (beside extraction's)
    status_concepts: dict[str, dict[str, str]] = None            # brain_metastases -> {"untreated": ...}
    toxicity_exceptions: dict[str, tuple[str, ...]] = None       # alopecia -> ("alopecia", "hair loss")
    extent_words: dict[str, tuple[str, ...]] = None              # unresectable_disease -> ("unresectable", "inoperable")

    def sex_only(self, text: str) -> str | None:
        """'female' / 'male' when the whole line only names the sex it admits."""
        stripped = text.strip()
        for sex, patterns in self.sex.items():
            if any(p.fullmatch(stripped) for p in patterns):
                return sex
        return None

    def sex_of(self, word: str) -> str | None:
        """'female' / 'male' for a word naming the sex ("women", "males"), else None."""
        for sex, patterns in (self.subject_sex or {}).items():
            if any(p.fullmatch(word.strip()) for p in patterns):
                return sex
        return None

    def finditer(self, section: str, text: str) -> Iterator[re.Match]:
        folded = fold(text)
        digits = None
        for pattern, needed, digit in _with_heads(self, section):
            if needed and not any(map(folded.__contains__, needed)):
                continue   # none of the letters each match contains is in the text
            if digit:
                if digits is None:
                    digits = _DIGIT.search(text) is not None
                if not digits:
                    continue    # each match holds a digit; the text none
            yield from pattern.finditer(text)

    def search(self, section: str, text: str) -> bool:
        always, gated, needed = _combined(self, section)
        if always is not None and always.search(text) is not None:
            return True         # a pattern with no certain letters matched
        if gated is None:
            return any(p.search(text) for p in self.patterns.get(section, ()))
        if needed is not None:
            folded = fold(text)
            if not any(map(folded.__contains__, needed)):
                return False    # no other pattern of the section can match
            # only the patterns whose own letters are in the text, each alone: a section's
            # common letters ("for", "not") open its whole alternation on most texts, while
            # one or two of its patterns can match there (the same answer; round 27, h129)
            for pattern, letters, _digit in _with_heads(self, section):
                if letters and any(map(folded.__contains__, letters)) and pattern.search(text) is not None:
                    return True
            return False
        return gated.search(text) is not None

    def number(self, written: str) -> float | None:
        """'5' -> 5.0, 'five' -> 5.0; None when not a number."""
        written = written.strip().lower()
        if written in self.numbers:
            return self.numbers[written]
        try:
            return float(written)
        except ValueError:
            return None

    def days(self, unit: str) -> float | None:
        """Days in one of ``unit`` ('weeks' -> 7)."""
        for pattern, days in self.unit_days:
            if pattern.fullmatch(unit.strip()):
                return days
        return None


def fold(text: str) -> str:
    """``text`` case-folded for the head pre-check (``heads``; ``nlp.regex_heads.fold_text``).
    The last text's fold is kept: the parser asks about one criterion's text ~20 times."""
    last = _LAST_FOLD[0]
    if last[0] == text:
        return last[1]
    folded = fold_text(text)
    _LAST_FOLD[0] = (text, folded)
    return folded


_LAST_FOLD: list[tuple[str, str]] = [("", "")]     # (text, its fold)


_WITH_HEADS: dict[tuple[int, str], tuple[Cues, tuple]] = {}


def _with_heads(cues: Cues, section: str) -> tuple[tuple[re.Pattern, tuple[str, ...], bool], ...]:
    key = (id(cues), section)
    known = _WITH_HEADS.get(key)
    if known is not None and known[0] is cues:
        return known[1]
    table = tuple((p, heads(p), needs_digit(p)) for p in cues.patterns.get(section, ()))
    _WITH_HEADS[key] = (cues, table)
    return table


_COMBINED: dict[tuple[int, str], tuple[Cues, tuple[re.Pattern | None, re.Pattern | None, tuple[str, ...] | None]]] = {}
_GROUP_NAME = re.compile(r"\(\?P<\w+>")


def _combined(cues: Cues, section: str) -> tuple[re.Pattern | None, re.Pattern | None, tuple[str, ...] | None]:
    """A section's patterns as two alternations, built once: (``always``: those with no
    letters certain to be in a match, run on every text; ``gated``: the others, run only
    when the text holds one of ``needed``, the letters one of which any of their matches
    contains). Either None when it has no pattern; ``gated`` None (and ``needed`` None)
    when the patterns do not combine (different flags): then each is run in turn. One
    alternation matches where one of its patterns does, so ``search`` answers the same."""
    key = (id(cues), section)
    known = _COMBINED.get(key)
    if known is not None and known[0] is cues:
        return known[1]
    patterns = cues.patterns.get(section, ())
    parts: tuple = (None, None, None)
    if patterns and all(p.flags == patterns[0].flags for p in patterns):
        try:
            always = _alternation([p for p in patterns if not heads(p)])
            gated = _alternation([p for p in patterns if heads(p)])
            needed = tuple(sorted({h for p in patterns for h in heads(p)}))
            parts = (always, gated, needed) if gated is not None else (always, _NEVER, None)
        except re.error:
            parts = (None, None, None)
    _COMBINED[key] = (cues, parts)
    return parts


_NEVER = re.compile(r"(?!)")      # matches nothing: a section whose every pattern is in ``always``


def _alternation(patterns: list[re.Pattern]) -> re.Pattern | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{_GROUP_NAME.sub('(?:', p.pattern)})" for p in patterns), patterns[0].flags)


def _fail(key: str, message: str) -> None:
    raise DataError(f"{CUES_FILE.name}: {key}", message)


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(key, "must be a list of non-empty strings")
    return value


def _compile(entry: str, key: str, placeholders: dict[str, str]) -> re.Pattern:
    body = entry.replace(" ?", r"[\s-]*").replace(" ", r"[\s-]+")
    for name, regex in placeholders.items():
        body = body.replace("{" + name + "}", regex)
    try:
        # grouped: an entry's own alternatives ("dose|dosage") all keep the word boundaries
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    except re.error as exc:
        _fail(key, f"{entry!r} is not a valid regular expression ({exc})")
    raise AssertionError("unreachable")


def read_cues(path: Path = CUES_FILE) -> Cues:
    """Read and validate a cue file (the bundled one by default)."""
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        _fail("", "must be a mapping of sections")
    unknown = set(doc) - _ALL_SECTIONS
    if unknown:
        _fail(sorted(unknown)[0], f"unknown section; known: {', '.join(sorted(_ALL_SECTIONS))}")
    missing = _ALL_SECTIONS - _OPTIONAL - set(doc)
    if missing:
        _fail(sorted(missing)[0], "required section is missing")

    numbers = {str(k).lower(): float(v) for k, v in vocabulary()["number_words"].items() if isinstance(v, (int, float))}
    units = doc["time_units"]
    if not isinstance(units, dict) or not units:
        _fail("time_units", "must map unit names to {words}")
    unit_days = []
    unit_words: list[str] = []
    for name, spec in units.items():
        if name not in DAYS or not isinstance(spec, dict) or set(spec) != {"words"}:
            _fail(f"time_units.{name}", f"must be one of {', '.join(DAYS)}: {{words: [patterns]}}")
        words = _strings(spec["words"], f"time_units.{name}.words")
        unit_words.extend(words)
        unit_days.append((re.compile("|".join(f"(?:{w})" for w in words), re.IGNORECASE), DAYS[name]))
    number_words = "|".join(sorted((re.escape(w) for w in numbers), key=len, reverse=True))
    placeholders = {
        "n": rf"(?:\d+(?:\.\d+)?|{number_words})",
        "unit": "(?:" + "|".join(sorted(unit_words, key=len, reverse=True)) + ")",
    }

    # (round 24) the parts the toxicity forms share: placeholders, spelled as patterns are
    parts = doc.get("toxicity_parts", {})
    if not isinstance(parts, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in parts.items()):
        _fail("toxicity_parts", "must map a placeholder name to a pattern")
    placeholders.update({name: "(?:" + value.replace(" ?", r"[\s-]*").replace(" ", r"[\s-]+") + ")"
                         for name, value in parts.items()})
    exceptions = doc.get("toxicity_exceptions", {})
    if not isinstance(exceptions, dict) or set(exceptions) - set(TOXICITY_EXCEPTIONS) or not all(
            isinstance(v, list) and all(isinstance(w, str) and w.strip() for w in v) for v in exceptions.values()):
        _fail("toxicity_exceptions", f"must map kinds ({', '.join(TOXICITY_EXCEPTIONS)}) to the words that name them")
    # (round 28) the words of an extent list and the status each names (parser.extent_rule)
    extent_words = doc.get("extent_words", {})
    if not isinstance(extent_words, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(w, str) and w.strip() for w in v)
            for k, v in extent_words.items()):
        _fail("extent_words", "must map status concept ids to the words that name them")

    patterns = {}
    for section in PATTERN_SECTIONS:
        if section not in doc:
            patterns[section] = ()
            continue
        entries = _strings(doc[section], section)
        patterns[section] = tuple(_compile(e, f"{section}[{i}]", placeholders) for i, e in enumerate(entries))
        for i, pattern in enumerate(patterns[section]):
            lacking = [g for g in NAMED_GROUPS.get(section, ()) if g not in pattern.groupindex]
            if lacking:
                _fail(f"{section}[{i}]", f"needs the named group(s) {', '.join(f'(?P<{g}>...)' for g in lacking)}")

    review = doc["review"]
    if not isinstance(review, dict) or set(review) - set(REVIEW_REASONS):
        _fail("review", f"must map reasons ({', '.join(REVIEW_REASONS)}) to patterns")
    compiled_review = tuple(
        (reason, tuple(_compile(e, f"review.{reason}[{i}]", placeholders) for i, e in enumerate(_strings(review[reason], f"review.{reason}"))))
        for reason in REVIEW_REASONS if reason in review
    )
    response = doc["response"]
    if not isinstance(response, dict) or set(response) != set(RESPONSES):
        _fail("response", f"must have exactly {', '.join(RESPONSES)}")
    compiled_response = {
        name: tuple(_compile(e, f"response.{name}[{i}]", placeholders) for i, e in enumerate(_strings(response[name], f"response.{name}")))
        for name in RESPONSES
    }
    maps = {}
    for section in MAP_SECTIONS:
        value = doc.get(section, {})
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            _fail(section, "must map concept ids to concept ids")
        maps[section] = dict(value)
    sex = doc["sex"]
    if not isinstance(sex, dict) or set(sex) != set(SEXES):
        _fail("sex", f"must have exactly {', '.join(SEXES)}")
    compiled_sex = {name: tuple(_compile(e, f"sex.{name}[{i}]", placeholders) for i, e in enumerate(_strings(sex[name], f"sex.{name}")))
                    for name in SEXES}
    subject_sex = doc.get("subject_sex", {})
    if not isinstance(subject_sex, dict) or set(subject_sex) - set(SEXES):
        _fail("subject_sex", f"must map {', '.join(SEXES)} to patterns")
    compiled_subject_sex = {name: tuple(_compile(e, f"subject_sex.{name}[{i}]", placeholders)
                                        for i, e in enumerate(_strings(subject_sex[name], f"subject_sex.{name}")))
                            for name in subject_sex}
    age_subject_words = frozenset(w.lower() for w in _strings(doc.get("age_subject_words", ["patients"]), "age_subject_words"))
    spelled = doc.get("spelled_units", {})
    if not isinstance(spelled, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                for k, v in spelled.items()):
        _fail("spelled_units", "must map patterns to the unit as abbreviated")
    # a unit may follow its number with no space ("Hb < 8gm/dl"): a digit may stand before it
    spelled_units = tuple((re.compile(_compile(k, f"spelled_units[{k!r}]", placeholders).pattern.replace(r"(?<!\w)", r"(?<![^\W\d])", 1),
                                      re.IGNORECASE), v) for k, v in spelled.items())
    scaled = doc.get("scaled_numbers", {})
    if not isinstance(scaled, dict) or not all(isinstance(k, str) and isinstance(v, (int, float)) and v > 0
                                               for k, v in scaled.items()):
        _fail("scaled_numbers", "must map number words to the factor they multiply by")
    scaled_numbers = tuple((re.compile(rf"(?<![\w.,])(\d+(?:\.\d+)?)\s*(?:{k})(?!\w)", re.IGNORECASE), float(v))
                           for k, v in scaled.items())
    signs = doc.get("sign_words", {})
    if not isinstance(signs, dict) or not all(isinstance(k, str) and v in _SIGNS for k, v in signs.items()):
        _fail("sign_words", f"must map words to one of {', '.join(_SIGNS)}")
    statuses = doc.get("status_concepts", {})
    if not isinstance(statuses, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) and all(isinstance(w, str) and isinstance(c, str) for w, c in v.items())
            for k, v in statuses.items()):
        _fail("status_concepts", "must map a concept id to {status word: concept id}")
    notes = doc["review_notes"]
    if not isinstance(notes, dict) or set(notes) != set(NOTE_KEYS) or not all(isinstance(v, str) and v for v in notes.values()):
        _fail("review_notes", f"must give a note for each of {', '.join(NOTE_KEYS)}")
    return Cues(
        patterns=patterns,
        review=compiled_review,
        response=compiled_response,
        unit_days=tuple(unit_days),
        numbers=numbers,
        disease_antibodies=maps["disease_antibodies"],
        graded_by=maps["graded_by"],
        count_scores=frozenset(_strings(doc["count_scores"], "count_scores")),
        filler_words=frozenset(w.lower() for w in _strings(doc["filler_words"], "filler_words")),
        review_notes=dict(notes),
        sex=compiled_sex,
        subject_sex=compiled_subject_sex,
        age_subject_words=age_subject_words,
        chronic_markers=maps["chronic_markers"],
        support_counts=frozenset(_strings(doc.get("support_counts", []), "support_counts")),
        lifelong_infections=frozenset(_strings(doc.get("lifelong_infections", []), "lifelong_infections")),
        local_form_drugs=frozenset(_strings(doc.get("local_form_drugs", []), "local_form_drugs")),
        age_group_words=frozenset(w.lower() for w in _strings(doc.get("age_group_words", []), "age_group_words")),
        exception_qualifiers=frozenset(w.lower() for w in _strings(doc.get("exception_qualifiers", []),
                                                                   "exception_qualifiers")),
        exception_limits=frozenset(w.lower() for w in _strings(doc.get("exception_limits", []), "exception_limits")),
        spelled_units=spelled_units,
        scaled_numbers=scaled_numbers,
        sign_words={" ".join(k.lower().split()): v for k, v in signs.items()},
        status_concepts={k: {" ".join(w.lower().split()): c for w, c in v.items()} for k, v in statuses.items()},
        toxicity_exceptions={k: tuple(" ".join(w.lower().split()) for w in v) for k, v in exceptions.items()},
        extent_words={k: tuple(" ".join(w.lower().split()) for w in v) for k, v in extent_words.items()},
    )


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The bundled cues, read once per process."""
    return read_cues()
