"""Wording and formatting: every text renders in both roles, HTML is escaped, long
messages are split within Telegram's limit, and the wording never claims eligibility."""
from __future__ import annotations

import re

import pytest

from bot.engine import Block, Choice, Reply
from bot.render import HTML, PLAIN, Renderer, split_message
from bot.texts import ROLES, load_texts
from benchmarks.fake_bot_api import ParseError, parse_html
from core.facts import Fact

FACTS = [
    Fact("CONDITION", "sle", "lupus", date="2015"),
    Fact("DRUG", "mycophenolate", "cellcept", status="failed"),
    Fact("DRUG", "belimumab", "benlysta", status="failed"),
    Fact("DRUG", "prednisone", "prednisone", status="current"),
    Fact("INFECTION", "hiv", "HIV", negated=True, status="negative"),
    Fact("AGE", "age", "45", value=45),
    Fact("PREGNANCY", "pregnant", "pregnant", negated=True),
    Fact("LAB", "creatinine", "creatinine 265 µmol/L", value=265, unit="µmol/L", value_normalized=3.0),
    Fact("LOCATION", "Hangzhou", "Hangzhou"),
]


def test_noted_facts_read_the_way_people_say_them():
    text = Renderer(PLAIN).render(Reply("patient", "ASKING", [Block("noted", {"facts": FACTS, "hint": False})]))[0]
    assert text == ("I noted: systemic lupus erythematosus since 2015; tried mycophenolate mofetil (did not help), "
                    "belimumab (did not help); taking prednisone; no HIV; age 45; not pregnant; "
                    "serum creatinine 265 µmol/L; lives in Hangzhou.")
    clinician = Renderer(PLAIN).render(Reply("clinician", "ASKING", [Block("noted", {"facts": FACTS[:1], "hint": False})]))[0]
    assert clinician == "Noted: SLE since 2015."


@pytest.mark.parametrize("role", ROLES)
def test_every_text_renders_in_both_roles(role):
    texts = load_texts()
    renderer = Renderer(HTML)
    for key, variants in texts.texts.items():
        names = set(re.findall(r"{(\w+)}", variants[role]))
        rendered = renderer.t(key, role, **{name: "x" for name in names})
        parse_html(rendered)                          # valid Telegram HTML
    for key in texts.choices:
        assert texts.label(key)


def test_the_wording_never_says_a_patient_is_eligible():
    texts = load_texts()
    wording = [v for variants in texts.texts.values() for v in variants.values()]
    wording += list(texts.phrases.values()) + [c.label for c in texts.choices.values()]
    for text in wording:
        assert not re.search(r"\beligible\b|\bineligible\b|\bqualifies\b", text, re.IGNORECASE), text
    assert "may qualify" in texts.text("verdict_likely", "patient")
    assert "may qualify" in texts.text("verdict_possible", "patient")
    assert "trial team" in texts.text("disclaimer", "patient") and "trial team" in texts.text("disclaimer", "clinician")


def test_html_from_users_and_records_is_escaped():
    fact = Fact("LOCATION", "<b>Ha & ngzhou</b>", "x")
    text = Renderer(HTML).render(Reply("patient", "ASKING", [Block("noted", {"facts": [fact], "hint": True})]))[0]
    plain, entities = parse_html(text)
    assert "<b>Ha & ngzhou</b>" in plain
    assert entities == []


def test_a_question_is_bold_in_html():
    reply = Reply("patient", "ASKING", [Block("question", {"text": {"patient": "Age < 18?", "clinician": "x"},
                                                          "form": "number", "unit": None})])
    assert Renderer(HTML).render(reply) == ["<b>Age &lt; 18?</b>"]


def test_long_messages_are_split_within_the_limit_without_breaking_tags():
    paragraph = "<b>Heading &amp; more</b>\n" + " ".join(["word"] * 300)
    text = "\n\n".join([paragraph] * 12)
    pieces = split_message(text, limit=4096)
    assert len(pieces) > 1
    for piece in pieces:
        plain, _ = parse_html(piece)
        assert len(piece.encode("utf-16-le")) // 2 <= 4096
    joined = " ".join(parse_html(p)[0] for p in pieces)
    assert joined.count("word") == 300 * 12


def test_an_overlong_single_line_is_cut_at_spaces_and_tags_reopened():
    line = "<b>" + " ".join(["žluťoučký😀"] * 900) + "</b>"
    pieces = split_message(line, limit=1000)
    assert len(pieces) > 5
    for piece in pieces:
        parse_html(piece)
        assert piece.startswith("<b>") and piece.endswith("</b>")
        assert len(piece.encode("utf-16-le")) // 2 <= 1000


def test_split_rejects_nothing_short():
    assert split_message("short") == ["short"]


def test_parse_html_is_as_strict_as_telegram():
    for bad in ("a <blood> b", "a & b", "<b>open", "x</b>"):
        with pytest.raises(ParseError):
            parse_html(bad)


def test_keyboard_puts_short_answers_side_by_side():
    reply = Reply("patient", "ASKING", [], [Choice("o:1:0", text="Yes"), Choice("o:1:1", text="No"),
                                             Choice("o:1:2", text="Not sure"), Choice("cmd:results", key="results")])
    assert Renderer(PLAIN).keyboard(reply) == [[("Yes", "o:1:0"), ("No", "o:1:1"), ("Not sure", "o:1:2")],
                                               [("Show results", "cmd:results")]]


def test_a_typed_button_label_is_accepted_as_the_same_choice():
    texts = load_texts()
    for key in ("yes", "no", "unsure", "skip", "role_patient", "role_clinician"):
        assert texts.match_choice(texts.label(key), [key]) == key
    assert texts.intent(texts.label("results")) == "results"
    assert texts.match_choice("  NOT SURE. ", ["unsure"]) == "unsure"
    assert texts.match_choice("don’t know", ["unsure"]) == "unsure"
