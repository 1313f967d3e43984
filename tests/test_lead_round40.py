"""Round 40 (lead): what people wrote that the bot misread, written as they wrote it.

A mother's "... now shes on romiplostim but her plts are still 12. is there anything in
europe?" got "Tell me about the illness first" though she had just told it; a man's "sorry i
meant i had the ileostomy in 2022 not 2020" got "I corrected it: stoma → stoma"; a girl of
17's "im 17 with UC since 13 my mum says i should ask" was asked who she was; a husband's
"scleroderma 3 years ago, its the diffuse type" was asked whether she had the diffuse type;
a paediatric rheumatologist's "She has had IV methylprednisolone pulses, methotrexate, IVIG
(monthly since 2021), rituximab x2 (last dose 05/2025) and tofacitinib since January 2026,
without sustained response" made the methotrexate current and neither it nor the steroid
pulses failed.
"""
from __future__ import annotations

from datetime import date

import pytest

from bundled_engine import bundled_engine, talk, tracker_of
from bot.phrasings import read_phrasings
from nlp import extract

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def phrasings():
    return read_phrasings()


def _of(text: str, concept: str):
    found = [f for f in extract(text, today=TODAY) if f.concept == concept]
    assert len(found) == 1, [(f.concept, f.text) for f in extract(text, today=TODAY)]
    return found[0]


# -- a question about the sites in a message that tells the case --------------------------

def test_a_case_asking_where_gets_the_trials_not_tell_me_the_illness_first(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "a", "im writing for my daughter shes 30 and has had lupus since 2015, mycophenolate "
                              "and rituximab didnt work. is there anything in the uk?")[0]
    assert "Tell me about the illness first" not in reply
    assert "systemic lupus erythematosus" in reply
    assert "may qualify" in reply


def test_a_sites_question_alone_still_asks_for_the_illness(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    engine.start("a")
    engine.message("a", "I'm the patient")
    reply = talk(engine, "b", "where are the trial sites?")[0]
    assert "trial" in reply.lower()


# -- a correction of a date alone -----------------------------------------------------------

def test_a_corrected_date_is_said_with_both_dates(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Crohn's since i was 15, now 29. ileostomy in 2020. ustekinumab and risankizumab "
                                "both failed", "sorry i meant i had the ileostomy in 2022 not 2020")
    assert "(2020) →" in replies[1] and "(2022)" in replies[1]
    stoma = [f for f in tracker_of(engine, "a").profile.facts if f.concept == "ostomy"]
    assert [f.date for f in stoma] == ["2022"]


# -- a relative who advises the writer ------------------------------------------------------

@pytest.mark.parametrize("message", ["im 17 with UC since 13 my mum says i should ask",
                                     "i have lupus and my husband told me to look here",
                                     "my dad thinks im a good fit, i have crohns since 2019"])
def test_a_relative_advising_the_writer_leaves_the_writer_the_patient(phrasings, message):
    assert phrasings.tells_own(message)


@pytest.mark.parametrize("message", ["my son says he is tired all the time, he has crohns",
                                     "im worried, my daughter has lupus", "i have a patient with lupus"])
def test_a_relative_or_patient_written_about_is_still_seen(phrasings, message):
    assert not phrasings.tells_own(message)


def test_the_teenager_is_not_asked_who_she_is(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "a", "im 17 with UC since 13 my mum says i should ask. on infliximab but it stopped working")[0]
    assert "who am I talking to" not in reply
    assert tracker_of(engine, "a").role == "patient"


# -- the kind of a disease said in a clause of its own -----------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("my wife was diagnosed with scleroderma 3 years ago, its the diffuse type and its in her lungs now",
     "diffuse_systemic_sclerosis"),
    ("scleroderma since 2019 which is the limited form", "limited_systemic_sclerosis"),
    ("she has the limited kind of scleroderma", "limited_systemic_sclerosis"),
    ("its the diffuse kind of systemic sclerosis", "diffuse_systemic_sclerosis"),
    ("my mum has myositis, they said it's the antisynthetase type", "antisynthetase_syndrome"),
])
def test_the_kind_said_apart_is_that_kind(text, kind):
    assert kind in {f.concept for f in extract(text, today=TODAY)}


@pytest.mark.parametrize("text", ["scleroderma limited to her hands", "scleroderma 3 years, it is not the diffuse type"])
def test_no_kind_without_its_words(text):
    concepts = {f.concept for f in extract(text, today=TODAY)}
    assert "systemic_sclerosis" in concepts
    assert not concepts & {"diffuse_systemic_sclerosis", "limited_systemic_sclerosis"}


def test_the_husband_is_not_asked_the_kind_he_told(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "a", "hi, my wife was diagnosed with scleroderma 3 years ago, its the diffuse type and "
                              "its in her lungs now. she is 47")[0]
    assert "diffuse cutaneous systemic sclerosis?" not in reply


# -- a list with brackets and its outcome at the end ------------------------------------------

LETTER_LIST = ("She has had IV methylprednisolone pulses, methotrexate, IVIG (monthly since 2021), rituximab x2 "
               "(last dose 05/2025) and tofacitinib since January 2026, without sustained response.")


def test_a_bracket_of_one_item_says_nothing_of_the_item_before():
    methotrexate = _of("She has had methylprednisolone, methotrexate, IVIG (monthly since 2021), rituximab and "
                       "tofacitinib without sustained response.", "methotrexate")
    assert methotrexate.status == "failed"
    assert _of("mesalazine, MMF (stopped 2022), azathioprine", "mesalazine").date is None


@pytest.mark.parametrize("concept", ["methylprednisolone", "methotrexate", "rituximab", "tofacitinib"])
def test_an_outcome_after_a_long_list_reaches_its_first_items(concept):
    assert _of(LETTER_LIST, concept).status == "failed"


def test_an_outcome_of_two_named_items_stays_theirs():
    assert _of("tried mmf, then rituximab and tocilizumab which both failed", "tocilizumab").status == "failed"
    assert _of("tried hcq, azathioprine, then rituximab and tocilizumab which both failed",
               "hydroxychloroquine").status != "failed"


def test_a_schedule_in_a_bracket_is_taken_now_while_failing():
    ivig = _of("IVIG (monthly) but her muscles are still weak", "ivig")
    assert ivig.status == "failed" and ivig.ongoing


def test_both_after_a_list_is_the_two_before_it():
    facts = {f.concept: f.status for f in extract("tried hcq, azathioprine, then rituximab and tocilizumab which both "
                                                  "failed", today=TODAY)}
    assert facts["rituximab"] == facts["tocilizumab"] == "failed"
    assert facts["hydroxychloroquine"] is None and facts["azathioprine"] is None


def test_a_whole_list_outcome_still_reaches_every_item():
    facts = {f.concept: f.status for f in extract("tried hcq, azathioprine, then rituximab and tocilizumab, none "
                                                  "of them helped", today=TODAY)}
    assert set(facts.values()) == {"failed"}


# -- a question naming a place while a question of ours is pending --------------------------

def test_a_question_naming_a_place_gets_the_trials_nearest_first(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "45 yo female with RA, seropositive, failed MTX, leflunomide, adalimumab, tocilizumab "
                                "and baricitinib. DAS28 5.6. Interested in CAR-T.", "any in hangzhou?")
    assert "No answer on file" not in replies[1]
    assert "Hangzhou" in replies[1]
    places = [f for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]
    assert len(places) == 1


def test_a_question_naming_no_place_is_still_unanswered(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "45 yo female with RA, failed MTX and adalimumab.", "any in the morning?")
    assert not any(f.label == "LOCATION" for f in tracker_of(engine, "a").profile.facts)


# -- which one is best ----------------------------------------------------------------------

@pytest.mark.parametrize("question", ["which one is best for her?", "whats the difference between the trials?",
                                      "is car-t better?", "which of these would be best for him",
                                      "which one should we choose", "哪个试验最好？"])
def test_which_is_best_is_answered_with_what_the_order_means(question):
    from bot.faq import read_faq
    assert read_faq().find(question).id == "best_trial"


def test_the_best_answer_never_names_a_trial_best(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "my daughter has dermatomyositis, shes 19, on mmf and ivig", "which one is best for her?")
    assert "not of how well the treatment works" in replies[1]
    assert "can't answer that one" not in replies[1]


# -- "not sure what her CK is" ---------------------------------------------------------------

@pytest.mark.parametrize("reply, thing", [("not sure what her CK is", "CK"), ("dont know his platelets", "platelets"),
                                          ("no idea about her kidney function", "kidney function"),
                                          ("im not sure what her latest creatinine was", "creatinine"),
                                          ("not sure", None), ("not sure, maybe 2 years ago", None),
                                          ("not sure if she had rituximab", None), ("not sure about that", None)])
def test_the_thing_a_reply_does_not_know(phrasings, reply, thing):
    assert phrasings.unknown_thing(reply) == thing


def test_not_knowing_another_value_leaves_the_question_open(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "my daughter has dermatomyositis, shes 19, on mmf and ivig", "not sure what her CK is")
    asked = replies[0].rstrip().splitlines()[-1]
    assert "creatine kinase: value not known" in replies[1]      # h176's reading of the unknown lab
    assert replies[1].rstrip().splitlines()[-1] == asked
    assert tracker_of(engine, "a").pending is not None


def test_not_knowing_a_thing_not_read_leaves_the_question_open(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "my daughter has dermatomyositis, shes 19, on mmf and ivig", "not sure what her blood group is")
    asked = replies[0].rstrip().splitlines()[-1]
    assert "the trial team can check the blood group" in replies[1]
    assert replies[1].rstrip().splitlines()[-1] == asked


# -- Chinese: a relapse after chemotherapy ------------------------------------------------------

def test_a_chinese_relapse_after_chemotherapy_is_both():
    facts = {f.concept: f for f in extract("患者男，23岁，T淋巴母细胞淋巴瘤，CD7阳性，经2线化疗后复发", today=TODAY)}
    assert "relapsed_disease" in facts
    assert facts["chemotherapy"].status == "failed"
    assert "relapsed_or_refractory" in {f.concept for f in extract("T淋巴母细胞淋巴瘤，复发难治", today=TODAY)}


def test_a_start_that_goes_on_under_a_list_of_the_past_is_failing_now():
    tacrolimus = _of("Had methotrexate and tacrolimus since 01/2026, without sustained benefit.", "tacrolimus")
    assert tacrolimus.status == "failed" and tacrolimus.ongoing and not tacrolimus.historical
    assert _of("Had methotrexate and tacrolimus since 01/2026, without sustained benefit.", "methotrexate").historical


# -- a child named by age, a treatment the doctors are talking of --------------------------------

@pytest.mark.parametrize("text, sex", [("my 8 yr old has T-ALL. she relapsed after chemo", "female"),
                                       ("my 15yo has crohns", None), ("our 4 month old has a rash", None)])
def test_a_child_named_by_age_is_the_patient(text, sex):
    from nlp.pipeline import speaker_of
    found = speaker_of(text)
    assert (found.speaker, found.relation, found.sex) == ("relative", "child", sex)


@pytest.mark.parametrize("text", ["my 12 year old daughter has lupus", "my 40 year old body cant take it, i have RA"])
def test_an_age_before_a_relation_word_or_the_writer_is_not_a_child_by_age(text):
    from nlp.pipeline import speaker_of
    assert speaker_of(text).relation != "child"


def test_the_parent_of_a_child_named_by_age_is_asked_about_her(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "a", "my 8 yr old has T-ALL. she relapsed after chemo and now the doctors are saying CAR-T.")[0]
    assert "who am I talking to" not in reply
    assert "how you are" not in reply


@pytest.mark.parametrize("text, concept", [("the doctors are saying CAR-T", "car_t"),
                                           ("the team is suggesting rituximab", "rituximab")])
def test_a_treatment_the_doctors_are_talking_of_is_no_treatment_had(text, concept):
    assert _of(text, concept).hypothetical


# -- sites asked in other words -----------------------------------------------------------------

@pytest.mark.parametrize("question, entry", [("what is the closest site to birmingham?", "sites"),
                                             ("which is the nearest hospital", "sites"),
                                             ("Is he a candidate?", "eligible"),
                                             ("would she be a good candidate for car-t", "eligible")])
def test_sites_and_candidacy_asked_in_other_words(question, entry):
    from bot.faq import read_faq
    assert read_faq().find(question).id == entry


@pytest.mark.parametrize("question", ["how soon could he start?", "when can she start", "how long would we have to wait?",
                                      "多久能开始？"])
def test_how_soon_is_answered(question):
    from bot.faq import read_faq
    assert read_faq().find(question).id == "timing"


def test_how_long_it_takes_is_still_the_steps():
    from bot.faq import read_faq
    assert read_faq().find("how long does it take").id == "trial_steps"


def test_it_is_the_nearest_treatment_not_the_list_before():
    facts = {f.concept: f for f in extract("had cyclophosphamide and mmf, now on rituximab but it isnt working",
                                           today=TODAY)}
    assert facts["rituximab"].status == "failed" and facts["rituximab"].ongoing
    assert facts["cyclophosphamide"].status is None and facts["mycophenolate"].status is None
    plural = {f.concept: f.status for f in extract("tried mtx and humira but they didnt work", today=TODAY)}
    assert plural == {"methotrexate": "failed", "adalimumab": "failed"}


def test_the_baby_the_writer_feeds_is_no_child_written_for():
    from nlp.pipeline import speaker_of
    assert speaker_of("Im breastfeeding my 4 month old, can I still join?").speaker == "patient"


def test_a_chinese_time_after_an_event_is_no_duration():
    relapse = [f for f in extract("做过骨髓移植，移植后半年复发", today=TODAY) if f.concept == "relapsed_disease"]
    assert relapse and relapse[0].duration_days is None
    lupus = [f for f in extract("狼疮8年", today=TODAY) if f.concept == "sle"]
    assert lupus[0].duration_days


def test_an_allergy_in_a_bracket_is_its_drug_only():
    text = ("He's had a right hemicolectomy, then infliximab (lost response), adalimumab (allergic reaction), "
            "ustekinumab and now risankizumab since March.")
    allergies = {f.concept for f in extract(text, today=TODAY) if f.label == "ALLERGY"}
    assert allergies == {"adalimumab"}
    listed = {f.concept for f in extract("Allergies: penicillin (rash), sulfa", today=TODAY) if f.label == "ALLERGY"}
    assert listed == {"penicillin", "sulfonamide_antibiotic"}


def test_a_bracketed_schedule_and_start_is_taken_now():
    ivig = _of("Had methotrexate, IVIG (monthly since 2022), rituximab, without sustained benefit.", "ivig")
    assert ivig.status == "failed" and ivig.ongoing and not ivig.historical
    assert _of("MMF (stopped since 2022)", "mycophenolate").historical


@pytest.mark.parametrize("text, age", [("my husbnd has stills disease adult onset, 52, on anakinra", 52),
                                       ("RA seropositive, 61, failed mtx", 61)])
def test_a_bare_age_after_a_qualified_diagnosis(text, age):
    assert _of(text, "age").value == age


def test_no_bare_age_from_a_count_after_a_class():
    assert not [f for f in extract("lupus nephritis class 4, 3 flares", today=TODAY) if f.label == "AGE"]


def test_she_hasnt_to_a_last_dose_question_of_a_treatment_never_told_is_never(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "my daughter has dermatomyositis, shes 19, on mmf and ivig", "no she hasnt")
    assert "When did she last take steroid" in replies[0]
    assert "never had glucocorticoid" in replies[1]


@pytest.mark.parametrize("text, concept", [("Splenectomy was offered but she said no.", "splenectomy"),
                                           ("She previously declined cyclophosphamide.", "cyclophosphamide"),
                                           ("rituximab was offered and we turned it down", "rituximab"),
                                           ("he has refused rituximab", "rituximab")])
def test_a_treatment_refused_is_not_had(text, concept):
    assert _of(text, concept).negated


def test_the_child_named_between_the_writer_and_the_disease_is_the_patient():
    facts = extract("I'm asking for my 6 year old who has ITP", today=TODAY)
    assert [(f.concept, f.family) for f in facts if f.label == "CONDITION"] == [("itp", False)]


@pytest.mark.parametrize("text, concept, when", [("had MAS in jan", "macrophage_activation_syndrome", "2026-01"),
                                                 ("relapsed in march", "relapsed_disease", "2026-03"),
                                                 ("she relapsed again in june", "relapsed_disease", "2026-06")])
def test_an_event_is_dated_by_the_month_after_it(text, concept, when):
    assert _of(text, concept).date == when


def test_a_disease_is_not_dated_by_a_bare_month_after_it():
    assert _of("lupus in june", "sle").date is None


@pytest.mark.parametrize("sign_off", ["Kind regards,", "Yours sincerely", "Best wishes"])
def test_a_letters_sign_off_is_no_city(tmp_path, sign_off):
    from bot.tracker import LOCATION_KEY
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "im 34 with lupus since 2015, mycophenolate and rituximab didnt help")
    for _ in range(6):      # "not sure" to each question until the city is asked
        if (tracker_of(engine, "a").pending or {}).get("key") == LOCATION_KEY:
            break
        engine.message("a", "not sure")
    assert (tracker_of(engine, "a").pending or {}).get("key") == LOCATION_KEY
    engine.message("a", sign_off)
    assert not [f for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]
