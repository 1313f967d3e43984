"""Implausible values are questioned, not silently used: "lymphocytes 1500" is noted as
unusual, not used by matching, and the bot asks at once "did you mean 1,500/µL
(= 1.5 ×10⁹/L)?" (the readings that would be plausible, from the analyte's units and
range in data/terminology/labs.yaml); pressing a reading or typing the value with its
unit replaces it; "not sure" leaves it unused and it is not asked again."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.plausibility import confirm_key, readings
from bot.render import HTML, PLAIN, Renderer
from bot.session_store import SessionStore
from bot.texts import load_texts
from data.store import open_store
from core.facts import Fact


@pytest.fixture(scope="module")
def engine():
    return Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 1, 15))


def say(engine, cid, text, role="patient"):
    if not engine.store.exists(cid):
        engine.start(cid, role=role)
    return engine.message(cid, text)


def question(reply) -> dict:
    block = next(b for b in reply.blocks if b.kind == "question")
    return block.data["text"]


def lab(engine, cid, concept):
    return next(f for f in engine.profile(cid).facts if f.label == "LAB" and f.concept == concept)


def test_lymphocytes_1500_is_questioned_with_its_plausible_reading(engine):
    reply = say(engine, "cli:plt", "I have ITP, lymphocytes 1500, tried rituximab")
    asked = question(reply)["patient"]
    assert "The absolute lymphocyte count value 1,500 looks unusual" in asked
    assert "Did you mean 1,500/µL (= 1.5 ×10⁹/L)?" in asked
    assert [c.text for c in reply.choices if c.text] == ["1,500/µL (= 1.5 ×10⁹/L)", "Not sure"]
    fact = lab(engine, "cli:plt", "alc")
    assert fact.implausible and fact.value_normalized is None      # noted, but not used
    rendered = "\n".join(Renderer(PLAIN, engine.texts).render(reply))
    assert "absolute lymphocyte count 1500 (this value looks unusual, please check it)" in rendered
    Renderer(HTML, engine.texts).render(reply)


def test_pressing_the_reading_replaces_the_value(engine):
    reply = say(engine, "cli:plt-press", "ITP, lymphocytes 1500")
    answer = engine.press("cli:plt-press", reply.choices[0].data)
    fact = lab(engine, "cli:plt-press", "alc")
    assert (fact.value_normalized, fact.unit_normalized, fact.implausible) == (1.5, "10^9/L", False)
    assert "question" in answer.kinds() or "results" in answer.kinds()
    assert all("lymphocyte" not in str(b.data.get("text", "")) for b in answer.blocks if b.kind == "question")


# (creatinine without a unit is read in the unit that makes it typical since the lead's
# round 21: "creatinine 100" is 100 µmol/L; "bilirubin 3" is still typical in two units)
def test_typing_the_value_with_its_unit_replaces_it(engine):
    say(engine, "cli:cr", "SLE since 2015, bilirubin 3", role="clinician")
    reply = engine.message("cli:cr", "0.2 mg/dL")
    fact = lab(engine, "cli:cr", "bilirubin")
    assert (fact.value_normalized, fact.implausible) == (0.2, False)
    assert "corrected" in reply.kinds()


def test_bilirubin_3_offers_the_readings_that_make_sense(engine):
    reply = say(engine, "cli:cr2", "SLE, bilirubin 3", role="clinician")
    asked = question(reply)["clinician"]
    assert "3 mg/dL" in asked and "3 µmol/L (= 0.175 mg/dL)" in asked
    engine.press("cli:cr2", reply.choices[1].data)
    assert lab(engine, "cli:cr2", "bilirubin").value_normalized == pytest.approx(0.1754, rel=1e-3)


def test_creatinine_100_is_read_as_micromoles_without_a_question(engine):
    reply = say(engine, "cli:cr3", "SLE, creatinine 100", role="clinician")
    fact = lab(engine, "cli:cr3", "creatinine")
    assert fact.value_normalized == pytest.approx(1.1312) and not fact.implausible
    assert not any(b.kind == "question" and "creatinine" in str(b.data) for b in reply.blocks)


def test_a_value_no_unit_makes_plausible_is_asked_again_with_its_unit(engine):
    reply = say(engine, "cli:huge", "lupus since 2015, creatinine 99999999")
    assert "serum creatinine" in question(reply)["patient"] and "unusual" in question(reply)["patient"]
    assert [c.key for c in reply.choices if c.key] == ["unsure", "results"]
    assert lab(engine, "cli:huge", "creatinine").value_normalized is None


def test_not_sure_leaves_the_value_unused_and_it_is_not_asked_again(engine):
    say(engine, "cli:skip", "lupus since 2015, lymphocytes 1500")
    reply = engine.message("cli:skip", "not sure")
    assert "skipped" in [b.data.get("key") for b in reply.blocks]
    asked = [e.payload["key"] for e in engine.store.events("cli:skip") if e.type == "asked"]
    assert asked.count("confirm:lab:alc") == 1
    for _ in range(3):                                 # carry on: it never comes back
        reply = engine.message("cli:skip", "not sure")
    asked = [e.payload["key"] for e in engine.store.events("cli:skip") if e.type == "asked"]
    assert asked.count("confirm:lab:alc") == 1
    assert lab(engine, "cli:skip", "alc").implausible


def test_an_implausible_age_is_questioned(engine):
    reply = say(engine, "cli:age", "lupus since 2015, aged 150")
    assert "age" in question(reply)["patient"].lower()
    engine.message("cli:age", "45")
    assert engine.profile("cli:age").age == 45


def test_a_count_written_per_microlitre_is_read_not_questioned(engine):
    # "platelets 15000" has one typical reading (15 x10^9/L, per µL as US letters write it)
    reply = say(engine, "cli:perul", "I have ITP, platelets 15000, tried rituximab")
    assert "unusual" not in str([b.data for b in reply.blocks])
    assert lab(engine, "cli:perul", "platelets").value_normalized == 15


def test_a_plausible_value_is_not_questioned(engine):
    reply = say(engine, "cli:fine", "lupus since 2015, platelets 150 x10^9/L, creatinine 1.1 mg/dL")
    assert "unusual" not in str([b.data for b in reply.blocks])


def test_readings_come_from_the_terminology_units_and_range():
    texts = load_texts()
    platelets = Fact("LAB", "platelets", "platelets 15000", value=15000.0, implausible=True)
    assert [(r.unit, r.canonical) for r in readings(platelets, texts)] == [("/uL", 15.0)]
    nonsense = Fact("LAB", "creatinine", "creatinine 99999999", value=99999999.0, implausible=True)
    assert readings(nonsense, texts) == []
    assert confirm_key(platelets) == "confirm:lab:platelets"
    assert confirm_key(Fact("AGE", "age", "aged 150", value=150.0, implausible=True)) == "confirm:age"
    assert confirm_key(Fact("LAB", "platelets", "platelets 150", value=150.0)) is None


def test_a_negative_value_is_questioned_not_used(engine):
    reply = say(engine, "cli:negative", "I have lupus, creatinine -5 mg/dL")
    fact = lab(engine, "cli:negative", "creatinine")
    assert fact.value == -5 and fact.implausible
    assert "creatinine" in question(reply)["patient"].lower()
