"""Lead's twenty-first-session fixes: a UC patient, an ITP patient, a mother of a boy with
systemic JIA, a son writing for his father with RA and a UK haematology letter, read as they
mean it; and no study in healthy people offered as a trial "for this condition"."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from core.facts import Fact, Profile
from data.store import open_store
from matching.candidates import find_candidates
from matching.outside_limits import outside_limits
from nlp.pipeline import extract

CTGOV = Path(__file__).parent / "data" / "ctgov"
TODAY = date(2026, 12, 5)


def _treatments(text):
    return {f.concept: f for f in extract(text) if f.label in ("DRUG", "PROCEDURE")}


# --- a treatment considered, said without "about" -----------------------------------------

@pytest.mark.parametrize("text", [
    "surgeon wants to talk colectomy and im terrified.",
    "the surgeon would like to discuss colectomy",
    "my GI mentioned a colectomy and the surgeon wants to discuss it next month",
])
def test_a_treatment_a_doctor_wants_to_talk_about_is_not_had(text):
    colectomy = _treatments(text)["colectomy"]
    assert colectomy.hypothetical and not colectomy.historical


def test_a_treatment_had_beside_one_to_talk_about_stays_had():
    found = _treatments("i had a colectomy in 2019 and they want to talk about ileostomy reversal")
    assert found["colectomy"].historical and not found["colectomy"].hypothetical


# --- antibodies against a biologic: it stopped working --------------------------------------

@pytest.mark.parametrize("text, drug", [
    ("infliximab worked for 2 yrs then i made antibodies", "infliximab"),
    ("infliximab worked well until she developed antibodies to it", "infliximab"),
    ("adalimumab stopped working when he made antibodies, now on ustekinumab", "adalimumab"),
    ("He developed antibodies to infliximab", "infliximab"),
])
def test_antibodies_made_against_a_biologic_are_its_failure(text, drug):
    assert _treatments(text)[drug].status == "failed"


def test_antibodies_to_a_self_antigen_say_nothing_of_the_treatment_before():
    for text in ("on hydroxychloroquine, then developed antibodies to dsDNA",
                 "on hydroxychloroquine and she developed antibodies to dsDNA"):
        assert _treatments(text)["hydroxychloroquine"].status != "failed"


# --- the illness goes on, said right after "still" ----------------------------------------

@pytest.mark.parametrize("text, drug", [
    ("now on ustekinumab since may and still bleeding 6-8x a day", "ustekinumab"),
    ("on mycophenolate 3g, still progressing", "mycophenolate"),
])
def test_still_ill_on_a_treatment_taken_now_is_failing_now(text, drug):
    fact = _treatments(text)[drug]
    assert fact.status == "failed" and not fact.historical


# --- a response that was lost, and the next treatment's harm ------------------------------

def test_a_treatment_that_worked_but_stopped_failed_and_the_next_ones_harm_is_not_its():
    found = _treatments("anakinra worked for years but stopped, canakinumab gave him a bad reaction, "
                        "tocilizumab now")
    assert found["anakinra"].status == "failed"
    assert found["canakinumab"].status == "intolerant"
    assert found["tocilizumab"].status == "current"


@pytest.mark.parametrize("text", [
    "it worked for years but we stopped it when she got pregnant",
    "MMF worked well but stopped because of pregnancy",
    "MMF worked well but stopped it in 2020",
])
def test_a_course_stopped_for_a_reason_is_no_failure(text):
    found = _treatments(text)
    assert all(f.status != "failed" for f in found.values())


# --- a bare "count" in an ITP message, a few sentences on -----------------------------------

def test_a_bare_count_in_a_message_about_itp_is_the_platelet_count():
    text = ("I have ITP, diagnosed 2017. I'm 41. Steroids worked at first, IVIG just temporary, "
            "eltrombopag didnt do much, romiplostim neither, spleen removed 2021 and it came back a year "
            "later. Fostamatinib now. My count is 12 this week")
    platelets = [f for f in extract(text) if f.concept == "platelets"]
    assert platelets and platelets[0].value == 12


def test_a_bare_count_with_another_count_near_stays_unread():
    text = "ITP since 2019. Neutrophils 0.8 last week. Her count is 20"
    assert not any(f.concept == "platelets" and f.text.lower() == "count" for f in extract(text))


# --- creatinine without a unit, as UK letters write it ------------------------------------

@pytest.mark.parametrize("text, mg_dl", [("Creatinine 84, bilirubin 12, ALT 40.", 0.950), ("Cr 71", 0.803),
                                         ("creatinine 1.1", 1.1), ("Cr 3", 3.0)])
def test_creatinine_without_a_unit_is_read_in_the_unit_that_makes_it_typical(text, mg_dl):
    creatinine = next(f for f in extract(text) if f.concept == "creatinine")
    assert creatinine.value_normalized == pytest.approx(mg_dl, rel=1e-3) and not creatinine.implausible


def test_the_triage_report_shows_the_reading_of_a_creatinine_without_unit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "t.db"))
    letter = tmp_path / "letter.txt"
    letter.write_text("35M, relapsed CD7+ T-ALL after nelarabine. Creatinine 84, bilirubin 12.", encoding="utf-8")
    assert main(["triage", str(letter)]) == 0
    out = " ".join(capsys.readouterr().out.split())       # the report wraps its lines
    assert "serum creatinine (84, read as 0.95 mg/dL)" in out and "unit unclear" not in out


# --- a study in healthy people is no trial "for this condition" ---------------------------

def _ra_profile(age: float) -> Profile:
    return Profile([Fact("CONDITION", "rheumatoid_arthritis", "rheumatoid arthritis", 0, 20),
                    Fact("AGE", "age", str(age), 0, 2, value=age), Fact("SEX", "male", "male", 0, 1)])


def test_a_study_in_healthy_subjects_filed_under_the_disease_is_not_offered_for_other_ages(tmp_path, monkeypatch,
                                                                                            capsys):
    # NCT05380934 (a real registry record): "A Clinical Trial of Safety and Tolerance of
    # TQH3821 Tablets in Adult Healthy Subjects", conditions: Rheumatoid Arthritis, ages 18-55
    path = tmp_path / "t.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    assert main(["import", str(CTGOV / "healthy_subjects_filed_under_ra.json")]) == 0
    capsys.readouterr()
    db = open_store(path)
    found = find_candidates(db, _ra_profile(67), TODAY)
    assert "NCT05380934" not in found.ids                 # outside its ages: pruned
    assert all(row["id"] != "NCT05380934" for row in outside_limits(db, found))


# --- a comorbidity beside the main diagnosis ----------------------------------------------

def test_diabetes_with_no_type_beside_a_main_diagnosis_is_a_comorbidity_and_alone_is_not():
    from data.terminology import load_terminology
    from matching.relevance import background_beside_main

    term = load_terminology()
    assert background_beside_main(["aml", "diabetes_mellitus"], term) == {"diabetes_mellitus"}
    assert background_beside_main(["sle", "type_1_diabetes"], term) == {"type_1_diabetes"}
    assert background_beside_main(["diabetes_mellitus"], term) == set()
    assert background_beside_main(["type_1_diabetes"], term) == set()      # autoimmune, and alone


def test_a_mother_with_cd7_aml_and_diabetes_gets_the_cd7_trial_first_and_no_diabetes_question(tmp_path,
                                                                                              monkeypatch, capsys):
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore

    path = tmp_path / "t.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    # NCT05042505 (a real record): dapagliflozin vs sitagliptin in diabetes after liver transplant
    assert main(["import", str(CTGOV / "diabetes_after_liver_transplant.json")]) == 0
    capsys.readouterr()
    engine = Engine(SessionStore(open_store(path)), gazetteer=None, today=TODAY)
    engine.start("cli:aml", role="patient")
    first = "\n".join(Renderer(PLAIN).render(engine.message(
        "cli:aml", "hello, my mother is 63, she has AML, they said it has CD7 on the cells. she did vidaza and "
                   "venetoclax for 8 months, now its back and the blasts are 30%. she is too weak for transplant "
                   "they say. she has diabetes and her kidneys are a bit weak.")))
    questions = [line for line in first.splitlines() if line.rstrip().endswith("?")]
    assert not any("diabetes" in line.lower() for line in questions), questions
    text = "\n".join(Renderer(PLAIN).render(engine.message("cli:aml", "results")))
    assert text.index("local-cd7-cart-heme") < text.index("NCT05042505")


# --- the disease is back ----------------------------------------------------------------------

def test_a_disease_said_to_be_back_after_treatments_is_a_relapse_and_they_failed():
    facts = extract("she did vidaza and venetoclax for 8 months, now its back and the blasts are 30%.")
    by = {f.concept: f for f in facts}
    assert "relapsed_disease" in by
    assert by["azacitidine"].status == "failed" and by["venetoclax"].status == "failed"
    lymphoma = {f.concept: f for f in extract("had 6 cycles of R-CHOP but the lymphoma is back.")}
    assert {"lymphoma", "relapsed_disease"} <= set(lymphoma) and lymphoma["r_chop"].status == "failed"


@pytest.mark.parametrize("text", ["it's back to normal", "i have back pain on prednisone",
                                  "her count is back up to 60"])
def test_back_to_normal_or_back_pain_is_no_relapse(text):
    assert not any(f.concept == "relapsed_disease" for f in extract(text))


# --- a clinician's reply names the disease, not a kind of it ---------------------------------

@pytest.mark.parametrize("concept, shown", [("dermatomyositis", "dermatomyositis"), ("sle", "SLE"),
                                            ("multiple_sclerosis", "multiple sclerosis"),
                                            ("stroke", "stroke / cerebrovascular disease"),
                                            ("multiple_myeloma", "multiple myeloma")])
def test_a_clinician_reply_names_a_condition_by_its_usual_abbreviation_or_its_label(concept, shown):
    from bot.render import PLAIN, Renderer

    assert Renderer(PLAIN).name(concept, "CONDITION", "clinician") == shown


# --- replies around a question -----------------------------------------------------------

def test_courtesy_words_around_a_reply_do_not_hide_the_choice():
    from bot.texts import load_texts

    texts = load_texts()
    assert texts.match_choice("no idea sorry", ("no", "unsure", "yes")) == "unsure"
    assert texts.match_choice("Yes, thanks!", ("no", "unsure", "yes")) == "yes"
    assert texts.match_choice("sorry not sure tbh", ("no", "unsure", "yes")) == "unsure"
    assert texts.match_choice("sorry", ("no", "unsure", "yes")) is None


def test_a_start_ending_in_a_letter_opens_a_correction_only_as_a_whole_word():
    from bot.texts import load_texts

    texts = load_texts()
    assert not texts.is_correction("no idea sorry")
    assert texts.is_correction("no i meant 45") and texts.is_correction("no, it was azathioprine")
    assert texts.is_correction("actually 45")


def test_a_hedge_typed_to_which_city_is_no_place(db_path):
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore

    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start("cli:city", role="patient")
    engine.message("cli:city", "my wife has lupus, shes 38, kidney involvement, on mmf and hydroxychloroquine. "
                               "rituximab last year didnt help")
    for reply in ("i think so", "we dont know yet"):
        said = "\n".join(Renderer(PLAIN).render(engine.message("cli:city", reply)))
        assert "lives in" not in said
    profile = "\n".join(Renderer(PLAIN).render(engine.message("cli:city", "/profile")))
    assert "think" not in profile.lower() and "lives in" not in profile


# --- a clinician's shorthand for the reason a course stopped --------------------------------

@pytest.mark.parametrize("text, drug", [("canakinumab stopped 2024 for LOR, tocilizumab current.", "canakinumab"),
                                        ("IFX switched due to PNR", "infliximab")])
def test_a_course_stopped_for_loss_of_response_failed(text, drug):
    assert _treatments(text)[drug].status == "failed"


# --- an infection in doubt beside a main diagnosis opens no infection study ------------------

def test_an_indeterminate_screening_test_beside_a_main_diagnosis_is_no_suspected_diagnosis():
    from datetime import date as day

    from matching.evaluate import Evaluator
    from matching.relevance import suspected_diagnoses

    profile = Profile(extract("34M AOSD since 2020, tocilizumab current. Quantiferon indeterminate."))
    assert not suspected_diagnoses(Evaluator(profile, today=day(2026, 12, 5)))
    alone = Profile(extract("they think I might have TB, waiting for the test"))
    assert [f.concept for f in suspected_diagnoses(Evaluator(alone, today=day(2026, 12, 5)))] == ["tuberculosis"]


def test_insulin_alone_still_names_what_the_person_came_about():
    from datetime import date as day

    from matching.evaluate import Evaluator
    from matching.relevance import treated_diagnoses

    profile = Profile(extract("ive been on an insulin pump since i was 8, now im 19 and my sugars are all over the place"))
    assert treated_diagnoses(Evaluator(profile, today=day(2026, 12, 5)))
