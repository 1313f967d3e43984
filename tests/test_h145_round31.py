"""Round 31 (h145, issue #13): what patients and their relatives write: a writer who names
themself as the relative ("im her dad, my daughter ..."), a relation said only at a clause's
end ("..., my husband") or after "asking for" without "my", weights in stones and pounds,
absurd values, the writer and the patient on one drug, the writer's own illness beside the
patient's, "no diseases other than lupus", a test not had since a year, a stoma kept, hedges
of a diagnosis not yet made, treatments stopped after they worked, questions about what a
treatment is for. Each test reads a wording of its own (not a gold message) through the real
extraction path or the conversation engine."""
from __future__ import annotations

from datetime import date

from assertion_helpers import facts_at, one_at
from bundled_engine import bundled_engine, talk
from nlp.pipeline import extract, speaker_of

TODAY = date(2026, 12, 6)


def _facts(text: str, concept: str):
    return facts_at(text, concept, TODAY)


def _one(text: str, concept: str):
    return one_at(text, concept, TODAY)


def _sex(text: str):
    found = [f for f in extract(text, today=TODAY) if f.label == "SEX" and not f.family]
    assert len(found) == 1, (text, found)
    return found[0]


# --- who the patient is, and their sex ----------------------------------------------------

def test_a_writer_naming_themself_as_the_parent_gives_the_childs_sex_on_the_relation_word():
    text = "hello, im his mum. my son is 17 and has crohns"
    fact = _sex(text)
    assert fact.concept == "male" and text[fact.start:fact.end] == "son"
    assert speaker_of("im her dad, my daughter is 9, she has ITP").relation == "daughter"


def test_a_relation_named_at_the_end_after_she_or_he_is_the_patient():
    fact = _sex("he has had uc for years and hes on vedolizumab, my husband")
    assert fact.concept == "male" and fact.text == "husband"
    # only a relation of the pronoun's sex: "my son" is no "she"
    assert not [f for f in extract("she has had lupus for years, sorry, my son", today=TODAY) if f.label == "SEX" and not f.family]


def test_asking_for_a_parent_named_without_my():
    assert speaker_of("writing for dad, hes 80 with ITP").relation == "father"
    assert _sex("dads ITP, im asking for mum. she has lupus").concept == "female"
    assert speaker_of("asking for mum and dad, both have RA").relation is None   # two people


# --- stones, pounds and absurd values ------------------------------------------------------

def test_weights_in_stones_and_pounds():
    cases = {"he weighs 12 st 3 at the moment": 77.6, "shes about 8 st 11, crohns": 55.8,
             "5 foot 6 and 13 st, lupus": 82.6, "my son is 9 and a half stone": 60.3,
             "she weighed 10 st before the steroids": 63.5}
    for text, kg in cases.items():
        fact = _one(text, "weight")
        assert abs(fact.value_normalized - kg) < 0.2, (text, fact.value_normalized)
    for text in ("born on the 21st 3 days late", "my 1st 2 cycles of chemo", "he is 31st on the list"):
        assert not _facts(text, "weight"), text


def test_an_absurd_weight_in_stones_is_read_and_flagged_not_dropped():
    fact = _one("i weigh 70 stone haha", "weight")
    assert fact.implausible and fact.value_normalized > 300


def test_the_bot_questions_an_absurd_age_and_takes_the_correction(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, second = talk(engine, "c1", "im 250 years old with lupus", "25")
    assert "looks unusual" in first and "How old are you?" in first
    assert "age 25" in second and "didn't catch" not in second


def test_a_bare_age_after_how_long_the_disease_has_lasted():
    fact = _one("any trials near me? crohns 6 yrs, 27", "age")
    assert fact.value == 27
    assert not _facts("ITP 10 years, 12 last week", "age")


# --- whose fact ---------------------------------------------------------------------------

def test_a_drug_the_writer_and_the_patient_both_take_is_the_patients():
    for text in ("my daughter and i are both on hydroxychloroquine, shes 20 with lupus",
                 "my husband (61) and i both take methotrexate, he has RA"):
        drug = next(f for f in extract(text, today=TODAY) if f.label == "DRUG")
        assert not drug.family, text


def test_the_writers_own_illness_after_the_patients_is_family():
    text = "my son is 14 and has crohns, my psoriasis is under control"
    assert not _one(text, "crohns_disease").family
    assert _one(text, "psoriasis").family
    # no illness of his named before: the writer's own message ("my husband says ...")
    assert not _one("my husband says my lupus is getting worse", "sle").family


def test_a_treatment_said_of_another_relatives_pronoun_is_family():
    text = "asking for my brother (40), he has myositis. our sister has RA, shes doing ok on humira"
    assert _one(text, "adalimumab").family
    assert not _one(text, "inflammatory_myopathy").family


# --- denials with an exception, a test not had since a year ---------------------------------

def test_no_illness_other_than_one_is_no_healthy_person():
    for text in ("no medical problems apart from my RA", "no illnesses except the crohns"):
        assert not _facts(text, "healthy"), text
    assert _facts("no medical problems", "healthy")


def test_no_other_kind_besides_one_of_it_denies_the_others_only(tmp_path):
    text = "no other autoimmune disease apart from his myositis"
    assert _one(text, "autoimmune_disease").negated
    assert not _one(text, "inflammatory_myopathy").negated
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    (reply,) = talk(engine, "c1", "my sister (50) has no other autoimmune diseases besides her lupus")
    assert "no other autoimmune disease" in reply


def test_a_test_not_had_since_a_year_is_no_negative_result():
    for text in ("havent had an hiv test since 2018", "she hasnt had a hep c test for years"):
        fact = next(f for f in extract(text, today=TODAY) if f.label == "INFECTION")
        assert fact.uncertain and not fact.negated and fact.status != "negative", text
    assert _one("no hiv", "hiv").negated


def test_not_tested_for_an_infection_does_not_doubt_the_treatment_after_it():
    fact = _one("hasnt been tested for hep c since starting rituximab", "rituximab")
    assert not fact.uncertain and not fact.negated


def test_no_meds_except_one_is_that_one_taken_now():
    assert _one("no other medication apart from mesalazine", "mesalazine").status == "current"


# --- words of the body and of time ------------------------------------------------------------

def test_dysphasia_is_no_misspelt_dysphagia():
    assert not _facts("mild dysphasia since the stroke", "dysphagia")
    assert _facts("she has dysphagia with her scleroderma", "dysphagia")


def test_a_stoma_stays_until_it_is_reversed():
    fact = _one("two bowel resections, now living with an ileostomy", "ostomy")
    assert not fact.historical and fact.status == "current"
    assert _one("his colostomy was reversed in 2022", "ostomy").historical


def test_a_diagnosis_the_doctors_have_not_made_for_sure_is_uncertain():
    assert _one("probably lupus, the consultant hasnt said for sure", "sle").uncertain
    assert _one("i think its crohns but the gastro hasnt confirmed it for sure", "crohns_disease").uncertain
    # the doubt of what follows ("what type") is no doubt of the disease before it
    assert not _one("she has lupus but they havent said for sure which type", "sle").uncertain


def test_a_procedure_feared_is_none_had():
    assert _one("my sister has UC and shes terrified of a stoma", "ostomy").hypothetical


def test_a_treatment_that_worked_and_was_stopped_is_past():
    fact = _one("tocilizumab worked really well and she was off it by 2023", "tocilizumab")
    assert fact.historical


def test_the_disease_a_treatment_is_asked_to_be_for_is_no_diagnosis():
    text = "is rituximab only for lymphoma or also myositis? i have myositis and nothing helps"
    assert _one(text, "lymphoma").hypothetical
    rituximab = _one(text, "rituximab")
    assert rituximab.status != "failed" and not rituximab.historical


def test_lay_names_read_beside_their_context():
    assert _facts("tried hydroxy and anifrolumab, neither helped", "hydroxychloroquine")
    assert _facts("her myositis is the anti-synthetase kind", "antisynthetase_syndrome")
    assert _one("ck is coming down nicely on ivig", "ck").status == "falling"


def test_a_past_pregnancy_is_said_back_as_past(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    (reply,) = talk(engine, "c1", "she hasnt been screened for hep b since the pregnancy in 2019. lupus, my partner")
    assert "a past pregnancy" in reply and "; pregnant" not in reply


def test_who_is_writing_said_to_the_city_question_is_no_place(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, second = talk(engine, "c1", "my sister is 44 with diffuse SSc, weighs 8 st 10", "family member")
    assert "Which city" in first and "weight 55.3 kg" in first
    assert "Family Member" not in second and "lives in" not in second


def test_a_lower_case_sex_letter_before_the_age_opening_a_message():
    text = "f 38, crohns on stelara"
    assert _one(text, "age").value == 38 and _sex(text).concept == "female"
    assert not _facts("i m 51, myositis", "male") and not _facts("f 2, nothing", "age")


def test_a_hedge_added_after_and_is_of_what_follows_only():
    text = "no other health problems except lupus and maybe sjogrens"
    assert not _one(text, "sle").uncertain
    assert _one(text, "sjogrens_syndrome").uncertain


def test_a_denial_corrected_after_a_pause_does_not_reach_the_correction():
    text = "never had biologics... well rituximab once in 2021"
    assert _one(text, "biologic").negated
    assert not _one(text, "rituximab").negated


def test_a_treatment_had_once_is_a_course_over():
    assert _one("she had ritux once in the spring, lupus", "rituximab").historical
    assert not _one("methotrexate once weekly for her RA", "methotrexate").historical
