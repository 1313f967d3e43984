"""Round 41 (h200): the round-41 personas of data/bench_personas.yaml and what driving them
(and a few conversations by hand) showed, each on phrasings of its own: a terse message's
age, sex and place ("lupus 35 f uk.", "ssc 39 f shenyang", "21 m, manchester uk"); a town
then its country said last ("..., sao paulo brazil"); "relapsing ms" is multiple sclerosis; "MM" after an age and sex or before a transplant is
myeloma; a denial of "any of them" after the one it is about answers every item of a group
question ("she never had any of them actually"); the bench's answerer names the diagnosis to
the open question, and counts as "right first" only trials the chat offers."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, answer, load_personas
from core.facts import Profile
from matching.answers import answer_to_facts
from matching.questions import build_question
from nlp.pipeline import extract
from bundled_engine import bundled_engine, said, tracker_of

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h200") / "t.db", today=TODAY)


def _facts(text, label):
    return [f for f in extract(text, today=TODAY) if f.label == label]


def _one(text, label):
    found = _facts(text, label)
    assert len(found) == 1, (text, found)
    return found[0]


def test_round41_personas_every_third_held_aside():
    ours = [p for p in PERSONAS.values() if p["id"].startswith("r41-")]
    assert len(ours) == 30
    for n, persona in enumerate(sorted(ours, key=lambda p: p["id"]), start=1):
        assert persona["split"] == ("test" if n % 3 == 0 else "dev"), persona["id"]


# --- age, sex, place in a terse message ------------------------------------------------------

@pytest.mark.parametrize("text, age, sex", [
    ("lupus 35 f uk.", 35, "female"),
    ("ssc 39 f shenyang", 39, "female"),
    ("crohns 34 m", 34, "male"),
    ("dermatomyositis 45 f, mtx failed", 45, "female"),
    ("still's disease 29 m glasgow", 29, "male"),
])
def test_diagnosis_then_age_and_sex_letter(text, age, sex):
    assert _one(text, "AGE").value == age
    assert _one(text, "SEX").concept == sex


@pytest.mark.parametrize("text", [
    "itp 18 m ago diagnosed",       # a time, not an age
    "relapsed all 18 m now",
    "hb 95 f",                      # a test's value
    "mtx 15 mg weekly",
])
def test_no_age_from_a_time_or_a_value(text):
    assert not _facts(text, "AGE")


@pytest.mark.parametrize("text, places", [
    ("lupus 35 f uk.", ["uk"]),
    ("ssc 39 f shenyang", ["Shenyang"]),
    ("cml cp 41m hyderabad. imatinib n dasatinib failed", ["Hyderabad"]),
    ("lupus 35 f, us", ["us"]),
    ("21 m, manchester uk", ["Manchester", "uk"]),
    ("crohns, 40 f leeds england", ["Leeds", "england"]),
    ("husband 74 mds, azacitidine failed, sao paulo brazil", ["Sao Paulo", "brazil"]),
    ("lupus since 2015, mmf failed, new york usa", ["New York", "usa"]),
])
def test_age_sex_place(text, places):
    assert [f.concept for f in _facts(text, "LOCATION")] == places


@pytest.mark.parametrize("text", [
    "my son doesnt have TB or HIV, i am sure", "lupus now active in my joints and skin",
    "the doctor wants to watch and wait", "dexamethasone 2025 - responded, relapsed. H pylori positive 2025, eradicated.",
])
def test_no_town_from_the_last_words_after_a_comma(text):
    assert not _facts(text, "LOCATION")


@pytest.mark.parametrize("text", [
    "29 f tired.", "52 m desperate", "35 f so", "34 m crohns", "lupus 2015, mmf failed, tired brazil",
    "40 f lupus nephritis",
])
def test_no_place_from_what_else_follows_an_age_and_sex(text):
    assert not [f for f in _facts(text, "LOCATION") if f.concept.lower().startswith(("tired", "desperate", "so", "crohns", "lupus"))]


@pytest.mark.parametrize("opening, place", [
    ("21 m, manchester uk", "Manchester"),
    ("lupus 35 f uk.", "uk"),
    ("ssc 39 f shenyang", "Shenyang"),
])
def test_place_of_a_terse_opening_is_not_asked(engine, opening, place):
    cid = f"cli:h200-place-{len(opening)}"
    engine.start(cid, role="patient")
    first = said(engine.message(cid, opening))
    tracker = tracker_of(engine, cid)
    assert place in tracker.profile.first("LOCATION").concept
    assert "location" not in tracker.asked
    assert "Which city" not in first


# --- "relapsing ms" is multiple sclerosis (its kinds stay terms of it: the MS trial's registry
# conditions name relapsing and secondary progressive MS while its criteria take PPMS too, so
# kinds as concepts of their own closed it to a PPMS patient; h200, round 41) ------------------

@pytest.mark.parametrize("text", [
    "my wife has relapsing ms", "relapsing remitting multiple sclerosis, on ocrevus", "RRMS since 2015",
    "my dad (56) has primary progressive MS", "PPMS since 2018",
])
def test_kinds_of_ms_are_ms(text):
    assert any(f.concept == "multiple_sclerosis" for f in _facts(text, "CONDITION"))


# --- MM as myeloma ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "67M MM, post-ASCT in VGPR after VRd induction, Berlin",
    "58 F MM on dara",
    "MM s/p ASCT 2023, now on lenalidomide maintenance",
    "MM after auto-SCT in 2022",
])
def test_mm_is_myeloma_by_its_place(text):
    assert any(f.concept == "multiple_myeloma" for f in _facts(text, "CONDITION"))


@pytest.mark.parametrize("text", ["lesion 12 mm on CT", "a 35 MM nodule", "wound 5 MM deep"])
def test_mm_as_a_length_is_no_myeloma(text):
    assert not any(f.concept == "multiple_myeloma" for f in _facts(text, "CONDITION"))


# --- "she never had any of them" answers every item ------------------------------------------

GROUP = ["sle", "systemic_sclerosis", "itp"]


@pytest.mark.parametrize("reply", [
    "she never had any of them actually",
    "i dont have any of those",
    "he hasnt had any of these",
    "actually she has never been diagnosed with any of them",
    "none of them",
])
def test_denial_of_any_of_them_answers_every_diagnosis(reply):
    question = build_question("diagnosis", concepts=GROUP)
    found = answer_to_facts(question, reply, today=TODAY)
    assert sorted(f.concept for f in found) == sorted(GROUP)
    assert all(f.negated for f in found)


@pytest.mark.parametrize("reply, has", [
    ("she has lupus", "sle"),
    ("she had lupus but none of the others", "sle"),
])
def test_a_named_diagnosis_is_still_chosen(reply, has):
    found = answer_to_facts(build_question("diagnosis", concepts=GROUP), reply, today=TODAY)
    assert [f.concept for f in found if not f.negated] == [has]


@pytest.mark.parametrize("reply", ["she had all of them", "she never had it checked"])
def test_no_denial_of_the_whole_list(reply):
    assert answer_to_facts(build_question("diagnosis", concepts=GROUP), reply, today=TODAY) == []


@pytest.mark.parametrize("reply", ["she never had any of them actually", "he hasnt had any of those"])
def test_denial_of_any_of_them_to_a_class_question(reply):
    found = answer_to_facts(build_question("therapy:conventional_immunosuppressant:any"), reply, today=TODAY)
    assert found and all(f.negated for f in found)


def test_a_treatment_that_failed_is_no_denial():
    question = build_question("therapy:conventional_immunosuppressant:any")
    found = answer_to_facts(question, "she never responded to any of them", today=TODAY)
    assert not found or not all(f.negated for f in found)


# --- the bench's answerer ---------------------------------------------------------------------

@pytest.mark.parametrize("truth, said", [
    ("21 year old man with relapsing multiple sclerosis since 2023, lives in Manchester", "relapsing multiple sclerosis"),
    ("74 year old man with myelodysplastic syndrome since 2022, azacitidine failed", "myelodysplastic syndrome"),
])
def test_answerer_names_the_diagnosis_to_the_open_question(truth, said):
    profile = Profile().add(extract(truth, today=TODAY))
    assert answer("diagnosis", "choice", ["Not sure"], profile) == said


# --- age, sex, place is a person introducing themself, not a clinician's case summary ----------

@pytest.mark.parametrize("message", ["21 m, manchester uk", "35 f, leeds", "44 m, sao paulo brazil"])
def test_age_sex_place_is_no_case_summary(tmp_path, message):
    from bundled_engine import talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "a", message)[0]
    assert "Clinician mode" not in reply
    assert tracker_of(engine, "a").role != "clinician"


@pytest.mark.parametrize("message", ["62F SSc-ILD, FVC 58%", "67M MM, post-ASCT in VGPR after VRd induction, Berlin"])
def test_a_case_summary_stays_a_clinicians(tmp_path, message):
    from bundled_engine import talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", message)
    assert tracker_of(engine, "a").role == "clinician"


@pytest.mark.parametrize("reply", ["she never had any of them actually", "he never took any", "i havent had them"])
def test_denial_to_the_last_dose_question_is_never(reply):
    found = answer_to_facts(build_question("last_dose:glucocorticoid"), reply, today=TODAY)
    assert [(f.concept, f.negated, f.historical) for f in found] == [("glucocorticoid", True, True)]


@pytest.mark.parametrize("reply", ["she never had it checked", "she never responded to any of them"])
def test_no_denial_to_the_last_dose_question(reply):
    assert answer_to_facts(build_question("last_dose:glucocorticoid"), reply, today=TODAY) == []


def test_never_had_any_to_the_steroid_question_in_a_conversation(engine):
    cid = "cli:h200-steroids"
    engine.start(cid, role="patient")
    first = said(engine.message(cid, "my sister is 38, she has dermatomyositis, rituximab didnt help"))
    assert "steroid" in first
    reply = said(engine.message(cid, "she never had any of them actually"))
    assert "didn't catch" not in reply
    steroids = [f for f in tracker_of(engine, cid).profile.facts if f.concept == "glucocorticoid"]
    assert steroids and all(f.negated for f in steroids)
