"""The one loader for the extraction pipeline's data files, each validated on load.

* ``data/nlp/units.yaml``: unit spellings -> unit keys (``unit_aliases``)
* ``data/nlp/extraction.yaml``: cue words and small vocabularies (``vocabulary``)
* ``data/nlp/zh.yaml``: the Chinese extractor's cue words (``chinese_vocabulary``)
* ``data/patterns/*.jsonl``: regular-expression patterns, one JSON object a line
  (``patterns``)
* ``data/context_rules.json``: medspaCy ConText rules (``context_rules``)

A bad file raises ``DataError`` naming the file, the line or rule, and the field. Nothing
is read at import time; each file is read once per process.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError, check_fields
from data.files import DATA_DIR, read_yaml

NLP_DIR = DATA_DIR / "nlp"
PATTERNS_DIR = DATA_DIR / "patterns"
CONTEXT_RULES = DATA_DIR / "context_rules.json"
OTHER_DRUGS = NLP_DIR / "other_drugs.yaml"

_PATTERN_KEYS = {"id", "label", "regex", "concept", "flags", "note", "kind", "requires", "negated", "hypothetical", "historical",
                 "value", "comparator", "unit_as"}
_PATTERN_REQUIRED = {"id", "label", "regex"}
_PATTERN_FLAGS = {"IGNORECASE": re.IGNORECASE}

_RULE_KEYS = {
    "literal", "category", "direction", "pattern", "allowed_types", "excluded_types",
    "max_scope", "max_targets", "terminated_by", "metadata", "note",
}
_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}


@lru_cache(maxsize=1)
def other_drug_names() -> frozenset[str]:
    """Real drug names trialbot does not carry that typo recovery would read as another
    drug or term ("valaciclovir" as valganciclovir; data/nlp/other_drugs.yaml, built by
    scripts/build_other_drugs.py): never recovered. Empty when the file is absent."""
    if not OTHER_DRUGS.exists():
        return frozenset()
    doc = read_yaml(OTHER_DRUGS)
    names = doc.get("names") if isinstance(doc, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise DataError(OTHER_DRUGS.name, "must hold 'names': a list of drug names")
    return frozenset(n.lower() for n in names)


@lru_cache(maxsize=1)
def _units_file() -> tuple[Path, dict]:
    """data/nlp/units.yaml, read and checked once for ``unit_aliases`` and ``unit_systems``."""
    path = NLP_DIR / "units.yaml"
    doc = read_yaml(path)
    if not isinstance(doc, dict) or set(doc) - {"exact", "aliases", "systems", "no_system_witness"}:
        raise DataError(path.name, "holds 'exact', 'aliases', 'systems' and 'no_system_witness' only")
    return path, doc


@lru_cache(maxsize=1)
def unit_aliases() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(exact, aliases): case-sensitive and lower-cased unit spellings -> unit keys."""
    path, doc = _units_file()
    result = []
    for section in ("exact", "aliases"):
        table = doc.get(section) or {}
        if not isinstance(table, dict):
            raise DataError(f"{path.name}.{section}", "must be a mapping")
        clean: dict[str, tuple[str, ...]] = {}
        for key, value in table.items():
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                raise DataError(f"{path.name}.{section}.{key}", "must be a non-empty list of unit keys")
            clean[str(key) if section == "exact" else str(key).lower()] = tuple(value)
        result.append(clean)
    return result[0], result[1]


@lru_cache(maxsize=1)
def no_system_witnesses() -> frozenset[str]:
    """Analytes whose unit tells nothing of a text's unit system (``no_system_witness`` of
    data/nlp/units.yaml: haemoglobin in g/dL beside creatinine in µmol/L)."""
    path, doc = _units_file()
    words = doc.get("no_system_witness") or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise DataError(f"{path.name}.no_system_witness", "must be a list of analyte ids")
    return frozenset(words)


@lru_cache(maxsize=1)
def unit_systems() -> dict[str, str]:
    """Unit key -> the system of units it belongs to (``systems`` of data/nlp/units.yaml)."""
    path, doc = _units_file()
    table = doc.get("systems") or {}
    if not isinstance(table, dict):
        raise DataError(f"{path.name}.systems", "must be a mapping of system -> unit keys")
    result: dict[str, str] = {}
    for system, keys in table.items():
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise DataError(f"{path.name}.systems.{system}", "must be a list of unit keys")
        for key in keys:
            if key in result:
                raise DataError(f"{path.name}.systems.{system}", f"{key!r} is also in {result[key]!r}")
            result[key] = str(system)
    return result


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The cue words of ``data/nlp/extraction.yaml`` (sections documented in the file)."""
    path = NLP_DIR / "extraction.yaml"
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path.name, "must be a mapping of sections")
    return doc


# data/nlp/zh.yaml: section -> shape ("words": a list of words; "cues": before/after lists;
# "groups": name -> list of words; "map": word -> value; "positive": a number above 0;
# "typos": min_length and never)
_ZH_SECTIONS = {
    "characters_per_word": "positive", "clause_ends": "words", "sentence_ends": "words", "question_ends": "words", "requirement_words": "words",
    "bare_denials": "words", "asked_field_ends": "words",
    "terminators": "words", "negation": "cues", "uncertain": "cues", "hypothetical": "cues", "historical": "cues", "treatment_over": "cues", "pseudo": "regexes",
    "family": "words", "therapy_status": "groups", "results": "groups", "relations": "groups",
    "possessives": "words", "about_phrases": "words", "self_statements": "regexes", "relative_writer_words": "words", "first_person": "words",
    "writer_words": "words", "patient_words": "words", "sex": "groups", "pregnancy": "groups",
    "age_units": "map", "age_before": "words", "weight_words": "words", "weight_units": "map", "places": "words",
    "value_fillers": "words", "comparators": "map", "unit_words": "map", "time_units": "map",
    "number_words": "map", "relative_years": "map", "relative_times": "map", "typos": "typos",
}


def _zh_words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
        raise DataError(where, "must be a non-empty list of words")
    return value


@lru_cache(maxsize=1)
def chinese_vocabulary() -> dict[str, Any]:
    """The Chinese cue words of ``data/nlp/zh.yaml`` (sections documented in the file),
    validated: every section present, of its shape, and nothing else."""
    path = NLP_DIR / "zh.yaml"
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path.name, "must be a mapping of sections")
    check_fields(doc, _ZH_SECTIONS, path.name, _ZH_SECTIONS)
    for section, shape in _ZH_SECTIONS.items():
        where, value = f"{path.name}.{section}", doc[section]
        if shape == "positive":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise DataError(where, "must be a number above 0")
        elif shape in ("words", "regexes"):
            words = _zh_words(value, where)
            for i, word in enumerate(words if shape == "regexes" else ()):
                try:
                    re.compile(word)
                except re.error as exc:
                    raise DataError(f"{where}[{i}]", f"not a valid regular expression ({exc})") from None
        elif shape == "cues":
            if not isinstance(value, dict) or set(value) - {"before", "after"} or not value:
                raise DataError(where, "holds 'before' and/or 'after' lists only")
            for side, words in value.items():
                _zh_words(words, f"{where}.{side}")
        elif shape == "groups":
            if not isinstance(value, dict) or not value:
                raise DataError(where, "must map names to lists of words")
            for name, words in value.items():
                _zh_words(words, f"{where}.{name}")
        elif shape == "typos":
            if not isinstance(value, dict) or set(value) != {"min_length", "never"}:
                raise DataError(where, "holds min_length and never")
            if not isinstance(value["min_length"], int) or value["min_length"] < 3:
                raise DataError(f"{where}.min_length", "must be a whole number of at least 3")
            _zh_words(value["never"], f"{where}.never")
        elif shape == "map":
            if not isinstance(value, dict) or not value or not all(isinstance(k, str) and k for k in value):
                raise DataError(where, "must map words to values")
    return doc


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Parse a JSON-lines file; blank lines and lines starting with '//' are skipped."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path.name, f"cannot be read ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path.name}:{number}", f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{path.name}:{number}", "each line must be a JSON object")
        row["_where"] = f"{path.name}:{number}"
        rows.append(row)
    return rows


@lru_cache(maxsize=None)
def regex_section(shape, key: str):
    """A section of data/nlp/extraction.yaml made of regular expressions, as the dataclass
    ``shape`` whose fields name them: a text is one pattern, a list a tuple of them
    (case-insensitive); a missing or bad entry fails naming the section."""
    raw = vocabulary().get(key)
    where = f"extraction.yaml: {key}"
    if not isinstance(raw, dict):
        raise DataError(where, "must be a mapping (" + ", ".join(shape.__dataclass_fields__) + ")")
    try:
        return shape(**{name: tuple(re.compile(v, re.IGNORECASE) for v in raw[name]) if isinstance(raw[name], list)
                        else re.compile(raw[name], re.IGNORECASE) for name in shape.__dataclass_fields__})
    except (KeyError, TypeError, re.error) as error:
        raise DataError(where, f"bad or missing entry: {error}") from error


def vocabulary_words(key: str) -> frozenset[str]:
    """A list of data/nlp/extraction.yaml (``key``) as a set of lower-case words, read once
    per loaded vocabulary (the components ask for their lists once per text: 44,000 sets
    built for the 241 registry records, 4 % of their reading, before h123, round 26)."""
    words = vocabulary()
    known = _VOCABULARY_WORDS.get(key)
    if known is not None and known[0] is words:
        return known[1]
    found = frozenset(str(w).lower() for w in words.get(key) or ())
    _VOCABULARY_WORDS[key] = (words, found)
    return found


# key -> (the vocabulary the set was read from, the set): a reloaded vocabulary is read again
_VOCABULARY_WORDS: dict[str, tuple[dict, frozenset[str]]] = {}


def alternation(words) -> str:
    """Phrases of a data file as one regex alternation, longest first, a space matching any
    run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_SLOT = re.compile(r"<<(\w+)>>")


def _fill_slots(regex: str) -> str:
    """A pattern's ``<<name>>`` slots filled with the words of extraction.yaml's section
    ``name`` as one alternation: the vocabulary people use in many patterns ("for like 6 yrs",
    "since roughly 2019") is kept in one list, not copied into each regular expression."""
    if "<<" not in regex:
        return regex
    words = vocabulary()

    def fill(match: re.Match) -> str:
        section = words.get(match.group(1))
        if not isinstance(section, list) or not section:
            raise DataError("patterns", f"slot <<{match.group(1)}>> names no word list of extraction.yaml")
        return f"(?:{alternation(section)})"

    return _SLOT.sub(fill, regex)


@lru_cache(maxsize=None)
def patterns(name: str) -> tuple[dict[str, Any], ...]:
    """The regex patterns of ``data/patterns/<name>.jsonl``, each with a compiled ``re``."""
    path = PATTERNS_DIR / f"{name}.jsonl"
    result = []
    for row in read_jsonl(path):
        where = row.pop("_where")
        check_fields(row, _PATTERN_KEYS, where, _PATTERN_REQUIRED)
        flags = 0
        for flag in row.get("flags", []):
            if flag not in _PATTERN_FLAGS:
                raise DataError(f"{where}.flags", f"unknown flag {flag!r}; allowed: {', '.join(_PATTERN_FLAGS)}")
            flags |= _PATTERN_FLAGS[flag]
        try:
            row["re"] = re.compile(_fill_slots(row["regex"]), flags)
        except re.error as exc:
            raise DataError(f"{where}.regex", f"not a valid regular expression ({exc})") from None
        requires = row.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) and r for r in requires):
            raise DataError(f"{where}.requires", "must be a list of non-empty strings")
        row["where"] = where
        result.append(row)
    return tuple(result)


@lru_cache(maxsize=1)
def context_rules() -> tuple[dict[str, Any], ...]:
    """The ConText rules of ``data/context_rules.json``, validated (unknown keys rejected)."""
    path = CONTEXT_RULES
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path.name}:{exc.lineno}", f"not valid JSON ({exc.msg})") from None
    except OSError as exc:
        raise DataError(path.name, f"cannot be read ({exc})") from None
    rules = doc.get("context_rules") if isinstance(doc, dict) else None
    if not isinstance(rules, list):
        raise DataError(f"{path.name}.context_rules", "must be a list of rules")
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        where = f"{path.name}: context_rules[{i}]"
        if not isinstance(rule, dict):
            raise DataError(where, "each rule must be an object")
        check_fields(rule, _RULE_KEYS, where)
        for key in ("literal", "category", "direction"):
            if not isinstance(rule.get(key), str) or not rule[key]:
                raise DataError(f"{where}.{key}", "required: non-empty text")
        if rule["direction"] not in _DIRECTIONS:
            raise DataError(f"{where}.direction", f"must be one of {', '.join(sorted(_DIRECTIONS))}")
        pattern = rule.get("pattern")
        if pattern is not None and not isinstance(pattern, list):
            raise DataError(f"{where}.pattern", "must be a list of spaCy token patterns or null")
        for key in ("allowed_types", "excluded_types", "terminated_by"):
            value = rule.get(key)
            if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise DataError(f"{where}.{key}", "must be a list of labels")
        if rule.get("metadata") is not None and not isinstance(rule["metadata"], dict):
            raise DataError(f"{where}.metadata", "must be an object")
        for key in ("max_scope", "max_targets"):
            value = rule.get(key)
            if value is not None and not (isinstance(value, int) and value > 0):
                raise DataError(f"{where}.{key}", "must be a positive integer")
        # two rules matching the same words: ConText keeps one match per span, so one of
        # them would be silently unused ("screening for" as both possible and hypothetical)
        key = json.dumps(pattern, sort_keys=True) if pattern else " ".join(rule["literal"].lower().split())
        if key in seen:
            raise DataError(where, f"matches the same words as context_rules[{seen[key]}] ({rule['literal']!r}): "
                                   "merge them (metadata category_for gives a category per label)")
        seen[key] = i
    return tuple(_apostrophe_free(_backward_terminated(rules, doc.get("backward_terminated_by"), path.name)))


def _nt_words(words: list) -> list:
    return [*words, "nt"] if "n't" in words and "nt" not in words else words


def _apostrophe_free(rules: list[dict]) -> list[dict]:
    """Each rule also for "n't" typed without its apostrophe, as the tokenizer splits it
    ("doesnt" is "does" "nt"): a pattern token allowing "n't" allows "nt", and a literal
    with "n't" and no twin without it gets one ("it doesnt help", "didnt go into remission")."""
    literals = {rule["literal"].lower() for rule in rules}
    result = []
    for rule in rules:
        pattern = rule.get("pattern")
        if isinstance(pattern, list) and any("n't" in str(token) for token in pattern):
            mended = []
            for token in pattern:
                lower = token.get("LOWER") if isinstance(token, dict) else None
                if isinstance(lower, dict) and isinstance(lower.get("IN"), list):
                    token = {**token, "LOWER": {**lower, "IN": _nt_words(lower["IN"])}}
                elif lower == "n't":
                    token = {**token, "LOWER": {"IN": ["n't", "nt"]}}
                mended.append(token)
            rule = {**rule, "pattern": mended}
        result.append(rule)
        twin = rule["literal"].replace("n't", "nt")
        if not pattern and twin != rule["literal"] and twin.lower() not in literals and rule["literal"] != "n't":
            result.append({**rule, "literal": twin})
            literals.add(twin.lower())
    return result


def _backward_terminated(rules: list[dict], extra: Any, name: str) -> list[dict]:
    """The file's ``backward_terminated_by`` (category -> categories) added to the
    ``terminated_by`` of every BACKWARD rule of that category: a kind of cue that never
    reaches back across some boundary (a hedge or a plan said after ", they mentioned ...")
    is declared once, not on each of its rules."""
    if extra is None:
        return rules
    if not isinstance(extra, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) and c for c in v) for v in extra.values()):
        raise DataError(f"{name}.backward_terminated_by", "must map a category to a list of categories")
    result = []
    for rule in rules:
        more = extra.get(rule["category"]) if rule["direction"] == "BACKWARD" else None
        if more:
            rule = {**rule, "terminated_by": list(dict.fromkeys([*(rule.get("terminated_by") or []), *more]))}
        result.append(rule)
    return result
