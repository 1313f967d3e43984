"""Round 40 (h195): the round-40 personas of data/bench_personas.yaml and what driving them
(and a few conversations by hand) showed, each on phrasings of its own: "Never" to the group
washout question ("When did she last take each of these: ...?") is each treatment's, not the
first one's only; a country said last, as its own sentence or after a comma ("... dara. uk",
"..., germany"), is where the person is; a hedged no ("i don't think so") is left open at
once; an answer told first in a reply that goes on to date other things ("she stopped it last
year, her platelets were 150 last month") answers the question; an emoji is no place;
"tecfidera" is dimethyl fumarate."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, load_personas
from nlp.pipeline import extract
from bundled_engine import bundled_engine, said, tracker_of

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h195") / "t.db", today=TODAY)


def test_round40_personas_every_third_held_aside():
    ours = [p for p in PERSONAS.values() if p["id"].startswith("r40-")]
    assert len(ours) == 30
    for n, persona in enumerate(sorted(ours, key=lambda p: p["id"]), start=1):
        assert persona["split"] == ("test" if n % 3 == 0 else "dev"), persona["id"]


# --- "Never" to the group washout question: each treatment's -------------------------------

GROUP = {"last_dose:rituximab", "last_dose:belimumab", "last_dose:cyclophosphamide"}


def _last_dose_keys(engine, cid):
    return [k for k in tracker_of(engine, cid).asked if k.startswith("last_dose:")]


@pytest.mark.parametrize("role, opening", [
    ("patient", "my daughter is 27, lupus nephritis since 2020, she had rituximab and belimumab and cyclophosphamide, none of them worked"),
    ("patient", "i'm 40, lupus since 2012, rituximab, benlysta and cyclophosphamide all failed"),
    ("clinician", "Referral 33F SLE since 2016, failed rituximab, belimumab and cyclophosphamide"),
])
@pytest.mark.parametrize("reply", ["Never", "never"])
def test_never_to_the_group_is_each_treatments(engine, role, opening, reply):
    cid = f"cli:h195-never-{role}-{len(opening)}-{reply}"
    engine.start(cid, role=role)
    first = said(engine.message(cid, opening))
    assert "each of these" in first or "of each" in first
    asked_before = _last_dose_keys(engine, cid)
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert GROUP <= tracker.answered
    assert _last_dose_keys(engine, cid) == asked_before          # none of them asked again
    drugs = {f.concept: f for f in tracker.profile.facts if f.label == "DRUG"}
    assert all(drugs[c].negated and drugs[c].status is None for c in ("rituximab", "belimumab", "cyclophosphamide"))


def test_never_naming_one_treatment_is_that_ones_only(engine):
    cid = "cli:h195-never-named"
    engine.start(cid, role="patient")
    engine.message(cid, "i'm 40, lupus since 2012, rituximab, benlysta and cyclophosphamide all failed")
    engine.message(cid, "never had rituximab, benlysta in 2023")
    drugs = {f.concept: f for f in tracker_of(engine, cid).profile.facts if f.label == "DRUG"}
    assert drugs["rituximab"].negated
    assert not drugs["cyclophosphamide"].negated and drugs["cyclophosphamide"].status == "failed"


def test_a_plain_no_to_the_group_still_keeps_them_all_taken(engine):
    cid = "cli:h195-group-no"
    engine.start(cid, role="patient")
    engine.message(cid, "i'm 40, lupus since 2012, rituximab, benlysta and cyclophosphamide all failed")
    engine.message(cid, "no")
    tracker = tracker_of(engine, cid)
    assert GROUP <= tracker.answered
    drugs = {f.concept: f for f in tracker.profile.facts if f.label == "DRUG"}
    assert all(not drugs[c].negated and drugs[c].status == "failed" for c in ("rituximab", "belimumab", "cyclophosphamide"))


# --- a country said last is the place -------------------------------------------------------


def _places(text):
    return [f.concept.casefold().rstrip(".") for f in extract(text) if f.label == "LOCATION"]


@pytest.mark.parametrize("text, place", [
    ("my husband is 59, his myeloma came back, he had velcade, revlimid and dara. uk", "uk"),
    ("myeloma came back, 59m, uk", "uk"),
    ("lupus since 2010, 45f. germany", "germany"),
    ("lupus since 2010, 45f. Germany!", "germany"),
    ("ssc 50 f, ild, mmf failed. new zealand", "new zealand"),
    ("lupus 45f, from the uk", "uk"),
    ("lupus 45 f, U.K.", "u.k"),
    ("he had revlimid and dara. germany", "germany"),
    ("severe asthma since childhood, 35 f, still attacks, uk", "uk"),
    ("crohns, 30 f, humira failed. also in canada", "canada"),
    ("lupus 34 f, mmf failed, in canada", "canada"),
])
def test_a_country_said_last_is_the_place(text, place):
    assert _places(text) == [place]


@pytest.mark.parametrize("text, places", [
    ("no kidney problems, no heart problems. just the lupus and raynauds. in canada, toronto", ["canada", "toronto"]),
    ("lupus 45f. australia, perth", ["australia", "perth"]),
])
def test_a_country_said_last_then_its_town(text, places):
    assert _places(text) == places


@pytest.mark.parametrize("text", [
    "she had chemo in india",                               # where a treatment was, not a home
    "ssc 50 f, ild, mmf failed. turkey sandwich for lunch",  # a country's name in other words
    "he is 30, lupus, in remission",
    "lupus, hcq, pred, mmf",
])
def test_no_country_said_last_no_place(text):
    assert _places(text) == []


def test_the_country_said_last_in_a_conversation_is_not_asked_for(engine):
    cid = "cli:h195-country-last"
    engine.start(cid, role="patient")
    engine.message(cid, "my husband is 59, his myeloma came back, he had velcade, revlimid and dara. uk")
    tracker = tracker_of(engine, cid)
    assert any(f.label == "LOCATION" for f in tracker.profile.facts)
    assert "location" not in tracker.asked


# --- a hedged no is left open at once, never "Sorry, I didn't catch that" ------------------


@pytest.mark.parametrize("hedge", ["i don't think so", "dont think so", "I doubt it", "i dont believe so"])
def test_a_hedged_no_to_a_yes_no_question_is_left_open_at_once(engine, hedge):
    cid = f"cli:h195-hedged-no-{hedge}"
    engine.start(cid, role="patient")
    engine.message(cid, "my husband is 47 with lupus since 2010, rituximab and belimumab failed, we live in germany")
    engine.message(cid, "a while ago")
    reply = engine.message(cid, "ask me more")
    key = tracker_of(engine, cid).pending["key"]
    text = said(engine.message(cid, hedge))
    tracker = tracker_of(engine, cid)
    assert "didn't catch" not in text
    assert key in tracker.skipped and key not in tracker.answered
    assert reply is not None


# --- an answer told first, then other things: the answer is kept, never asked again ------

LN = "my daughter is 24, lupus nephritis since 2019, mmf failed, shes not pregnant and hiv negative, no hepatitis"


@pytest.mark.parametrize("reply, year", [
    ("she stopped it last year, her platelets were 150 last month and creatinine 0.9", "2025"),
    ("march 2025. creatinine was 1.1 last week", "2025-03"),
    ("in 2024; her creatinine was 1.1 last week", "2024"),
])
def test_an_answer_first_then_other_news_answers_the_question(engine, reply, year):
    cid = f"cli:h195-first-clause-{len(reply)}"
    engine.start(cid, role="patient")
    engine.message(cid, LN)
    assert tracker_of(engine, cid).pending["key"] == "last_dose:mycophenolate"
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert "last_dose:mycophenolate" in tracker.answered
    assert (tracker.pending or {}).get("key") != "last_dose:mycophenolate"
    mmf = next(f for f in tracker.profile.facts if f.label == "DRUG" and f.concept == "mycophenolate")
    assert str(mmf.date).startswith(year) and not mmf.negated
    assert any(f.label == "LAB" and f.concept == "creatinine" for f in tracker.profile.facts)


@pytest.mark.parametrize("reply", ["creatinine was 1.8 last month", "her creatinine was 1.8 last month, not sure about the mmf"])
def test_a_date_of_something_else_still_answers_nothing(engine, reply):
    cid = f"cli:h195-first-clause-no-{len(reply)}"
    engine.start(cid, role="patient")
    engine.message(cid, LN)
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert "last_dose:mycophenolate" not in tracker.answered
    mmf = next(f for f in tracker.profile.facts if f.label == "DRUG" and f.concept == "mycophenolate")
    assert mmf.date is None


# --- an emoji is no place -------------------------------------------------------------------

ITP = "hi 👋 my mum (63) has ITP since 2019, steroids and eltrombopag failed, plts 15"


@pytest.mark.parametrize("reply", ["🤔", "🙏🙏", "🤷‍♀️"])
def test_an_emoji_to_the_city_question_is_no_place(engine, reply):
    cid = f"cli:h195-emoji-place-{reply}"
    engine.start(cid, role="patient")
    engine.message(cid, ITP)
    assert tracker_of(engine, cid).pending["key"] == "location"
    text = said(engine.message(cid, reply))
    assert not any(f.label == "LOCATION" for f in tracker_of(engine, cid).profile.facts)
    assert "lives in" not in text


@pytest.mark.parametrize("reply", ["shenyang 😊", "Shenyang 🙏"])
def test_a_city_with_an_emoji_is_the_city(engine, reply):
    cid = f"cli:h195-emoji-city-{reply}"
    engine.start(cid, role="patient")
    engine.message(cid, ITP)
    engine.message(cid, reply)
    places = [f.concept for f in tracker_of(engine, cid).profile.facts if f.label == "LOCATION"]
    assert places and places[0].casefold() == "shenyang"


@pytest.mark.parametrize("text", ["my wife is 38 and has relapsing ms since 2015, tecfidera and then ocrevus, still relapses",
                                  "relapsing MS since 2017, 33f, had two relapses on tecfidera",
                                  "on dimethyl fumarate since 2019"])
def test_tecfidera_is_dimethyl_fumarate(text):
    assert "dimethyl_fumarate" in [f.concept for f in extract(text) if f.label == "DRUG"]
