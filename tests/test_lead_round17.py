"""Lead's seventeenth-session fixes: what patients, relatives and doctors write, read as they mean it."""
from datetime import date

import pytest

from bot.cli import main
from bot.voices import load_voices
from core.facts import Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.leaves import age
from nlp.pipeline import extract


def _one(text, label, concept=None):
    found = [f for f in extract(text) if f.label == label and (concept is None or f.concept == concept)]
    assert found, f"no {label} {concept or ''} in {text!r}"
    return found[0]


def _none(text, label, concept=None):
    return not [f for f in extract(text) if f.label == label and (concept is None or f.concept == concept)]


# --- a test that was done is not the infection had -------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("he had an HIV test", "hiv"),
    ("she had a covid test last week", "covid"),
    ("they did a quantiferon", "tuberculosis"),
    ("had a TB test in the spring", "tuberculosis"),
])
def test_a_test_done_without_its_result_is_unknown_not_had(text, concept):
    fact = _one(text, "INFECTION", concept)
    assert fact.status is None and fact.uncertain and not fact.historical


@pytest.mark.parametrize("text, concept, status", [
    ("had a positive TB test", "tuberculosis", "positive"),
    ("his HIV test came back negative", "hiv", "negative"),
    ("quantiferon negative", "tuberculosis", "negative"),
    ("TB test done, fine.", "tuberculosis", "negative"),
    ("TB test and HIV test both fine", "hiv", "negative"),
    ("had TB as a child", "tuberculosis", "positive"),
])
def test_a_test_with_its_result_keeps_the_result(text, concept, status):
    assert _one(text, "INFECTION", concept).status == status


def test_a_result_said_after_the_specimen_is_the_markers():
    assert _one("the CD7 test on the biopsy was positive they said", "BIOMARKER", "cd7").status == "positive"


# --- not fit for a treatment -----------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("the doctors said hes too frail for intensive chemo", "chemotherapy"),
    ("too frail for a stem cell transplant", "hsct"),
    ("she isnt strong enough for a stem cell transplant yet", "hsct"),
    ("he is too weak for chemotherapy", "chemotherapy"),
])
def test_a_treatment_the_patient_is_too_frail_for_was_not_given(text, concept):
    fact = next(f for f in extract(text) if f.concept == concept)
    assert fact.hypothetical and not fact.historical


# --- a treatment taken since a date that is failing is taken now ------------------------

@pytest.mark.parametrize("text, concept", [
    ("belimumab since last year, not working", "belimumab"),
    ("my wife has SLE. belimumab since last year - none really controlled it", "belimumab"),
    ("rituximab since 2023 but platelets still 10", "rituximab"),
    ("on benlysta since march but its not doing much", "belimumab"),
])
def test_a_failing_treatment_taken_since_a_date_goes_on(text, concept):
    fact = _one(text, "DRUG", concept)
    assert fact.status == "failed" and fact.ongoing and not fact.historical


def test_a_treatment_that_ended_is_not_ongoing():
    fact = _one("etanercept 2019-2021, failed", "DRUG", "etanercept")
    assert fact.status == "failed" and not fact.ongoing and fact.historical


def test_since_a_month_dates_a_treatment_and_an_illness():
    assert _one("on benlysta since march", "DRUG", "belimumab").date[5:] == "03"
    assert _one("lupus since march", "CONDITION", "sle").date[5:] == "03"
    # "in march" still dates only a value (or a treatment with its cue)
    assert _one("on benlysta, platelets 30 in march", "DRUG", "belimumab").date is None


# --- conditions said as adjectives ------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("shes also diabetic", "diabetes_mellitus"),
    ("he is epileptic", "epilepsy"),
    ("pre-diabetic", "prediabetes"),
    ("type 1 diabetic", "type_1_diabetes"),
])
def test_a_condition_said_as_an_adjective(text, concept):
    assert _one(text, "CONDITION", concept)


def test_not_diabetic_is_negated():
    assert _one("not diabetic", "CONDITION", "diabetes_mellitus").negated
    assert _none("non-diabetic", "CONDITION", "diabetes_mellitus")


# --- ages ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, age", [
    ("Still's disease since teenage years, now 35.", 35),
    ("lupus since I was a kid, now 40", 40),
    ("crohns since she was a teenager, now 23", 23),
    ("she (my mum) is 72, diabetic (on insulin)", 72),
])
def test_the_age_now_after_an_onset_said_in_words(text, age):
    fact = _one(text, "AGE")
    assert fact.value == age and not fact.family


def test_a_lab_trend_is_no_age():
    assert _none("platelets 20 since march, now 35", "AGE")


# --- who it is about ------------------------------------------------------------------

def test_a_relative_named_in_a_bracket_after_the_pronoun_is_the_patient():
    facts = extract("she (my mum) is 72, has lupus")
    lupus = next(f for f in facts if f.concept == "sle")
    assert not lupus.family
    assert any(f.label == "SEX" and f.concept == "female" for f in facts)


def test_where_the_relative_writing_lives_is_the_patients_place():
    place = _one("Im in the UK, my daughter has lupus", "LOCATION")
    assert not place.family


# --- places ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, country", [
    ("we are in cork, ireland", "ireland"),
    ("im in lyon, france", "france"),
    ("we're in leeds, uk", "uk"),
])
def test_a_town_then_its_country_gives_the_country(text, country):
    assert _one(text, "LOCATION").concept.lower() == country


def test_remission_after_in_is_no_place():
    assert _none("im in remission, mostly", "LOCATION")


# --- the relative's voice --------------------------------------------------------------

def test_a_parents_little_girl_is_said_back_as_their_daughter():
    words = load_voices().words("girl", "female")
    assert words["who"] == "your daughter" and words["whose"] == "your daughter's"
    assert load_voices().words("boy", "male")["who"] == "your son"
    assert load_voices().words("wife", "female")["who"] == "your wife"


# --- letters --------------------------------------------------------------------------

def test_two_ages_in_a_letter_judge_an_age_criterion_when_both_agree():
    profile = Profile.of_text(extract("Re: Mr D.O., DOB 14/03/1961 (63 yo), relapsed T-ALL", today=date(2026, 12, 4)))
    ev = Evaluator(profile, load_terminology(), today=date(2026, 12, 4))
    children, adults, narrow = {"kind": "age", "min": 1, "max": 17}, {"kind": "age", "min": 18, "max": 75}, \
        {"kind": "age", "min": 18, "max": 64}
    assert age(ev, children).value == FALSE          # a children's trial: neither 63 nor 65
    assert "different ages" in age(ev, children).reason
    assert age(ev, adults).value == TRUE
    assert age(ev, narrow).value == UNKNOWN          # 63 fits, 65 does not: asked


def test_a_first_remission_before_a_relapse_is_shown_as_past_in_triage(tmp_path, capsys):
    letter = tmp_path / "letter.txt"
    letter.write_text("relapsed T-ALL. induction 2023 - CR1, relapsed 2024.", encoding="utf-8")
    assert main(["triage", "--db", str(tmp_path / "t.db"), "--today", "2026-12-04", str(letter)]) == 0
    assert "in remission (past)" in capsys.readouterr().out


# --- hedged diagnoses -----------------------------------------------------------------

@pytest.mark.parametrize("text, concepts", [
    ("they keep saying its either lupus or MCTD, nobody knows for sure", ["sle", "mixed_connective_tissue_disease"]),
    ("its either lupus or MCTD", ["sle", "mixed_connective_tissue_disease"]),
    ("my rheum thinks its myositis but the biopsy was inconclusive", ["inflammatory_myopathy"]),
    ("lupus, nobody knows for sure", ["sle"]),
])
def test_a_diagnosis_weighed_or_believed_is_uncertain(text, concepts):
    facts = {f.concept: f for f in extract(text)}
    for concept in concepts:
        assert facts[concept].uncertain, concept


def test_a_negation_with_either_ends_at_the_comma():
    facts = {f.concept: f for f in extract("she doesnt have HIV either, lupus is the main thing")}
    assert facts["hiv"].negated and not facts["sle"].negated
    assert _one("CHOP didnt work and brentuximab neither.", "DRUG", "brentuximab").status == "failed"


def test_a_drug_given_as_prophylaxis_is_given():
    assert not _one("On entecavir prophylaxis.", "DRUG", "entecavir").hypothetical
    assert _one("on aciclovir prophylaxis", "DRUG", "aciclovir").status == "current"


def test_a_doctors_belief_about_a_condition_already_named_leaves_it_stated():
    assert not _one("so my rheumatologist thinks my lupus has moved to my kidneys", "CONDITION", "sle").uncertain
    assert not _one("they keep saying my crohns is in remission", "CONDITION", "crohns_disease").uncertain


# --- given now ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["shes in hospital getting IVIG", "she's getting IVIG",
                                  "my daughters platelets are 4 today, shes in hospital getting IVIG"])
def test_getting_a_treatment_is_taking_it_now(text):
    assert _one(text, "DRUG", "ivig").status == "current"


def test_getting_a_treatment_next_week_is_a_plan():
    assert _one("she's getting rituximab next week", "DRUG", "rituximab").hypothetical


@pytest.mark.parametrize("text, concept", [
    ("systemic sclerosis, diffuse, diagnosed 2022", "diffuse_systemic_sclerosis"),
    ("SSc, limited", "limited_systemic_sclerosis"),
    ("limited scleroderma", "limited_systemic_sclerosis"),
])
def test_the_kind_of_scleroderma_written_after_it(text, concept):
    assert _one(text, "CONDITION", concept)


def test_a_count_still_under_the_response_bound_fails_the_treatment_taken_now():
    fact = _one("shes on eltrombopag, count still under 30", "DRUG", "eltrombopag")
    assert fact.status == "failed" and fact.ongoing
    assert _one("eltrombopag, plt still >30", "DRUG", "eltrombopag").status != "failed"


# --- brackets, sequences, asides ---------------------------------------------------------

def test_a_relative_named_in_a_bracket_does_not_own_what_follows():
    facts = {f.concept: f for f in extract(
        "pls help my brother 34yo T-ALL relapse after transplant (from our sister) in 2024, CD7+, now on nelarabine")}
    assert not facts["cd7"].family and facts["cd7"].status == "positive"
    facts = {f.concept: f for f in extract("I have lupus (my mum has RA), on MMF")}
    assert facts["rheumatoid_arthritis"].family and not facts["mycophenolate"].family


@pytest.mark.parametrize("text", ["Tried methotrexate then MMF, still on it",
                                  "Tried methotrexate then MMF which I'm still on"])
def test_still_on_the_last_of_a_sequence_is_that_one_now(text):
    facts = {f.concept: f for f in extract(text)}
    assert facts["mycophenolate"].status == "current" and not facts["mycophenolate"].historical
    assert facts["methotrexate"].historical and facts["methotrexate"].status != "current"


def test_still_on_both_is_both_now():
    facts = {f.concept: f for f in extract("tried MTX then HCQ, still on both")}
    assert all(f.status == "current" and not f.historical for f in facts.values())


@pytest.mark.parametrize("text", ["Tried methotrexate (liver problems) then MMF", "azathioprine (made me sick), now MMF"])
def test_a_harm_in_a_bracket_in_plain_words_is_not_tolerated(text):
    drug = next(f for f in extract(text) if f.label == "DRUG")
    assert drug.status == "intolerant"


@pytest.mark.parametrize("text, days", [
    ("My mother she have lupus from 20 years, the kidney is bad now", 20 * 365.25),
    ("i have ITP from 6 months", 182.62),
])
def test_from_a_number_of_years_is_how_long(text, days):
    assert _one(text, "CONDITION").duration_days == pytest.approx(days, abs=0.5)


def test_from_an_age_is_no_duration():
    assert all(f.duration_days is None for f in extract("from 2 years old she had asthma"))


def test_ongoing_after_a_list_is_now_but_off_now_stays_past():
    assert not _one("treated with ibrutinib (progressed 2023), venetoclax ongoing.", "DRUG", "venetoclax").historical
    assert _one("im off the steroids now", "DRUG", "glucocorticoid").historical


@pytest.mark.parametrize("text", ["no plans for kids", "we have no plans for more children"])
def test_no_plans_for_children_is_no_pregnancy_planned(text):
    fact = _one(text, "PREGNANCY", "planning")
    assert fact.negated and not fact.hypothetical


# --- a relative whose treatment is told ---------------------------------------------------

@pytest.mark.parametrize("text, relation", [
    ("my brother has dermatomyositis and is on IVIG, nothing else has worked", "brother"),
    ("my mum is on donepezil for her alzheimers", "mother"),
    ("my dad tried rituximab for his lymphoma", "father"),
])
def test_a_relative_whose_treatment_is_told_is_the_patient(text, relation):
    from nlp.components.speaker import speaker_of
    found = speaker_of(text)
    assert found.speaker == "relative" and found.relation == relation
    assert not any(f.family for f in extract(text))


@pytest.mark.parametrize("text", ["i have lupus and my sister has it too, shes on benlysta",
                                  "my mum had breast cancer", "I have RA. my mum has lupus and is on plaquenil"])
def test_family_history_stays_family(text):
    assert any(f.family for f in extract(text))


def test_kids_in_a_pregnancy_plan_own_no_age():
    assert not _one("no plans for kids, shes 29 with lupus", "AGE").family
    assert _one("i have lupus, my son is 12", "AGE").family


@pytest.mark.parametrize("text, concept, status", [
    ("rituximab 1g x2 2023 (partial response); belimumab since 01/2024", "rituximab", "failed"),
    ("MMF 3 g daily (GI upset), then aza", "mycophenolate", "intolerant"),
])
def test_a_bracket_after_a_dose_tells_how_it_went(text, concept, status):
    assert _one(text, "DRUG", concept).status == status


def test_a_transient_response_after_a_dose_is_over():
    fact = _one("IVIG 2 g/kg (transient)", "DRUG", "ivig")
    assert fact.historical and fact.status is None


def test_the_kind_of_scleroderma_after_a_comma_only_when_it_ends_there():
    assert _one("systemic sclerosis, diffuse lung involvement", "CONDITION", "systemic_sclerosis")
    assert _none("systemic sclerosis, diffuse lung involvement", "CONDITION", "diffuse_systemic_sclerosis")


# --- a later message about someone else -------------------------------------------------

def _engine(tmp_path):
    from bot.engine import Engine
    from bot.session_store import SessionStore
    from data.store import open_store, upsert_trials
    from data.trials import load_trials
    from matching import pruned
    db = open_store(tmp_path / "c.db")
    upsert_trials(db, load_trials(), "import", validate=False)
    pruned.forget()
    return Engine(SessionStore(db), gazetteer=None, today=date(2026, 12, 4))


def _profile(engine, chat):
    return engine.store.load(chat).profile if hasattr(engine.store, "load") else None


def test_a_relatives_illness_told_later_in_a_patients_chat_is_family_history(tmp_path):
    from bot.render import PLAIN, Renderer
    engine = _engine(tmp_path)
    engine.start("cli:p", role="patient")
    engine.message("cli:p", "I'm 34 and have lupus since 2015, mycophenolate didn't help")
    reply = "\n".join(Renderer(PLAIN).render(engine.message("cli:p", "my sister has RA and is on methotrexate")))
    assert "family history of rheumatoid arthritis" in reply
    assert "taking methotrexate" not in reply


def test_the_relative_a_chat_is_about_keeps_their_facts_and_another_relatives_are_family(tmp_path):
    from bot.render import PLAIN, Renderer
    engine = _engine(tmp_path)
    engine.start("cli:r", role="patient")
    first = "\n".join(Renderer(PLAIN).render(engine.message("cli:r", "my brother has dermatomyositis and is on IVIG")))
    assert "family history" not in first and "dermatomyositis" in first
    later = "\n".join(Renderer(PLAIN).render(engine.message("cli:r", "my wife has lupus too")))
    assert "family history of systemic lupus erythematosus" in later


def test_a_hedge_in_a_bracket_naming_its_own_treatment_stays_there():
    facts = {f.concept: f for f in extract("tried rituximab (maybe CAR-T next?)")}
    assert not facts["rituximab"].uncertain and facts["car_t"].uncertain
    assert _one("azathioprine (not tolerated), MMF", "DRUG", "azathioprine").status == "intolerant"
