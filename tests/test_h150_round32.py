"""Round 32 (h150, issue #13): what patients, relatives and carers write: a carer writing for
the person they look after ("im her carer", "paid carer here for a lady with lupus"), a side
effect given as the reason for a switch, an age corrected right after it, "no sorry" before
the word meant, a hedge closing its clause, an event after "since his", a disease "had for a
decade", a time "off therapy", two relatives who "both have" the patient's disease, "lef" and
"ops", "X is the only one that works", "now nothing but X", "after coming off X". Each test
reads a wording of its own (not a gold message) through the real extraction path or the
conversation engine."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, facts_at, one_at
from benchmarks.assertion import predicted_assertion
from bot.voices import load_voices
from bundled_engine import bundled_engine, talk
from nlp.pipeline import extract, people_of, speaker_of

TODAY = date(2026, 12, 6)


def _one(text: str, concept: str):
    return one_at(text, concept, TODAY)


def _reading(text: str, concept: str):
    return predicted_assertion(_one(text, concept))


def _ages(text: str) -> list[float]:
    return [f.value for f in extract(text, today=TODAY) if f.label == "AGE"]


# --- a carer writes for the person cared for ----------------------------------------------

def test_a_carer_writes_for_the_person_cared_for_of_the_pronouns_sex():
    found = speaker_of("im her carer, shes 52 with scleroderma and takes mycophenolate")
    assert (found.speaker, found.relation, found.sex) == ("relative", "cared_for", "female")
    found = speaker_of("I'm the live-in carer for an elderly gentleman with ITP, he is on romiplostim")
    assert (found.speaker, found.relation, found.sex) == ("relative", "cared_for", "male")
    assert speaker_of("i look after our neighbour, she has lupus").relation == "cared_for"


def test_a_carer_by_job_or_a_carer_asking_for_themself_is_the_patient():
    assert speaker_of("im a carer and i have crohns, on vedolizumab").speaker == "patient"
    found = speaker_of("i care for my dad but this is about me: lupus, on benlysta")
    assert found.relation != "cared_for"


def test_what_a_carer_tells_is_the_patients_not_family_history():
    text = "Im the paid carer for a lady of 77 with polymyositis, she had IVIG last year"
    assert _reading(text, "polymyositis") == NOW
    assert _one(text, "age").value == 77 and not _one(text, "age").family


def test_the_person_cared_for_is_said_back_as_such_with_the_pronoun_as_possessive():
    words = load_voices().words("cared_for", "male")
    assert words["who"] == "the person you care for" and words["whose"] == "his"
    assert load_voices().words("cared_for", None)["whose"] == "their"
    assert load_voices().words("son", "male")["whose"] == "your son's"


def test_the_bot_asks_a_carer_about_the_person_cared_for_not_about_the_carer(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, second = talk(engine, "carer", "im his carer, hes 58 with diffuse scleroderma and raynauds, on mycophenolate",
                         "yes")
    assert "Have you been diagnosed" not in first and "Which city do you live in" not in second
    assert "the person you care for" in first + second


# --- a switch and its reason ----------------------------------------------------------------

def test_a_side_effect_given_as_the_reason_for_a_switch_is_of_the_one_left():
    text = "they changed her from azathioprine to mycophenolate because her white count dropped"
    assert _one(text, "azathioprine").status == "intolerant"
    assert _reading(text, "mycophenolate") == NOW
    text = "switched him from eltrombopag to avatrombopag cos the tablets gave him a rash"
    assert _one(text, "eltrombopag").status == "intolerant"
    assert _one(text, "avatrombopag").status == "current"


def test_a_switch_for_another_reason_leaves_the_one_left_without_an_outcome():
    text = "changed from infliximab to adalimumab because of the travel to the hospital"
    assert _one(text, "infliximab").status is None


def test_before_and_it_of_a_side_effect_name_the_nearest_treatment_only():
    text = "she has abatacept every week, had tocilizumab before but it gave her bad infusion reactions"
    assert _reading(text, "abatacept") == NOW
    assert _reading(text, "tocilizumab") == PAST
    text = "tried methotrexate and sulfasalazine but it gave me awful nausea"
    assert _one(text, "sulfasalazine").status == "intolerant"
    assert _one(text, "methotrexate").status != "intolerant"


# --- corrections ------------------------------------------------------------------------------

def test_an_age_corrected_right_after_it_is_the_corrected_one():
    assert _ages("she is 41, sorry i mean 14, with lupus") == [14]
    assert _ages("age 250 oops 25, crohns") == [25]
    assert _ages("hes 12, no 13 next month, T-ALL") == [12]


def test_no_sorry_before_the_word_meant_is_no_denial():
    text = "she had a splenectomy? no sorry a bone marrow biopsy, and romiplostim now for her ITP"
    assert _reading(text, "romiplostim") == NOW
    text = "he had a colectomy? no sorry a bowel resection in 2021"
    assert not _one(text, "bowel_resection").negated


# --- hedges, events, durations ------------------------------------------------------------------

def test_a_hedge_closing_its_clause_is_of_what_stands_before_it():
    text = "they think its lupus, probably, ANA 1:640"
    assert not _one(text, "ana").uncertain
    assert _one("lupus maybe, on hydroxychloroquine", "sle").uncertain
    assert _one("the rheumy said probably ra, bloods next week", "rheumatoid_arthritis").uncertain


def test_an_event_after_since_his_is_over_a_disease_there_is_not():
    assert _reading("she has been on apixaban since her DVT", "deep_vein_thrombosis") == PAST
    assert _reading("exhausted since his lupus diagnosis", "sle") == NOW


def test_a_disease_had_for_years_goes_on_an_episode_does_not():
    assert _reading("my mum had crohns for 15 years and is on stelara", "crohns_disease") == NOW
    assert _reading("had shingles for 3 weeks in june", "herpes_zoster")[2] == "past"


def test_a_time_off_therapy_is_no_duration_of_the_relapse():
    fact = _one("my daughter relapsed 4 months off treatment, T-LBL", "relapsed_disease")
    assert fact.duration_days is None
    assert _one("on humira 3 years off and on for crohns", "adalimumab").duration_days is not None


def test_ages_opening_a_sentence_and_now_after_an_onset():
    assert _ages("writing for my boyfriend, his english is poor. 33, UC since 2020") == [33]
    assert _ages("lupus since her early twenties, 38 now, on benlysta") == [38]
    assert _ages("plts 30 at noon, now 45") == []
    assert _ages("i look after my neighbour, 81, who has myositis, on IVIG") == [81]
    assert _ages("crohns here, 33, on ustekinumab") == [33]


# --- who has it --------------------------------------------------------------------------------

def test_two_relatives_who_both_have_the_disease_of_the_one_asked_for():
    text = "my dad and my uncle both have psoriatic arthritis, this is for dad. 71, on secukinumab"
    assert _reading(text, "psoriatic_arthritis") == NOW
    assert people_of(text, today=TODAY) == []


# --- lay words ---------------------------------------------------------------------------------

def test_lef_and_ops_are_read_by_their_context():
    assert _one("RA, failed mtx and lef, on baricitinib now", "leflunomide").status == "failed"
    assert _reading("crohns since 2010, 3 ops and a stoma", "major_surgery") == PAST
    assert not facts_at("the ops team rang", "major_surgery", TODAY)
    assert not facts_at("lef the house early", "leflunomide", TODAY)


def test_outcomes_said_in_the_present_keep_the_treatment_taken_now():
    assert _one("rinvoq is the only thing that helps her RA", "upadacitinib").status == "current"
    text = "she stopped mycophenolate in june, now nothing but the pred"
    assert _reading(text, "prednisone") == NOW


def test_after_coming_off_a_treatment_it_is_over_while_coming_off_it_goes_on():
    assert _reading("the UC flared 2 months after coming off mesalazine", "mesalazine") == PAST
    assert _reading("she is coming off the pred slowly", "prednisone") == NOW


def test_a_treatment_taken_for_months_and_now_flaring_is_failing_but_taken():
    fact = _one("been on vedolizumab 9 months and now flaring", "vedolizumab")
    assert fact.status == "failed" and predicted_assertion(fact) == NOW
    fact = _one("golimumab for a year and her UC is flaring anyway", "golimumab")
    assert fact.status == "failed" and predicted_assertion(fact) == NOW
