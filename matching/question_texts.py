"""The question texts of ``data/questions.yaml``, read once and validated: an unknown or
missing field fails naming the file and the field."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

QUESTIONS_FILE = DATA_DIR / "questions.yaml"
FORMS = ("yes_no", "number", "date", "choice")
DEFAULT_OPTIONS = {"yes_no": ["Yes", "No", "Not sure"], "date": ["Not sure"], "number": ["Not sure"], "choice": []}
# the same in Chinese (zh_options: shown on the buttons of a Chinese conversation; the
# English option, at the same place, is what an answer means)
DEFAULT_ZH_OPTIONS = {"yes_no": ["是", "否", "不确定"], "date": ["不确定"], "number": ["不确定"], "choice": []}

_TEXT_FIELDS = {"form", "patient", "clinician", "options", "values", "unit", "zh_patient", "zh_clinician", "zh_options",
                "known_patient", "known_clinician", "zh_known", "no_means"}
_REQUIRED = ("form", "patient", "clinician")
_ANSWER_SECTIONS = ("unsure", "current", "none", "no", "never", "not_had", "stopped", "yes", "yes_alone", "yes_alone_then", "approx", "hedges",
                    "topic_openers", "topic_treatment", "topic_condition", "topic_infection", "topic_test",
                    "reply_subjects", "any_of_them", "having_words")


@dataclass(frozen=True)
class QuestionTexts:
    kinds: dict[str, dict[str, Any]]
    concepts: dict[str, dict[str, Any]]
    answers: dict[str, tuple[str, ...]]

    def entry(self, kind: str, key: str) -> dict[str, Any]:
        """The kind's fields, overridden by the question key's own entry if any."""
        merged = dict(self.kinds[kind])
        merged.update(self.concepts.get(key, {}))
        merged.setdefault("options", DEFAULT_OPTIONS[merged["form"]])
        merged.setdefault("zh_options", DEFAULT_ZH_OPTIONS[merged["form"]])
        return merged


def _check_entry(raw: Any, where: str, required: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DataError(where, "must be a mapping")
    for field in raw:
        if field not in _TEXT_FIELDS:
            raise DataError(f"{where}.{field}", f"unknown field; allowed: {', '.join(sorted(_TEXT_FIELDS))}")
    for field in _REQUIRED if required else ():
        if field not in raw:
            raise DataError(f"{where}.{field}", "required")
    if "form" in raw and raw["form"] not in FORMS:
        raise DataError(f"{where}.form", f"must be one of {', '.join(FORMS)}")
    for field in ("patient", "clinician", "unit", "zh_patient", "zh_clinician"):
        if field in raw and (not isinstance(raw[field], str) or not raw[field].strip()):
            raise DataError(f"{where}.{field}", "must be non-empty text")
    for field in ("options", "zh_options"):
        if field in raw and not (isinstance(raw[field], list) and all(isinstance(o, str) for o in raw[field])):
            raise DataError(f"{where}.{field}", "must be a list of texts")
    if "zh_options" in raw and len(raw["zh_options"]) != len(raw.get("options", DEFAULT_OPTIONS.get(raw.get("form"), []))):
        raise DataError(f"{where}.zh_options", "must give one Chinese text for each option, in the same order")
    if "values" in raw:
        values = raw["values"]
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise DataError(f"{where}.values", "must map option texts to concept ids")
        unknown = set(values) - set(raw.get("options", []))
        if unknown:
            raise DataError(f"{where}.values", f"{sorted(unknown)[0]!r} is not one of the options")
    if "no_means" in raw and raw["no_means"] not in raw.get("values", {}):
        raise DataError(f"{where}.no_means", "must be an option of values (what a plain \"no\" chooses)")
    return dict(raw)


def read_question_texts(path: Path = QUESTIONS_FILE) -> QuestionTexts:
    doc = read_yaml(path)
    name = path.name
    if not isinstance(doc, dict):
        raise DataError(name, "must be a mapping with kinds, concepts and answers")
    extra = set(doc) - {"kinds", "concepts", "answers"}
    if extra:
        raise DataError(f"{name}.{sorted(extra)[0]}", "unknown section; allowed: kinds, concepts, answers")
    kinds = {str(k): _check_entry(v, f"{name}: kinds.{k}", True) for k, v in (doc.get("kinds") or {}).items()}
    concepts = {str(k): _check_entry(v, f"{name}: concepts.{k}", False) for k, v in (doc.get("concepts") or {}).items()}
    raw_answers = doc.get("answers") or {}
    if not isinstance(raw_answers, dict):
        raise DataError(f"{name}.answers", "must be a mapping of word lists")
    answers: dict[str, tuple[str, ...]] = {}
    for section in _ANSWER_SECTIONS:
        words = raw_answers.get(section)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise DataError(f"{name}: answers.{section}", "required: a non-empty list of phrases")
        # longest first, so "no idea" is tried before "no"
        answers[section] = tuple(sorted((w.lower() for w in words), key=len, reverse=True))
    extra = set(raw_answers) - set(_ANSWER_SECTIONS)
    if extra:
        raise DataError(f"{name}: answers.{sorted(extra)[0]}", f"unknown section; allowed: {', '.join(_ANSWER_SECTIONS)}")
    return QuestionTexts(kinds, concepts, answers)


@lru_cache(maxsize=1)
def load_question_texts() -> QuestionTexts:
    """The bundled question texts, read once per process."""
    return read_question_texts()
