"""Round 35 (lead): a father for his son of 16 with relapsed T-ALL, a woman of 52 with diffuse
scleroderma and heart involvement, a rheumatologist's anti-MDA5 dermatomyositis, a man of 34
with Crohn's disease writing in shorthand, a mother in Chinese, a woman with ITP, a husband for
his wife with Still's disease, a son for his father with PTCL, a young woman with UC, a woman
with lupus nephritis planning a pregnancy and a sister for her sister with myositis.

- "hello, my sister has myositis ..." was family history, the writer was asked "who am I
  talking to?" and then "What illness have you been diagnosed with?"; no trial was shown.
- "no fistulas atm" answered "no" to "Has a DMARD failed?"; "no he hasnt had car t before"
  to the ECOG question was "I'll leave that open" and the CAR-T was lost.
- "34 m crohns since 2010" gave no age or sex; "platelets were 8 in october, 15 last week"
  gave 8; "anakinra, tocilizumab, canakinumab - anakinra caused bad injection site reactions"
  made all three not tolerated; "a bit of heart involvement" named nothing.
- "would I qualify for anything?", "anywhere in germany?", "what's the process, do we need a
  referral?", "is car-t even a thing for uc?" had no answer; "we want to try for a baby next
  year, is car-t safe for that?" got the side effects only and the pregnancy plan was lost;
  "can my husband come with me?" ended in "I noted: ."; "/clinician" was an unknown command.
- "is car-t even a thing for uc?" "corrected" "UC since 2026-04" to a UC with no date.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot.cli import main
from bot.faq import load_faq
from bundled_engine import bundled_engine, said, talk, tracker_of
from core.facts import Fact, Profile
from nlp import extract

TODAY = date(2026, 12, 6)


def _facts(text, concept=None, label=None):
    return [f for f in extract(text, today=TODAY)
            if (concept is None or f.concept == concept) and (label is None or f.label == label)]


def _engine(tmp_path):
    return bundled_engine(tmp_path / "t.db", today=TODAY)


# --- a relative's illness said first --------------------------------------------------------

def test_a_sisters_illness_said_first_asks_whether_the_writer_asks_for_her(tmp_path):
    engine = _engine(tmp_path)
    first, second = talk(engine, "c", "hello, my sister has myositis, they think its antisynthetase", "shes 45")
    assert "Are you asking for your sister?" in first
    assert "who am I talking to" not in first
    # "shes 45": she is the one asked about; her illness is the patient's, no family history
    assert "family history" not in second
    profile = tracker_of(engine, "c").profile
    assert any(f.label == "CONDITION" and f.concept == "inflammatory_myopathy" and not f.family
               for f in profile.facts)
    assert profile.first("AGE").value == 45
    assert tracker_of(engine, "c").relation == "sister"


def test_a_plain_no_to_whose_question_keeps_the_family_history(tmp_path):
    engine = _engine(tmp_path)
    talk(engine, "c", "my sister has myositis", "no")
    profile = tracker_of(engine, "c").profile
    assert all(f.family for f in profile.facts if f.label == "CONDITION")


# --- a "no" that denies something else -------------------------------------------------------

def test_no_and_a_thing_the_question_does_not_name_is_no_answer(tmp_path):
    engine = _engine(tmp_path)
    engine.start("c")
    engine.message("c", "34 m crohns since 2010, ustekinumab failed")
    asked = tracker_of(engine, "c").pending
    reply = said(engine.message("c", "no fistulas atm"))
    tracker = tracker_of(engine, "c")
    assert any(f.concept == "fistula" and f.negated for f in tracker.profile.facts)
    if asked and asked.get("form") == "yes_no":
        # the question is not answered "no" by the fistulas' "no"
        assert asked["key"] not in tracker.answered
        assert "no failure" not in reply


def test_no_before_a_fact_to_a_choice_question_keeps_the_fact(tmp_path):
    engine = _engine(tmp_path)
    replies = talk(engine, "c", "hello, writing for my son Jamie, hes 16",
                   "he has T-ALL, relapsed after his transplant last year in feb",
                   "no he hasnt had car t before")
    assert "no CAR-T cell therapy" in replies[-1]
    assert any(f.concept == "car_t" and f.negated for f in tracker_of(engine, "c").profile.facts)


# --- what a message says --------------------------------------------------------------------

@pytest.mark.parametrize("text, age, sex", [
    ("34 m crohns since 2010", 34, "male"),
    ("29 f lupus, mmf failed", 29, "female"),
])
def test_an_opening_age_and_sex_before_the_disease(text, age, sex):
    [found] = _facts(text, label="AGE")
    assert found.value == age
    assert _facts(text, label="SEX")[0].concept == sex


@pytest.mark.parametrize("text", ["24 m on mmf", "12 m ago she relapsed", "18 m post transplant"])
def test_months_are_no_age(text):
    assert not _facts(text, label="AGE")


@pytest.mark.parametrize("text, value", [
    ("platelets were 8 in october, 15 last week", 15),
    ("his creatinine was 2.1 in may and 1.4 last week", 1.4),
    ("plt 15 yesterday, 8 last week", 15),
])
def test_the_value_said_with_a_recent_time_is_the_newest(text, value):
    [lab] = _facts(text, label="LAB")
    assert lab.value == value


def test_an_outcome_after_a_drug_named_again_is_that_drugs():
    text = ("she's had anakinra, tocilizumab, canakinumab - anakinra caused bad injection site "
            "reactions so she stopped after 3 months")
    assert {f.status for f in _facts(text, "anakinra")} == {"intolerant"}
    assert all(f.status is None for f in _facts(text, "tocilizumab") + _facts(text, "canakinumab"))
    # a list with one outcome is still the whole list's
    assert {f.status for f in _facts("IFX, ADA, UST failed", label="DRUG")} == {"failed"}


@pytest.mark.parametrize("text", ["I have diffuse scleroderma. I have a bit of heart involvement too",
                                  "SSc with cardiac involvement on MRI"])
def test_heart_involvement_is_the_diseases_heart_disease(text):
    assert _facts(text, "heart_disease")


@pytest.mark.parametrize("text, negated", [
    ("no fistulas atm", True), ("he had a perianal fistula drained in 2019", False),
    ("History of abdominal fistula", False)])
def test_a_fistula_is_read(text, negated):
    [fistula] = _facts(text, "fistula")
    assert fistula.negated is negated


# --- questions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ids", [
    ("would I qualify for anything?", ["eligible"]),
    ("anywhere in germany?", ["sites"]),
    ("what's the process, do we need a referral?", ["trial_steps", "join"]),
    ("is car-t even a thing for uc?", ["results"]),
    ("we want to try for a baby next year, is car-t safe for that?", ["pregnancy", "risks"]),
])
def test_everyday_questions_are_answered(text, ids):
    assert [a.id for a in load_faq().find_all(text)] == ids


def test_a_pregnancy_plan_in_a_question_is_noted(tmp_path):
    engine = _engine(tmp_path)
    replies = talk(engine, "c", "Hi, I'm 31 and have had SLE for 9 years",
                   "we want to try for a baby next year, is car-t safe for that?")
    assert "planning a pregnancy" in replies[-1]
    assert any(f.label == "PREGNANCY" and f.concept == "planning" for f in tracker_of(engine, "c").profile.facts)


def test_a_question_about_a_companion_notes_nothing(tmp_path):
    engine = _engine(tmp_path)
    reply = talk(engine, "c", "Hi. I'm 52 and have diffuse systemic sclerosis",
                 "can my husband come with me for the whole thing?")[-1]
    assert "I noted: ." not in reply and "I noted:" not in reply


def test_a_role_word_as_a_command(tmp_path):
    engine = _engine(tmp_path)
    engine.start("c")
    assert "Clinician mode" in said(engine.command("c", "clinician"))
    assert tracker_of(engine, "c").role == "clinician"
    assert "I don't know the command" in said(engine.command("c", "foo"))


# --- what the profile keeps ------------------------------------------------------------------

def test_a_disease_named_again_without_time_keeps_its_time():
    old = Fact("CONDITION", "ulcerative_colitis", "UC", date="2026-04-06")
    again = Fact("CONDITION", "ulcerative_colitis", "uc")
    [kept] = Profile.merge([[old], [again]]).facts
    assert kept.date == "2026-04-06"
    # a denial still replaces it
    [denied] = Profile.merge([[old], [Fact("CONDITION", "ulcerative_colitis", "uc", negated=True)]]).facts
    assert denied.negated and denied.date is None


def test_a_question_naming_the_disease_corrects_nothing(tmp_path):
    engine = _engine(tmp_path)
    replies = talk(engine, "c", "hi im 27 with ulcerative colitis, diagnosed 8 months ago",
                   "is car-t even a thing for uc?")
    assert "corrected" not in replies[-1]
    [uc] = [f for f in tracker_of(engine, "c").profile.facts if f.concept == "ulcerative_colitis"]
    assert uc.date is not None


def test_a_general_name_of_a_known_disease_is_not_said_again(tmp_path):
    engine = _engine(tmp_path)
    replies = talk(engine, "c", "hello, writing for my son Jamie, hes 16",
                   "he has T-ALL, relapsed after his transplant last year in feb",
                   "the doctors say the leukaemia is CD7 positive on the latest marrow")
    assert "I noted: CD7 expression positive." in replies[-1]


def test_a_relative_who_gave_the_cells_is_no_family_history():
    text = "he had the bone marrow transplant from his sister in 2025 but it came back in october"
    [relapse] = _facts(text, "relapsed_disease")
    assert not relapse.family
    # a relative's own illness stays hers
    assert _facts("my mum has lupus", "sle")[0].family


@pytest.mark.parametrize("text, negated", [("No cardiac history.", True), ("No significant cardiac history", True),
                                           ("no history of heart disease", True)])
def test_a_cardiac_history_denied_is_no_heart_disease(text, negated):
    [heart] = _facts(text, "heart_disease")
    assert heart.negated is negated


@pytest.mark.parametrize("text, ids", [
    ("is there anything for children?", ["ages"]),
    ("any cell therapy trials?", ["eligible"]),
    ("does she have to stop work?", ["travel"]),     # one wording inside another is no second question
])
def test_more_everyday_questions(text, ids):
    assert [a.id for a in load_faq().find_all(text)] == ids


def test_a_place_said_in_passing_while_a_question_waits(tmp_path):
    engine = _engine(tmp_path)
    reply = talk(engine, "c", "hi i have itp, diagnosed in 2019", "tried prednisolone, ivig and romiplostim, none worked",
                 "im 38 and in hangzhou")[-1]
    assert "age 38" in reply and "Hangzhou" in reply      # a trial site's city (no gazetteer here)
    assert [f.label for f in tracker_of(engine, "c").profile.facts].count("LOCATION") == 1


def test_a_value_with_a_recent_time_after_an_admission_one_is_todays():
    [crp] = _facts("CRP 140 on admission, 22 a few days ago.", "crp")
    assert crp.value == 22 and not crp.historical


def test_a_wish_for_another_baby_is_a_pregnancy_plan():
    [plan] = _facts("we're hoping to try for another baby next year, my wife is 33 with lupus", label="PREGNANCY")
    assert plan.concept == "planning" and plan.hypothetical


def test_an_intolerance_reaches_no_treatment_a_new_item_opens():
    text = ("She's been on hydroxychloroquine since the start, then mycophenolate which she couldn't tolerate "
            "because of the sickness, then they gave her cyclophosphamide infusions (6 of them)")
    assert _facts(text, "mycophenolate")[0].status == "intolerant"
    assert _facts(text, "cyclophosphamide")[0].status is None
    # a list the cue opens keeps it
    assert {f.status for f in _facts("couldn't tolerate methotrexate or leflunomide", label="DRUG")} == {"intolerant"}


@pytest.mark.parametrize("text", ["Perianal fistula with seton 2019, now healed.", "the fistula has healed"])
def test_a_healed_lesion_is_past(text):
    [fistula] = _facts(text, "fistula")
    assert fistula.historical and not fistula.negated


def test_its_come_back_is_a_relapse():
    assert _facts("my little boy is 7 and has t cell leukemia, its come back for the 2nd time", "relapsed_disease")


@pytest.mark.parametrize("text, concept", [("她需要CD19阳性吗？", "cd19"), ("需要乙肝阴性吗？", "hbv")])
def test_a_requirement_asked_in_chinese_is_no_result(text, concept):
    [asked] = _facts(text, concept)
    assert asked.hypothetical
    assert not _facts("她CD19阳性", "cd19")[0].hypothetical


def test_a_requirement_asked_in_chinese_quotes_the_criteria(tmp_path):
    engine = _engine(tmp_path)
    replies = talk(engine, "c", "我女儿26岁，系统性红斑狼疮，狼疮肾炎IV型",
                   "用过环磷酰胺和吗替麦考酚酯，都没效果，现在用贝利尤单抗", "她需要CD19阳性吗？")
    assert "CD19" in replies[-1] and "试验团队" in replies[-1]
    assert not any(f.concept == "cd19" and not f.hypothetical for f in tracker_of(engine, "c").profile.facts)


def test_triage_says_how_the_trials_came_out_before_the_list(capsys, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("The patient is a 15 year old girl with recurrent migraine headache, otherwise well.", encoding="utf-8")
    assert main(["triage", "--db", str(tmp_path / "t.db"), "--today", "2026-12-06", str(note)]) == 0
    out = capsys.readouterr().out
    counts = next(line for line in out.splitlines() if line.startswith("Trials judged:"))
    assert "0 may qualify" in counts and out.index("Trials judged:") < out.index("\n1. ")


@pytest.mark.parametrize("text", ["hes had part of his bowel removed in 2022", "i had part of my bowel taken out last year"])
def test_part_of_the_bowel_removed_is_a_resection(text):
    [surgery] = _facts(text, "bowel_resection")
    assert surgery.historical


def test_nothing_else_to_a_yes_no_question_is_no_answer(tmp_path):
    engine = _engine(tmp_path)
    engine.start("c")
    engine.message("c", "my partner has crohns, hes 29")
    engine.message("c", "humira didnt work, infliximab worked then stopped, now on stelara but still bad")
    asked = tracker_of(engine, "c").pending
    reply = said(engine.message("c", "no other health problems"))
    tracker = tracker_of(engine, "c")
    if asked and asked.get("form") == "yes_no":
        assert asked["key"] not in tracker.answered
        assert reply.startswith("OK.")


@pytest.mark.parametrize("text", ["currently on baricitinib and 5mg pred", "now on tacrolimus and 10 of pred"])
def test_now_on_reaches_past_a_dose_in_the_list(text):
    assert all(f.status == "current" for f in _facts(text, label="DRUG"))


def test_infections_a_drug_caused_are_said_as_past(tmp_path):
    engine = _engine(tmp_path)
    reply = talk(engine, "c", "hi, im his carer, hes 58 with RA",
                 "he's tried methotrexate, leflunomide, etanercept and tocilizumab. the toci caused bad infections")[-1]
    assert "infections in the past" in reply and "mentioned (no result given)" not in reply


@pytest.mark.parametrize("text", ["She was diagnosed with SLE when she was 15 and it's been really hard.",
                                  "diagnosed with lupus at age 20"])
def test_the_age_a_disease_was_diagnosed_at_is_no_past_disease(text):
    [sle] = _facts(text, "sle")
    assert not sle.historical
    assert _facts("ectopic pregnancy at age 26", label="PREGNANCY")[0].historical


def test_a_diagnosis_said_not_made_yet_is_not_asked_about(tmp_path):
    engine = _engine(tmp_path)
    reply = talk(engine, "c", "i think i have lupus but not diagnosed yet")[-1]
    assert "possible systemic lupus erythematosus" in reply
    assert "Have you been diagnosed" not in reply
    tracker = tracker_of(engine, "c")
    assert tracker.pending is None or not tracker.pending["key"].startswith("diagnosis")


def test_members_of_a_class_taken_before_were_taken_before():
    text = "RA 15y, seropositive. bDMARDs x4 (ETN, ADA, TCZ), JAKi x2 (tofa, upa). current: RTX"
    for concept in ("etanercept", "adalimumab", "tocilizumab", "tofacitinib", "upadacitinib"):
        assert _facts(text, concept)[0].historical, concept
    assert _facts(text, "rituximab")[0].status == "current"


@pytest.mark.parametrize("text, concept", [("had covid in may, lupus on benlysta", "sle"),
                                           ("had flu last month, crohns on stelara", "crohns_disease")])
def test_a_disease_treated_now_after_a_past_item_goes_on(text, concept):
    [disease] = _facts(text, concept)
    assert not disease.historical
    assert _facts("had lupus as a teen, on nothing now", "sle")[0].historical


def test_a_list_items_own_time_stops_at_the_comma():
    text = "on mtx, pred in the past"
    assert _facts(text, "methotrexate")[0].status == "current" and not _facts(text, "methotrexate")[0].historical
    assert _facts(text, "prednisone")[0].historical and _facts(text, "prednisone")[0].status is None
    assert all(f.historical for f in _facts("MMF, azathioprine and rituximab in the past", label="DRUG"))
