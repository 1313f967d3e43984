"""Round 38 (h185): the round-38 personas of data/bench_personas.yaml (vague answers,
questions in the middle, typos, old parents, children described without a relation word,
places by continent) driven through the engine on the bundled trials, and what their
transcripts showed, each on phrasings of its own: a patient described as someone ("14yo
boy") is spoken of in the third person; a part of the world ("any trials in Europe?") is a
place whose sites are those in its countries; a place told with the case is noted once."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, _first_trial, converse, hedge, load_personas
from bot.geo import nearest_site
from bot.sites import is_country, place_name
from core.facts import Profile
from data.errors import DataError
from nlp.pipeline import extract, speaker_of
from bundled_engine import bundled_engine, said, talk, tracker_of

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h185") / "t.db", today=TODAY)


@pytest.mark.parametrize("persona_id, trial, most", [
    ("r38-rel-boy14-tall-summary-coop", "local-cd7-cart-heme", 2),   # "T-ALL relapsed 2nd time, 14yo boy, ..."
    ("r38-rel-wife47-ssc-asides-coop", "NCT07193667", 3),             # "what is car-t?", "is it safe?" in between
    ("r38-rel-husband49-ra-asides-vague", "NCT05239702", 2),          # "i think so", "is it safe?"
    ("r38-pat-sle-typos-vague", "NCT05030779", 3),                    # "sinse 2017", "hydroxychloroquin"
])
def test_round38_persona_right_trial_first(engine, persona_id, trial, most):
    persona = PERSONAS[persona_id]
    assert persona["split"] == "dev"
    truth = Profile().add(extract(persona["truth"], today=TODAY))
    played = converse(engine, f"cli:h185-{persona_id}", persona, truth)
    assert _first_trial(played["events"]) in {trial, "NCT07193667"} if trial == "NCT05030779" else \
        _first_trial(played["events"]) == trial
    assert played["questions"] <= most


# --- a patient described as someone -----------------------------------------------------


@pytest.mark.parametrize("text, sex", [
    ("T-ALL relapsed 2nd time, 14yo boy, CD7 positive", "male"),
    ("relapsed T-ALL in a 15 year old girl, cd7+, any trials?", "female"),
    ("woman, 60, with lupus nephritis, failed MMF", "female"),
    ("62 yo man with diffuse scleroderma since 2020", "male"),
])
def test_a_patient_described_by_age_and_a_person_word_is_someone_asked_for(text, sex):
    found = speaker_of(text)
    assert found.speaker is None and found.described == sex


@pytest.mark.parametrize("text", [
    "Im a 45 year old woman with lupus",           # the writer's own
    "lupus 26F, failed MMF",                       # no person word
    "a 3 year old girl and a 40 year old man",     # two people: nobody in particular
])
def test_no_described_patient_when_the_writer_or_nobody_in_particular(text):
    assert speaker_of(text).described is None


def test_a_described_patient_is_spoken_of_in_the_third_person_after_the_role(engine):
    first, chosen = talk(engine, "cli:h185-boy", "T-ALL relapsed 2nd time, 14yo boy, CD7 positive on the last marrow",
                         "patient or family member")
    assert "who am I talking to" in first          # a clinician writes so too: the role is still asked
    assert "how he is" in chosen and "how you are" not in chosen
    tracker = tracker_of(engine, "cli:h185-boy")
    assert tracker.relation_sex == "male" and tracker.described


def test_a_described_woman_is_she(engine):
    replies = talk(engine, "cli:h185-woman", "woman, 58, with systemic sclerosis since 2019, cyclophosphamide failed",
                   "patient or family member")
    question = replies[-1].split("\n")[-1]
    assert "the person you are asking for" in question and "Have you" not in question
    assert tracker_of(engine, "cli:h185-woman").relation_sex == "female"


def test_a_described_patient_as_a_clinician_is_the_clinicians_case(engine):
    talk(engine, "cli:h185-cli", "T-ALL relapsed 2nd time, 14yo boy, CD7 positive", "clinician")
    tracker = tracker_of(engine, "cli:h185-cli")
    assert tracker.role == "clinician"


def test_the_writer_naming_themself_afterwards_is_taken_without_a_complaint(engine):
    replies = talk(engine, "cli:h185-mum", "T-ALL relapsed 2nd time, 14yo boy, CD7 positive",
                   "patient or family member", "i'm his mum")
    assert "didn't catch" not in replies[-1]
    assert tracker_of(engine, "cli:h185-mum").relation == "son"


def test_a_relative_naming_themself_mid_question_keeps_the_question(engine):
    replies = talk(engine, "cli:h185-wife", "dermatomyositis, 55, methotrexate failed", "patient or family member",
                   "this is his wife writing")
    assert "didn't catch" not in replies[-1] and "?" in replies[-1]


# --- parts of the world ---------------------------------------------------------------


@pytest.mark.parametrize("text, place", [
    ("any trials in Europe?", "Europe"),
    ("68M RRMM, 4 prior lines. Any trials in Europe?", "Europe"),
    ("is there anything in south america for lupus?", "south america"),
    ("is there anything in germany?", "germany"),
    ("we live in europe", "europe"),
])
def test_a_country_or_part_of_the_world_a_trial_is_asked_for_is_a_place(text, place):
    places = [f.concept for f in extract(text, today=TODAY) if f.label == "LOCATION"]
    assert places == [place]


@pytest.mark.parametrize("text", ["anything in particular?", "is there anything in remission", "any trials in children?",
                                  "is there anything near us?", "we are in bristol, is there anything near us?"])
def test_no_place_from_words_that_name_none(text):
    assert not [f for f in extract(text, today=TODAY) if f.label == "LOCATION"]


def test_a_home_said_wins_over_a_part_of_the_world_asked_for():
    places = [f.concept for f in extract("I live in Italy, anything in europe?", today=TODAY) if f.label == "LOCATION"]
    assert places == ["Italy"]


def test_a_part_of_the_world_is_its_name_and_no_town():
    assert place_name("europe") == "Europe" and place_name("south america") == "South America"
    assert is_country("europe") and not is_country("leeds")


def test_a_site_in_a_part_of_the_world_is_one_in_its_countries_recruiting_first():
    sites = [{"city": "Nederland", "region": "Texas", "country": "United States", "status": "RECRUITING"},
             {"city": "Burgas", "country": "Bulgaria", "status": "WITHDRAWN"},
             {"city": "Malaga", "country": "Spain", "status": "RECRUITING"}]
    match = nearest_site("europe", sites)
    assert match is not None and match.site["city"] == "Malaga" and match.matched_on == "country"
    assert nearest_site("europe", sites[:1]) is None           # "Nederland, Texas" is in no country of Europe
    assert nearest_site("south america", sites) is None
    asia = nearest_site("Asia", [{"city": "Shenyang", "country": "China"}])
    assert asia is not None and asia.site["city"] == "Shenyang"


def test_results_for_a_part_of_the_world_name_the_site_there_and_note_the_place_once(engine):
    engine.start("cli:h185-asia", role="patient")
    reply = said(engine.message("cli:h185-asia", "34F lupus since 2015, mycophenolate failed, any trials in asia?"))
    assert reply.count("lives in Asia") == 1
    reply = said(engine.message("cli:h185-asia", "results"))
    assert "Site near Asia:" in reply and "Shenyang" in reply


def test_a_region_of_unknown_countries_is_named(tmp_path, monkeypatch):
    from data import places

    bad = tmp_path / "places.yaml"
    bad.write_text("countries:\n  France: []\nregions:\n  Europe: {names: [europe], countries: [France, Atlantis]}\n")
    monkeypatch.setattr(places, "PLACES_FILE", bad)
    places.countries.cache_clear()
    places.regions.cache_clear()
    try:
        with pytest.raises(DataError, match="regions.Europe"):
            places.regions()
    finally:
        places.countries.cache_clear()
        places.regions.cache_clear()


# --- the bench's vague persona and asides ----------------------------------------------


@pytest.mark.parametrize("said_, form, worded", [
    ("yes", "yes_no", "i think so"),
    ("no", "yes_no", "i don't think so"),
    ("no", "date", "a while ago i think"),
    ("34", "number", "about 34"),
    ("150 10^9/L", "number", "i think it was 150 10^9/L"),
    ("2025-10-01", "date", "a few months ago"),
    ("2019-01-01", "date", "around 2019"),
    ("not sure", "number", "not sure"),
    ("Hangzhou", "text", "Hangzhou"),
])
def test_a_vague_person_hedges_the_answer_from_the_truth(said_, form, worded):
    assert hedge(said_, form) == worded


def test_asides_are_a_list_of_messages(tmp_path):
    from benchmarks import conversation as bench

    bad = tmp_path / "personas.yaml"
    bad.write_text("personas:\n  - {id: a, role: patient, style: vague, split: dev, opening: x, truth: y, asides: [1]}\n")
    with pytest.raises(DataError, match="asides"):
        bench.load_personas(bad)
    good = tmp_path / "ok.yaml"
    good.write_text("personas:\n  - {id: a, role: patient, style: vague, split: dev, opening: x, truth: y, "
                    "asides: [what is car-t?]}\n")
    assert bench.load_personas(good)[0]["asides"] == ["what is car-t?"]


# --- a town named after an age and sex -------------------------------------------------


@pytest.mark.parametrize("text, town", [
    ("ulcerative colitis 6 years, now on vedolizumab but still bleeding, 36F, Shanghai", "Shanghai"),
    ("lupus since 2015, 36F, London.", "London"),
    ("crohns, 30 M, New York", "New York"),
])
def test_a_capitalised_town_after_an_age_and_sex_ends_the_telling(text, town):
    assert [f.concept for f in extract(text, today=TODAY) if f.label == "LOCATION"] == [town]


@pytest.mark.parametrize("text", ["SLE, 34F, Lupus", "SLE 34F, Thanks", "RA, 45M, Refractory.", "SLE, 29F, Methotrexate"])
def test_no_town_from_a_term_or_a_courtesy_after_an_age_and_sex(text):
    assert not [f for f in extract(text, today=TODAY) if f.label == "LOCATION"]


# --- a last dose told without a date -----------------------------------------------------


def as_patient(engine, cid, *messages):
    engine.start(cid, role="patient")
    return [said(engine.message(cid, m)) for m in messages]


@pytest.mark.parametrize("reply", ["not anymore", "a while ago", "no longer", "ages ago", "i stopped it a while back"])
def test_taken_but_not_now_without_a_date_answers_the_last_dose_question(engine, reply):
    cid = f"cli:h185-stopped-{reply}"
    replies = as_patient(engine, cid, "lupus since 2017, tried hydroxychloroquine and cellcept, still flaring, 33 female", reply)
    assert "correct" not in replies[-1].split("\n")[0] and "didn't catch" not in replies[-1]
    mmf = [f for f in tracker_of(engine, cid).profile.facts if f.concept == "mycophenolate" and f.label == "DRUG"]
    # as a plain "no": taken before (it failed), not now; never "never had it"
    assert mmf and all(f.historical and not f.negated and f.status == "failed" for f in mmf)


def test_a_time_said_with_stopped_is_its_date(engine):
    as_patient(engine, "cli:h185-stopped-march", "lupus since 2017, tried hydroxychloroquine and cellcept, 33 female",
         "stopped it in march")
    mmf = [f for f in tracker_of(engine, "cli:h185-stopped-march").profile.facts if f.concept == "mycophenolate"]
    assert any(f.date for f in mmf)
