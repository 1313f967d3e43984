"""Round 39 (h190): the round-39 personas of data/bench_personas.yaml and what driving them
(and a few conversations by hand) showed, each on phrasings of its own: treatments told with
no date that each need a washout are asked together, once; a drug's last dose answered
answers its class's when it is the only one of the class told; a message without a word is no
answer to "who am I talking to?"; a letter sent line by line answers no open question with
its list items and headings; "PMF" is primary myelofibrosis and clinicians' shorthand around
drug names is English."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, answer, load_personas
from bot.language import detect
from bot.phrasings import load_phrasings
from core.facts import Profile
from nlp.pipeline import extract
from bundled_engine import bundled_engine, said, talk, tracker_of

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h190") / "t.db", today=TODAY)


def test_round39_personas_every_third_held_aside():
    ours = [p for p in PERSONAS.values() if p["id"].startswith("r39-")]
    assert len(ours) == 30
    for n, persona in enumerate(sorted(ours, key=lambda p: p["id"]), start=1):
        assert persona["split"] == ("test" if n % 3 == 0 else "dev"), persona["id"]


# --- washout questions for several treatments: asked together ----------------------------


def _last_dose_keys(engine, cid):
    return [k for k in tracker_of(engine, cid).asked if k.startswith("last_dose:")]


@pytest.mark.parametrize("role, opening", [
    ("clinician", "Referral: 35F SLE since 2013, failed MMF, belimumab and anifrolumab, HIV neg"),
    ("patient", "i'm 35, lupus since 2013, cellcept, benlysta and saphnelo all failed"),
    ("clinician", "SLE 29F dx 2019; prior mycophenolate, belimumab, anifrolumab - all ineffective"),
])
def test_treatments_told_without_a_date_are_asked_together(engine, role, opening):
    cid = f"cli:h190-group-{role}-{len(opening)}"
    engine.start(cid, role=role)
    first = said(engine.message(cid, opening))
    assert "each of these" in first or "of each" in first
    for name in ("mycophenolate mofetil", "belimumab", "anifrolumab"):
        assert name in first.split("\n")[-1] or name in first


@pytest.mark.parametrize("reply", ["stopped them all last year", "last year", "a while ago", "no"])
def test_one_answer_to_the_group_is_each_ones(engine, reply):
    cid = f"cli:h190-group-answer-{reply}"
    engine.start(cid, role="clinician")
    engine.message(cid, "Referral: 35F SLE since 2013, failed MMF, belimumab and anifrolumab, HIV neg")
    asked_before = _last_dose_keys(engine, cid)
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert {"last_dose:mycophenolate", "last_dose:belimumab", "last_dose:anifrolumab"} <= tracker.answered
    assert _last_dose_keys(engine, cid) == asked_before          # none of them asked again
    drugs = {f.concept: f for f in tracker.profile.facts if f.label == "DRUG"}
    assert all(drugs[c].status == "failed" and not drugs[c].negated for c in ("mycophenolate", "belimumab", "anifrolumab"))
    if "year" in reply:
        assert all(str(drugs[c].date).startswith("2025") for c in ("mycophenolate", "belimumab", "anifrolumab"))


def test_a_group_answer_naming_treatments_is_read_as_written(engine):
    cid = "cli:h190-group-each"
    engine.start(cid, role="patient")
    engine.message(cid, "i'm 35, lupus since 2013, cellcept, benlysta and saphnelo all failed")
    engine.message(cid, "mmf in 2023, benlysta last month")
    drugs = {f.concept: f for f in tracker_of(engine, cid).profile.facts if f.label == "DRUG"}
    assert str(drugs["mycophenolate"].date).startswith("2023")
    assert str(drugs["belimumab"].date).startswith("2025-12")
    assert drugs["anifrolumab"].date is None          # not named: not dated by the others


def test_one_treatment_alone_is_asked_as_before(engine):
    cid = "cli:h190-one"
    engine.start(cid, role="patient")
    first = said(engine.message(cid, "i'm 30, lupus since 2015, mmf didnt work"))
    assert "each of these" not in first and "When did you last take" in first


# --- a drug's answer answers its class's when it is the only one told ---------------------


@pytest.mark.parametrize("opening, reply", [
    ("i'm 30, lupus since 2015, mmf didnt work", "i stopped it last year"),
    ("lupus nephritis, 26f, cellcept failed", "stopped in march"),
    ("34 f, SLE dx 2016, mycophenolate did not help", "a while ago"),
])
def test_the_only_drug_of_its_class_answers_the_class_question(engine, opening, reply):
    cid = f"cli:h190-class-{len(opening)}-{len(reply)}"
    engine.start(cid, role="patient")
    engine.message(cid, opening)
    assert tracker_of(engine, cid).pending["key"] == "last_dose:mycophenolate"
    after = said(engine.message(cid, reply))
    tracker = tracker_of(engine, cid)
    assert "last_dose:immunosuppressant" in tracker.answered
    assert "immunosuppressant (for example" not in after
    # nothing invented: no class fact added
    assert not [f for f in tracker.profile.facts if f.concept == "immunosuppressant"]


def test_a_second_drug_of_the_class_told_keeps_the_class_question(engine):
    cid = "cli:h190-class-two"
    engine.start(cid, role="patient")
    engine.message(cid, "i'm 30, lupus since 2015, mmf didnt work, azathioprine until 2020")
    if tracker_of(engine, cid).pending["key"] != "last_dose:mycophenolate":
        pytest.skip("another question came first")
    engine.message(cid, "i stopped it last year")
    assert "last_dose:immunosuppressant" not in tracker_of(engine, cid).answered


# --- the role question: a message without a word ---------------------------------------


@pytest.mark.parametrize("reply", ["🙂", "👍", "🙋‍♀️", "?", "😊😊"])
def test_a_message_without_a_word_is_no_answer_to_the_role_question(engine, reply):
    assert load_phrasings().role(reply) is None
    cid = f"cli:h190-role-{ord(reply[0])}-{len(reply)}"
    first, = talk(engine, cid, reply)
    assert tracker_of(engine, cid).role is None           # asked once more, nothing assumed
    assert "who am I talking to" in first or ("patient" in first and "clinician" in first)
    again = said(engine.message(cid, reply))
    assert tracker_of(engine, cid).role == "patient"      # never a loop: the second time assumed
    assert "/role clinician" in again


def test_words_still_answer_the_role_question(engine):
    assert load_phrasings().role("not sure")[0] == "unsure"
    assert load_phrasings().role("for my mum")[0] == "patient"


# --- a letter sent line by line -------------------------------------------------------------


def _ecog_pending(engine, cid):
    engine.start(cid, role="clinician")
    engine.message(cid, "Re: 24M with T-ALL, CD7 positive on flow")
    assert tracker_of(engine, cid).pending["key"].startswith("score:ecog")


@pytest.mark.parametrize("line", [
    "1. UKALL 2011 induction, MRD positive at day 29",
    "2) nelarabine salvage, refractory",
    "- FLAG-Ida in 2025, no remission",
    "3. Referred for CAR-T consideration",
])
def test_a_letters_list_item_is_no_answer(engine, line):
    cid = f"cli:h190-line-{abs(hash(line))}"
    _ecog_pending(engine, cid)
    engine.message(cid, line)
    tracker = tracker_of(engine, cid)
    assert not [f for f in tracker.profile.facts if f.label == "SCORE" and f.concept == "ecog"]
    assert tracker.pending["key"].startswith("score:ecog")        # the question stays


@pytest.mark.parametrize("line", ["Treatment history:", "Past medical history:", "Current medications:"])
def test_a_letters_heading_is_no_answer(engine, line):
    cid = f"cli:h190-heading-{abs(hash(line))}"
    _ecog_pending(engine, cid)
    reply = said(engine.message(cid, line))
    assert "Not understood" not in reply and "ECOG" in reply
    assert tracker_of(engine, cid).pending["key"].startswith("score:ecog")


@pytest.mark.parametrize("reply", ["1", "1) active, no heavy effort", "ecog 1"])
def test_an_answer_still_answers(engine, reply):
    cid = f"cli:h190-ecog-{abs(hash(reply))}"
    _ecog_pending(engine, cid)
    engine.message(cid, reply)
    scores = [f for f in tracker_of(engine, cid).profile.facts if f.label == "SCORE" and f.concept == "ecog"]
    assert scores and scores[0].value == 1


# --- PMF, and clinicians' shorthand is English ----------------------------------------------


@pytest.mark.parametrize("text", ["PMF 70M, JAK2+, ruxolitinib intolerant, plt 90", "68F with PMF, transfusion dependent"])
def test_pmf_is_primary_myelofibrosis(text):
    assert "myelofibrosis" in {f.concept for f in extract(text, today=TODAY) if f.label == "CONDITION"}


@pytest.mark.parametrize("text", ["PMF 70M, JAK2+, ruxolitinib intolerant, plt 90, Austria",
                                  "T-ALL 24M refractory to nelarabine, cd7+",
                                  "ITP 50F, eltrombopag intolerant, romiplostim refractory"])
def test_clinicians_shorthand_is_not_another_language(text):
    assert detect(text) in (None, "en")


@pytest.mark.parametrize("text, lang", [("Minha filha tem lupus desde 2019, micofenolato não funcionou", "pt"),
                                        ("Mein Sohn hat Morbus Crohn, Infliximab hat nicht geholfen", "de")])
def test_other_languages_are_still_recognised(text, lang):
    assert detect(text) == lang


def test_the_bench_answerer_names_the_diagnosis_to_the_open_question():
    truth = Profile().add(extract("70 year old man with primary myelofibrosis since 2021", today=TODAY))
    said_ = answer("diagnosis_any", "choice", ["Not sure"], truth)
    assert "myelofibrosis" in said_
    assert answer("diagnosis_any", "choice", ["Not sure"], Profile()) == "none"


@pytest.mark.parametrize("reply", ["not sure", "skip", "no idea"])
def test_not_sure_to_the_group_leaves_them_all_open(engine, reply):
    cid = f"cli:h190-group-unsure-{reply}"
    engine.start(cid, role="patient")
    engine.message(cid, "i'm 35, lupus since 2013, cellcept, benlysta and saphnelo all failed")
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert {"last_dose:mycophenolate", "last_dose:belimumab", "last_dose:anifrolumab"} <= tracker.skipped
    assert tracker.skips_in_row == 1                # one question left open, not three


# --- a general question about CAR-T quotes no trial's criteria ------------------------------


@pytest.mark.parametrize("question", ["how long does car-t take?", "what is car-t?", "is car-t safe?",
                                      "how long does the treatment take"])
def test_a_general_question_about_car_t_quotes_no_criteria(engine, question):
    cid = f"cli:h190-faq-{abs(hash(question))}"
    engine.start(cid, role="patient")
    engine.message(cid, "adult stills, 25m, anakinra then tocilizumab, still getting fevers")
    reply = said(engine.message(cid, question))
    assert "in their own words" not in reply and "gene therapy" not in reply


def test_faq_general_is_a_flag_of_entries_with_an_answer():
    from bot.faq import load_faq
    faq = load_faq()
    assert all(a.general for a in faq.find_all("what is car-t?"))
    assert not any(a.general for a in faq.find_all("do i need to stop my medicines to join?"))


@pytest.mark.parametrize("reply", ["- not sure", "* no", "- skip"])
def test_a_short_answer_after_a_bullet_still_answers(engine, reply):
    cid = f"cli:h190-bullet-{abs(hash(reply))}"
    _ecog_pending(engine, cid)
    engine.message(cid, reply)
    tracker = tracker_of(engine, cid)
    assert "score:ecog" not in str(tracker.pending and tracker.pending.get("key"))


# --- a denied state is said with "not" ---------------------------------------------------------


@pytest.mark.parametrize("text", ["Re: 24M with T-ALL, CD7 positive on flow, FLAG-Ida in 2025, no remission",
                                  "31F T-LBL, CD7+, not in remission after two courses of induction"])
def test_a_denied_remission_is_not_in_remission(engine, text):
    engine.start(f"cli:h190-rem-{len(text)}", role="clinician")
    reply = said(engine.message(f"cli:h190-rem-{len(text)}", text))
    assert "not in remission" in reply and "no in remission" not in reply


def test_a_denied_disease_is_still_no_disease(engine):
    engine.start("cli:h190-nohiv", role="clinician")
    reply = said(engine.message("cli:h190-nohiv", "34F SLE since 2015, failed MMF, no ILD, no HIV"))
    assert "no ILD" in reply or "no interstitial lung disease" in reply
