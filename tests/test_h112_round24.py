"""h112, round 24 (issue #14): a whole family in one message, and the reason for a referral."""
from __future__ import annotations

import io
from datetime import date

from bot.cli_chat import run_chat
from bot.tracker import WHICH_KEY
from nlp.pipeline import extract, people_of, person_named
from bundled_engine import bundled_engine, said, tracker_of

TODAY = date(2026, 12, 1)
FAMILY = ("my son (24) has crohns, failed humira and stelara, and my daughter (30) has lupus, she tried "
          "everything - mycophenolate, rituximab, benlysta. anything for either of them?")


def own_conditions(facts):
    return sorted({f.concept for f in facts if f.label == "CONDITION" and not (f.family or f.negated or f.hypothetical)})


# --- nlp: the people a message describes -------------------------------------------------
def test_two_children_each_with_their_own_illness_are_two_people():
    people = people_of(FAMILY)
    assert [(p.relation, p.conditions) for p in people] == [("son", ("crohns_disease",)), ("daughter", ("sle",))]
    son, daughter = people
    assert "adalimumab" in {f.concept for f in son.facts if f.label == "DRUG"}
    assert "sle" not in own_conditions(son.facts) and "crohns_disease" not in own_conditions(daughter.facts)


def test_the_writer_and_a_sibling_named_together_share_what_follows():
    people = people_of("Me and my sister both have diffuse scleroderma. I'm 45, she's 41.")
    assert {p.relation for p in people} == {"self", "sister"}
    assert all("diffuse_systemic_sclerosis" in p.conditions for p in people)


def test_parents_with_ages_and_a_healthy_couple():
    mum_dad = people_of("my mum (70) has myelofibrosis and the ruxolitinib stopped working. "
                        "my dad (72) has myasthenia gravis, AChR positive, on pyridostigmine.")
    assert [p.relation for p in mum_dad] == ["mother", "father"]
    couple = people_of("My husband (30) and I (28) are both healthy, no medicines, no illnesses.")
    assert [p.relation for p in couple] == ["husband", "self"]


def test_a_relatives_illness_told_as_family_history_is_one_patient():
    # the relative has no age or treatment of their own: family history, as ever
    assert people_of("My mother has lupus. I am 35 and have had ITP for 3 years, platelets 15 after IVIG.") == []
    assert people_of("Family history: my mother and my grandmother both had ovarian cancer. "
                     "I'm 44, no cancer myself, BRCA1 positive.") == []
    assert people_of("I have lupus, my daughter has asthma") == []


def test_a_message_that_says_whom_it_is_for_is_one_patient():
    assert people_of("My son has mild asthma but it's my daughter I'm asking about: she is 25 and has "
                     "dermatomyositis, failed methotrexate and IVIG.") == []


def test_a_reply_naming_one_of_the_people():
    assert person_named("my daughter", ["son", "daughter"]) == 1
    assert person_named("the son please", ["son", "daughter"]) == 0
    assert person_named("me", ["husband", "self"]) == 1
    assert person_named("the weather", ["son", "daughter"]) is None


# --- the engine: whom first, only their facts, the others afterwards -----------------------
def test_the_engine_asks_whom_to_start_with_and_keeps_only_that_persons_facts(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("fam")
    asked = said(engine.message("fam", FAMILY))
    assert "one person at a time" in asked
    assert "your son (Crohn's disease)" in asked and "your daughter (systemic lupus erythematosus)" in asked
    reply = engine.message("fam", "Patient or family")      # the role button typed: the question stays
    assert tracker_of(engine, "fam").pending["key"] == WHICH_KEY
    options = [c for c in reply.choices if c.data.startswith("o:")]
    assert [c.text for c in options] == ["your son (Crohn's disease)", "your daughter (systemic lupus erythematosus)"]
    engine.press("fam", options[1].data)
    tracker = tracker_of(engine, "fam")
    assert tracker.relation == "daughter"
    assert own_conditions(tracker.profile.facts) == ["sle"]
    assert "crohns_disease" not in {f.concept for f in tracker.profile.facts}
    assert "adalimumab" not in {f.concept for f in tracker.profile.facts}     # the son's treatments left
    assert tracker.profile.own("SEX").concept == "female"
    assert [o["relation"] for o in tracker.others] == ["son"]


def test_after_the_results_the_other_person_is_offered(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("fam")
    engine.message("fam", FAMILY)
    engine.message("fam", "Patient or family")
    engine.message("fam", "2")                            # the terminal chat's second choice
    results = engine.command("fam", "results")
    offer = [c for c in results.choices if c.data.startswith("next:")]
    assert [c.text for c in offer] == ["Now look for your son"]
    assert ("zh", "现在为您儿子查找") in offer[0].worded
    started = said(engine.press("fam", offer[0].data))
    assert "look for your son" in started
    tracker = tracker_of(engine, "fam")
    assert tracker.relation == "son"
    assert own_conditions(tracker.profile.facts) == ["crohns_disease"]
    assert "sle" not in {f.concept for f in tracker.profile.facts}
    assert tracker.others == []


def test_skip_starts_with_the_first_person_named(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("fam")
    engine.message("fam", FAMILY)
    engine.message("fam", "Patient or family")
    engine.message("fam", "skip")
    tracker = tracker_of(engine, "fam")
    assert tracker.relation == "son" and own_conditions(tracker.profile.facts) == ["crohns_disease"]


def test_one_patient_with_a_relatives_illness_is_not_asked(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("one")
    engine.message("one", "Patient or family")
    engine.message("one", "My mother has lupus. I am 35 and have had ITP for 3 years, platelets 15 after IVIG.")
    tracker = tracker_of(engine, "one")
    assert WHICH_KEY not in tracker.asked and tracker.people == []


def test_the_terminal_chat_takes_the_number_or_the_persons_word(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    out = io.StringIO()
    run_chat(engine, "cli-family", stdin=io.StringIO(f"Patient or family\n{FAMILY}\nmy daughter\n"), stdout=out,
             stderr=io.StringIO(), interactive=False)
    text = out.getvalue()
    assert "Shall we start with your son (Crohn's disease) or your daughter" in text
    assert "[your son (Crohn's disease)] [your daughter (systemic lupus erythematosus)]" in text
    assert "Let's start with your daughter." in text


def test_the_question_in_chinese_has_the_same_people():
    from bot.texts import load_texts

    texts = load_texts()
    for key in ("ask_which", "which_started", "next_person", "next_started", "which_self"):
        assert texts.text(key, "patient", "zh") != texts.text(key, "patient", "en")
    assert "{choices}" in texts.text("ask_which", "patient", "zh")


# --- the reason for a referral is the patient's diagnosis ----------------------------------
def test_the_disease_a_patient_is_referred_for_is_theirs():
    for text, concept in (("Referred for her chronic ITP. 38F, platelets 12.", "itp"),
                          ("referred for management of his myelofibrosis", "myelofibrosis"),
                          ("Seen in clinic re: dermatomyositis. 52M.", "dermatomyositis"),
                          ("Referral for consideration of CAR-T for refractory SLE.", "sle")):
        assert concept in own_conditions(extract(text, today=TODAY)), text


def test_a_referral_to_look_for_a_disease_keeps_it_suspected_and_the_treatment_asked_about():
    facts = extract("Referred for evaluation of possible lupus.", today=TODAY)
    assert [f.uncertain for f in facts if f.concept == "sle"] == [True]
    car_t = [f for f in extract("Referred for consideration of CAR-T for refractory SLE.", today=TODAY)
             if f.concept == "car_t"]
    assert car_t and all(f.hypothetical for f in car_t)
