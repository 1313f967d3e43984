"""matching's questions in Chinese (data/questions.yaml zh_patient / zh_clinician /
zh_options): every wording has its Chinese form with the same placeholders, concepts are
named by their Chinese names, and a trial's own English wording is never replaced by a
general Chinese one."""
from __future__ import annotations

import string

import pytest

from data.errors import DataError
from data.terminology import load_terminology
from matching.question_texts import read_question_texts
from matching.questions import build_question


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_question_wording_has_a_chinese_form_with_the_same_placeholders():
    texts = read_question_texts()
    for section in ("kinds", "concepts"):
        for key, entry in getattr(texts, section).items():
            for role in ("patient", "clinician"):
                if role in entry:
                    assert f"zh_{role}" in entry, f"{section}.{key}.zh_{role}"
                    assert placeholders(entry[f"zh_{role}"]) == placeholders(entry[role]), f"{section}.{key}.zh_{role}"
            if "options" in entry:
                assert len(entry.get("zh_options") or []) == len(entry["options"]), f"{section}.{key}.zh_options"


def chinese_name(concept: str) -> str:
    entry = load_terminology().get(concept)
    return (getattr(entry, "zh", ()) or (entry.label,))[0]


@pytest.mark.parametrize("key, words", [
    ("diagnosis:sle", None),
    ("infection:hiv:positive", "HIV"),
    ("age", "年龄"),
])
def test_questions_are_worded_in_chinese_with_chinese_names(key, words):
    question = build_question(key)
    words = words or chinese_name(key.split(":")[1])
    assert words in question.zh_patient and question.zh_clinician
    assert question.patient.isascii()                  # the English wording is unchanged
    assert len(question.zh_options) == len(question.options)


def test_a_choice_question_has_its_options_in_chinese_in_the_same_order():
    question = build_question("sex")
    assert dict(zip(question.options, question.zh_options))["Female"] == "女性"


def test_a_trials_own_wording_stays_english():
    question = build_question("diagnosis:sle", leaf={"ask": {"patient": "Do you have SLE with kidney involvement?"}})
    assert question.zh_patient is None and question.zh_clinician is None


def test_chinese_options_must_match_the_options(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text("kinds:\n  sex:\n    form: choice\n    options: [Female, Male]\n    zh_options: [女性]\n"
                    "    patient: x\n    clinician: y\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"kinds.sex.zh_options"):
        read_question_texts(path)
