"""Every word the bot says has its Chinese form (data/bot_texts.yaml, section ``zh``), with
the same placeholders as the English, and the loader keeps the languages apart."""
from __future__ import annotations

import string

import pytest

from bot.language import load_languages, read_languages
from bot.texts import LANGUAGES, read_texts
from bot.voices import read_voices
from data.errors import DataError


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.fixture(scope="module")
def texts():
    return read_texts()


def test_the_languages_with_their_own_wording_are_the_languages_read():
    assert set(LANGUAGES) | {"en"} == set(load_languages().reads)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_has_a_form_in_each_language_with_the_same_placeholders(texts, lang):
    own = texts.by_language[lang]
    missing = sorted(key for key in texts.texts if key not in own["texts"])
    assert missing == [], f"texts without a {lang} form: {missing}"
    for key, english in texts.texts.items():
        for role, template in english.items():
            assert placeholders(own["texts"][key][role]) == placeholders(template), f"texts.{key}.{role}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_choice_label_command_phrase_and_unit_has_a_form_in_each_language(texts, lang):
    own = texts.by_language[lang]
    assert [key for key, spec in texts.choices.items() if lang not in dict(spec.labels)] == []
    for part in ("commands", "phrases", "units"):
        english = getattr(texts, part)
        missing = sorted(key for key in english if key not in own[part])
        assert missing == [], f"{part} without a {lang} form: {missing}"
        for key, template in english.items():
            assert placeholders(own[part][key]) == placeholders(template), f"{part}.{key}"


def test_wording_is_looked_up_by_language_with_english_as_fallback(texts):
    assert texts.text("ask_role", None, "zh") == "首先：请问您是哪一位？"
    assert texts.text("ask_role", None) == texts.text("ask_role", None, "en") == "First: who am I talking to?"
    assert texts.text("ask_role", None, "fr") == "First: who am I talking to?"
    assert texts.label("yes", "zh") == "是" and texts.label("yes") == "Yes"
    assert texts.unit("umol/L", "zh") == "µmol/L"
    assert texts.command_texts("zh")["language"].startswith("切换语言")


@pytest.mark.parametrize("typed, choice", [
    ("是", "yes"), ("对", "yes"), ("有", "yes"), ("否", "no"), ("不", "no"), ("没有", "no"),
    ("不知道", "unsure"), ("不清楚", "unsure"), ("跳过", "skip"), ("患者", "role_patient"),
    ("家属", "role_patient"), ("医生", "role_clinician"), ("是。", "yes"), ("Yes", "yes"),
])
def test_chinese_answers_are_understood_whatever_the_conversation_language(texts, typed, choice):
    assert texts.match_choice(typed, list(texts.choices)) == choice


def test_chinese_intents_corrections_and_place_words(texts):
    assert texts.intent("帮助") == "help" and texts.intent("重新开始") == "restart"
    assert texts.is_correction("不对，是硫唑嘌呤")
    assert texts.correction_body("不对，是硫唑嘌呤") == "硫唑嘌呤"
    assert texts.correction_body("其实是45岁") == "45岁"
    assert texts.strip_place("我住在杭州") == "杭州"


def test_a_chinese_text_without_an_english_form_is_named(tmp_path):
    path = tmp_path / "bot_texts.yaml"
    path.write_text("texts:\n  hello: Hello\nzh:\n  texts:\n    goodbye: 再见\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bot_texts.yaml: zh.texts.goodbye: has no English form"):
        read_texts(path)


def test_an_unknown_section_inside_a_language_is_named(tmp_path):
    path = tmp_path / "bot_texts.yaml"
    path.write_text("zh:\n  greetings: {}\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"zh.greetings: unknown section"):
        read_texts(path)


def test_the_languages_file_is_validated(tmp_path):
    path = tmp_path / "languages.yaml"
    path.write_text("reads: [en, zh]\nunread:\n  zh: 我只读英文\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"languages.yaml: unread.zh"):
        read_languages(path)
    path.write_text("reads: [en]\nnames:\n  zh: [中文]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"languages.yaml: names.zh"):
        read_languages(path)


@pytest.mark.parametrize("question, relative", [
    ("您是否曾经HIV检测阳性？", "您女儿是否曾经HIV检测阳性？"),
    ("您知道最近一次血肌酐的结果吗？", "您知道您女儿的最近一次血肌酐的结果吗？"),
    ("您的体重是多少（公斤，或注明磅）？", "您女儿的体重是多少（公斤，或注明磅）？"),
    ("是否有人告诉过您，您天生免疫力弱？", "是否有人告诉过您女儿，她天生免疫力弱？"),
    ("检查是否显示CD19（阳性或阴性）？", "检查是否显示CD19（阳性或阴性）？"),
])
def test_a_relatives_chinese_questions_speak_of_the_patient(question, relative):
    voices = read_voices()
    assert voices.question(question, voices.words("daughter", "female", "zh"), "zh") == relative


def test_every_chinese_relative_text_has_a_chinese_text_to_replace():
    voices, texts = read_voices(), read_texts()
    for key in voices.zh.texts:
        assert key.startswith("question:") or key in texts.by_language["zh"]["texts"], key


def test_a_sites_chinese_name_is_shown_in_chinese_when_the_record_has_one():
    from bot.render import PLAIN, Renderer
    from bot.sites import where_lines, where_to_ask

    record = {"id": "NCT00000009", "nct_id": "NCT00000009", "contacts": [], "sites": [
        {"facility": "First Affiliated Hospital, Zhejiang University", "facility_zh": "浙江大学医学院附属第一医院",
         "city": "Hangzhou", "country": "China"}]}
    view = where_to_ask(record)
    chinese, english = Renderer(PLAIN), Renderer(PLAIN)
    chinese.lang = "zh"
    assert "试验中心：浙江大学医学院附属第一医院, Hangzhou, China" in [str(x) for x in where_lines(chinese, "patient", view)]
    assert any("可咨询浙江大学医学院附属第一医院" in str(x) for x in where_lines(chinese, "patient", view))
    assert "Sites: First Affiliated Hospital, Zhejiang University, Hangzhou, China" in [str(x) for x in where_lines(english, "patient", view)]
    no_name = {**record, "sites": [dict(record["sites"][0], facility_zh=None)]}
    assert "Zhejiang University" in str(where_lines(chinese, "patient", where_to_ask(no_name))[0])   # never translated
